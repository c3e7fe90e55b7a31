namespace Lem.Engine.Config;

/// <summary>The <c>torchsharp.*</c> section (TorchSharp backend only).</summary>
public sealed record TorchSharpConfig(bool CudaGraphs, AttentionKind Attention, string? LibtorchPath);
