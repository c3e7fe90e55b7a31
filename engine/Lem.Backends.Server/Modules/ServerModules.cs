using Lem.Backends.Server.Engines;

namespace Lem.Backends.Server.Modules;

/// <summary>The modules this project contributes to the CLI's composition: one per engine.</summary>
public static class ServerModules
{
    /// <param name="syntheticGguf">Writes a synthetic model as a GGUF file for llama-server; default: into lem's GGUF cache.</param>
    public static IReadOnlyList<ServerBackendModule> Create(Func<string>? logFolder = null, Func<string, long, string>? syntheticGguf = null) =>
        ServerEngines.All.Select(engine => new ServerBackendModule(engine, logFolder, syntheticGguf: syntheticGguf)).ToArray();
}
