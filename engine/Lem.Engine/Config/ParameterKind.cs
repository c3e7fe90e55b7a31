namespace Lem.Engine.Config;

/// <summary>The type of a registry parameter.</summary>
public enum ParameterKind
{
    Integer,
    Decimal,
    Boolean,
    Text,
    /// <summary>One of <see cref="ParameterDefinition.AllowedValues"/>, written as a bare word.</summary>
    Choice,
    Duration,
    /// <summary>A path to a Hugging Face model folder, or <c>synthetic("preset")</c>.</summary>
    Model,
    /// <summary>A prompt source: <c>synthetic(count = .., input_tokens = ..)</c>, <c>file("x.jsonl", ...)</c>, ...</summary>
    Prompts,
    /// <summary>A list of text values (for example a device list).</summary>
    TextList,
}
