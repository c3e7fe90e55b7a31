using System.Text.Json.Nodes;
using Lem.Backends.Server.Engines;

namespace Lem.Backends.Server.Client;

/// <summary>A backend option's value as a JSON field of a request lem sends: booleans and numbers as such, the rest as the engine's text.</summary>
public static class OptionJson
{
    public static JsonNode Of(object value) => value switch
    {
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        _ => JsonValue.Create(EngineFlag.Text(value)),
    };
}
