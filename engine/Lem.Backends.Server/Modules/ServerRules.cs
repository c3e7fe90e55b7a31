using System.Text.RegularExpressions;
using Lem.Backends.Server.Client;
using Lem.Backends.Server.Engines;
using Lem.Engine.Config;
using Lem.Engine.Inference;

namespace Lem.Backends.Server.Modules;

/// <summary>The rules between a server module's parameters: contradictions are errors, values without effect warnings.</summary>
public static partial class ServerRules
{
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentName();

    public static void Check(ServerEngine engine, EffectiveValues values, Findings findings)
    {
        var url = values.Text(ServerParameters.Url);
        var backend = $"backend = {engine.Name}";
        if (url is not null)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                Error(values, findings, ServerParameters.Url, DiagnosticCodes.MalformedText, $"{ServerParameters.Url} = \"{url}\" is not an http(s) URL: write it as http://host:port.");
            // load-request and request fields reach a running server too; command-line flags and environment do not
            var launchOnly = ServerParameters.LaunchOnly
                .Concat(engine.Flags.Where(f => f.Style is not (FlagStyle.Preload or FlagStyle.RequestField)).Select(f => f.Name)).Where(values.IsSet);
            foreach (var name in launchOnly)
                Error(values, findings, name, DiagnosticCodes.CrossField,
                    $"{name} is used when lem starts the server, and with {ServerParameters.Url} set lem starts nothing: remove {name}, or remove {ServerParameters.Url} to let lem start {engine.DisplayName}.");
        }
        else if (!engine.Launchable)
            Error(values, findings, ServerParameters.Url, DiagnosticCodes.CrossField, $"{backend} reaches a server lem does not start: set {ServerParameters.Url} to its address (http://host:port).");
        else if (engine.NeedsGpu && values.Word("device") == "cpu")
        {
            // device = cpu would hide every GPU from the server (CUDA_VISIBLE_DEVICES='') and meter none
            var subject = values.IsSet("device") || !values.IsSet("backend") ? "device" : "backend";
            findings.At(subject, values.Where(subject)).Error(DiagnosticCodes.CrossField,
                $"{backend} starts {engine.DisplayName}, which runs on a GPU, but device is \"cpu\"{(values.IsSet("device") ? "" : " (the default)")}: " +
                $"set device = \"cuda:0\" (the GPU lem gives the server and meters), or set {ServerParameters.Url} to reach a server that is already running.");
        }

        if (values.Text(ServerParameters.ApiKeyEnv) is { } keyName && !EnvironmentName().IsMatch(keyName))
            Error(values, findings, ServerParameters.ApiKeyEnv, DiagnosticCodes.MalformedText,
                $"{ServerParameters.ApiKeyEnv} = \"{keyName}\" is not an environment variable name: give the variable's name (like OPENAI_API_KEY), never the key itself.");

        if (values.TextList(ServerParameters.Command) is { } command)
        {
            if (command.Count == 0)
                Error(values, findings, ServerParameters.Command, DiagnosticCodes.CrossField, $"{ServerParameters.Command} is empty: give the program and its arguments, or remove it.");
            else if (command.Any(HoldsApiKey))
                Error(values, findings, ServerParameters.Command, DiagnosticCodes.CrossField, ApiKeyInArguments(ServerParameters.Command));
        }

        ExtraArgs(engine, values, findings);
        EngineSpecific(engine, values, findings);

        if (values.IsSet("precision") && engine.DtypeFlag is null && engine.Launchable)
            findings.At("precision", values.Where("precision")).Warning(DiagnosticCodes.NotForBackend,
                $"precision has no effect with {backend}: the model's files decide the precision {engine.DisplayName} runs at. Remove precision.");

        var min = values.Integer("min_new_tokens") ?? 0;
        var max = values.Integer("max_new_tokens") ?? 0;
        if (min > 0 && !RequestBody.CanPin(engine, new GenerationSettings((int)max, (int)min)))
            findings.At("min_new_tokens", values.Where("min_new_tokens")).Warning(DiagnosticCodes.NotForBackend, engine.Pinning.HasFlag(OutputPinning.IgnoreEos)
                ? $"{engine.DisplayName} pins the output length only with ignore_eos, which lem sends when min_new_tokens = max_new_tokens; requests that end early are flagged."
                : $"{engine.DisplayName} cannot pin the output length through its OpenAI API; requests that end before min_new_tokens are flagged.");

        var syntheticPrompts = values.Value("prompts") is ConfigValue.Call { Name: "synthetic" };
        var chat = values.Word(ServerParameters.Api) == "chat";
        if (syntheticPrompts && (chat || !engine.TokenIdPrompts))
        {
            var site = findings.At("prompts", values.Where("prompts"));
            var why = chat ? $"{ServerParameters.Api} = chat sends text" : $"{engine.DisplayName} takes no token-id prompts";
            if (engine.Tokenizer == TokenizerDialect.None && !engine.ModelSources.Contains(ModelSourceKind.HuggingFaceFolder))
                site.Error(DiagnosticCodes.NotForBackend, $"{why}, and lem has no tokenizer for {backend} to turn synthetic prompts into text: use prompts = file(...).");
            else
                site.Warning(DiagnosticCodes.NotForBackend, $"{why}: synthetic prompts are sent as their text, so prompt lengths are the server's counts, not the synthetic ones.");
        }
        else if (syntheticPrompts && engine.Tokenizer == TokenizerDialect.None && !HasLocalModelFiles(engine))
            findings.At("prompts", values.Where("prompts")).Error(DiagnosticCodes.NotForBackend,
                $"{engine.DisplayName} takes token-id prompts, but synthetic prompts are made with the model's tokenizer, and for {backend} lem has none " +
                "(no tokenize endpoint, and the model is only a name the server knows): use prompts = file(...).");
    }

    /// <summary>An API key flag (<c>--api-key KEY</c> or <c>--api-key=KEY</c>): the key would be recorded with the command line.</summary>
    private static bool HoldsApiKey(string argument) => argument.Split('=', 2)[0] == "--api-key";

    private static string ApiKeyInArguments(string name) =>
        $"{name} holds --api-key, which would put the key into the record: set {ServerParameters.ApiKeyEnv} to the name of a variable that holds it.";

    /// <summary>Whether its model can be local files lem reads (a synthetic model or a Hugging Face folder with its tokenizer files).</summary>
    private static bool HasLocalModelFiles(ServerEngine engine) =>
        engine.ModelSources.Contains(ModelSourceKind.HuggingFaceFolder) || engine.ModelSources.Contains(ModelSourceKind.Synthetic);

    private static void ExtraArgs(ServerEngine engine, EffectiveValues values, Findings findings)
    {
        if (values.TextList(ServerParameters.ExtraArgs) is not { Count: > 0 } extra) return;
        var reserved = engine.ReservedFlags.ToHashSet(StringComparer.Ordinal);
        var byFlag = engine.Flags.Where(f => f.Style is not (FlagStyle.Derived or FlagStyle.Environment or FlagStyle.Preload))
            .SelectMany(f => new[] { f.Flag, f.NegativeFlag }.OfType<string>().Select(flag => (flag, f.Name)))
            .ToDictionary(p => p.flag, p => p.Name, StringComparer.Ordinal);
        foreach (var argument in extra)
        {
            var flag = argument.Split('=', 2)[0];
            if (HoldsApiKey(argument))
                Error(values, findings, ServerParameters.ExtraArgs, DiagnosticCodes.CrossField, ApiKeyInArguments(ServerParameters.ExtraArgs));
            else if (reserved.Contains(flag))
                Error(values, findings, ServerParameters.ExtraArgs, DiagnosticCodes.CrossField,
                    $"{ServerParameters.ExtraArgs} holds {flag}, which lem sets itself (listen address, model, served name, dtype): remove it.");
            else if (byFlag.TryGetValue(flag, out var name))
                Error(values, findings, ServerParameters.ExtraArgs, DiagnosticCodes.CrossField,
                    $"{ServerParameters.ExtraArgs} holds {flag}, which is {name}: set {name} instead, so the value is checked and recorded by name.");
        }
    }

    private static void EngineSpecific(ServerEngine engine, EffectiveValues values, Findings findings)
    {
        if (engine.Name == TensorRt.Engine.Name)
        {
            var input = values.IsSet(TensorRt.MaxInputLen);
            var output = values.IsSet(TensorRt.MaxOutputLen);
            if (values.IsSet(TensorRt.MaxSeqLen) && (input || output))
                Error(values, findings, TensorRt.MaxSeqLen, DiagnosticCodes.CrossField,
                    $"{TensorRt.MaxSeqLen} and {TensorRt.MaxInputLen}/{TensorRt.MaxOutputLen} both set trtllm-serve's --max_seq_len: keep one.");
            else if (input != output)
                Error(values, findings, input ? TensorRt.MaxInputLen : TensorRt.MaxOutputLen, DiagnosticCodes.CrossField,
                    $"{TensorRt.MaxInputLen} and {TensorRt.MaxOutputLen} give --max_seq_len together (their sum): set both, or set {TensorRt.MaxSeqLen}.");
        }
        if (engine.Name == Vllm.Engine.Name && values.IsSet("vllm.num_speculative_tokens") && !values.IsSet("vllm.speculative_model"))
            Error(values, findings, "vllm.num_speculative_tokens", DiagnosticCodes.CrossField,
                "vllm.num_speculative_tokens needs vllm.speculative_model (the draft model): set it, or remove vllm.num_speculative_tokens.");
    }

    private static void Error(EffectiveValues values, Findings findings, string name, string code, string message) =>
        findings.At(name, values.Where(name)).Error(code, message);
}
