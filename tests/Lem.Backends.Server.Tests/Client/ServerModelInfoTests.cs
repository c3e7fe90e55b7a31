using System.Text.Json.Nodes;
using Lem.Backends.Server.Client;
using Lem.Backends.Server.Modules;
using Lem.Models.Gguf;

namespace Lem.Backends.Server.Tests.Client;

public class ServerModelInfoTests
{
    [Fact]
    public void A_local_gguf_file_is_described_from_its_own_metadata()
    {
        // the GGUF lem writes for synthetic("tiny") when llama-server serves it: before, "unknown" with 0 parameters
        var path = ServerModelResolver.SyntheticGguf("tiny", 0);
        var expected = GgufModelDescription.Of(GgufFile.Open(path));

        var info = ServerModelInfo.Build(path, "fp32", "cpu", modelsAnswer: null);

        Assert.Equal("LlamaForCausalLM", info.Architecture);
        Assert.Equal("llama", info.ModelType);
        Assert.Equal(expected.ParameterCount, info.ParameterCount);
        Assert.True(info.ParameterCount > 0);
        Assert.Equal(expected.TensorBytes, info.WeightBytes);
        Assert.Equal(expected.VocabSize, info.VocabSize);
    }

    [Fact]
    public void A_model_id_the_server_knows_keeps_what_v1_models_says()
    {
        var answer = JsonNode.Parse("""{"data": [{"id": "m", "meta": {"n_params": 1000, "size": 2000, "n_ctx_train": 64, "n_vocab": 32}}]}""");

        var info = ServerModelInfo.Build("m", "fp32", "cpu", answer);

        Assert.Equal(ServerModelInfo.Unknown, info.Architecture);
        Assert.Equal(1000, info.ParameterCount);
        Assert.Equal(32, info.VocabSize);
    }
}
