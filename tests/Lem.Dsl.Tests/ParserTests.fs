module Lem.Dsl.Tests.ParserTests

open System
open System.IO
open Expecto
open Lem.Dsl.Syntax
open Lem.Dsl.Parser
open Lem.Dsl.Tests.Helpers

let private parse text = ScriptParser.parse "t.lem" text

let private valueKind text =
    match ScriptParser.parseValue "v" text with
    | Ok v -> v.Kind
    | Error d -> failwithf "did not parse %s: %s" text d.Message

let values =
    testList "values" [
        for (text, expected) in
            [ "8", Int 8L
              "-3", Int -3L
              "0.5", Dec 0.5
              "1e-3", Dec 0.001
              "\"a\\\"b\\\\c\"", Str "a\"b\\c"
              "true", Bool true
              "false", Bool false
              "250ms", Dur(TimeSpan.FromMilliseconds 250.0, "250ms")
              "30s", Dur(TimeSpan.FromSeconds 30.0, "30s")
              "2m", Dur(TimeSpan.FromMinutes 2.0, "2m")
              "1.5h", Dur(TimeSpan.FromHours 1.5, "1.5h")
              "bf16", Word "bf16" ] do
            testCase text <| fun () -> Expect.equal (valueKind text) expected text
        testCase "list" <| fun () ->
            match valueKind "[1, 4,\n 16]" with
            | List items -> Expect.equal (items |> List.map (fun v -> v.Kind)) [ Int 1L; Int 4L; Int 16L ] "items"
            | other -> failwithf "not a list: %A" other
        testCase "call with positional and named arguments" <| fun () ->
            match valueKind "synthetic(\"x\", count = 64, input_tokens = n)" with
            | Call("synthetic", [ p ], [ (c, cv); (i, iv) ]) ->
                Expect.equal p.Kind (Str "x") "positional"
                Expect.equal (c.Name, cv.Kind) ("count", Int 64L) "count"
                Expect.equal (i.Name, iv.Kind) ("input_tokens", Word "n") "input_tokens"
            | other -> failwithf "not the call: %A" other
        testCase "bad escape is an error" <| fun () ->
            Expect.isError (ScriptParser.parseValue "v" "\"a\\q\"") "\\q"
    ]

let statements =
    testList "statements" [
        testCase "block and dotted path mean the same" <| fun () ->
            let a, da = parse "experiment x {\n  batching {\n    strategy = static; batch_size = 8\n  }\n}"
            let b, db = parse "experiment x {\n  batching.strategy = static\n  batching.batch_size = 8\n}"
            Expect.isEmpty (da @ db) "no errors"
            let paths s = match s with [ Experiment(_, _, assigns, _) ] -> assigns |> List.map (fun a -> a.Path.Text, a.Value.Kind) | _ -> []
            Expect.equal (paths a) (paths b) "same assignments"
            Expect.equal (paths a) [ "batching.strategy", Word "static"; "batching.batch_size", Int 8L ] "flattened"
        testCase "ranges are 1-based line and column" <| fun () ->
            match parse "# comment\nlet  n = 5 // trailing\n" with
            | [ Let(n, v, r) ], [] ->
                Expect.equal (n.Range.StartLine, n.Range.StartCol) (2, 6) "name"
                Expect.equal (v.Range.StartLine, v.Range.StartCol) (2, 10) "value"
                Expect.equal (r.StartLine, r.StartCol) (2, 1) "statement"
            | other -> failwithf "%A" other
        testCase "semicolons separate statements" <| fun () ->
            let s, d = parse "let a = 1; let b = 2; run x"
            Expect.isEmpty d "no errors"
            Expect.equal s.Length 3 "three"
        testCase "sweep zip, campaign, analyze clauses" <| fun () ->
            let text =
                "sweep s from p zip { a = [1, 2]; b = [x, y] }\n"
                + "campaign c { experiments = [s]; cycles = 2 }\n"
                + "analyze c {\n  table e_j, t by a, b\n  plot e_j vs a by b to \"f.html\"\n  pareto minimize e_j, maximize t\n  export \"r.csv\"\n}\n"
            match parse text with
            | [ Sweep(_, _, true, _, _); Campaign _; Analyze(_, [ Table([ _; _ ], [ _; _ ], _); Plot(y, x, Some by, Some "f.html", _); Pareto([ (Minimize, _); (Maximize, _) ], _); Export("r.csv", _) ], _) ], [] ->
                Expect.equal (y.Text, x.Text, by.Text) ("e_j", "a", "b") "plot"
            | other -> failwithf "%A" other
        testCase "recovery reports every broken statement" <| fun () ->
            let text = "let a = \nexperiment x {\n  model = \n}\nlet ok = 1\nexperiment y {\n  a = [1,\n}\nrun z\n"
            let s, d = parse text
            Expect.equal (d |> List.map (fun d -> d.Code, d.Range.StartLine)) [ "LEM0100", 1; "LEM0100", 3; "LEM0100", 8 ] (sprintf "%A" d)
            Expect.equal (s |> List.map (fun s -> (Statement.range s).StartLine)) [ 5; 9 ] "statements kept"
        testCase "error message says what was expected" <| fun () ->
            let _, d = parse "experiment x {\n  batch_size 8\n}"
            let m = (List.exactlyOne d).Message
            Expect.stringContains m "'='" m
    ]

let private mutate (random: Random) (text: string) =
    let sb = Text.StringBuilder(text)
    let alphabet = "{}[]()=,;.\"\\#/ \n\tabz019_-:ms"
    for _ in 1 .. random.Next(1, 6) do
        if sb.Length = 0 then sb.Append('x') |> ignore
        let i = random.Next(sb.Length)
        match random.Next 3 with
        | 0 -> sb.Remove(i, min (random.Next(1, 4)) (sb.Length - i)) |> ignore
        | 1 -> sb.Insert(i, alphabet[random.Next alphabet.Length]) |> ignore
        | _ ->
            let len = min (random.Next(1, 20)) (sb.Length - i)
            sb.Insert(i, sb.ToString(i, len)) |> ignore
    sb.ToString()

let fuzz =
    testList "fuzz" [
        testCase "parser and checker never throw on mutated examples" <| fun () ->
            let sources =
                [ for dir in [ "examples"; "configs"; "tests/Lem.Dsl.Tests/golden" ] do
                      let full = Path.Combine(repoRoot, dir)
                      if Directory.Exists full then
                          for f in Directory.GetFiles(full, "*.lem") -> File.ReadAllText f ]
            Expect.isNonEmpty sources "examples found"
            let random = Random(20261125)
            for i in 1 .. 600 do
                let source = sources[i % sources.Length]
                let mutated = mutate random source
                let _, d = ScriptParser.parse "fuzz.lem" mutated
                Expect.isFalse (d |> List.exists (fun d -> d.Code = "LEM0001")) (sprintf "internal parser error on:\n%s" mutated)
                let p = check mutated
                Expect.isFalse (p.Diagnostics |> List.exists (fun d -> d.Code = "LEM0001")) (sprintf "internal checker error on:\n%s\n%s" mutated (dump p))
        testCase "deep nesting is refused, not a stack overflow" <| fun () ->
            let text = "let x = " + String('[', 100000) + "\n"
            let _, d = ScriptParser.parse "deep.lem" text
            Expect.equal (d |> List.map (fun d -> d.Code, d.Range.StartLine, d.Range.StartCol)) [ "LEM0100", 1, 209 ] (sprintf "%A" d)
            Expect.isError (ScriptParser.parseValue "v" (String('(', 5000))) "value"
        testProperty "parser never throws on arbitrary text" <| fun (text: string) ->
            let text = if isNull text then "" else text
            let _, d = ScriptParser.parse "p.lem" text
            not (d |> List.exists (fun d -> d.Code = "LEM0001"))
    ]

let tests = testList "parser" [ values; statements; fuzz ]
