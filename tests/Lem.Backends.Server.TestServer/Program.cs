using System.Globalization;
using Lem.Backends.Server.TestServer;

// A child-process test server, started by lem's launcher in the tests with vLLM- or llama-server-style flags:
//   MODEL_FOLDER | --model/-m/--model-path FOLDER, --served-model-name/--alias NAME, --host 127.0.0.1, --port N,
//   --framing vllm|llama_server, --tokens-per-chunk N, --fault KIND[:N], --fault-from N, --never-ready, --exit-at-start,
//   --weights FOLDER (the model folder it loads, whatever --model says: lem then names the model by a server model id).
// Every other flag is accepted and reported by /version (the launcher's flag tests read it).
string? folder = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : null;
string? served = null;
string? weights = null;
var port = 0;
var framing = Framing.Vllm;
var tokensPerChunk = 1;
var fault = Fault.None;
var faultFrom = 1;
var neverReady = false;
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--model" or "-m" or "--model-path": folder = Next(); break;
        case "--served-model-name" or "--alias": served = Next(); break;
        case "--weights": weights = Next(); break;
        case "--port": port = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--host": Next(); break;
        case "--framing": framing = Next() == "llama_server" ? Framing.LlamaServer : Framing.Vllm; break;
        case "--tokens-per-chunk": tokensPerChunk = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--fault": fault = Fault.Parse(Next()); break;
        case "--fault-from": faultFrom = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--never-ready": neverReady = true; break;
        case "--exit-at-start":
            Console.Error.WriteLine("lem test server: exiting at start, as asked (--exit-at-start)");
            return 3;
    }
}
if (weights is not null)
{
    served ??= folder;
    folder = weights;
}
if (folder is null)
{
    Console.Error.WriteLine("lem test server: no model folder given");
    return 2;
}
var options = new TestServerOptions
{
    ServedModel = served ?? folder,
    Generator = () => new TorchSharpTokenGenerator(folder),
    Framing = framing,
    TokensPerChunk = tokensPerChunk,
    StandingFault = fault,
    StandingFaultFrom = faultFrom,
    NeverReady = neverReady,
    MayKillProcess = true,
    Arguments = args,
};
await using var server = await OpenAiTestServer.StartAsync(options, port);
Console.WriteLine($"lem test server listening on {server.BaseUrl} serving {options.ServedModel} ({framing} framing)");
Console.Error.WriteLine("lem test server: loading the model");
await server.Ready;
Console.Error.WriteLine("lem test server: model loaded");
var stop = new TaskCompletionSource();
using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    Console.Error.WriteLine("lem test server: SIGTERM, stopping");
    stop.TrySetResult();
});
await stop.Task;
return 0;
