namespace Lem.Backends.TorchSharp.Models;

/// <summary>The decoder-only families this backend builds, chosen by config.json "model_type".</summary>
public enum ModelFamily
{
    Llama,
    Mistral,
    Qwen2,
    Qwen3,
    Gpt2,
}
