namespace Lem.Engine.Workload.Prompts;

/// <summary>
/// One prompt of the workload. <see cref="TokenIds"/> are what the model receives; <see cref="Text"/> is for
/// people and records (for synthetic prompts it is the decoding of the ids).
/// </summary>
/// <param name="Index">Position in the prompt set, 0-based; request records refer to it.</param>
/// <param name="IsSynthetic">The token ids are the prompt (generated to an exact length) and <paramref name="Text"/> is only their decoding.</param>
public sealed record Prompt(int Index, string Text, int[] TokenIds, bool IsSynthetic = false)
{
    public int TokenCount => TokenIds.Length;
}
