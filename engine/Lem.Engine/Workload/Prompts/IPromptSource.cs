using Lem.Engine.Inference;

namespace Lem.Engine.Workload.Prompts;

/// <summary>Produces the prompt set of an experiment, tokenized by the model's own tokenizer.</summary>
public interface IPromptSource
{
    /// <summary>What the source is, for records and messages (for example <c>synthetic(count = 64, input_tokens = 256, seed = 0)</c>).</summary>
    string Description { get; }

    /// <summary>Loads and tokenizes the prompts. Throws <see cref="WorkloadException"/> with the location and remedy on bad input.</summary>
    PromptSet Load(ITextTokenizer tokenizer);
}
