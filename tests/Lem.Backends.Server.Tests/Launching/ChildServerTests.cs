using System.Text.Json.Nodes;
using Lem.Backends.Server.Client;
using Lem.Backends.Server.Engines;
using Lem.Backends.Server.Launching;
using Lem.Backends.Server.Modules;
using Lem.Backends.Server.Tests.Loopback;
using Lem.Backends.Server.Tests.Support;
using Lem.Engine.Inference;

namespace Lem.Backends.Server.Tests.Launching;

/// <summary>
/// The launcher with a real child process: the test server executable started as if it were vLLM (the launcher builds
/// its vLLM command line), so start-up, readiness, log capture, version, teardown of the process group, a server that
/// dies mid-request and one that never gets ready are exercised.
/// </summary>
[Collection(LoopbackCollection.Name)]
public sealed class ChildServerTests(TinyModelServers servers) : IDisposable
{
    private readonly string _logs = Directory.CreateTempSubdirectory("lem-server-logs-").FullName;

    private static string TestServerDll => Path.Combine(AppContext.BaseDirectory, "Lem.Backends.Server.TestServer.dll");

    private ModelLoadRequest Request(TimeSpan readyTimeout, params string[] extraArgs) => new(servers.ModelFolder, "fp32", "cpu", new Dictionary<string, object>
    {
        ["server.command"] = new[] { "dotnet", TestServerDll },
        ["server.extra_args"] = extraArgs,
        ["server.ready_timeout"] = readyTimeout,
        ["server.request_timeout"] = TimeSpan.FromSeconds(60),
        ["server.stop_grace"] = TimeSpan.FromSeconds(10),
        ["vllm.max_num_seqs"] = 4L,
    });

    private ServerBackendModule Module => new(Vllm.Engine, logFolder: () => _logs);

    private string LogText() => string.Join("\n", Directory.GetFiles(_logs).Select(f =>
    {
        using var reader = new StreamReader(new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return reader.ReadToEnd();
    }));

    [Fact]
    public async Task A_launched_server_is_ready_serves_records_its_command_and_is_stopped_with_its_group()
    {
        int pid;
        string logFile;
        using (var model = Module.Load(Request(TimeSpan.FromMinutes(2))))
        {
            pid = model.Process!.Pid;
            logFile = (string)model.Facts["vllm_log_file"];
            Assert.True(model.Process.OwnGroup);
            Assert.True(ProcessGroup.LeadsGroup(pid));
            Assert.StartsWith("http://127.0.0.1:", model.BaseUrl.ToString());
            Assert.Equal("lem-test-server/1", model.Facts["vllm_server_version"]);
            var commandLine = (string)model.Facts["vllm_command_line"];
            Assert.Contains("--served-model-name", commandLine);
            Assert.Contains("--max-num-seqs 4", commandLine);

            var completion = await model.GenerateAsync(new InferenceRequest(0, [464, 2068, 7586], null), new GenerationSettings(6, 6), new RecordingObserver(), CancellationToken.None);
            Assert.True(completion.Succeeded, completion.Error);
            Assert.Equal(6, completion.OutputTokens);

            // the server saw the flags lem built, as separate arguments
            using var connection = new ServerConnection(model.BaseUrl, null);
            var version = await connection.GetJsonAsync("/version", CancellationToken.None);
            var arguments = (version!["arguments"] as JsonArray)!.Select(a => (string)a!).ToList();
            Assert.Equal("4", arguments[arguments.IndexOf("--max-num-seqs") + 1]);
            Assert.Equal(servers.ModelFolder, arguments[0]);
        }

        Assert.False(ProcessGroup.Alive(pid));
        var log = LogText();
        Assert.Contains("lem test server listening", log);
        Assert.Contains("[lem] stopped by lem: SIGTERM to process group", log);
        Assert.Contains("lem test server: SIGTERM, stopping", log);
        Assert.Contains("[lem] exited with code 0", log);
        Assert.True(File.Exists(logFile));
    }

    [Fact]
    public async Task A_server_that_dies_mid_request_ends_the_run_with_its_last_log_lines()
    {
        using var model = Module.Load(Request(TimeSpan.FromMinutes(2), "--fault", "kill-process:2"));
        var e = await Assert.ThrowsAsync<InferenceException>(() =>
            model.GenerateAsync(new InferenceRequest(0, [464, 2068], null), new GenerationSettings(8, 8), new RecordingObserver(), CancellationToken.None));

        Assert.Contains("exited with code", e.Message);
        Assert.Contains("lem test server: model loaded", e.Message);
    }

    [Fact]
    public void A_server_that_exits_at_start_fails_the_load_with_what_it_printed()
    {
        var e = Assert.Throws<InferenceException>(() => Module.Load(Request(TimeSpan.FromMinutes(2), "--exit-at-start")));
        Assert.Contains("exited with code 3 before it was ready", e.Message);
        Assert.Contains("exiting at start, as asked", e.Message);
        // the run that failed keeps this log in its folder (no model was loaded to name it)
        Assert.Contains("exiting at start, as asked", File.ReadAllText(Assert.Single(e.LogFiles)));
    }

    [Fact]
    public void A_server_that_never_gets_ready_is_stopped_when_the_wait_ends()
    {
        var e = Assert.Throws<InferenceException>(() => Module.Load(Request(TimeSpan.FromSeconds(5), "--never-ready")));
        Assert.Contains("not ready within 5 s (server.ready_timeout)", e.Message);
        Assert.Contains("[lem] stopped by lem: SIGTERM", LogText());
        Assert.Contains("[lem] stopped by lem: SIGTERM", File.ReadAllText(Assert.Single(e.LogFiles)));
    }

    [Fact]
    public void A_command_that_does_not_exist_says_so()
    {
        var request = Request(TimeSpan.FromSeconds(5)) with
        {
            BackendOptions = new Dictionary<string, object> { ["server.command"] = new[] { "/nonexistent/vllm" } },
        };
        var e = Assert.Throws<InferenceException>(() => Module.Load(request));
        Assert.Contains("/nonexistent/vllm", e.Message);
    }

    public void Dispose() => Directory.Delete(_logs, recursive: true);
}
