namespace Lem.Backends.Server.Engines;

/// <summary>How one registry value is written into a server's command line or environment.</summary>
public enum FlagStyle
{
    /// <summary><c>--flag VALUE</c>.</summary>
    Value,

    /// <summary><c>--flag</c> when true, nothing when false (the engine's default is off).</summary>
    Switch,

    /// <summary><c>--flag</c> when true, <see cref="EngineFlag.NegativeFlag"/> when false.</summary>
    Negatable,

    /// <summary><c>--flag</c> when false, nothing when true (<c>--no-mmap</c> for <c>mmap = false</c>).</summary>
    SwitchWhenFalse,

    /// <summary>An environment variable of the server process (<c>VAR=VALUE</c>), for engines configured that way (Ollama).</summary>
    Environment,

    /// <summary>Written together with other values by <see cref="EngineFlag.Derive"/> (one flag from several parameters).</summary>
    Derived,

    /// <summary>
    /// Not on the command line: a field (<see cref="EngineFlag.PreloadField"/>) of the request that loads the model before
    /// the window (<see cref="ServerEngine.PreloadPath"/>; Ollama's <c>options.num_gpu</c>), so it works with server.url too.
    /// </summary>
    Preload,

    /// <summary>
    /// Not on the command line: a field (<see cref="EngineFlag.Flag"/>) of every request lem sends (llama-server's
    /// <c>cache_prompt</c>), so it works with server.url too.
    /// </summary>
    RequestField,
}
