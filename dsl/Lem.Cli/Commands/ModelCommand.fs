/// `lem model synth`, `lem model presets` and `lem model convert`: synthetic models (a real architecture's config,
/// seeded random weights) as safetensors folders or GGUF files, and Hugging Face folders (or synthetic models)
/// converted into other backends' formats: GGUF (llama.cpp) and ONNX Runtime GenAI folders.
module Lem.Cli.Commands.ModelCommand

open System.Diagnostics
open System.IO
open Argu
open Lem.Cli.Arguments
open Lem.Cli.UserError
open Lem.Models.Gguf
open Lem.Models.Onnx
open Lem.Models.Synthetic

let private refuseExistingFile (flag: string) (out: string) =
    if File.Exists out || Directory.Exists out then
        fail (sprintf "%s %s: it exists. Remedy: give a new file name (lem never overwrites a model)." flag out)

let private printGguf (summary: GgufModelWriter.Summary) (what: string) (seconds: float) =
    printfn "wrote %s: %s, %.1f M parameters, %.1f MB of tensors (%O), in %.1f s"
        summary.Path what (float summary.ParameterCount / 1e6) (float summary.TensorBytes / 1e6) summary.MatrixType seconds

let private synthGguf (args: ParseResults<SynthArgs>) (out: string) =
    refuseExistingFile "--out" out
    let stopwatch = Stopwatch.StartNew()
    let preset = SyntheticPresets.Get(args.GetResult SynthArgs.Arch, args.GetResult SynthArgs.Preset)
    let seed = args.GetResult(SynthArgs.Seed, defaultValue = 0L)
    use source = GgufSourceModel.FromSynthetic(preset, seed)
    let summary = GgufModelWriter.Write(source, GgufOutType.Source, out)
    printGguf summary (sprintf "%s/%s seed %d" preset.Arch preset.Name seed) stopwatch.Elapsed.TotalSeconds
    0

let private synthSafetensors (args: ParseResults<SynthArgs>) (out: string) =
    if Directory.Exists out && not (Seq.isEmpty (Directory.EnumerateFileSystemEntries out)) then
        fail (sprintf "--out %s: the folder exists and is not empty. Remedy: give a new folder (lem never overwrites a model)." out)
    let stopwatch = Stopwatch.StartNew()
    let summary = SyntheticModelWriter.Write(args.GetResult SynthArgs.Arch, args.GetResult SynthArgs.Preset, args.GetResult(SynthArgs.Seed, defaultValue = 0L), out)
    printfn "wrote %s: %s/%s, %.1f M parameters, %.1f MB of weights, seed %d, %d files, in %.1f s"
        summary.Folder summary.Preset.Arch summary.Preset.Name (float summary.Parameters / 1e6) (float summary.WeightBytes / 1e6)
        summary.Seed summary.Files.Count stopwatch.Elapsed.TotalSeconds
    0

let private synth (args: ParseResults<SynthArgs>) =
    let out = args.GetResult SynthArgs.Out
    match args.GetResult(SynthArgs.Format, defaultValue = "safetensors") with
    | "gguf" -> synthGguf args out
    | "safetensors" -> synthSafetensors args out
    | other -> fail (sprintf "--format %s: not a model format. Remedy: write safetensors or gguf." other)

/// The Hugging Face folder a conversion reads: --model, or --synthetic written into the synthetic cache.
let private convertSource (args: ParseResults<ModelConvertArgs>) =
    match args.TryGetResult ModelConvertArgs.Model, args.TryGetResult ModelConvertArgs.Synthetic with
    | Some folder, None ->
        if not (Directory.Exists folder) then
            fail (sprintf "--model %s: the folder does not exist. Remedy: give a Hugging Face model folder." folder)
        folder
    | None, Some preset -> SyntheticModelCache.Default().Resolve(preset, args.GetResult(ModelConvertArgs.Seed, defaultValue = 0L))
    | Some _, Some _ -> fail "lem model convert takes --model or --synthetic, not both. Remedy: drop one of them."
    | None, None -> fail "lem model convert needs a source: --model FOLDER (Hugging Face) or --synthetic PRESET. Remedy: add one."

let private convertGguf (args: ParseResults<ModelConvertArgs>) =
    let out = args.GetResult ModelConvertArgs.Out
    let outType =
        match GgufOutTypes.TryParse(args.GetResult(ModelConvertArgs.Outtype, defaultValue = "source")) with
        | true, t -> t
        | _ -> fail (sprintf "--outtype %s: not a GGUF float type. Remedy: use %s." (args.GetResult ModelConvertArgs.Outtype) (String.concat ", " GgufOutTypes.Names))
    let folder = convertSource args
    refuseExistingFile "--out" out
    let stopwatch = Stopwatch.StartNew()
    use source = GgufSourceModel.FromFolder folder
    let summary = GgufModelWriter.Write(source, outType, out)
    printGguf summary (sprintf "%s as %s" folder (GgufOutTypes.Name outType)) stopwatch.Elapsed.TotalSeconds
    0

let private convertOrtGenAi (args: ParseResults<ModelConvertArgs>) =
    let out = args.GetResult ModelConvertArgs.Out
    if Directory.Exists out && not (Seq.isEmpty (Directory.EnumerateFileSystemEntries out)) then
        fail (sprintf "--out %s: the folder exists and is not empty. Remedy: give a new folder (lem never overwrites a model)." out)
    let format = OnnxWeightFormat.Parse(args.GetResult(ModelConvertArgs.Quantization, defaultValue = "fp32"), "--quantization")
    let source = convertSource args
    let stopwatch = Stopwatch.StartNew()
    let info = OrtGenAiFolderWriter.Write(source, format, out)
    printfn "wrote %s: ONNX Runtime GenAI folder of %s, %s weights, %.1f M parameters, %.1f MB of stored weights, operators %s, in %.1f s"
        (Path.GetFullPath out) source info.Quantization (float info.ParameterCount / 1e6) (float info.WeightBytes / 1e6)
        (String.concat ", " info.Operators) stopwatch.Elapsed.TotalSeconds
    0

let private convert (args: ParseResults<ModelConvertArgs>) =
    match args.GetResult ModelConvertArgs.To with
    | "gguf" ->
        if args.Contains ModelConvertArgs.Quantization then
            fail "--quantization applies to --to ortgenai; GGUF quantization types are llama.cpp's (llamacpp.quantization). Remedy: drop --quantization, or use --outtype for the float type."
        convertGguf args
    | "ortgenai" ->
        if args.Contains ModelConvertArgs.Outtype then fail "--outtype applies to --to gguf. Remedy: use --quantization fp32|int4 for ortgenai."
        convertOrtGenAi args
    | other -> fail (sprintf "--to %s: lem does not convert to that format. Remedy: use --to gguf or --to ortgenai." other)

let private presets () =
    printfn "%-8s %-16s %8s %7s %6s %6s %9s %8s" "arch" "preset" "hidden" "layers" "heads" "kv" "vocab" "params"
    for p in SyntheticPresets.All do
        printfn "%-8s %-16s %8d %7d %6d %6d %9d %7.0fM" p.Arch p.Name p.HiddenSize p.Layers p.Heads p.KvHeads p.VocabSize (float (SyntheticModelWriter.ParameterCount p) / 1e6)
    printfn "\nIn a config: model = synthetic(\"PRESET\") or synthetic(\"ARCH:PRESET\", seed = N)."
    0

let run (args: ParseResults<ModelArgs>) =
    // `presets` takes no arguments, so Argu sees it as a flag rather than a subcommand
    if args.Contains ModelArgs.Presets then
        presets ()
    else
        match args.TryGetSubCommand() with
        | Some(ModelArgs.Synth s) -> synth s
        | Some(ModelArgs.Convert c) -> convert c
        | Some(ModelArgs.Probe p) -> Probe.run p
        | _ -> fail "lem model needs a command: synth, convert or presets. Remedy: see lem model --help."
