namespace Lem.Engine.Workload.Prompts;

/// <summary>
/// How a prompt file is read. <see cref="Jsonl"/>, <see cref="Json"/> and <see cref="Csv"/> take the prompt from one
/// column; <see cref="Alpaca"/>, <see cref="Gsm8k"/> and <see cref="ShareGpt"/> know their dataset's fields (records in
/// JSON lines, a JSON array or, for Alpaca and GSM8K, CSV); <see cref="Text"/> takes every non-blank line.
/// </summary>
public enum PromptFileFormat
{
    Jsonl,
    Json,
    Csv,
    Text,
    Alpaca,
    Gsm8k,
    ShareGpt,
}
