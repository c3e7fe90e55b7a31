using TorchSharp;

namespace Lem.Backends.TorchSharp.Tests.Runtime;

public class TorchSmokeTests
{
    [Fact]
    public void A_cpu_op_runs()
    {
        using var sum = torch.ones(2, 2).sum();
        Assert.Equal(4f, sum.item<float>());
    }
}
