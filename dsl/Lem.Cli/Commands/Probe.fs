/// `lem model probe` (hidden, a TorchSharp diagnostic for the GPU suite): what scripts/device/parity_transformers.py compares with Hugging Face transformers —
/// greedy tokens of every prompt batched (left padding) and one by one, and each prompt's last-position prefill logits.
module Lem.Cli.Commands.Probe

open System.IO
open System.Text.Json
open Argu
open Lem.Cli
open Lem.Cli.Arguments
open Lem.Cli.UserError
open Lem.Engine.Inference
open Lem.Backends.TorchSharp.Backend

let private readPrompts (file: string) =
    try
        use doc = JsonDocument.Parse(File.ReadAllText file)
        doc.RootElement.GetProperty("prompts").EnumerateArray()
        |> Seq.map (fun p -> p.EnumerateArray() |> Seq.map (fun t -> t.GetInt32()) |> Array.ofSeq)
        |> Array.ofSeq
    with
    | :? JsonException
    | :? System.Collections.Generic.KeyNotFoundException
    | :? System.InvalidOperationException as e ->
        fail (sprintf "%s: expected {\"prompts\": [[token ids], ...]} (%s)." file e.Message)

let run (args: ParseResults<ProbeArgs>) =
    let prompts = readPrompts (args.GetResult ProbeArgs.Prompt_File)
    let newTokens = args.GetResult(ProbeArgs.New_Tokens, defaultValue = 64)
    let devices (text: string option) =
        text |> Option.map (fun t -> t.Split(',', System.StringSplitOptions.TrimEntries ||| System.StringSplitOptions.RemoveEmptyEntries))
    let pipeline = devices (args.TryGetResult ProbeArgs.Pipeline)
    let tensor = devices (args.TryGetResult ProbeArgs.Tensor)
    if pipeline.IsSome && tensor.IsSome then
        fail "--pipeline and --tensor split the model in two different ways: give one of them."
    let asList (split: string[] option) =
        match split with
        | Some d -> d :> System.Collections.Generic.IReadOnlyList<string>
        | None -> null
    let request =
        ModelLoadRequest(
            Path.GetFullPath(args.GetResult ProbeArgs.Model),
            args.GetResult(ProbeArgs.Precision, defaultValue = "fp32"),
            (match Option.orElse tensor pipeline with
             | Some d when d.Length > 0 -> d[0]
             | _ -> args.GetResult(ProbeArgs.Device, defaultValue = "cpu")),
            PipelineDevices = asList pipeline,
            TensorDevices = asList tensor,
            Quantization = args.GetResult(ProbeArgs.Quantization, defaultValue = "none"))
    use loaded = TorchSharpModule().Load request
    let model = loaded :?> TorchSharpModel
    let settings = GenerationSettings(newTokens, newTokens)
    let unbatched = prompts |> Array.map (fun p -> (model.Generate([| p |], settings)).OutputTokenIds[0])
    let batched = (model.Generate(prompts, settings)).OutputTokenIds |> Array.ofSeq
    let logits = prompts |> Array.map (fun p -> PrefillLogits.Of(model.Model, p))
    let graphCheck =
        if args.Contains ProbeArgs.Graph_Check then
            let random = System.Random 7
            let vocab = min model.Info.VocabSize 50000
            let graphPrompts = Array.init 32 (fun _ -> Array.init (random.Next(5, 41)) (fun _ -> random.Next(10, vocab)))
            let graphRequest =
                ModelLoadRequest(request.Model, request.Precision, request.Device, readOnlyDict [ "torchsharp.cuda_graphs", box true; "torchsharp.prefill_graphs", box true ],
                                 Quantization = request.Quantization)
            use graphModel = TorchSharpModule().Load graphRequest :?> TorchSharpModel
            [ for rows in [ 1; 8; 32 ] ->
                let batch = graphPrompts[.. rows - 1]
                let eager = (model.Generate(batch, settings)).OutputTokenIds |> Seq.map Array.ofSeq |> Array.ofSeq
                let captured = (graphModel.Generate(batch, settings)).OutputTokenIds |> Seq.map Array.ofSeq |> Array.ofSeq
                let replayed = (graphModel.Generate(batch, settings)).OutputTokenIds |> Seq.map Array.ofSeq |> Array.ofSeq
                string rows, box {| equal_first_call = (eager = captured); equal_replayed = (eager = replayed) |} ]
            |> dict
            |> Some
            |> Option.map (fun d -> box {| results = d; graphs = (graphModel.Facts |> Seq.map (fun kv -> kv.Key, string kv.Value) |> dict) |})
        else None
    let fact name =
        match model.Facts.TryGetValue name with
        | true, value -> string value
        | _ -> null
    let out = Path.GetFullPath(args.GetResult ProbeArgs.Out)
    let logitsFile = Path.GetFileName out + ".logits.f32"
    use stream = File.Create(Path.Combine(Path.GetDirectoryName out, logitsFile))
    for row in logits do
        let bytes = Array.zeroCreate<byte> (row.Length * 4)
        System.Buffer.BlockCopy(row, 0, bytes, 0, bytes.Length)
        stream.Write(bytes, 0, bytes.Length)
    let json =
        {| batched = {| tokens = batched |}
           unbatched = {| tokens = unbatched |}
           logits_file = logitsFile
           logits_shape = [| logits.Length; (if logits.Length = 0 then 0 else logits[0].Length) |]
           architecture = model.Info.Architecture
           precision = model.Info.Precision
           device = model.Info.Device
           quantization = request.Quantization
           weight_bytes = model.Info.WeightBytes
           pipeline_split = fact "torchsharp_pipeline_split"
           tensor_split = fact "torchsharp_tensor_split"
           tensor_reduce = fact "torchsharp_tensor_reduce"
           graph_check = graphCheck |> Option.toObj |}
    File.WriteAllText(out, JsonSerializer.Serialize json)
    eprintfn "probe: %d prompts, %d new tokens, logits %d x %d -> %s" prompts.Length newTokens logits.Length (if logits.Length = 0 then 0 else logits[0].Length) out
    0
