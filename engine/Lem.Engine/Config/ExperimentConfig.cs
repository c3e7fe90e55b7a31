using Lem.Engine.Inference;

namespace Lem.Engine.Config;

/// <summary>
/// One experiment's frozen, validated configuration with typed values. Build it with <see cref="From"/>;
/// <see cref="Resolved"/> keeps every value with its provenance (results store it as "config with provenance").
/// </summary>
public sealed record ExperimentConfig
{
    public required ModelSpec Model { get; init; }
    public required string Backend { get; init; }
    public required DeviceSpec Device { get; init; }
    public required Precision Precision { get; init; }

    /// <summary>The core <c>quantization</c> value (<c>none</c>, or what the backend supports).</summary>
    public required string Quantization { get; init; }
    public required int MaxNewTokens { get; init; }
    public required int MinNewTokens { get; init; }
    public required PromptSpec Prompts { get; init; }
    public required BatchingConfig Batching { get; init; }
    public required DecoderConfig Decoder { get; init; }
    public required TrafficConfig Traffic { get; init; }
    public required GoodputConfig Goodput { get; init; }
    public required WarmupConfig Warmup { get; init; }
    public required BaselineConfig Baseline { get; init; }
    public required MeasurementConfig Measurement { get; init; }
    public required CarbonConfig Carbon { get; init; }
    public required EstimatesConfig Estimates { get; init; }
    public required ParallelConfig Parallel { get; init; }
    public required int Cycles { get; init; }
    public required string ResultsDir { get; init; }

    /// <summary>Every parameter with a value, in registry order: set values, preset-derived decoder values and defaults, each with its provenance.</summary>
    public required IReadOnlyDictionary<string, ResolvedValue> Resolved { get; init; }

    /// <summary>Warnings and notes found by validation (errors prevent construction).</summary>
    public required IReadOnlyList<Diagnostic> Notes { get; init; }

    /// <summary>
    /// Resolved parameters that belong to this experiment's backend only (its section, and shared sections such as
    /// <c>server.*</c>), by dotted name: bool, long, double, string, TimeSpan or string[] values.
    /// </summary>
    public required IReadOnlyDictionary<string, object> BackendOptions { get; init; }

    /// <summary>Validates the values the user set and builds the typed configuration. Throws <see cref="ConfigException"/> listing every error.</summary>
    /// <param name="values">The values the user set, by dotted name, with provenance; defaults and the decoder preset fill the rest.</param>
    public static ExperimentConfig From(IReadOnlyDictionary<string, ResolvedValue> values, ParameterRegistry registry)
    {
        var diagnostics = registry.Validate(values);
        if (diagnostics.Any(d => d.Severity == Severity.Error)) throw new ConfigException(diagnostics);
        return Build(registry.Resolve(values), diagnostics, registry);
    }

    private static ExperimentConfig Build(IReadOnlyDictionary<string, ResolvedValue> resolved, IReadOnlyList<Diagnostic> notes, ParameterRegistry registry)
    {
        var read = new ConfigReader(resolved);
        var backend = read.Text("backend");
        return new ExperimentConfig
        {
            Model = ModelSpec.From(read.Value("model")),
            Backend = backend,
            Device = DeviceSpec.Parse(read.Text("device")),
            Precision = read.Word<Precision>("precision"),
            Quantization = read.Text(CoreParameters.Quantization),
            MaxNewTokens = read.Int32("max_new_tokens"),
            MinNewTokens = read.Int32("min_new_tokens"),
            Prompts = PromptSpec.From((ConfigValue.Call)read.Value("prompts")),
            Batching = new BatchingConfig(
                read.Word<BatchingStrategy>("batching.strategy"),
                read.Int32("batching.batch_size"),
                read.Int32("batching.max_tokens_per_batch")),
            Decoder = new DecoderConfig(
                read.Text("decoder.preset"),
                read.Decimal("decoder.temperature"),
                read.Decimal("decoder.top_p"),
                read.Int32("decoder.top_k"),
                read.Decimal("decoder.min_p"),
                read.Decimal("decoder.repetition_penalty"),
                read.Integer("decoder.seed")),
            Traffic = new TrafficConfig(
                read.Word<TrafficMode>("traffic.mode"),
                read.Decimal("traffic.qps"),
                read.Decimal("traffic.burstiness"),
                read.Duration("traffic.max_wait"),
                read.Integer("traffic.seed"),
                read.Optional("traffic.max_concurrency") is ConfigValue.Integer cap ? checked((int)cap.Value) : null,
                read.Int32("traffic.concurrency")),
            Goodput = new GoodputConfig(read.OptionalDecimal("goodput.ttft_ms"), read.OptionalDecimal("goodput.tpot_ms")),
            Warmup = new WarmupConfig(
                read.Word<WarmupMode>("warmup.mode"),
                read.Int32("warmup.count"),
                read.Int32("warmup.window"),
                read.Decimal("warmup.cv_threshold")),
            Baseline = new BaselineConfig(read.Duration("baseline.duration"), read.Duration("baseline.ttl")),
            Measurement = new MeasurementConfig(read.Duration("measurement.sample_interval"), read.Boolean("measurement.time_series"),
                read.Optional("measurement.gpus") is null ? null : read.TextList("measurement.gpus").Select(DeviceSpec.Parse).ToList()),
            Carbon = new CarbonConfig(
                read.OptionalDecimal("carbon.intensity_g_per_kwh"),
                read.OptionalText("carbon.region")?.ToUpperInvariant(),
                read.Decimal("carbon.pue")),
            Estimates = new EstimatesConfig(read.OptionalDecimal("cpu.tdp_w"), read.Decimal("ram.w_per_gb")),
            Parallel = new ParallelConfig(
                read.Word<ParallelMode>("parallel.mode"),
                read.TextList("parallel.devices").Select(DeviceSpec.Parse).ToList()),
            Cycles = read.Int32("cycles"),
            ResultsDir = read.Text("results.dir"),
            Resolved = resolved,
            Notes = notes,
            BackendOptions = BackendOptionsOf(resolved, registry, backend),
        };
    }

    /// <summary>The settings of each generate call: the decoder section with the output length.</summary>
    public GenerationSettings GenerationSettings => Decoder.ToGenerationSettings(MaxNewTokens, MinNewTokens);

    /// <summary>The devices the experiment runs on: <c>parallel.devices</c> when parallel, else <c>device</c>.</summary>
    public IReadOnlyList<DeviceSpec> DevicesUsed => Parallel.Mode == ParallelMode.None ? [Device] : Parallel.Devices;

    /// <summary><c>fp32</c>, <c>fp16</c> or <c>bf16</c>, as backends take it.</summary>
    public string PrecisionText => ConfigWords.Of(Precision);

    private static Dictionary<string, object> BackendOptionsOf(IReadOnlyDictionary<string, ResolvedValue> resolved, ParameterRegistry registry, string backend)
    {
        var options = new Dictionary<string, object>();
        foreach (var (name, value) in resolved)
        {
            if (!registry.TryGet(name, out var definition) || definition.BackendsOrAll.Count == 0 || !definition.AppliesTo(backend)) continue;
            options[name] = value.Value.ToOption();
        }
        return options;
    }

    /// <summary>The load request for this experiment once its module has resolved the model (a folder, a file, a server model id).</summary>
    public ModelLoadRequest ToModelLoadRequest(string model) => new(model, PrecisionText, Device.ToString(), BackendOptions)
    {
        Quantization = Quantization,
        PrecisionIsDefault = Resolved.TryGetValue("precision", out var precision) && precision.From is Provenance.Default,
    };
}
