using Lem.Backends.TorchSharp.Backend;
using Lem.Backends.TorchSharp.Safetensors;
using Lem.Engine.Inference;
using Lem.Models.Tokenization;

namespace Lem.Backends.Server.TestServer;

/// <summary>lem's own TorchSharp backend on a model folder (a synthetic tiny model in the tests), one generation at a time, on the CPU.</summary>
public sealed class TorchSharpTokenGenerator : ITokenGenerator, IDisposable
{
    private readonly IBatchModel _model;
    private readonly object _gate = new();

    public TorchSharpTokenGenerator(string folder)
    {
        var backend = new TorchSharpBackend(f => SafetensorsWeightSource.Open(f), f => TokenizerLoader.Load(f));
        _model = backend.Load(new ModelLoadRequest(folder, "fp32", "cpu"));
    }

    public int? EosTokenId => _model.Info.EosTokenId;

    public void Generate(int[] prompt, int maxTokens, int minTokens, Action<int> onToken)
    {
        lock (_gate) _model.Generate([prompt], new GenerationSettings(maxTokens, minTokens), new Forward(onToken));
    }

    public int[] Encode(string text) => _model.Tokenizer.Encode(text);

    public string Decode(IReadOnlyList<int> ids) => _model.Tokenizer.Decode(ids);

    public void Dispose() => _model.Dispose();

    private sealed class Forward(Action<int> onToken) : ITokenObserver
    {
        public void OnTokens(int step, ReadOnlySpan<int> tokenIds, long timestampTicks)
        {
            if (tokenIds[0] >= 0) onToken(tokenIds[0]);
        }
    }
}
