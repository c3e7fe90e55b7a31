/// lem repl fed on standard input.
module Lem.Cli.Tests.ReplTests

open System
open System.IO
open Expecto
open Lem.Cli.Tests.Lem

let private session =
    tinyExperiment "r" ""
    + """experiment bad { precision = fp64 }
show r
r
run r
:quit
"""

let tests =
    testList "repl" [
        testCase "definitions, an error that does not end the session, show, run, :quit" <| fun () ->
            let dir = workDir "repl"
            let o = runWith dir session (TimeSpan.FromMinutes 2.0) [ "repl" ]
            expectOk o
            let errors = errorLines o
            Expect.equal errors.Length 1 "the bad line is reported once"
            Expect.stringContains errors[0] "fp64" "its diagnostic"
            Expect.stringContains errors[0] "did you mean" "with the remedy"
            Expect.stringContains errors[0] "fp32" "the suggestion"
            Expect.stringContains o.Stdout "experiment r" "show prints the experiment after the error"
            Expect.stringContains o.Stdout "max_new_tokens" "its parameters"
            Expect.isTrue (o.Stdout.Split("experiment r").Length >= 3) "a bare name shows it too"
            Expect.stringContains o.Stdout "r#cycle1 ->" "run runs it"
            Expect.all (runFolders (Path.Combine(dir, "results"))) isDone "the run completed"
            Expect.isNonEmpty (runFolders (Path.Combine(dir, "results"))) "a run folder"
            expectNoStackTrace o

        testCase "--load and :load bring a script's definitions" <| fun () ->
            let dir = workDir "repl-load"
            write dir "a.lem" (tinyExperiment "from_a" "batching.batch_size = 3") |> ignore
            write dir "b.lem" (tinyExperiment "from_b" "batching.batch_size = 5") |> ignore
            let o = runWith dir "show from_a\n:load b.lem\nshow from_b\n:quit\n" (TimeSpan.FromMinutes 1.0) [ "repl"; "--load"; "a.lem" ]
            expectOk o
            Expect.equal (errorLines o) [] "no errors"
            Expect.stringContains o.Stdout "experiment from_a" "--load"
            Expect.stringContains o.Stdout "experiment from_b" ":load"

        testCase "end of input ends the session" <| fun () ->
            let o = runWith (workDir "repl-eof") "let x = 1\n" (TimeSpan.FromMinutes 1.0) [ "repl" ]
            expectOk o
    ]
