/// Each checker pass on its own: its input built by hand or by the passes before it, its result and diagnostics.
module Lem.Dsl.Tests.PassTests

open Expecto
open Lem.Engine.Config
open Lem.Dsl.Syntax
open Lem.Dsl.Parser
open Lem.Dsl.Checker
open Lem.Dsl.Checker.Imports
open Lem.Dsl.Checker.Passes
open Lem.Dsl.Tests.Helpers

/// The statements of `main.lem`, as the import loader gives them (all from the root file).
let private located (text: string) =
    let statements, diagnostics = ScriptParser.parse "main.lem" text
    Expect.isEmpty diagnostics "the script parses"
    statements |> List.map (fun s -> { Statement = s; FullPath = "/mem/main.lem"; IsRoot = true })

/// The scope the passes after `lets` read, for a script and overrides.
let private scopeWith (registry: RegistryAdapter.Registry) (overrides: string list) (text: string) =
    let definitions, _ = DefinitionPass.run (located text)
    let lets, _ = LetPass.run definitions
    let parsed = overrides |> List.map (fun o -> Overrides.parse o |> Result.defaultWith (fun d -> failwith d.Message))
    { Registry = registry; Definitions = definitions; Lets = lets; Overrides = parsed; MaxRuns = RunLimits.defaultMax }

let private scope text = scopeWith registry [] text

let private codesOf (ds: SyntaxDiagnostic list) = ds |> List.map (fun d -> d.Code)
let private placesOf (ds: SyntaxDiagnostic list) = ds |> List.map (fun d -> d.Code, d.Range.StartLine, d.Range.StartCol)
let private text (ds: SyntaxDiagnostic list) = ds |> List.map SyntaxDiagnostic.render |> String.concat "\n"

/// Declared experiments, sweeps expanded, validated: the input of the campaign and action passes.
let private validatedOf (s: Scope) =
    let declared, _ = InheritancePass.run s
    let expansion, _ = SweepPass.run s declared
    fst (ValidationPass.run s declared expansion)

let definitions =
    testList "definitions" [
        testCase "names in first-definition order with their positions; a second definition is LEM0210" <| fun () ->
            let table, ds = DefinitionPass.run (located "let n = 1\nexperiment a {}\nrun a\nexperiment a {}\ncampaign c { experiments = [a] }")
            Expect.equal table.Order [ "n"; "a"; "c" ] "order"
            Expect.equal (table.Position |> Map.toList) [ "a", 1; "c", 4; "n", 0 ] "positions among the statements"
            Expect.equal (placesOf ds) [ "LEM0210", 4, 12 ] (text ds)
            Expect.stringContains ds.Head.Message "already defined at main.lem:2" "names the first"
            match table.ByName["a"] with
            | Experiment(n, _, _, _) -> Expect.equal n.Range.StartLine 2 "the first definition counts"
            | other -> failwithf "%A" other
        testCase "one namespace: a let and an experiment cannot share a name" <| fun () ->
            let _, ds = DefinitionPass.run (located "let a = 1\nexperiment a {}")
            Expect.equal (codesOf ds) [ "LEM0210" ] (text ds)
    ]

let lets =
    testList "lets" [
        testCase "a binding may use the bindings above it; unbound words stay words" <| fun () ->
            let table, _ = DefinitionPass.run (located "let n = 2\nlet sizes = [n, 4]\nlet p = bf16")
            let env, ds = LetPass.run table
            Expect.isEmpty ds (text ds)
            Expect.equal (env["sizes"].ToString()) "[2, 4]" "n substituted"
            Expect.equal (env["p"].ToString()) "bf16" "a word"
        testCase "a binding cannot use one defined below it" <| fun () ->
            let table, _ = DefinitionPass.run (located "let sizes = [n]\nlet n = 2")
            let env, _ = LetPass.run table
            Expect.equal (env["sizes"].ToString()) "[n]" "n is still a word there"
    ]

let inheritance =
    testList "inheritance" [
        testCase "a child has its parent's values and its own; history keeps each step" <| fun () ->
            let declared, ds = InheritancePass.run (scope "experiment b extends a { max_new_tokens = 8 }\nexperiment a { max_new_tokens = 4; min_new_tokens = 2 }")
            Expect.isEmpty ds (text ds)
            let b = declared["b"]
            Expect.equal (b.Values["max_new_tokens"].Value.ToString()) "8" "own value"
            Expect.equal (b.Values["min_new_tokens"].From.ToString()) "main.lem:2" "inherited, with its provenance"
            Expect.equal (b.History["max_new_tokens"] |> List.map (fun s -> s.Owner)) [ "a"; "b" ] "oldest first"
            Expect.equal b.Source (Declared(Some "a")) "source"
        testCase "unknown parent (LEM0220, did you mean), cycle (LEM0221), a path set twice (LEM0222)" <| fun () ->
            let declared, ds =
                InheritancePass.run (scope "experiment base {}\nexperiment a extends bsae {}\nexperiment x extends y {}\nexperiment y extends x {}\nexperiment d { cycles = 1; cycles = 2 }")
            Expect.equal (placesOf ds) [ "LEM0220", 2, 22; "LEM0221", 4, 22; "LEM0222", 5, 28 ] (text ds)
            Expect.stringContains ds.Head.Message "did you mean 'base'?" "hint"
            Expect.equal (declared |> Map.keys |> List.ofSeq) [ "a"; "base"; "d"; "x"; "y" ] "every experiment is still resolved"
            Expect.equal (declared["d"].Values["cycles"].Value.ToString()) "2" "the last assignment wins"
        testCase "resolution starts from sweep parents: the cycle is reported at the link reached from the sweep's parent" <| fun () ->
            let _, ds = InheritancePass.run (scope "experiment x extends y {}\nexperiment y extends x {}\nsweep s from y { cycles = [1, 2] }")
            Expect.equal (placesOf ds) [ "LEM0221", 1, 22 ] (text ds)
        testCase "an experiment extending a sweep is LEM0220 saying what the sweep is" <| fun () ->
            let _, ds = InheritancePass.run (scope "experiment a {}\nsweep s from a { cycles = [1] }\nexperiment b extends s {}")
            Expect.equal (codesOf ds) [ "LEM0220" ] (text ds)
            Expect.stringContains ds.Head.Message "'s' is a sweep" "what it is"
    ]

let sweeps =
    testList "sweeps" [
        testCase "a grid's members, first axis slowest, each with sweep provenance" <| fun () ->
            let s = scope "experiment a { cycles = 3 }\nsweep g from a {\n  batching.batch_size = [1, 2]\n  precision = [fp16, bf16]\n}"
            let declared, _ = InheritancePass.run s
            let expansion, ds = SweepPass.run s declared
            Expect.isEmpty ds (text ds)
            let members = expansion.Candidates["g"]
            Expect.equal (members |> List.map (fun m -> m.Name))
                [ "g[batching.batch_size=1,precision=fp16]"; "g[batching.batch_size=1,precision=bf16]"
                  "g[batching.batch_size=2,precision=fp16]"; "g[batching.batch_size=2,precision=bf16]" ] "members"
            Expect.equal (members |> List.map (fun m -> m.Source)) [ for i in 0 .. 3 -> SweepMember("g", i) ] "sources"
            Expect.equal (members[3].Values["precision"].From.ToString()) "sweep g (main.lem:4)" "axis provenance"
            Expect.equal (members[3].Values["cycles"].Value.ToString()) "3" "the parent's values"
            Expect.equal expansion.Sweeps["g"].Members [] "members are kept by the validation pass"
        testCase "zip lists of different lengths (LEM0231) and an empty axis (LEM0233) give no members" <| fun () ->
            let s = scope "experiment a {}\nsweep z from a zip {\n  cycles = [1, 2]\n  max_new_tokens = [4]\n}\nsweep e from a { cycles = [] }"
            let declared, _ = InheritancePass.run s
            let expansion, ds = SweepPass.run s declared
            Expect.equal (placesOf ds) [ "LEM0231", 2, 7; "LEM0233", 6, 27 ] (text ds)
            Expect.equal expansion.Candidates[ "z" ] [] "zip"
            Expect.equal expansion.Candidates[ "e" ] [] "empty"
        testCase "an unknown parent is LEM0220; a --set of an axis is a LEM0234 warning" <| fun () ->
            let s = scopeWith registry [ "cycles=2" ] "experiment a {}\nsweep s from b { max_new_tokens = [1, 3] }\nsweep t from a { cycles = [1, 3] }"
            let declared, _ = InheritancePass.run s
            let expansion, ds = SweepPass.run s declared
            Expect.equal (ds |> List.map (fun d -> d.Code, d.Severity, d.Range.StartLine)) [ "LEM0220", Severity.Error, 2; "LEM0234", Severity.Warning, 3 ] (text ds)
            Expect.equal expansion.Candidates[ "s" ] [] "no parent, no members"
            Expect.equal expansion.Candidates["t"].Length 2 "members of t"
    ]

let validation =
    testList "validation" [
        testCase "--set applies to every experiment and member, after inheritance and sweeps" <| fun () ->
            let s = scopeWith registry [ "max_new_tokens=7" ] "experiment a { max_new_tokens = 2 }\nsweep s from a { cycles = [1, 2] }"
            let validated = validatedOf s
            for name in [ "a"; "s[cycles=1]"; "s[cycles=2]" ] do
                let v = validated.Experiments[name].Values["max_new_tokens"]
                Expect.equal (v.Value.ToString(), v.From.ToString()) ("7", "command line (--set)") name
            Expect.equal validated.Sweeps["s"].Members [ "s[cycles=1]"; "s[cycles=2]" ] "kept"
        testCase "registry findings point at the step that set the value, in the file that set it" <| fun () ->
            let s = scope "experiment a {\n  batching.batch_size = 0\n}\nexperiment b extends a {}"
            let declared, _ = InheritancePass.run s
            let expansion, _ = SweepPass.run s declared
            let _, ds = ValidationPass.run s declared expansion
            Expect.equal (placesOf ds |> List.distinct) [ "LEM1003", 2, 3 ] (text ds)
        testCase "a parameter of another backend: an error for a declared experiment, a dropped member of a sweep" <| fun () ->
            let s = scopeWith registryWithOtherBackend [] "experiment a { fast_kernels = true }\nsweep s from a {\n  backend = [torchsharp, other]\n}"
            let declared, _ = InheritancePass.run s
            let expansion, _ = SweepPass.run s declared
            let validated, ds = ValidationPass.run s declared expansion
            Expect.equal (ds |> List.map (fun d -> d.Code, d.Range.StartLine)) [ RegistryAdapter.NotApplicable, 1; "LEM0232", 2 ] (text ds)
            Expect.equal validated.Sweeps["s"].Members [ "s[backend=other]" ] "kept"
            Expect.equal validated.Sweeps["s"].Dropped [ "s[backend=torchsharp]" ] "dropped"
            Expect.isFalse (validated.Experiments.ContainsKey "s[backend=torchsharp]") "a dropped member is not an experiment"
    ]

let campaigns =
    testList "campaigns" [
        testCase "a sweep is listed as its kept members; settings are read" <| fun () ->
            let s = scope "experiment a {}\nsweep s from a { max_new_tokens = [1, 2] }\ncampaign c {\n  experiments = [a, s]\n  cycles = 2\n  order = grouped\n  seed = 3\n}"
            let result, ds = CampaignPass.run s (validatedOf s)
            Expect.isEmpty ds (text ds)
            let c = result["c"]
            Expect.equal c.Experiments [ "a"; "s[max_new_tokens=1]"; "s[max_new_tokens=2]" ] "expanded"
            Expect.equal (c.Cycles, c.Order, c.Seed) (2, Grouped, 3) "settings"
        testCase "an unknown member (LEM0211, did you mean), a let listed (LEM0241), an experiment's own cycles (LEM0242)" <| fun () ->
            let s = scope "let n = 1\nexperiment base { cycles = 4 }\ncampaign c {\n  experiments = [bsae, n, base]\n  cycles = 2\n}"
            let _, ds = CampaignPass.run s (validatedOf s)
            Expect.equal (ds |> List.map (fun d -> d.Code, d.Severity, d.Range.StartLine))
                [ "LEM0211", Severity.Error, 4; "LEM0241", Severity.Error, 4; "LEM0242", Severity.Warning, 3 ] (text ds)
            Expect.stringContains ds.Head.Message "did you mean 'base'?" "hint"
    ]

let actions =
    testList "actions" [
        testCase "root actions in order, each with the kind of its target" <| fun () ->
            let text' = "experiment a {}\nsweep s from a { cycles = [1] }\ncampaign c { experiments = [a] }\nshow a\nrun s\nanalyze c { export \"r.csv\" }"
            let s = scope text'
            let validated = validatedOf s
            let campaigns, _ = CampaignPass.run s validated
            let result, ds = ActionPass.run s validated campaigns (located text')
            Expect.isEmpty ds (text ds)
            Expect.equal (result |> List.map (function RunAction(n, k, _) | ShowAction(n, k, _) | AnalyzeAction(n, k, _, _) -> n, k))
                [ "a", ExperimentTarget; "s", SweepTarget; "c", CampaignTarget ] "actions"
        testCase "an imported file's actions are not executed" <| fun () ->
            let text' = "experiment a {}\nrun a"
            let s = scope text'
            let validated = validatedOf s
            let fromImport = located text' |> List.map (fun l -> { l with IsRoot = false })
            let result, _ = ActionPass.run s validated Map.empty fromImport
            Expect.isEmpty result "none"
        testCase "unknown target (LEM0250), defined further down (LEM0251), unknown metric (LEM0252)" <| fun () ->
            let text' = "show b\nexperiment b {}\nrun c\nlet n = 1\nrun n\nanalyze b { table energy_per_token }"
            let s = scope text'
            let validated = validatedOf s
            let result, ds = ActionPass.run s validated Map.empty (located text')
            Expect.equal (placesOf ds) [ "LEM0251", 1, 6; "LEM0250", 3, 5; "LEM0250", 5, 5; "LEM0252", 6, 19 ] (text ds)
            Expect.stringContains ds[2].Message "'n' is a let binding" "what it is"
            Expect.equal result.Length 1 "only the analyze is kept"
    ]

let suggestions =
    testList "did you mean (the engine's NameSuggester)" [
        testCase "a typo, a swap of neighbours, a prefix, case and dashes" <| fun () ->
            let names = [ "experiment"; "sweep"; "campaign" ]
            for written, expected in [ "experimnet", "experiment"; "sweeep", "sweep"; "camp", "campaign"; "SWEEP", "sweep"; "camp-aign", "campaign" ] do
                Expect.equal (NameSuggester.Closest(written, names)) expected written
        testCase "dotted names: the last part alone and the right section" <| fun () ->
            let names = [ "batching.batch_size"; "batching.strategy"; "decoder.temperature" ]
            Expect.equal (NameSuggester.Closest("batch_size", names)) "batching.batch_size" "last part"
            Expect.equal (NameSuggester.Closest("batching.size", names)) "batching.batch_size" "section"
        testCase "long names allow more edits than short ones" <| fun () ->
            Expect.equal (NameSuggester.Closest("energy_putput_token_j", [ "energy_per_output_token_j" ])) "energy_per_output_token_j" "4 edits in 21 letters"
            Expect.isNull (NameSuggester.Closest("lhe", [ "let" ])) "2 edits in 3 letters"
        testCase "nothing when every letter would change" <| fun () ->
            Expect.isNull (NameSuggester.Closest("x", [ "a"; "b" ])) "one letter"
            Expect.isNull (NameSuggester.Closest("", [ "a" ])) "empty"
        testCase "ranked: closest first, at most the count asked" <| fun () ->
            let names = [ "ttft_ms_p50"; "ttft_ms_p90"; "ttft_ms_mean"; "itl_ms_p50" ]
            Expect.equal (List.ofSeq (NameSuggester.Ranked("ttft_ms_p5", names, 2))) [ "ttft_ms_p50"; "ttft_ms_p90" ] "two"
    ]

let tests = testList "checker passes" [ definitions; lets; inheritance; sweeps; validation; campaigns; actions; suggestions ]
