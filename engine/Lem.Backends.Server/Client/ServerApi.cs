namespace Lem.Backends.Server.Client;

/// <summary>The endpoint requests go to (<c>server.api</c>).</summary>
public enum ServerApi
{
    /// <summary><c>/v1/completions</c>: the prompt as token ids where the engine takes them.</summary>
    Completions,

    /// <summary><c>/v1/chat/completions</c>: the prompt as text, in one user message (the server applies its chat template).</summary>
    Chat,
}
