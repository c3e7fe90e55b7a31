using Lem.Backends.Server.Modules;
using Lem.Engine.Inference;

namespace Lem.Backends.Server.Launching;

/// <summary>The API key, read only from the environment variable that <c>server.api_key_env</c> names.</summary>
public static class ApiKey
{
    /// <summary>The key, or null where no variable is named. Throws when the named variable is unset or empty.</summary>
    public static string? Read(ModelLoadRequest request, Func<string, string?> environment)
    {
        var name = request.Option<string?>(ServerParameters.ApiKeyEnv, null);
        if (name is null) return null;
        var key = environment(name);
        if (string.IsNullOrEmpty(key))
            throw new InferenceException($"{ServerParameters.ApiKeyEnv} names the environment variable {name}, which is not set: export {name} with the key, or remove {ServerParameters.ApiKeyEnv}.");
        return key;
    }
}
