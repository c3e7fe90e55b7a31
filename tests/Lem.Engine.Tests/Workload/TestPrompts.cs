using Lem.Engine.Workload.Prompts;

namespace Lem.Engine.Tests.Workload;

internal static class TestPrompts
{
    /// <summary>Prompts with the given token counts (ids 1..n), indexed in order.</summary>
    public static Prompt[] WithLengths(params int[] lengths) =>
        lengths.Select((n, i) => new Prompt(i, $"prompt {i}", Enumerable.Range(1, n).ToArray())).ToArray();
}
