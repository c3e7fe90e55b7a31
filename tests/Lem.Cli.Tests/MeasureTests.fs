/// `lem measure -- PROGRAM ARGS...`: a real program (sh) measured end to end: its exit status, its output passed through
/// and kept, the token protocol, the record in the results folder (list, show, export), bad input, and Ctrl-C.
module Lem.Cli.Tests.MeasureTests

open System
open System.Diagnostics
open System.IO
open System.Text.Json
open Expecto
open Lem.Cli.Tests.Lem

let private rawRecord (resultsDir: string) =
    let folder = Expect.wantSome (runFolders resultsDir |> Array.tryExactlyOne) "one run folder"
    use doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "raw-worker0.json")))
    folder, doc.RootElement.Clone()

/// The value of COLUMN in the first data row of a CSV export.
let private csvCell (csv: string) (column: string) =
    let lines = csv.Split('\n')
    let header = lines[0].Split(',')
    let row = lines[1].Split(',')
    row[Array.IndexOf(header, column)]

/// A program that prints, reports tokens, writes to stderr and fails with status 3.
let private program =
    """echo hello; echo '{"lem": {"output_tokens": 40, "input_tokens": 10, "requests": 2}}'; echo oops >&2; exit 3"""

let tests =
    testList "measure" [
        test "a program runs in the window: its status is lem's, its output passes through and is kept, its tokens are counted" {
            let dir = workDir "measure"
            let o = run dir [ "measure"; "--out"; "res"; "--name"; "demo"; "--"; "sh"; "-c"; program ]
            expectNoStackTrace o
            Expect.equal o.ExitCode 3 "the program's exit status"
            Expect.equal o.Stdout "hello\n{\"lem\": {\"output_tokens\": 40, \"input_tokens\": 10, \"requests\": 2}}\n" "stdout is the program's alone"
            Expect.stringContains o.Stderr "oops" "stderr passes through"
            Expect.stringContains o.Stderr "demo#cycle1 -> " "lem's summary goes to stderr"
            Expect.stringContains o.Stderr "exit status 3" "the status in the summary"
            let folder, raw = rawRecord (Path.Combine(dir, "res"))
            Expect.isTrue (isDone folder) "DONE"
            Expect.equal (File.ReadAllText(Path.Combine(folder, "stderr.txt"))) "oops\n" "stderr kept"
            Expect.stringContains (File.ReadAllText(Path.Combine(folder, "stdout.txt"))) "hello" "stdout kept"
            let command = raw.GetProperty "command"
            Expect.equal (command.GetProperty("exit_code").GetInt32()) 3 "exit code recorded"
            Expect.equal [ for a in command.GetProperty("argv").EnumerateArray() -> a.GetString() ] [ "sh"; "-c"; program ] "argv as given"
            Expect.equal (raw.GetProperty("tokens").GetProperty("output_tokens").GetInt64()) 40L "output tokens from the protocol"
            Expect.equal (raw.GetProperty("window").GetProperty("execution_shape").GetString()) "command" "shape"
            Expect.equal (raw.GetProperty("host").GetProperty("attribution").GetString()) "process" "host energy attributed to the program's tree"
            // the run shows in lem results like any other
            let list = run dir [ "results"; "--dir"; "res"; "list" ]
            expectOk list
            Expect.stringContains list.Stdout "demo" "listed"
            let show = run dir [ "results"; "--dir"; "res"; "show"; Path.GetFileName folder ]
            expectOk show
            Expect.stringContains show.Stdout "command-exit" "the verdict's command check"
            Expect.isTrue (show.Stdout.Split('\n') |> Array.exists (fun l -> l.Contains "exit status" && l.TrimEnd().EndsWith " 3")) "the command section"
            let report = run dir [ "report"; "res" ]
            expectOk report
            let csv = run dir [ "results"; "--dir"; "res"; "export"; "--format"; "csv" ]
            expectOk csv
            Expect.equal (csvCell csv.Stdout "output_tokens") "40" "output_tokens exported"
        }

        test "without the token protocol the token metrics are absent (NA), never 0" {
            let dir = workDir "measure-no-tokens"
            let o = run dir [ "measure"; "--out"; "res"; "--"; "sh"; "-c"; "echo working" ]
            expectOk o
            let _, raw = rawRecord (Path.Combine(dir, "res"))
            Expect.equal (raw.GetProperty("tokens").GetProperty("output_tokens").ValueKind) JsonValueKind.Null "output tokens not reported"
            Expect.isFalse (raw.GetProperty("metrics").TryGetProperty("energy_per_output_token_j") |> fst) "no J/token"
            let csv = run dir [ "results"; "--dir"; "res"; "export"; "--format"; "csv" ]
            Expect.equal (csvCell csv.Stdout "output_tokens") "NA" "NA in the export"
        }

        test "bad input is one line with the remedy: no command after --, a program not found" {
            let dir = workDir "measure-bad"
            for args in [ [ "measure" ]; [ "measure"; "--gpus"; "cuda:0" ]; [ "measure"; "--" ] ] do
                let o = run dir args
                expectNoStackTrace o
                Expect.equal o.ExitCode 2 $"lem {args}: a command line without a command"
                Expect.equal (errorLines o) [ "lem: error: no command after --. Remedy: lem measure [--gpus cuda:0,...] [--baseline 10s] [--out DIR] [--name NAME] -- PROGRAM ARGS... (for example lem measure --gpus cuda:0 -- python3 script.py)." ] "one line"
            let o = run dir [ "measure"; "--out"; "res"; "--"; "pyhton3-not-here"; "x.py" ]
            expectNoStackTrace o
            Expect.equal o.ExitCode 127 "127, as a shell"
            Expect.equal (errorLines o).Length 1 "one line"
            Expect.stringContains o.Stderr "lem: error: command 'pyhton3-not-here' not found in PATH" "names the program"
            Expect.stringContains o.Stderr "Remedy: check the spelling" "the remedy"
            Expect.isEmpty (runFolders (Path.Combine(dir, "res"))) "nothing recorded"
            let o = run dir [ "measure"; "--baseline"; "ten"; "--"; "sh"; "-c"; "true" ]
            Expect.equal (errorLines o) [ "lem: error: --baseline ten is not a duration. Remedy: write it as 10s, 500ms or 2m." ] "a bad flag value"
        }

        test "Ctrl-C goes on to the program and the record is still written, marked interrupted" {
            let dir = workDir "measure-interrupt"
            let info = ProcessStartInfo("dotnet", WorkingDirectory = dir, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true)
            for a in [ lemDll; "measure"; "--out"; "res"; "--"; "sh"; "-c"; "trap 'echo caught; exit 130' INT; echo started; while :; do sleep 0.05; done" ] do
                info.ArgumentList.Add a
            use lem = Process.Start info
            let err = lem.StandardError.ReadToEndAsync()
            // wait (a guard, not a timing) until the program runs inside the window
            let started = lem.StandardOutput.ReadLineAsync()
            Expect.isTrue (started.Wait(TimeSpan.FromMinutes 2.0)) "the program started"
            Expect.equal started.Result "started" "its first line"
            use kill = Process.Start("kill", [ "-INT"; string lem.Id ])
            kill.WaitForExit()
            let rest = lem.StandardOutput.ReadToEndAsync()
            Expect.isTrue (lem.WaitForExit(int (TimeSpan.FromMinutes 2.0).TotalMilliseconds)) "lem ended"
            Expect.equal lem.ExitCode 130 "the program's status after SIGINT"
            Expect.stringContains rest.Result "caught" "the program got the interrupt"
            Expect.stringContains err.Result "(interrupted)" "lem says so"
            let _, raw = rawRecord (Path.Combine(dir, "res"))
            Expect.isTrue (raw.GetProperty("command").GetProperty("interrupted").GetBoolean()) "recorded as interrupted"
        }
    ]
