/// `lem model synth`, `lem model convert` and `lem model presets`: synthetic models (a real architecture's config,
/// seeded random weights) and conversions into other backends' formats.
module Lem.Cli.Commands.ModelCommand

open System.Diagnostics
open System.IO
open Argu
open Lem.Cli.Arguments
open Lem.Cli.UserError
open Lem.Models.Synthetic
open Lem.Models.Onnx

let private requireEmpty (out: string) =
    if Directory.Exists out && not (Seq.isEmpty (Directory.EnumerateFileSystemEntries out)) then
        fail (sprintf "--out %s: the folder exists and is not empty. Remedy: give a new folder (lem never overwrites a model)." out)

let private synth (args: ParseResults<SynthArgs>) =
    let out = args.GetResult SynthArgs.Out
    requireEmpty out
    let stopwatch = Stopwatch.StartNew()
    let summary = SyntheticModelWriter.Write(args.GetResult SynthArgs.Arch, args.GetResult SynthArgs.Preset, args.GetResult(SynthArgs.Seed, defaultValue = 0L), out)
    printfn "wrote %s: %s/%s, %.1f M parameters, %.1f MB of weights, seed %d, %d files, in %.1f s"
        summary.Folder summary.Preset.Arch summary.Preset.Name (float summary.Parameters / 1e6) (float summary.WeightBytes / 1e6)
        summary.Seed summary.Files.Count stopwatch.Elapsed.TotalSeconds
    0

/// The Hugging Face folder a conversion reads: --model, or --synthetic written into the synthetic cache.
let private convertSource (args: ParseResults<ConvertArgs>) =
    match args.TryGetResult ConvertArgs.Model, args.TryGetResult ConvertArgs.Synthetic with
    | Some folder, None -> folder
    | None, Some preset -> SyntheticModelCache.Default().Resolve(preset, args.GetResult(ConvertArgs.Seed, defaultValue = 0L))
    | Some _, Some _ -> fail "lem model convert takes --model or --synthetic, not both. Remedy: drop one of them."
    | None, None -> fail "lem model convert needs a source: --model FOLDER (Hugging Face) or --synthetic PRESET. Remedy: add one."

let private convertOrtGenAi (args: ParseResults<ConvertArgs>) =
    let out = args.GetResult ConvertArgs.Out
    requireEmpty out
    let format = OnnxWeightFormat.Parse(args.GetResult(ConvertArgs.Quantization, defaultValue = "fp32"), "--quantization")
    let source = convertSource args
    let stopwatch = Stopwatch.StartNew()
    let info = OrtGenAiFolderWriter.Write(source, format, out)
    printfn "wrote %s: ONNX Runtime GenAI folder of %s, %s weights, %.1f M parameters, %.1f MB of stored weights, operators %s, in %.1f s"
        (Path.GetFullPath out) source info.Quantization (float info.ParameterCount / 1e6) (float info.WeightBytes / 1e6)
        (String.concat ", " info.Operators) stopwatch.Elapsed.TotalSeconds
    0

let private convert (args: ParseResults<ConvertArgs>) =
    match args.GetResult ConvertArgs.To with
    | "ortgenai" -> convertOrtGenAi args
    | other -> fail (sprintf "--to %s is not a format lem writes. Remedy: use --to ortgenai." other)

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
