using System.Globalization;
using System.Text;
using System.Text.Json;
using Lem.Engine.Flops.Analytical;
using Lem.Engine.Flops.ParameterBased;

namespace Lem.Engine.Flops;

/// <summary>
/// What `lem flops` prints: parameter counts and the FLOPs of one uniform batch (every row <see cref="PromptTokens"/>
/// prompt tokens and exactly <see cref="NewTokens"/> new tokens), from config.json alone — no weights are loaded.
/// </summary>
/// <param name="Analytical">Analytical count with the default conventions (executed attention rectangle, last-position prefill logits).</param>
/// <param name="AnalyticalCausalPrefillFlops">Prefill counted over the causal triangle only (decode is the same either way).</param>
/// <param name="ParameterBased">2 × non-embedding parameters × tokens processed.</param>
public sealed record FlopsReport(
    string ConfigPath,
    string ModelType,
    ParameterCounts Parameters,
    int PromptTokens,
    int NewTokens,
    int Batch,
    FlopCount Analytical,
    double AnalyticalCausalPrefillFlops,
    FlopCount ParameterBased)
{
    public long OutputTokens => (long)Batch * NewTokens;
    public double AnalyticalFlopsPerOutputToken => Analytical.TotalFlops / OutputTokens;
    public double ParameterBasedFlopsPerOutputToken => ParameterBased.TotalFlops / OutputTokens;

    /// <summary>
    /// <paramref name="configJsonPath"/>: a config.json or the model folder holding it. Throws
    /// <see cref="FlopsInputException"/> with a one-line message for a missing or unsupported config or a bad count.
    /// </summary>
    public static FlopsReport Compute(string configJsonPath, int promptTokens, int newTokens, int batch)
    {
        if (promptTokens < 1) throw new FlopsInputException($"prompt tokens is {promptTokens}; give at least 1.");
        if (newTokens < 1) throw new FlopsInputException($"new tokens is {newTokens}; give at least 1.");
        if (batch < 1) throw new FlopsInputException($"batch is {batch}; give at least 1.");
        var config = ArchitectureConfig.Load(configJsonPath);
        var parameters = ParameterCounts.FromConfig(config);
        var shape = BatchShape.Uniform(batch, promptTokens, newTokens);
        return new FlopsReport(
            configJsonPath, config.ModelType, parameters, promptTokens, newTokens, batch,
            AnalyticalFlops.ForBatch(config, shape),
            AnalyticalFlops.PrefillFlops(config, batch, promptTokens, AnalyticalConventions.Causal),
            ParameterBasedFlops.ForBatch(parameters.NonEmbedding, shape));
    }

    public string ToText()
    {
        var s = new StringBuilder();
        s.AppendLine($"model        {ModelType} ({ConfigPath})");
        s.AppendLine($"workload     batch {Batch} × {PromptTokens} prompt tokens → {NewTokens} new tokens per row ({OutputTokens} output tokens)");
        s.AppendLine("parameters");
        s.AppendLine($"  total                  {Count(Parameters.Total)}");
        s.AppendLine($"  non-embedding          {Count(Parameters.NonEmbedding)}");
        s.AppendLine($"  token embedding        {Count(Parameters.TokenEmbedding)}");
        if (Parameters.PositionEmbedding > 0)
            s.AppendLine($"  position embedding     {Count(Parameters.PositionEmbedding)}");
        s.AppendLine($"  LM head                {(Parameters.UntiedLmHead > 0 ? Count(Parameters.UntiedLmHead) : "tied to the token embedding")}");
        s.AppendLine("analytical FLOPs (matmuls only; full attention rectangle as executed; prefill logits for the last position)");
        s.AppendLine($"  prefill                {Flops(Analytical.PrefillFlops)}   (causal triangle only: {Flops(AnalyticalCausalPrefillFlops)})");
        s.AppendLine($"  decode                 {Flops(Analytical.DecodeFlops)}");
        s.AppendLine($"  total                  {Flops(Analytical.TotalFlops)}");
        s.AppendLine($"  per output token       {Flops(AnalyticalFlopsPerOutputToken)}");
        s.AppendLine("parameter-based FLOPs (2 × non-embedding parameters × tokens processed)");
        s.AppendLine($"  prefill                {Flops(ParameterBased.PrefillFlops)}");
        s.AppendLine($"  decode                 {Flops(ParameterBased.DecodeFlops)}");
        s.AppendLine($"  total                  {Flops(ParameterBased.TotalFlops)}");
        s.AppendLine($"  per output token       {Flops(ParameterBasedFlopsPerOutputToken)}");
        return s.ToString();
    }

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("config_path", ConfigPath);
            w.WriteString("model_type", ModelType);
            w.WriteStartObject("workload");
            w.WriteNumber("batch", Batch);
            w.WriteNumber("prompt_tokens", PromptTokens);
            w.WriteNumber("new_tokens", NewTokens);
            w.WriteNumber("output_tokens", OutputTokens);
            w.WriteEndObject();
            w.WriteStartObject("parameters");
            w.WriteNumber("total", Parameters.Total);
            w.WriteNumber("non_embedding", Parameters.NonEmbedding);
            w.WriteNumber("token_embedding", Parameters.TokenEmbedding);
            w.WriteNumber("position_embedding", Parameters.PositionEmbedding);
            w.WriteNumber("untied_lm_head", Parameters.UntiedLmHead);
            w.WriteEndObject();
            w.WriteStartObject("analytical");
            w.WriteString("counts", "matmul FLOPs only (2 per multiply-add)");
            w.WriteString("attention", "executed");
            w.WriteString("prefill_logits", "last_position");
            w.WriteNumber("prefill_flops", Analytical.PrefillFlops);
            w.WriteNumber("prefill_flops_causal", AnalyticalCausalPrefillFlops);
            w.WriteNumber("decode_flops", Analytical.DecodeFlops);
            w.WriteNumber("total_flops", Analytical.TotalFlops);
            w.WriteNumber("flops_per_output_token", AnalyticalFlopsPerOutputToken);
            w.WriteEndObject();
            w.WriteStartObject("parameter_based");
            w.WriteString("parameters_used", "non_embedding");
            w.WriteNumber("prefill_flops", ParameterBased.PrefillFlops);
            w.WriteNumber("decode_flops", ParameterBased.DecodeFlops);
            w.WriteNumber("total_flops", ParameterBased.TotalFlops);
            w.WriteNumber("flops_per_output_token", ParameterBasedFlopsPerOutputToken);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>"1.234 TFLOP (1,234,000,000,000)": an SI-prefixed figure, then the whole number.</summary>
    private static string Flops(double flops)
    {
        (double scale, string prefix) = Math.Abs(flops) switch
        {
            >= 1e15 => (1e15, "P"),
            >= 1e12 => (1e12, "T"),
            >= 1e9 => (1e9, "G"),
            >= 1e6 => (1e6, "M"),
            >= 1e3 => (1e3, "k"),
            _ => (1.0, ""),
        };
        var scaled = (flops / scale).ToString("0.000", CultureInfo.InvariantCulture);
        var whole = Math.Round(flops).ToString("N0", CultureInfo.InvariantCulture);
        return $"{scaled} {prefix}FLOP ({whole})";
    }
}
