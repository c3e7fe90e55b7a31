using System.Text.RegularExpressions;
using Lem.Backends.TorchSharp.Loading;
using Lem.Backends.TorchSharp.Quantization;
using Lem.Engine.Inference;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// Hands checkpoint tensors to the modules that own them, by their Hugging Face names, and checks the shapes the
/// config implies. After a model is built, <see cref="ThrowOnUnexpected"/> rejects tensors that no module took.
/// </summary>
internal sealed partial class WeightLoader
{
    private readonly IWeightSource _source;
    private readonly HashSet<string> _names;
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);
    private readonly Func<string, string> _checkpointName;
    private readonly string _where;

    /// <param name="checkpointName">Maps a module's parameter name to the checkpoint's name (GPT-2 checkpoints may lack "transformer.").</param>
    /// <param name="where">The model folder, named in errors.</param>
    public WeightLoader(IWeightSource source, ScalarType dtype, Device device, string where, Func<string, string>? checkpointName = null)
    {
        _source = source;
        _names = new HashSet<string>(source.Names, StringComparer.Ordinal);
        Dtype = dtype;
        Device = device;
        _where = where;
        _checkpointName = checkpointName ?? (n => n);
    }

    public ScalarType Dtype { get; }

    /// <summary>How the linear layers of the decoder are stored (the LM head: <see cref="QuantizationSchemes.ForLmHead"/>).</summary>
    public QuantizationScheme Quantization { get; init; }

    private readonly List<LinearWeight> _quantized = [];

    /// <summary>The quantized weights built so far (their owners), for the model's parameter count and facts.</summary>
    public IReadOnlyList<LinearWeight> QuantizedWeights => _quantized;

    /// <summary>Records <paramref name="weight"/> when it is quantized and returns it.</summary>
    public LinearWeight Quantized(LinearWeight weight)
    {
        if (weight.Scheme != QuantizationScheme.None) _quantized.Add(weight);
        return weight;
    }

    /// <summary>Where the next loaded tensors go; a pipeline model moves it stage by stage while it is built.</summary>
    public Device Device { get; set; }

    public bool Contains(string moduleName) => _names.Contains(_checkpointName(moduleName));

    /// <summary>Loads a tensor that must exist with exactly <paramref name="shape"/>, converted to the model's dtype.</summary>
    public Parameter Load(string moduleName, params long[] shape)
    {
        var name = Take(moduleName, shape);
        var tensor = _source.Load(name, Dtype, Device).DetachFromDisposeScope();
        return new Parameter(tensor, requires_grad: false);
    }

    /// <summary>
    /// Loads part of a tensor whose whole must have <paramref name="shape"/>: the <paramref name="ranges"/> along
    /// dimension <paramref name="dim"/>, concatenated in order (a tensor-parallel rank's share of a projection; several
    /// ranges for GPT-2's fused q/k/v). The whole tensor is read on the CPU and only the part reaches the device.
    /// </summary>
    public Parameter LoadPart(string moduleName, long[] shape, int dim, params (long Offset, long Count)[] ranges)
    {
        if (ranges.Length == 1 && ranges[0] == (0, shape[dim])) return Load(moduleName, shape);
        var name = Take(moduleName, shape);
        using var scope = NewDisposeScope();
        var whole = _source.Load(name, Dtype, CPU);
        var part = cat(ranges.Select(r => whole.narrow(dim, r.Offset, r.Count)).ToArray(), dim).to(Device);
        return new Parameter(part.DetachFromDisposeScope(), requires_grad: false);
    }

    /// <summary>
    /// The parameters of the checkpoint that the model loaded (each tensor whole, once, however it was split or
    /// quantized): what the model's parameter count reports.
    /// </summary>
    public long CheckpointParameters => _elements.Values.Sum();

    private readonly Dictionary<string, long> _elements = new(StringComparer.Ordinal);

    /// <summary>Checks that the tensor exists with <paramref name="shape"/> and marks it taken; returns its checkpoint name.</summary>
    private string Take(string moduleName, long[] shape)
    {
        var name = _checkpointName(moduleName);
        if (!_names.Contains(name))
            throw new InferenceException(
                $"Tensor \"{name}\" is missing from the weights in {_where}; config.json implies shape [{string.Join(", ", shape)}]. " +
                "The weights do not match config.json (wrong or incomplete checkpoint).");
        var info = _source.Info(name);
        if (!info.Shape.SequenceEqual(shape))
            throw new InferenceException(
                $"Tensor \"{name}\" in {info.File} has shape [{string.Join(", ", info.Shape)}], but config.json implies " +
                $"[{string.Join(", ", shape)}]. The weights do not match config.json.");
        _taken.Add(name);
        _elements[name] = shape.Aggregate(1L, (a, b) => a * b);
        return name;
    }

    /// <summary>Marks a tensor as accounted for without loading it (an LM head saved beside tied embeddings).</summary>
    public void Ignore(string moduleName) => _taken.Add(_checkpointName(moduleName));

    /// <summary>Throws when the checkpoint holds tensors that no module took, other than known non-parameter buffers.</summary>
    public void ThrowOnUnexpected()
    {
        var extra = _names.Where(n => !_taken.Contains(n) && !KnownBuffer().IsMatch(n)).OrderBy(n => n, StringComparer.Ordinal).ToList();
        if (extra.Count == 0) return;
        var shown = string.Join(", ", extra.Take(5).Select(n => $"\"{n}\""));
        var more = extra.Count > 5 ? $" and {extra.Count - 5} more" : "";
        throw new InferenceException(
            $"The weights in {_where} hold {extra.Count} unexpected tensor(s) that this model_type does not use: {shown}{more}. " +
            "The weights do not match config.json (check model_type and num_hidden_layers).");
    }

    // Rotary inv_freq (old Llama checkpoints) and GPT-2's causal-mask buffers are not parameters.
    [GeneratedRegex(@"(rotary_emb\.inv_freq|(^|\.)attn\.(bias|masked_bias))$")]
    private static partial Regex KnownBuffer();
}
