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

    /// <summary>The one delegate handed to native code, held here for the life of the process so it is never collected while llama.cpp calls it.</summary>
    internal static readonly NativeLogConfig.LLamaLogCallback Callback = Receive;

    /// <summary>Also write every line to stderr (diagnosing a native failure).</summary>
    public static bool Echo { get; set; }

    internal static void Receive(LLamaLogLevel level, string message)
    {
        if (Echo)
            Console.Error.Write(message);
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
