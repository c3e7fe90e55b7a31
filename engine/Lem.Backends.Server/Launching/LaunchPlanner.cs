using System.Globalization;
using Lem.Backends.Server.Engines;
using Lem.Backends.Server.Modules;
using Lem.Engine.Inference;

namespace Lem.Backends.Server.Launching;

/// <summary>Builds the command line and environment of a server from a load request and the engine's flag table.</summary>
public static class LaunchPlanner
{
    public const string Host = "127.0.0.1";

    public static LaunchPlan Plan(ServerEngine engine, ModelLoadRequest request, int port, Func<string, string?> environment)
    {
        if (engine.DefaultCommand is null)
            throw new InferenceException($"backend = {engine.Name} reaches a server lem does not start: set {ServerParameters.Url} to its address (http://host:port).");
        var command = request.Option<string[]?>(ServerParameters.Command, null) ?? engine.DefaultCommand.ToArray();
        if (command.Length == 0 || command[0].Length == 0)
            throw new InferenceException($"{ServerParameters.Command} is empty: give the program and its arguments, for example [\"{string.Join("\", \"", engine.DefaultCommand)}\"], or remove it.");

        var served = ServedModel(request);
        var arguments = new List<string>(command);
        arguments.AddRange(engine.Model.Arguments(request.Model));
        if (engine.ServedNameFlag is not null) arguments.AddRange([engine.ServedNameFlag, served]);
        arguments.AddRange(engine.Listen.Arguments(Host, port));
        if (PassedDtype(engine, request) is { } dtype) arguments.AddRange([engine.DtypeFlag!, dtype]);
        if (request.Option(ServerParameters.Metrics, true)) arguments.AddRange(engine.MetricsLaunchFlags);

        var values = EngineValues(engine, request);
        var env = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in engine.Listen.Environment(Host, port)) env[pair.Key] = pair.Value;
        if (CudaVisibleDevices(engine, request, values) is { } visible) env["CUDA_VISIBLE_DEVICES"] = visible;
        foreach (var flag in engine.Flags)
        {
            if (flag.Style == FlagStyle.Derived)
            {
                arguments.AddRange(flag.Derive!(values));
                continue;
            }
            // preload fields go with the load request, request fields with every request
            if (flag.Style is FlagStyle.Preload or FlagStyle.RequestField || !values.TryGetValue(flag.Name, out var value)) continue;
            if (flag.Style == FlagStyle.Environment) env[flag.Flag] = EngineFlag.Text(value);
            else arguments.AddRange(flag.Arguments(value));
        }
        arguments.AddRange(request.Option(ServerParameters.ExtraArgs, Array.Empty<string>()));

        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        if (engine.ApiKeyEnvironment is not null && ApiKey.Read(request, environment) is { } key) secrets[engine.ApiKeyEnvironment] = key;
        return new LaunchPlan(arguments, env, secrets, Host, port, served);
    }

    /// <summary>The name requests carry: the model as resolved (a path or an id), which lem also passes as the served name.</summary>
    public static string ServedModel(ModelLoadRequest request) => request.Model;

    /// <summary>The engine's own set parameters, by dotted name.</summary>
    public static IReadOnlyDictionary<string, object> EngineValues(ServerEngine engine, ModelLoadRequest request)
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        if (request.BackendOptions is null) return values;
        foreach (var flag in engine.Flags)
            if (request.BackendOptions.TryGetValue(flag.Name, out var value))
                values[flag.Name] = value;
        return values;
    }

    /// <summary>The dtype lem passes: only where the engine takes one and precision was set (unset: the engine's own auto choice).</summary>
    public static string? PassedDtype(ServerEngine engine, ModelLoadRequest request) =>
        engine.DtypeFlag is not null && !request.PrecisionIsDefault ? DtypeName(request.Precision) : null;

    public static string? DtypeName(string precision) => precision switch
    {
        "bf16" => "bfloat16",
        "fp16" => "float16",
        "fp32" => "float32",
        _ => null,
    };

    /// <summary>
    /// The GPUs the server may see: <c>device = cuda:N</c> with k GPUs (tensor × pipeline parallel) gives N..N+k-1,
    /// <c>device = cpu</c> hides every GPU. Empty device: the server sees what lem sees.
    /// </summary>
    public static string? CudaVisibleDevices(ServerEngine engine, ModelLoadRequest request, IReadOnlyDictionary<string, object> values)
    {
        if (request.Device == "cpu") return "";
        if (!request.Device.StartsWith("cuda:", StringComparison.Ordinal) || !int.TryParse(request.Device["cuda:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var first))
            return null;
        var count = GpuCount(engine, values);
        return string.Join(",", Enumerable.Range(first, count).Select(i => i.ToString(CultureInfo.InvariantCulture)));
    }

    public static int GpuCount(ServerEngine engine, IReadOnlyDictionary<string, object> values) =>
        (int)engine.GpuCountParameters.Aggregate(1L, (product, name) => product * (values.TryGetValue(name, out var v) && v is long n ? n : 1L));
}
