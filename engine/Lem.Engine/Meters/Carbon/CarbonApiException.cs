namespace Lem.Engine.Meters.Carbon;

/// <summary>The live carbon API failed. The message never contains the API token.</summary>
public sealed class CarbonApiException(string message) : Exception(message);
