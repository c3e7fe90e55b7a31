namespace Lem.Engine.Config;

/// <summary>Values of <c>torchsharp.attention</c>.</summary>
public enum AttentionKind { Sdpa, Eager }
