using System.Globalization;
using System.Text;
using Lem.Backends.Server.Engines;
using Lem.Backends.Server.Modules;
using Lem.Engine.Config;

namespace Lem.Backends.Server.Docs;

/// <summary>
/// docs/backends-server.md, written from the engine tables (the same rows build the command lines), so the
/// parameter → flag table cannot drift from what lem runs. A test compares the file with this text.
/// </summary>
public static class BackendsDoc
{
    public const string RelativePath = "docs/backends-server.md";

    public static string Write()
    {
        var md = new StringBuilder();
        md.AppendLine("# Server backends");
        md.AppendLine();
        md.AppendLine("<!-- Generated from engine/Lem.Backends.Server/Engines by BackendsDoc.Write(); a test keeps it equal. Rewrite: LEM_UPDATE_GOLDEN=1 dotnet test tests/Lem.Backends.Server.Tests --filter BackendsDoc -->");
        md.AppendLine();
        md.AppendLine("Inference servers that speak the OpenAI API run in the *request* execution shape: lem dispatches requests (open loop at");
        md.AppendLine("`traffic.qps`, or at a concurrency) and the server batches them itself. One project, `Lem.Backends.Server`, serves these");
        md.AppendLine("values of `backend`: " + string.Join(", ", ServerEngines.All.Select(e => $"`{e.Name}`")) + ".");
        md.AppendLine();
        md.AppendLine("## How lem drives a server");
        md.AppendLine();
        md.AppendLine("- **Start.** Unless `server.url` is set, lem starts the server from `server.command` (an argument list, never a shell");
        md.AppendLine("  string; no value reaches a shell) on 127.0.0.1 and a free port, with the engine flags below built from the registry values,");
        md.AppendLine("  then `server.extra_args` verbatim. The server runs in its own session and process group (through `setsid`), so its");
        md.AppendLine("  workers are stopped with it: SIGTERM to the group, SIGKILL after `server.stop_grace` — when the model is released, when");
        md.AppendLine("  loading fails, when `lem run` is stopped by Ctrl-C or SIGTERM (by the runner's teardown, once the run in progress is");
        md.AppendLine("  marked interrupted), and when lem exits. `device = cuda:N` sets `CUDA_VISIBLE_DEVICES` to N and the");
        md.AppendLine("  next GPUs that tensor/pipeline parallelism needs; `device = cpu` hides every GPU, so for the engines that need one");
        md.AppendLine("  (" + string.Join(", ", ServerEngines.All.Where(e => e.NeedsGpu).Select(e => $"`{e.Name}`")) + ") `lem check` refuses it, the registry's default included: set `device = \"cuda:0\"`.");
        md.AppendLine("- **Precision.** `precision` goes to the engine's dtype flag only where it is set; unset, lem passes none and the engine");
        md.AppendLine("  chooses (its `auto`). The record's model precision is what lem knows the server runs at: the dtype it passed, else the");
        md.AppendLine("  dtype the server's start-up log names (`dtype=torch.bfloat16`, vLLM and SGLang), else, for an engine with no dtype");
        md.AppendLine("  flag serving a GGUF file, the file's float type (`general.file_type`: all F32, mostly F16 or BF16; a quantized type has");
        md.AppendLine("  none), else `auto` — and then MFU is not reported, for want of a peak to divide by. The fact `ENGINE_precision` says which.");
        md.AppendLine("- **Ready.** lem waits (`server.ready_timeout`) until the health path answers 200 and `/v1/models` lists the model. A server");
        md.AppendLine("  that exits first fails the load with its last log lines. stdout and stderr go to a log file, named in the record.");
        md.AppendLine("- **Record.** The exact command line, the environment lem added, `server.extra_args`, the server's version (its version");
        md.AppendLine("  endpoint, else `--version`) and the log file are facts of every result. API keys come only from the variable");
        md.AppendLine("  `server.api_key_env` names; lem hands a server it starts the key through the engine's own variable, never on its command");
        md.AppendLine("  line, and writes it nowhere.");
        md.AppendLine("- **Requests.** Streaming `/v1/completions` (prompts as token ids where the engine takes them, so synthetic prompts keep");
        md.AppendLine("  their exact lengths) or `/v1/chat/completions` (`server.api = chat`: text in the server's chat template), parsed with");
        md.AppendLine("  System.Net.ServerSentEvents. Each chunk that carries tokens is timed when it is read; keep-alive comments, the chat role");
        md.AppendLine("  chunk and the closing usage/timings events are not token arrivals. Token counts are the server's `usage`");
        md.AppendLine("  (`stream_options.include_usage`), never re-tokenised text nor a count of chunks: a request without usage counts as a");
        md.AppendLine("  request but in no token figure (`output_tokens_unknown`). Where every chunk carries usage (`continuous_usage_stats`)");
        md.AppendLine("  lem knows the tokens of each chunk; elsewhere a chunk may hold several tokens and the engine spreads the request's count");
        md.AppendLine("  over its chunks, and the record says so; ITL then follows SGLang's bench_serving (docs/metrics.md, \"ITL of multi-token");
        md.AppendLine("  chunks\"). Output length is pinned with the engine's own fields (`min_tokens`, and");
        md.AppendLine("  `ignore_eos` when `min_new_tokens = max_new_tokens`); a request that still ends short is flagged.");
        md.AppendLine("- **Failures.** An HTTP error (429, 500...), an error inside the stream, a stream cut before `data: [DONE]` or a request");
        md.AppendLine("  past `server.request_timeout` is a failed request: counted, excluded from goodput. A server lem started that exits ends");
        md.AppendLine("  the run as failed with its last log lines. A request that goes out on a keep-alive connection the server has just");
        md.AppendLine("  closed, unanswered (`ResponseEnded`), is sent again, up to 3 times, its send time taken again (`ENGINE_resent` per");
        md.AppendLine("  request, `ENGINE_requests_resent_in_window`). llama-server closes a connection after each streamed response although");
        md.AppendLine("  it answers keep-alive, so lem sends its streamed requests with `Connection: close`: reusing those connections had");
        md.AppendLine("  added about 30 ms to every request of a closed loop (docs/benchmarks/2026-12-07-llama-server-cpu.md).");
        md.AppendLine("- **Prompt cache.** A server that has seen a prompt before — in the warm-up, which sends the workload's first prompts, or");
        md.AppendLine("  in an earlier run that shared the server — may serve its prefix from a cache, and then TTFT and prefill energy are those");
        md.AppendLine("  of a cached prompt. Where the server reports cached prompt tokens (`usage.prompt_tokens_details.cached_tokens`), lem");
        md.AppendLine("  records them per request (`ENGINE_cached_prompt_tokens`) and for the window (`ENGINE_prompt_tokens_cached_in_window`,");
        md.AppendLine("  `ENGINE_requests_prompt_cached_in_window`); where its `/metrics` counts prefix-cache hits (vLLM) or a hit rate");
        md.AppendLine("  (SGLang), the window's figures are `server_prefix_cache_*`. Either way lem warns (`prompt-cache`), naming the setting");
        md.AppendLine("  that turns the cache off. llama-server's requests carry `cache_prompt: false` unless `llama_server.cache_prompt = true`;");
        md.AppendLine("  vLLM's prefix caching (`vllm.enable_prefix_caching`, on by default in vLLM V1) and SGLang's radix cache");
        md.AppendLine("  (`sglang.disable_radix_cache`) are server flags, left at the engine's default unless set: a sweep that sends the same");
        md.AppendLine("  prompts to one server measures cached prompts from its second run on, and says so. vLLM puts cached tokens in");
        md.AppendLine("  `usage` only when started with `--enable-prompt-tokens-details` (`server.extra_args`).");
        md.AppendLine("- **Server metrics.** The Prometheus `/metrics` is read at the window's edges and every `server.metrics_interval` within");
        md.AppendLine("  it: gauges become time series with their time-weighted mean (`_mean`: the trapezoid rule over the scrape times, divided");
        md.AppendLine("  by the time from the first scrape to the last) and maximum (`_max`), counters their change over the window. Where an");
        md.AppendLine("  engine labels a figure per engine or model, counts and counters are summed over the label sets and ratios (KV-cache");
        md.AppendLine("  usage, a hit rate) averaged. The text format is read by lem's own small parser (NuGet serves none).");
        md.AppendLine();
        foreach (var engine in ServerEngines.All) Engine(md, engine);
        md.AppendLine("## Shared parameters (`server.*`, every server backend)");
        md.AppendLine();
        md.AppendLine("| parameter | type | default | meaning |");
        md.AppendLine("|---|---|---|---|");
        foreach (var p in ServerParameters.Definitions)
            md.AppendLine($"| `{p.Name}` | {Kind(p)} | {(p.Default is null ? "unset" : $"`{p.Default}`")} | {Cell(p.Help)} |");
        md.AppendLine();
        return md.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    private static void Engine(StringBuilder md, ServerEngine e)
    {
        md.AppendLine($"## `{e.Name}`: {e.DisplayName}");
        md.AppendLine();
        md.AppendLine("Backend for " + e.Summary + ".");
        md.AppendLine();
        md.AppendLine("- **Start:** " + (e.DefaultCommand is { } command
            ? $"`{string.Join(" ", command)}`, model {e.Model.Describe()}{(e.ServedNameFlag is null ? "" : $", served as the model's name with `{e.ServedNameFlag}`")}, listening through {e.Listen.Describe()}{(e.DtypeFlag is null ? "" : $", `precision` (where set) as `{e.DtypeFlag}`")}{(e.MetricsLaunchFlags.Count == 0 ? "" : $", plus `{string.Join(" ", e.MetricsLaunchFlags)}`")}."
            : "never started by lem: set `server.url`."));
        md.AppendLine($"- **Model:** {string.Join(", ", e.ModelSources.Select(Source))}.");
        md.AppendLine($"- **Ready when:** {(e.HealthPath is null ? "" : $"`GET {e.HealthPath}` answers 200 and ")}`/v1/models` lists the model.");
        md.AppendLine($"- **Version from:** {(e.VersionProbes.Count == 0 && !e.VersionFlag ? "nothing (recorded as unknown)" : string.Join(", then ", e.VersionProbes.Select(v => $"`GET {v.Path}` ({v.Property})").Concat(e.VersionFlag ? ["`COMMAND --version`"] : [])))}.");
        md.AppendLine($"- **Tokenizer:** {e.Tokenizer switch { TokenizerDialect.Vllm => "`/tokenize` and `/detokenize` (vLLM's form)", TokenizerDialect.LlamaServer => "`/tokenize` and `/detokenize` (llama-server's form)", _ => "none on the server (a local model folder's tokenizer files where there is one; else prompts must be text)" }}; prompts as token ids: {(e.TokenIdPrompts ? "yes" : "no")}.");
        md.AppendLine($"- **Output length pinned with:** {e.Pinning switch { OutputPinning.None => "nothing (short answers are flagged)", var p => p.ToString().Replace("MinTokens", "`min_tokens`", StringComparison.Ordinal).Replace("IgnoreEos", "`ignore_eos`", StringComparison.Ordinal) }}; tokens per chunk: {(e.ContinuousUsage ? "from usage in every chunk" : "not reported")}{(e.TimingsProperty is null ? "" : $"; the server's own per-request `{e.TimingsProperty}` are recorded as `{e.Name}_*` facts")}.");
        md.AppendLine($"- **Server metrics:** {(e.Metrics.Count == 0 ? e.MetricsUnavailable : string.Join("; ", e.Metrics.Select(m => $"{m.Meaning} (`{string.Join("` or `", m.PrometheusNames)}` → `{m.Series}`)")))}.");
        md.AppendLine($"- **Notes:** {e.Notes}");
        md.AppendLine();
        if (e.Flags.Count == 0) return;
        md.AppendLine("| parameter | type | engine flag | meaning |");
        md.AppendLine("|---|---|---|---|");
        foreach (var f in e.Flags)
            md.AppendLine($"| `{f.Name}` | {Kind(f.Parameter)} | {f.Describe()} | {Cell(f.Parameter.Help)} |");
        md.AppendLine();
    }

    private static string Kind(ParameterDefinition p)
    {
        var kind = p.Kind switch
        {
            ParameterKind.Choice => string.Join(" \\| ", p.AllowedValuesOrEmpty),
            ParameterKind.TextList => "list of text",
            var k => k.ToString().ToLowerInvariant(),
        };
        var range = p.Min is null && p.Max is null ? "" : $" [{Number(p.Min)}..{Number(p.Max)}]";
        return kind + range + (p.Unit is null ? "" : $" ({p.Unit})");
    }

    private static string Number(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static string Source(Lem.Engine.Inference.ModelSourceKind kind) => kind switch
    {
        Lem.Engine.Inference.ModelSourceKind.HuggingFaceFolder => "a local Hugging Face folder",
        Lem.Engine.Inference.ModelSourceKind.Synthetic => "`synthetic(\"PRESET\")` (written as a Hugging Face folder)",
        Lem.Engine.Inference.ModelSourceKind.GgufFile => "a GGUF file (`model = \"x.gguf\"`)",
        Lem.Engine.Inference.ModelSourceKind.ServerModelId => "a model id the server knows",
        _ => kind.ToString(),
    };
}
