using LLama.Native;

namespace Lem.Backends.LlamaCpp;

/// <summary>
/// llama.cpp's log, kept off the console: the last warning and error lines are kept so a failure's message can say
/// what llama.cpp reported (an unknown architecture, a missing tensor), instead of only that loading failed.
/// </summary>
public static class LlamaCppLog
{
    private const int Kept = 20;
    private static readonly Queue<string> Recent = new();
    private static readonly object Gate = new();
    private static LLamaLogLevel _lastLevel = LLamaLogLevel.Info;

    internal static void Receive(LLamaLogLevel level, string message)
    {
        // continuation lines carry on the previous line's level
        if (level == LLamaLogLevel.Continue)
            level = _lastLevel;
        _lastLevel = level;
        if (level is not (LLamaLogLevel.Warning or LLamaLogLevel.Error) || string.IsNullOrWhiteSpace(message))
            return;
        lock (Gate)
        {
            Recent.Enqueue(message.Trim());
            while (Recent.Count > Kept)
                Recent.Dequeue();
        }
    }

    /// <summary>Clears the kept lines (before an operation whose failure should name only its own lines).</summary>
    public static void Mark()
    {
        lock (Gate)
            Recent.Clear();
    }

    /// <summary>The error (else warning) lines since <see cref="Mark"/>, joined, or "no message from llama.cpp".</summary>
    public static string Since()
    {
        lock (Gate)
            return Recent.Count == 0 ? "no message from llama.cpp" : string.Join("; ", Recent.TakeLast(3));
    }
}
