using Lem.Engine.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Generation;

/// <summary>
/// Picks the next token of every row on the device, in the order transformers applies its processors: EOS held back
/// until min_new_tokens, repetition penalty, then greedy argmax, or temperature, top-k, top-p, min-p and a draw from
/// a seeded generator. Works on fp32 logits [b, vocab]; returns int64 [b].
/// </summary>
internal sealed class TokenSampler : IDisposable
{
    private readonly GenerationSettings _settings;
    private readonly bool _greedy;
    private readonly Tensor? _eosMask;   // [1, vocab], true at EOS ids
    private readonly Tensor? _seen;      // [b, vocab], true at tokens already in the row (repetition penalty)
    private readonly Tensor? _ones;      // [b, 1] bool, for marking new tokens in _seen
    private readonly Generator? _generator;

    public TokenSampler(GenerationSettings settings, IReadOnlyList<int[]> prompts, int vocabSize, IReadOnlyList<int> eosTokenIds, Device device)
    {
        _settings = settings;
        _greedy = settings.Greedy || settings.Temperature <= 0;
        if (settings.MinNewTokens > 0 && eosTokenIds.Count > 0)
        {
            var mask = new bool[vocabSize];
            foreach (var id in eosTokenIds)
                if (id >= 0 && id < vocabSize) mask[id] = true;
            _eosMask = tensor(mask, [1, vocabSize]).to(device);
        }
        if (settings.RepetitionPenalty != 1.0)
        {
            var seen = new bool[prompts.Count * (long)vocabSize];
            for (var r = 0; r < prompts.Count; r++)
                foreach (var id in prompts[r])
                    seen[r * (long)vocabSize + id] = true;
            _seen = tensor(seen, [prompts.Count, vocabSize]).to(device);
            _ones = ones([prompts.Count, 1], ScalarType.Bool, device);
        }
        if (!_greedy && settings.Seed is { } seed)
        {
            // TorchSharp 0.107 creates CPU generators only (THSGenerator_new ignores the device), and a CPU generator
            // cannot drive sampling on a CUDA tensor. On CUDA the default CUDA generators are seeded instead; sampling
            // is the only consumer of randomness inside a generate call, so runs still reproduce.
            if (device.type == DeviceType.CUDA)
                cuda.manual_seed_all(seed);
            else
                _generator = new Generator(unchecked((ulong)seed), device);
        }
    }

    /// <summary>Whether the choice is a plain greedy argmax (EOS held back below min_new_tokens aside): what <see cref="DeviceGreedy"/> does.</summary>
    public bool PlainGreedy => _greedy && _seen is null;

    /// <param name="step">0 for the first new token.</param>
    public Tensor Next(Tensor logits, int step)
    {
        if (_eosMask is not null && step < _settings.MinNewTokens)
            logits = logits.masked_fill(_eosMask, double.NegativeInfinity);
        if (_seen is not null)
        {
            var p = _settings.RepetitionPenalty;
            var penalized = where(logits.lt(0), logits.mul(p), logits.div(p));
            logits = where(_seen, penalized, logits);
        }

        Tensor next;
        if (_greedy)
        {
            next = logits.argmax(-1);
        }
        else
        {
            logits = logits.div(_settings.Temperature);
            var vocab = logits.shape[1];
            if (_settings.TopK > 0 && _settings.TopK < vocab)
            {
                var (top, _) = logits.topk(_settings.TopK, dim: -1);
                logits = logits.masked_fill(logits.lt(top.narrow(1, _settings.TopK - 1, 1)), double.NegativeInfinity);
            }
            if (_settings.TopP < 1.0)
            {
                var (sorted, order) = logits.sort(-1, descending: true);
                var probs = sorted.softmax(-1);
                // Drop a token when the tokens ranked above it already reach top_p; the first always stays.
                var dropSorted = probs.cumsum(-1).sub_(probs).gt(_settings.TopP);
                var drop = zeros_like(dropSorted).scatter_(1, order, dropSorted);
                logits = logits.masked_fill(drop, double.NegativeInfinity);
            }
            if (_settings.MinP > 0.0)
            {
                var probs = logits.softmax(-1);
                var floor = probs.amax([-1], keepdim: true).mul_(_settings.MinP);
                logits = logits.masked_fill(probs.lt(floor), double.NegativeInfinity);
            }
            next = logits.softmax(-1).multinomial(1, generator: _generator).squeeze(1);
        }

        if (_seen is not null && _ones is not null)
            _seen.scatter_(1, next.unsqueeze(1), _ones);
        return next;
    }

    public void Dispose()
    {
        _eosMask?.Dispose();
        _seen?.Dispose();
        _ones?.Dispose();
        _generator?.Dispose();
    }
}
