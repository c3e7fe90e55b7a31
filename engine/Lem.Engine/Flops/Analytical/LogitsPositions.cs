namespace Lem.Engine.Flops.Analytical;

/// <summary>For which prompt positions the prefill pass computes the LM head (vocabulary logits).</summary>
public enum LogitsPositions
{
    /// <summary>Only the last prompt position: the next-token logits a generation engine needs (the default).</summary>
    LastPosition,
    /// <summary>Every prompt position, as a plain forward pass (Hugging Face transformers before logits_to_keep) does.</summary>
    AllPositions,
}
