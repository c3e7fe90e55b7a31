/// `lem model synth` and `lem model presets`: synthetic models (a real architecture's config, seeded random weights).
module Lem.Cli.Commands.ModelCommand

open System.Diagnostics
open System.IO
open Argu
open Lem.Cli.Arguments
open Lem.Cli.UserError
open Lem.Models.Synthetic

let private synth (args: ParseResults<SynthArgs>) =
    let out = args.GetResult SynthArgs.Out
    if Directory.Exists out && not (Seq.isEmpty (Directory.EnumerateFileSystemEntries out)) then
        fail (sprintf "--out %s: the folder exists and is not empty. Remedy: give a new folder (lem never overwrites a model)." out)
    let stopwatch = Stopwatch.StartNew()
    let summary = SyntheticModelWriter.Write(args.GetResult SynthArgs.Arch, args.GetResult SynthArgs.Preset, args.GetResult(SynthArgs.Seed, defaultValue = 0L), out)
    printfn "wrote %s: %s/%s, %.1f M parameters, %.1f MB of weights, seed %d, %d files, in %.1f s"
        summary.Folder summary.Preset.Arch summary.Preset.Name (float summary.Parameters / 1e6) (float summary.WeightBytes / 1e6)
        summary.Seed summary.Files.Count stopwatch.Elapsed.TotalSeconds
    0

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
        | Some(ModelArgs.Probe p) -> Probe.run p
        | _ -> fail "lem model needs a command: synth or presets. Remedy: see lem model --help."
