using Lem.Backends.Server.Metrics;

namespace Lem.Backends.Server.Tests.Metrics;

public class PrometheusTextTests
{
    private const string Exposition = """
        # HELP vllm:num_requests_running Number of requests in model execution batches.
        # TYPE vllm:num_requests_running gauge
        vllm:num_requests_running{engine="0",model_name="m"} 3.0
        vllm:num_requests_running{engine="1",model_name="m"} 2.0
        vllm:kv_cache_usage_perc{model_name="a \"quoted\" name, with comma"} 0.5 1700000000000
        llamacpp:requests_processing 1
        nan_metric NaN
        inf_metric{le="+Inf"} +Inf
        this line is not a sample
        """;

    [Fact]
    public void Samples_are_read_with_their_labels_and_values()
    {
        var (samples, unreadable) = PrometheusText.Parse(Exposition);

        Assert.Equal(1, unreadable);
        var kv = Assert.Single(samples, s => s.Name == "vllm:kv_cache_usage_perc");
        Assert.Equal("a \"quoted\" name, with comma", kv.Labels["model_name"]);
        Assert.Equal(0.5, kv.Value);
        Assert.Equal(1, samples.Single(s => s.Name == "llamacpp:requests_processing").Value);
        Assert.True(double.IsNaN(samples.Single(s => s.Name == "nan_metric").Value));
        Assert.Equal(double.PositiveInfinity, samples.Single(s => s.Name == "inf_metric").Value);
        Assert.Equal("+Inf", samples.Single(s => s.Name == "inf_metric").Labels["le"]);
    }

    [Fact]
    public void A_sum_adds_every_label_set_of_the_first_name_present()
    {
        var (samples, _) = PrometheusText.Parse(Exposition);

        Assert.Equal(5.0, PrometheusText.Sum(samples, ["vllm:renamed_in_a_later_version", "vllm:num_requests_running"]));
        Assert.Null(PrometheusText.Sum(samples, ["absent"]));
    }

    [Fact]
    public void A_mean_averages_the_label_sets_of_the_first_name_present()
    {
        var (samples, _) = PrometheusText.Parse(Exposition);

        Assert.Equal(2.5, PrometheusText.Mean(samples, ["vllm:num_requests_running"]));
        Assert.Null(PrometheusText.Mean(samples, ["absent"]));
    }
}
