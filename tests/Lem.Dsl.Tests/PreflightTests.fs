/// Pre-flight: with the service the CLI gives it (the engine's PreflightChecker over the CLI's composition; GPUs faked),
/// the checker finds before anything runs what would otherwise fail mid-campaign: unknown presets, missing or malformed
/// prompt files and models, backends that cannot run here, GPUs that are not here, outputs that cannot be written.
/// And files that are not UTF-8 are errors at their first bad byte.
module Lem.Dsl.Tests.PreflightTests

open System
open System.IO
open System.Text
open Expecto
open Lem.Engine.Config
open Lem.Engine.Preflight
open Lem.Dsl.Checker
open Lem.Dsl.Checker.Checker
open Lem.Dsl.Tests.Helpers

/// The folder of this test run's files, deleted when the test process exits.
let private root =
    lazy
        (let dir = Path.Combine(Path.GetTempPath(), $"lem-dsl-preflight-{Environment.ProcessId}")
         Directory.CreateDirectory dir |> ignore
         AppDomain.CurrentDomain.ProcessExit.Add(fun _ -> try Directory.Delete(dir, true) with _ -> ())
         dir)

/// A new folder for one test's files.
let private newFolder () =
    let dir = Path.Combine(root.Value, Guid.NewGuid().ToString("N").Substring(0, 8))
    Directory.CreateDirectory dir |> ignore
    dir

let private writeBytes (dir: string) (file: string) (bytes: byte[]) =
    let path = Path.Combine(dir, file)
    Directory.CreateDirectory(Path.GetDirectoryName path) |> ignore
    File.WriteAllBytes(path, bytes)

let private write (dir: string) (file: string) (text: string) = writeBytes dir file (Encoding.UTF8.GetBytes text)

/// The tiny synthetic model as a Hugging Face folder, written once for these tests.
let private tinyFolder = lazy (Lem.Models.Synthetic.SyntheticModelCache(newFolder ()).Resolve("tiny", 0L))

/// The CLI's pre-flight for scripts in `dir`, on a machine with `gpus` GPUs (cuda:0 .. cuda:gpus-1); `runMode`: lem run.
let private service (dir: string) (runMode: bool) (gpus: int) : PreflightService =
    let missing (devices: Collections.Generic.IReadOnlyList<DeviceSpec>) =
        if devices |> Seq.forall (fun d -> d.Index < gpus) then null else sprintf "this test machine has %d GPUs" gpus
    let checker = PreflightChecker(engineRegistry, PreflightOptions(AbsentDeviceIsError = runMode, MissingDevices = Func<_, _>(missing)))
    { Experiment = fun values -> checker.Check(values, dir) |> List.ofSeq
      Output = Lem.Cli.PreflightHost.outputProblem }

/// Checks `text` as DIR/main.lem with pre-flight ({dir} in the text stands for DIR).
let private checkIn (dir: string) (runMode: bool) (gpus: int) (text: string) =
    write dir "main.lem" (text.Replace("{dir}", dir.Replace("\\", "/")))
    let options = { defaultOptions registry with Files = Imports.diskFiles dir; Preflight = Some(service dir runMode gpus) }
    checkFile options (Path.Combine(dir, "main.lem"))

/// Experiment `a` (the tiny synthetic model on the CPU, 2 synthetic prompts) with `extra` assignments from line 5, col 3.
let private script (extra: string list) (tail: string) =
    ([ "experiment a {"; "  model = synthetic(\"tiny\")"; "  device = \"cpu\""; "  prompts = synthetic(count = 2, input_tokens = 8)" ]
     @ (extra |> List.map (fun e -> "  " + e))
     @ [ "}"; "run a" ])
    |> String.concat "\n"
    |> fun s -> s + "\n" + tail

let private diagnosticPlaces (severity: Severity) (p: CheckedProgram) =
    p.Diagnostics |> List.filter (fun d -> d.Severity = severity) |> List.map (fun d -> d.Code, d.Range.StartLine, d.Range.StartCol)

/// (name, files to write into the folder, extra assignments of `a`, the errors expected)
let private table: (string * (string * byte[]) list * string list * (string * int * int) list) list =
    let text (s: string) = Encoding.UTF8.GetBytes s
    [ "a valid experiment", [], [], []
      "unknown synthetic preset", [], [ "model = synthetic(\"tinyy\")" ], [ "LEM1104", 5, 3 ]
      "a preset llama.cpp cannot write as GGUF", [], [ "backend = llamacpp"; "precision = fp32"; "model = synthetic(\"gpt2:tiny\")" ], [ "LEM1104", 7, 3 ]
      "prompt file missing", [], [ "prompts = file(\"data/prompts.jsonl\")" ], [ "LEM1101", 5, 3 ]
      "prompt file malformed", [ "p.jsonl", text "{\"text\": \"a\"}\n{not json\n" ], [ "prompts = file(\"p.jsonl\")" ], [ "LEM1102", 5, 3 ]
      "prompt file format cannot be told", [ "p.dat", text "a\n" ], [ "prompts = file(\"p.dat\")" ], [ "LEM1102", 5, 3 ]
      "fewer prompts than sample", [ "p.txt", text "one\ntwo\n" ], [ "prompts = file(\"p.txt\", sample = 3)" ], [ "LEM1103", 5, 3 ]
      "as many prompts as sample", [ "p.txt", text "one\ntwo\n" ], [ "prompts = file(\"p.txt\", sample = 2)" ], []
      "prompt file not UTF-8", [ "p.txt", [| 0x63uy; 0x61uy; 0x66uy; 0xE9uy; 0x0Auy |] ], [ "prompts = file(\"p.txt\")" ], [ "LEM1102", 5, 3 ]
      "model folder missing", [], [ "model = \"models/llama\"" ], [ "LEM1101", 5, 3 ]
      "model folder of a family torchsharp does not build", [ "models/bert/config.json", text "{\"model_type\": \"bert\"}" ], [ "model = \"models/bert\"" ], [ "LEM1102", 5, 3 ]
      "model config.json that is not JSON", [ "models/broken/config.json", text "{not json" ], [ "model = \"models/broken\"" ], [ "LEM1102", 5, 3 ]
      "model path that is a file for torchsharp", [ "models/weights.bin", text "x" ], [ "model = \"models/weights.bin\"" ], [ "LEM1102", 5, 3 ]
      "llama.cpp model that is not GGUF", [ "m.gguf", text "not a gguf file at all, but long enough" ], [ "backend = llamacpp"; "precision = fp32"; "model = \"m.gguf\"" ], [ "LEM1102", 7, 3 ]
      "llama.cpp native library missing", [], [ "backend = llamacpp"; "precision = fp32"; "llamacpp.native_path = \"/nonexistent/llama\"" ], [ "LEM1106", 7, 3 ]
      "ONNX Runtime GenAI's CUDA provider, absent from this build", [], [ "backend = ortgenai"; "precision = fp32"; "device = \"cuda:0\""; "ortgenai.provider = cuda" ], [ "LEM1106", 8, 3 ]
      "server program that does not exist", [], [ "backend = vllm"; "device = \"cuda:0\""; "server.command = [\"/nonexistent/bin/vllm\", \"serve\"]" ], [ "LEM1106", 7, 3 ]
      "llama-server model that is not GGUF", [ "m.gguf", text "not a gguf file at all, but long enough" ], [ "backend = llama_server"; "server.url = \"http://127.0.0.1:1\""; "model = \"m.gguf\"" ], [ "LEM1102", 7, 3 ]
      "server program not on PATH", [], [ "backend = vllm"; "device = \"cuda:0\""; "server.command = [\"lem-test-no-such-server\", \"serve\"]" ], [ "LEM1106", 7, 3 ]
      "torchsharp libtorch path without libtorch", [], [ "torchsharp.libtorch_path = \"/nonexistent/torch/lib\"" ], [ "LEM1106", 5, 3 ]
      "fewer prompts than data-parallel workers", [], [ "prompts = synthetic(count = 1, input_tokens = 8)"; "parallel.mode = data"; "parallel.devices = [\"cuda:0\", \"cuda:1\"]" ], [ "LEM1103", 5, 3 ]
      "results.dir under a file", [ "taken", text "x" ], [ "results.dir = \"{dir}/taken/results\"" ], [ "LEM1107", 5, 3 ] ]

let private tableTests =
    testList "table (pre-flight of lem check, 2 GPUs)" [
        for (name, files, extra, expected) in table ->
            testCase name <| fun () ->
                let dir = newFolder ()
                for (file, bytes) in files do writeBytes dir file bytes
                let p = checkIn dir false 2 (script extra "")
                Expect.equal (errorPlaces p) expected (dump p)
    ]

let private behaviour =
    testList "behaviour" [
        testCase "a Hugging Face folder that exists passes; without its weights it is an error" <| fun () ->
            let dir = newFolder ()
            let folder = Path.Combine(dir, "models", "tiny")
            Directory.CreateDirectory folder |> ignore
            for f in Directory.GetFiles tinyFolder.Value do File.Copy(f, Path.Combine(folder, Path.GetFileName f))
            let p = checkIn dir false 0 (script [ "model = \"models/tiny\"" ] "")
            Expect.isEmpty (errors p) (dump p)
            for f in Directory.GetFiles(folder, "*.safetensors") do File.Delete f
            let p = checkIn dir false 0 (script [ "model = \"models/tiny\"" ] "")
            Expect.equal (errorPlaces p) [ "LEM1102", 5, 3 ] (dump p)
        testCase "paths set in an imported file of another folder are relative to that file, not to the root script" <| fun () ->
            let dir = newFolder ()
            let lib = Path.Combine(dir, "lib")
            write lib "data/prompts.jsonl" "{\"text\": \"one\"}\n{\"text\": \"two\"}\n"
            Directory.CreateDirectory(Path.Combine(lib, "models")) |> ignore
            Directory.CreateSymbolicLink(Path.Combine(lib, "models", "tiny"), tinyFolder.Value) |> ignore
            write lib "base.lem"
                ("experiment base {\n  model = \"models/tiny\"\n  device = \"cpu\"\n  prompts = file(\"data/prompts.jsonl\")\n}\n"
                 + "sweep files from base { prompts = [file(\"data/prompts.jsonl\"), file(path = \"data/prompts.jsonl\", format = jsonl)] }\n")
            let paper = Path.Combine(dir, "paper")
            write paper "main.lem" "import \"../lib/base.lem\"\nexperiment mine extends base { max_new_tokens = 2 }\nrun mine\nrun files\n"
            let options = { defaultOptions registry with Files = Imports.diskFiles paper; Preflight = Some(service paper true 0) }
            let p = checkFile options (Path.Combine(paper, "main.lem"))
            Expect.isEmpty (errors p) (dump p)
            let valueOf (program: CheckedProgram) (name: string) (parameter: string) = (Lem.Dsl.Api.fullValues registry program name).[parameter].Value.ToString()
            Expect.equal (valueOf p "mine" "prompts") "file(\"../lib/data/prompts.jsonl\")" "the prompt file beside base.lem, from the root's folder"
            Expect.equal (valueOf p "mine" "model") "\"../lib/models/tiny\"" "the model folder beside base.lem"
            let members = p.Sweeps["files"].Members
            Expect.equal (members |> List.map (fun m -> valueOf p m "prompts"))
                [ "file(\"../lib/data/prompts.jsonl\")"; "file(path = \"../lib/data/prompts.jsonl\", format = jsonl)" ] "sweep values too, positional or named"
            // a value set in the root's folder is left as written
            write paper "own.lem" "experiment own {\n  model = synthetic(\"tiny\")\n  device = \"cpu\"\n  prompts = file(\"p.txt\")\n}\n"
            write paper "p.txt" "one\n"
            let own = checkFile options (Path.Combine(paper, "own.lem"))
            Expect.equal (valueOf own "own" "prompts") "file(\"p.txt\")" "unchanged"
        testCase "a GPU that is not here: a warning for lem check, an error for lem run" <| fun () ->
            let dir = newFolder ()
            let text = script [ "device = \"cuda:1\"" ] ""
            let checkP = checkIn dir false 1 text
            Expect.isEmpty (errors checkP) (dump checkP)
            Expect.equal (diagnosticPlaces Severity.Warning checkP |> List.filter (fun (c, _, _) -> c = "LEM1105")) [ "LEM1105", 5, 3 ] (dump checkP)
            Expect.stringContains (dump checkP) "this test machine has 1 GPUs" "says why"
            let runP = checkIn dir true 1 text
            Expect.equal (errorPlaces runP) [ "LEM1105", 5, 3 ] (dump runP)
            Expect.isEmpty (errors (checkIn dir true 2 text)) "present"
        testCase "measurement.gpus is checked too" <| fun () ->
            let p = checkIn (newFolder ()) true 1 (script [ "measurement.gpus = [\"cuda:0\", \"cuda:5\"]" ] "")
            Expect.equal (errorPlaces p) [ "LEM1105", 5, 3 ] (dump p)
        testCase "analysis outputs: a known format in a folder that can be written" <| fun () ->
            let dir = newFolder ()
            write dir "taken" "x"
            let at (file: string) = Path.Combine(dir, file).Replace("\\", "/")
            let tail =
                sprintf "analyze a {\n  export \"%s\"\n  export \"%s\"\n  plot ttft_ms_p50 vs batching.batch_size to \"%s\"\n  export \"%s\"\n  plot ttft_ms_p50 vs batching.batch_size to \"%s\"\n}\n"
                    (at "out/paper.xlsx") (at "taken/paper.csv") (at "figures/a.png") (at "out/paper.csv") (at "figures/a.svg")
            let p = checkIn dir false 0 (script [] tail)
            Expect.equal (errorPlaces p) [ "LEM0253", 8, 3; "LEM0253", 9, 3; "LEM0253", 10, 3 ] (dump p)
            Expect.stringContains (dump p) "'.xlsx' is not a format lem writes. Remedy: use a file name ending in .csv, .json or .parquet" (dump p)
            Expect.isFalse (Directory.Exists(Path.Combine(dir, "out"))) "nothing created"
        testCase "only what the run statements run is checked; every experiment in a file without one" <| fun () ->
            let dir = newFolder ()
            let unused = "experiment b extends a { model = \"models/none\" }\n"
            Expect.isEmpty (errors (checkIn dir true 0 (script [] unused))) "b is not run"
            let library = (script [] unused).Replace("run a\n", "")
            Expect.equal (errorPlaces (checkIn dir true 0 library)) [ "LEM1101", 6, 26 ] "no run statement: b is checked"
        testCase "a sweep's members share one look at each input" <| fun () ->
            let dir = newFolder ()
            let p = checkIn dir false 0 (script [ "prompts = file(\"missing.txt\")" ] "sweep s from a { batching.batch_size = [1, 2, 3, 4] }\nrun s\n")
            Expect.equal (errorPlaces p) [ "LEM1101", 5, 3 ] (dump p)
        testCase "a sweep value that names a missing file points at the value" <| fun () ->
            let dir = newFolder ()
            write dir "ok.txt" "one\n"
            let p = checkIn dir false 0 (script [] "sweep s from a { prompts = [file(\"ok.txt\"), file(\"gone.txt\")] }\nrun s\n")
            Expect.equal (errorPlaces p) [ "LEM1101", 7, 45 ] (dump p)
    ]

let private utf8 =
    testList "not UTF-8" [
        testCase "a .lem file: at the bad byte's line and column, with its byte offset" <| fun () ->
            let dir = newFolder ()
            // line 2 is `  max_new_tokens = 4 # caf<E9>`: the bad byte is at column 27, byte offset 41
            writeBytes dir "main.lem" (Array.concat [ Encoding.UTF8.GetBytes "experiment a {\n  max_new_tokens = 4 # caf"; [| 0xE9uy |]; Encoding.UTF8.GetBytes "\n}\n" ])
            let p = checkFile { defaultOptions registry with Files = Imports.diskFiles dir } (Path.Combine(dir, "main.lem"))
            Expect.equal (errorPlaces p) [ "LEM0202", 2, 27 ] (dump p)
            Expect.stringContains (dump p) "byte 0xE9 at byte offset 41" (dump p)
            Expect.isFalse ((dump p).Contains "\uFFFD") "no replacement character"
        testCase "an imported file: in that file" <| fun () ->
            let dir = newFolder ()
            writeBytes dir "lib.lem" (Array.concat [ Encoding.UTF8.GetBytes "experiment b {}\n# \u00e9 then "; [| 0xFFuy |] ])
            write dir "main.lem" "import \"lib.lem\"\nexperiment a extends b {}\n"
            let p = checkFile { defaultOptions registry with Files = Imports.diskFiles dir } (Path.Combine(dir, "main.lem"))
            Expect.equal (p.Diagnostics |> List.map (fun d -> d.Code, d.Range.File, d.Range.StartLine, d.Range.StartCol)) [ "LEM0202", "lib.lem", 2, 10; "LEM0220", "main.lem", 2, 22 ] (dump p)
        testCase "a YAML config" <| fun () ->
            let dir = newFolder ()
            writeBytes dir "c.yaml" (Array.concat [ Encoding.UTF8.GetBytes "config_name: x\nmodel_name: \""; [| 0xC3uy; 0x28uy |]; Encoding.UTF8.GetBytes "\"\n" ])
            let p = Lem.Dsl.Yaml.YamlLoader.check { defaultOptions registry with Files = Imports.diskFiles dir } (Path.Combine(dir, "c.yaml"))
            Expect.equal (errorPlaces p) [ "LEM0202", 2, 14 ] (dump p)
        testCase "InputText: a byte order mark is skipped, text decodes as it is" <| fun () ->
            let bytes = Array.append [| 0xEFuy; 0xBBuy; 0xBFuy |] (Encoding.UTF8.GetBytes "h\u00e9llo\r\nw\u00f6rld")
            Expect.equal (Lem.Engine.InputText.Decode(ReadOnlySpan bytes, "x")) "h\u00e9llo\r\nw\u00f6rld" "decoded"
        testCase "InputText: the position counts characters, the offset bytes (with the mark)" <| fun () ->
            let bytes = Array.concat [ [| 0xEFuy; 0xBBuy; 0xBFuy |]; Encoding.UTF8.GetBytes "a\n\u00e9\u00e9"; [| 0x80uy |] ]
            try
                Lem.Engine.InputText.Decode(ReadOnlySpan bytes, "f.txt") |> ignore
                failtest "decoded bytes that are not UTF-8"
            with :? Lem.Engine.InputTextException as e ->
                Expect.equal (e.Line, e.Column, e.ByteOffset) (2, 3, 9L) e.Message
                Expect.stringStarts e.Message "f.txt:2:3: not valid UTF-8 (byte 0x80 at byte offset 9)" e.Message
    ]

let tests = testList "pre-flight" [ tableTests; behaviour; utf8 ]
