/// Bad input: one clear line naming the thing and the remedy, a non-zero exit, no stack trace, nothing already
/// written lost (a completed run copied into the working folder first must be unchanged afterwards).
module Lem.Cli.Tests.BadInputTests

open System.IO
open Expecto
open Lem.Cli.Tests.Lem
open Lem.Models.Safetensors

/// A working folder that already holds a completed run (copied from the results fixture).
let private withCompletedRun (name: string) =
    let dir = workDir name
    let fixtureDir, _ = ResultsTests.fixture.Force()
    copyDir (Path.Combine(fixtureDir, "results")) (Path.Combine(dir, "results"))
    dir, snapshot (Path.Combine(dir, "results"))

let private scriptFor (model: string) (extra: string) =
    $"""experiment e {{
  model = "{model}"
  device = "cpu"
  max_new_tokens = 2
  prompts = synthetic(count = 2, input_tokens = 8)
  warmup.count = 0
  {extra}
}}
run e
"""

/// Runs `lem run bad.lem` and checks the failure: one error line containing every one of EXPECTED, non-zero exit,
/// no stack trace, the earlier results intact.
let private expectOneLineFailure (dir: string) (before: (string * byte[])[]) (args: string list) (expected: string list) =
    let o = run dir args
    Expect.notEqual o.ExitCode 0 "non-zero exit"
    expectNoStackTrace o
    let errors = errorLines o
    Expect.equal errors.Length 1 $"one error line, got:\n{o.Stderr}"
    for text in expected do Expect.stringContains errors[0] text $"the line names {text}"
    let results = Path.Combine(dir, "results")
    let earlier = before |> Array.map fst |> Set.ofArray
    let now = snapshot results |> Array.filter (fun (f, _) -> earlier.Contains f)
    Expect.equal now before "the completed run is unchanged"
    errors[0]

/// Copies the tiny model and rewrites its safetensors file with CHANGE applied to one 2-D layer tensor.
let private damagedModel (dir: string) (change: SafetensorsEntry -> byte[] -> SafetensorsTensor option) =
    let model = Path.Combine(dir, "model")
    copyDir (tinyModel.Force()) model
    let file = Path.Combine(model, "model.safetensors")
    let tensors, metadata, victim =
        use st = SafetensorsFile.Open file
        let victim = st.Entries |> Seq.find (fun e -> e.Name.Contains "layers.0." && e.Shape.Length = 2 && e.Shape[0] <> e.Shape[1])
        let tensors =
            st.Entries
            |> Seq.choose (fun e ->
                let data = st.ReadBytes e.Name
                if e.Name = victim.Name then change e data else Some(SafetensorsTensor.FromBytes(e.Name, e.DType, e.Shape, data)))
            |> List.ofSeq
        tensors, st.Metadata, victim.Name
    SafetensorsWriter.Write(file, tensors, metadata)
    victim

let tests =
    testSequenced <| testList "bad input" [
        testCase "a missing model folder" <| fun () ->
            let dir, before = withCompletedRun "bad-missing-model"
            write dir "bad.lem" (scriptFor "nomodel" "") |> ignore
            let line = expectOneLineFailure dir before [ "run"; "bad.lem" ] [ "nomodel"; "does not exist" ]
            Expect.stringContains line "config.json" "says what the folder must hold"

        testCase "a malformed config.json" <| fun () ->
            let dir, before = withCompletedRun "bad-config-json"
            write dir "broken/config.json" "{ \"architectures\": [" |> ignore
            write dir "bad.lem" (scriptFor "broken" "") |> ignore
            expectOneLineFailure dir before [ "run"; "bad.lem" ] [ "config.json"; "JSON" ] |> ignore

        testCase "a missing tensor" <| fun () ->
            let dir, before = withCompletedRun "bad-missing-tensor"
            let victim = damagedModel dir (fun _ _ -> None)
            write dir "bad.lem" (scriptFor "model" "") |> ignore
            expectOneLineFailure dir before [ "run"; "bad.lem" ] [ victim ] |> ignore

        testCase "a misshapen tensor" <| fun () ->
            let dir, before = withCompletedRun "bad-shape"
            let victim = damagedModel dir (fun e data -> Some(SafetensorsTensor.FromBytes(e.Name, e.DType, [| e.Shape[1]; e.Shape[0] |], data)))
            write dir "bad.lem" (scriptFor "model" "") |> ignore
            expectOneLineFailure dir before [ "run"; "bad.lem" ] [ victim ] |> ignore

        testCase "an unknown parameter in a script, with did-you-mean" <| fun () ->
            let dir, before = withCompletedRun "bad-param"
            write dir "bad.lem" (scriptFor "model" "batching.batch_sise = 2") |> ignore
            expectOneLineFailure dir before [ "run"; "bad.lem" ] [ "bad.lem:7:3"; "batching.batch_sise"; "did you mean"; "batching.batch_size" ] |> ignore

        testCase "an unknown parameter on the command line, with did-you-mean" <| fun () ->
            let dir, before = withCompletedRun "bad-set"
            write dir "ok.lem" (tinyExperiment "t" "" + "run t\n") |> ignore
            expectOneLineFailure dir before [ "run"; "--set"; "batching.batch_sise=2"; "ok.lem" ] [ "--set"; "did you mean"; "batching.batch_size" ] |> ignore

        testCase "an unwritable results folder" <| fun () ->
            let dir, before = withCompletedRun "bad-results-dir"
            write dir "somefile" "a regular file" |> ignore
            write dir "bad.lem" (tinyExperiment "t" "results.dir = \"somefile/sub\"" + "run t\n") |> ignore
            expectOneLineFailure dir before [ "run"; "bad.lem" ] [ "results.dir"; "somefile/sub"; "Remedy" ] |> ignore
            Expect.equal (File.ReadAllText(Path.Combine(dir, "somefile"))) "a regular file" "the file is untouched"

        testCase "a script with nothing to run" <| fun () ->
            let dir, before = withCompletedRun "bad-nothing"
            write dir "defs.lem" (tinyExperiment "t" "") |> ignore
            let o = run dir [ "run"; "defs.lem" ]
            Expect.notEqual o.ExitCode 0 "non-zero exit"
            Expect.stringContains o.Stderr "run NAME" "the remedy"
            expectNoStackTrace o
    ]
