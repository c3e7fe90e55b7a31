module Lem.Dsl.Tests.CheckerTests

open System
open Expecto
open Lem.Engine.Config
open Lem.Dsl.Syntax
open Lem.Dsl.Checker
open Lem.Dsl.Checker.Checker
open Lem.Dsl.Tests.Helpers

/// (script, expected (code, line, column) of every error)
let diagnosticTable =
    [ "unknown parameter with suggestion", "experiment a {\n  batching.batch_sise = 4\n}", [ "LEM1001", 2, 3 ]
      "wrong type", "experiment a {\n  max_new_tokens = \"many\"\n}", [ "LEM1002", 2, 3 ]
      "out of range", "experiment a { batching.batch_size = 0 }", [ "LEM1003", 1, 16 ]
      "choice not allowed", "experiment a {\n  precision = int4\n}", [ "LEM1004", 2, 3 ]
      "unknown parent", "experiment a extends bsae {}\nexperiment base {}", [ "LEM0220", 1, 22 ]
      "inheritance cycle", "experiment a extends b {}\nexperiment b extends a {}", [ "LEM0221", 2, 22 ]
      "self extends", "experiment a extends a {}", [ "LEM0221", 1, 22 ]
      "duplicate definition", "experiment a {}\nexperiment a {}", [ "LEM0210", 2, 12 ]
      "unknown let name in call", "let n = 4\nexperiment a { prompts = synthetic(count = m, input_tokens = 8) }", [ "LEM1002", 2, 16; "LEM0211", 2, 44 ]
      "unknown let name for integer", "experiment a {\n  max_new_tokens = lots\n}", [ "LEM1002", 2, 3; "LEM0211", 2, 20 ]
      "zip lengths", "experiment a {}\nsweep s from a zip {\n  batching.batch_size = [1, 2]\n  precision = [fp16]\n}", [ "LEM0231", 2, 7 ]
      "sweep value invalid", "experiment a {}\nsweep s from a {\n  precision = [fp16, int4]\n}", [ "LEM1004", 3, 22 ]
      "campaign unknown key", "experiment a {}\ncampaign c {\n  experiments = [a]\n  cylces = 3\n}", [ "LEM0240", 4, 3 ]
      "campaign unknown experiment", "experiment a {}\ncampaign c { experiments = [a, b] }", [ "LEM0211", 2, 32 ]
      "campaign bad order", "experiment a {}\ncampaign c { experiments = [a]; order = random }", [ "LEM0241", 2, 41 ]
      "campaign schedule not cron", "experiment a {}\ncampaign c {\n  experiments = [a]\n  schedule = \"0 25 * * *\"\n}", [ "LEM0244", 4, 14 ]
      "campaign schedule not text", "experiment a {}\ncampaign c { experiments = [a]; schedule = 2 }", [ "LEM0241", 2, 44 ]
      "campaign cold_start not a boolean", "experiment a {}\ncampaign c { experiments = [a]; cold_start = 1 }", [ "LEM0241", 2, 46 ]
      "campaign schedule", "experiment a {}\ncampaign c { experiments = [a]; cycles = 7; schedule = \"0 2 * * *\" }", []
      "campaign slurm block", "experiment a {}\ncampaign c {\n  experiments = [a]\n  slurm {\n    partition = \"gpu\"; account = proj1; time = 2h; gpus_per_task = 1\n    cpus_per_task = 8; mem = \"32G\"; max_parallel = 1; extra = [\"--constraint=a100\", \"--qos high\"]\n  }\n}", []
      "campaign slurm unknown setting", "experiment a {}\ncampaign c {\n  experiments = [a]\n  slurm { partiton = \"gpu\" }\n}", [ "LEM0245", 4, 11 ]
      "campaign slurm time not a duration", "experiment a {}\ncampaign c { experiments = [a]; slurm.time = 90 }", [ "LEM0245", 2, 46 ]
      "campaign slurm zero time", "experiment a {}\ncampaign c { experiments = [a]; slurm.time = 0s }", [ "LEM0245", 2, 46 ]
      "campaign slurm gpus out of range", "experiment a {}\ncampaign c { experiments = [a]; slurm.gpus_per_task = 65 }", [ "LEM0245", 2, 55 ]
      "campaign slurm max_parallel zero", "experiment a {}\ncampaign c { experiments = [a]; slurm.max_parallel = 0 }", [ "LEM0245", 2, 54 ]
      "campaign slurm bad memory", "experiment a {}\ncampaign c { experiments = [a]; slurm.mem = \"32 GB\" }", [ "LEM0245", 2, 45 ]
      "campaign slurm partition with a space", "experiment a {}\ncampaign c { experiments = [a]; slurm.partition = \"gpu long\" }", [ "LEM0245", 2, 51 ]
      "campaign slurm extra sets the array", "experiment a {}\ncampaign c { experiments = [a]; slurm.extra = [\"--array=0-9\"] }", [ "LEM0245", 2, 47 ]
      "campaign slurm extra sets the output", "experiment a {}\ncampaign c { experiments = [a]; slurm.extra = [\"-o out.txt\"] }", [ "LEM0245", 2, 47 ]
      "campaign slurm extra sets the partition", "experiment a {}\ncampaign c { experiments = [a]; slurm.extra = [\"--partition=gpu\"] }", [ "LEM0245", 2, 47 ]
      "campaign slurm extra not an option", "experiment a {}\ncampaign c { experiments = [a]; slurm.extra = [\"constraint=a100\"] }", [ "LEM0245", 2, 47 ]
      "campaign slurm extra not a list of text", "experiment a {}\ncampaign c { experiments = [a]; slurm.extra = \"--qos=high\" }", [ "LEM0245", 2, 47 ]
      "run unknown", "experiment a {}\nrun b", [ "LEM0250", 2, 5 ]
      "unknown metric", "experiment a {}\nanalyze a {\n  table energy_per_output_token, ttft_ms_p50 by batching.batch_size\n}", [ "LEM0252", 3, 9 ]
      "every metric docs/metrics.md defines is accepted", "experiment a {}\nanalyze a {\n  table padding_ratio, effective_batch_size, prefill_time_s, decode_time_s, gpu_prefill_energy_j, gpu_decode_energy_j, cpu_prefill_energy_j, ram_decode_energy_j, energy_per_input_token_j, energy_wh_per_1k_output_tokens, request_energy_j_p99, goodput_requests_per_s by batching.batch_size\n}", []
      "run before the definition", "show a\nexperiment a {}", [ "LEM0251", 1, 6 ]
      "syntax errors are all reported", "experiment a {\n  model =\n}\nexperiment b {\n  = 3\n}\nrun a", [ "LEM0100", 2, 10; "LEM0100", 5, 3; "LEM0250", 7, 5 ]
      // no silent no-ops: each of these ran nothing, or ran one experiment twice under one name, without a word
      "campaign with no experiments", "experiment a {}\ncampaign c { experiments = [] }\nrun c", [ "LEM0243", 2, 28 ]
      "campaign listing an experiment twice", "experiment a {}\ncampaign c { experiments = [a, a] }", [ "LEM0241", 2, 32 ]
      "sweep value listed twice", "experiment a {}\nsweep s from a {\n  batching.batch_size = [1, 1, 4]\n}", [ "LEM0235", 3, 29 ]
      "sweep value listed twice through a let", "let sizes = [2, 2]\nexperiment a {}\nsweep s from a { batching.batch_size = sizes }", [ "LEM0235", 3, 40 ]
      "equal durations written two ways", "experiment a {}\nsweep s from a { baseline.duration = [1s, 1000ms] }", [ "LEM0235", 2, 43 ]
      "zip position repeated", "experiment a {}\nsweep s from a zip {\n  batching.batch_size = [1, 1]\n  precision = [fp16, fp16]\n}", [ "LEM0235", 3, 29 ]
      "zip with a value repeated on one axis only is fine", "experiment a {}\nsweep s from a zip {\n  batching.batch_size = [1, 1]\n  precision = [fp16, bf16]\n}", []
      "sweep axis given twice", "experiment a {}\nsweep s from a {\n  batching.batch_size = [1, 2]\n  batching.batch_size = [4]\n}", [ "LEM0235", 4, 3 ]
      "synthetic prompts take no preset", "experiment a { prompts = synthetic(\"alpaca\") }", [ "LEM1008", 1, 16 ]
      "choice word as a call argument", "experiment a { prompts = file(\"p.jsonl\", format = jsonl, sample = 4) }", []
      "valid script", "let n = 2\nexperiment a {\n  prompts = synthetic(count = n, input_tokens = 8)\n  decoder { temperature = 0.5; top_p = 0.9 }\n}\nrun a", [] ]

let table =
    testList "diagnostic table" [
        for (name, script, expected) in diagnosticTable ->
            testCase name <| fun () ->
                let p = check script
                Expect.equal (errorPlaces p) expected (dump p)
    ]

let suggestions =
    testList "messages" [
        testCase "did you mean a registry name" <| fun () ->
            let p = check "experiment a { batching.batch_sise = 4 }"
            Expect.stringContains (dump p) "did you mean 'batching.batch_size'?" (dump p)
        testCase "unknown metric suggests the canonical name" <| fun () ->
            let p = check "experiment a {}\nanalyze a { plot ttft_ms vs batching.batch_sise }"
            Expect.stringContains (dump p) "did you mean one of 'ttft_ms_mean', 'ttft_ms_p50'" (dump p)
            Expect.contains (p.Diagnostics |> List.map (fun d -> d.Code, d.Severity)) ("LEM0252", Severity.Warning) "unknown x is a warning"
        testCase "a call argument of a parameter is a column" <| fun () ->
            let p = check "experiment a {}\nanalyze a {\n  table energy_per_output_token_j by prompts.input_tokens\n  plot ttft_ms_p50 vs prompts.input_tokens by prompts.count\n}"
            Expect.isEmpty p.Diagnostics (dump p)
            let misspelt = check "experiment a {}\nanalyze a { table energy_per_output_token_j by prompts.input_tokns }"
            Expect.stringContains (dump misspelt) "did you mean 'prompts.input_tokens'?" (dump misspelt)
        testCase "no suggestion when everything would change" <| fun () ->
            let p = check "experiment a {}\nrun x"
            Expect.isFalse ((dump p).Contains "did you mean") (dump p)
        testCase "did you mean an allowed word" <| fun () ->
            let p = check "experiment a { precision = bf61 }"
            Expect.stringContains (dump p) "did you mean 'bf16'?" (dump p)
        testCase "a schedule that is not cron says why and how to write one" <| fun () ->
            let p = check "experiment a {}\ncampaign c { experiments = [a]; schedule = \"0 2 * *\" }"
            Expect.stringStarts (dump p) "main.lem:2:44: error LEM0244: schedule \"0 2 * *\" is not a cron expression: " (dump p)
            Expect.stringContains (dump p) "Remedy: write five fields, minute hour day-of-month month day-of-week, for example \"0 2 * * *\"" (dump p)
        testCase "a valid schedule reaches the run request" <| fun () ->
            let p = check "experiment a {}\ncampaign c { experiments = [a]; cycles = 2; schedule = \"30 */4 * * 1-5\" }\nrun c"
            Expect.isEmpty (errors p) (dump p)
            Expect.equal p.Campaigns["c"].Schedule (Some "30 */4 * * 1-5") "kept"
        testCase "a campaign's slurm block reaches the run request; an experiment's run has none" <| fun () ->
            let p = check "experiment a {}\ncampaign c {\n  experiments = [a]\n  slurm { partition = gpu; time = 90m; max_parallel = 2; extra = [\"--qos=high\"] }\n}\nrun c\nrun a"
            Expect.isEmpty (errors p) (dump p)
            let slurm = p.Campaigns["c"].Slurm
            Expect.equal slurm { SlurmSettings.none with Partition = Some "gpu"; Time = Some(TimeSpan.FromMinutes 90.0); MaxParallel = Some 2; Extra = [ "--qos=high" ] } "read"
            let request = (Lem.Dsl.Api.runRequest registry p "c").Value
            Expect.equal request.Slurm slurm "in the request"
            Expect.equal (Lem.Dsl.Api.runRequest registry p "a").Value.Slurm SlurmSettings.none "none for an experiment"
        testCase "an extra sbatch line that lem writes itself says so and what to do" <| fun () ->
            let p = check "experiment a {}\ncampaign c { experiments = [a]; slurm.extra = [\"--time=2:00:00\"] }"
            Expect.stringContains (dump p) "main.lem:2:47: error LEM0245: campaign slurm.extra line \"--time=2:00:00\" sets --time, which slurm.time sets. Remedy: remove it and use that setting" (dump p)
        testCase "rendered as FILE:LINE:COL: error CODE: message" <| fun () ->
            let p = check "experiment a {\n  precision = int4\n}"
            Expect.stringStarts (dump p) "main.lem:2:3: error LEM1004: precision = int4 is not allowed" (dump p)
    ]

let inheritance =
    testList "inheritance" [
        testCase "child wins, sections merge key by key, provenance points at the assignment" <| fun () ->
            let p =
                check "experiment a {\n  batching { strategy = dynamic; batch_size = 2 }\n  prompts = synthetic(count = 2, input_tokens = 4)\n}\nexperiment b extends a {\n  batching.batch_size = 8\n}"
            Expect.isEmpty (errors p) (dump p)
            Expect.equal (valueOf p "b" "batching.strategy") "dynamic" "inherited"
            Expect.equal (valueOf p "b" "batching.batch_size") "8" "child wins"
            Expect.equal (fromOf p "b" "batching.batch_size") "main.lem:6" "provenance"
            Expect.equal (fromOf p "b" "batching.strategy") "main.lem:2" "inherited provenance"
            Expect.equal (valueOf p "a" "batching.batch_size") "2" "parent unchanged"
        testCase "forward reference to a parent" <| fun () ->
            let p = check "experiment b extends a { max_new_tokens = 4 }\nexperiment a { min_new_tokens = 2 }"
            Expect.isEmpty (errors p) (dump p)
            Expect.equal (valueOf p "b" "min_new_tokens") "2" "from a"
        testProperty "n levels of inheritance equal n successive merges" <| fun (levels: (byte * byte) list) ->
            let levels = levels |> List.truncate 12
            let paths = [| "max_new_tokens"; "min_new_tokens"; "batching.batch_size"; "warmup.count" |]
            let assignment (which: byte, value: byte) = paths[int which % paths.Length], int value + 1
            let script =
                levels
                |> List.mapi (fun i l ->
                    let path, value = assignment l
                    let parent = if i = 0 then "" else sprintf " extends e%d" (i - 1)
                    sprintf "experiment e%d%s {\n  %s = %d\n}" i parent path value)
                |> String.concat "\n"
            let p = check script
            let expected = levels |> List.fold (fun (m: Map<string, int>) l -> let k, v = assignment l in m.Add(k, v)) Map.empty
            match levels with
            | [] -> true
            | _ ->
                let last = p.Experiments[sprintf "e%d" (levels.Length - 1)]
                let actual = last.Values |> Seq.map (fun kv -> kv.Key, int (kv.Value.Value :?> ConfigValue.Integer).Value) |> Map.ofSeq
                actual = expected
    ]

let sweeps =
    testList "sweeps" [
        testCase "grid: first path varies slowest, members named NAME[path=value,...]" <| fun () ->
            let p = check "experiment a {}\nsweep s from a {\n  batching.batch_size = [1, 4]\n  precision = [fp16, bf16]\n}"
            Expect.isEmpty (errors p) (dump p)
            Expect.equal p.Sweeps["s"].Members
                [ "s[batching.batch_size=1,precision=fp16]"; "s[batching.batch_size=1,precision=bf16]"
                  "s[batching.batch_size=4,precision=fp16]"; "s[batching.batch_size=4,precision=bf16]" ] "members"
            Expect.equal (fromOf p "s[batching.batch_size=4,precision=bf16]" "precision") "sweep s (main.lem:4)" "provenance"
        testCase "zip pairs element by element" <| fun () ->
            let p = check "experiment a {}\nsweep s from a zip {\n  batching.batch_size = [1, 4]\n  precision = [fp16, bf16]\n}"
            Expect.equal p.Sweeps["s"].Members [ "s[batching.batch_size=1,precision=fp16]"; "s[batching.batch_size=4,precision=bf16]" ] "members"
        testProperty "a grid has the product of its list lengths as members" <| fun (lengths: byte list) ->
            let lengths = lengths |> List.truncate 3 |> List.map (fun l -> int l % 4 + 1)
            let paths = [| "batching.batch_size"; "decoder.seed"; "warmup.count" |]
            let body = lengths |> List.mapi (fun i n -> sprintf "  %s = [%s]" paths[i] ([ 1 .. n ] |> List.map string |> String.concat ", ")) |> String.concat "\n"
            let p = check (sprintf "experiment a {}\nsweep s from a {\n%s\n}" body)
            let expected = if lengths.IsEmpty then 0 else List.fold (*) 1 lengths
            p.Sweeps["s"].Members.Length = expected && (errors p).IsEmpty
        testCase "members invalid for their backend are dropped with a note" <| fun () ->
            let text = "experiment a { fast_kernels = true }\nsweep s from a {\n  backend = [torchsharp, other]\n}"
            let p = checkText { optionsWith [ "main.lem", text ] with Registry = registryWithOtherBackend } "/mem/main.lem" text
            Expect.isEmpty (errors p |> List.filter (fun d -> d.Range.StartLine > 1)) (dump p)
            Expect.equal p.Sweeps["s"].Members [ "s[backend=other]" ] "kept"
            Expect.equal p.Sweeps["s"].Dropped [ "s[backend=torchsharp]" ] "dropped"
            Expect.contains (codes p) "LEM0232" "note"
            Expect.contains (codes p) "LEM1005" "the declared experiment itself is an error"
    ]

let imports =
    testList "imports" [
        testCase "relative to the importing file, each file once" <| fun () ->
            let files =
                [ "configs/base.lem", "import \"common.lem\"\nexperiment base extends common { max_new_tokens = 4 }"
                  "configs/common.lem", "experiment common { min_new_tokens = 1 }" ]
            let p = checkWith files "import \"configs/base.lem\"\nimport \"configs/common.lem\"\nexperiment a extends base {}"
            Expect.isEmpty (errors p) (dump p)
            Expect.equal (fromOf p "a" "min_new_tokens") "configs/common.lem:1" "provenance in the imported file"
        testCase "cycles are reported naming the cycle" <| fun () ->
            let files = [ "b.lem", "import \"c.lem\"\nexperiment b {}"; "c.lem", "import \"b.lem\"" ]
            let p = checkWith files "import \"b.lem\""
            Expect.equal (errorPlaces p) [ "LEM0201", 1, 1 ] (dump p)
            Expect.stringContains (dump p) "b.lem -> c.lem -> b.lem" (dump p)
        testCase "missing import" <| fun () ->
            let p = check "import \"nope.lem\""
            Expect.equal (errorPlaces p) [ "LEM0200", 1, 1 ] (dump p)
    ]

let campaigns =
    let campaign order cycles seed =
        { Name = "c"; Experiments = [ "a"; "b"; "c" ]; Cycles = cycles; Order = order; Seed = seed; Gap = TimeSpan.Zero; CycleGap = TimeSpan.Zero; Schedule = None; ColdStart = false; Slurm = SlurmSettings.none; Range = Range.point "x" 1 1 }
    let runs c = Campaigns.expand c |> List.map (fun r -> r.Experiment, r.Cycle)
    testList "campaigns" [
        testCase "interleaved" <| fun () ->
            Expect.equal (runs (campaign Interleaved 2 0)) [ "a", 1; "b", 1; "c", 1; "a", 2; "b", 2; "c", 2 ] "order"
        testCase "grouped" <| fun () ->
            Expect.equal (runs (campaign Grouped 2 0)) [ "a", 1; "a", 2; "b", 1; "b", 2; "c", 1; "c", 2 ] "order"
        testCase "shuffled: Fisher-Yates with System.Random(seed), cycle by cycle" <| fun () ->
            let random = Random(7)
            let expected =
                [ for cycle in 1 .. 3 do
                      let o = [| "a"; "b"; "c" |]
                      for i in 2 .. -1 .. 1 do
                          let j = random.Next(i + 1)
                          let t = o[i] in o[i] <- o[j]; o[j] <- t
                      for e in o -> e, cycle ]
            Expect.equal (runs (campaign Shuffled 3 7)) expected "order"
            Expect.equal (runs (campaign Shuffled 3 7)) (runs (campaign Shuffled 3 7)) "reproducible"
        testProperty "every order runs each experiment once per cycle" <| fun (cycles: byte) (seed: int) ->
            let cycles = int cycles % 5 + 1
            [ Interleaved; Shuffled; Grouped ]
            |> List.forall (fun o -> runs (campaign o cycles (abs (seed % 1000))) |> List.sort = (runs (campaign Grouped cycles 0) |> List.sort))
        testCase "campaign lists sweeps as their members" <| fun () ->
            let p = check "experiment a {}\nsweep s from a { max_new_tokens = [1, 2] }\ncampaign c {\n  experiments = [a, s]\n  cycles = 2\n  gap = 30s\n}"
            Expect.isEmpty (errors p) (dump p)
            Expect.equal p.Campaigns["c"].Experiments [ "a"; "s[max_new_tokens=1]"; "s[max_new_tokens=2]" ] "expanded"
            Expect.equal p.Campaigns["c"].Gap (TimeSpan.FromSeconds 30.0) "gap"
        testCase "an experiment's own cycles inside a campaign is a warning" <| fun () ->
            let p = check "experiment a { cycles = 5 }\nexperiment b { cycles = 2 }\ncampaign c {\n  experiments = [a, b]\n  cycles = 2\n}"
            Expect.isEmpty (errors p) (dump p)
            let warnings = p.Diagnostics |> List.filter (fun d -> d.Code = "LEM0242")
            Expect.equal (warnings |> List.map (fun d -> d.Severity, d.Range.StartLine)) [ Severity.Warning, 3 ] (dump p)
            Expect.stringContains warnings.Head.Message "'a' sets cycles = 5, but campaign 'c' runs each experiment 2 time(s)" "message"
    ]

let overrides =
    testList "overrides" [
        testCase "--set wins with command-line provenance" <| fun () ->
            let o = Overrides.parse "batching.batch_size=16" |> Result.defaultWith (fun d -> failwith d.Message)
            let text = "experiment a { batching.batch_size = 2 }"
            let p = checkText { optionsWith [ "main.lem", text ] with Overrides = [ o ] } "/mem/main.lem" text
            Expect.equal (valueOf p "a" "batching.batch_size") "16" "value"
            Expect.equal (fromOf p "a" "batching.batch_size") "command line (--set)" "provenance"
        testCase "--set on a sweep axis is a warning at the axis" <| fun () ->
            let o = Overrides.parse "batching.batch_size=4" |> Result.defaultWith (fun d -> failwith d.Message)
            let text = "experiment a {}\nsweep s from a { batching.batch_size = [1, 8] }"
            let p = checkText { optionsWith [ "main.lem", text ] with Overrides = [ o ] } "/mem/main.lem" text
            let warning = p.Diagnostics |> List.find (fun d -> d.Code = "LEM0234")
            Expect.equal (warning.Severity, warning.Range.StartLine) (Severity.Warning, 2) (dump p)
            Expect.stringContains warning.Message "--set batching.batch_size overrides the axis" "message"
        testCase "bad override values are errors" <| fun () ->
            Expect.isError (Overrides.parse "batching.batch_size") "no ="
            Expect.isError (Overrides.parse "x=[1,") "bad value"
        testCase "override of an unknown parameter is reported" <| fun () ->
            let o = Overrides.parse "batch_size=16" |> Result.defaultWith (fun d -> failwith d.Message)
            let text = "experiment a {}"
            let p = checkText { optionsWith [ "main.lem", text ] with Overrides = [ o ] } "/mem/main.lem" text
            Expect.equal (errorPlaces p) [ "LEM1001", 1, 12 ] (dump p)
            Expect.equal (errors p).Head.Range.File "--set" "file"
    ]

let tests = testList "checker" [ table; suggestions; inheritance; sweeps; imports; campaigns; overrides ]
