/// Headless Chromium for report tests: render a page (scripts run), dump the DOM and the console, take a screenshot.
/// A missing Chromium fails the test with the install command; it never passes silently.
module Lem.Analysis.Tests.Browser

open System
open System.Diagnostics
open System.IO
open System.Text.RegularExpressions
open Expecto

let installHint =
    "headless Chromium is needed to open the report and is not installed. Install it with `apt-get install -y chromium` (`dotnet fsi build.fsx test` installs it when run as root)."

let private names = [ "chromium"; "chromium-browser"; "google-chrome"; "google-chrome-stable" ]

/// The first Chromium found on PATH.
let find () =
    let path = Environment.GetEnvironmentVariable "PATH" |> Option.ofObj |> Option.defaultValue ""
    [ for dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries) do
          for name in names -> Path.Combine(dir, name) ]
    |> List.tryFind File.Exists

let require () =
    match find () with
    | Some exe -> exe
    | None -> failtest installHint

type Rendered =
    { /// The DOM after scripts ran (--dump-dom).
      Dom: string
      /// Chromium's log on stderr, console messages included.
      Log: string }

let private run (exe: string) (args: string list) =
    let userData = Repo.tempFolder "lem-chromium"
    let info = ProcessStartInfo(exe, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)
    for a in
        [ "--headless"; "--no-sandbox"; "--disable-gpu"; "--disable-quic"; "--no-first-run"
          "--disable-background-networking"; "--disable-component-update"; "--disable-sync"; "--disable-dev-shm-usage"
          // Any name lookup fails: a page that needs the network (a CDN script) cannot draw its charts here.
          "--host-resolver-rules=MAP * ~NOTFOUND"
          $"--user-data-dir={userData}" ] @ args do
        info.ArgumentList.Add a
    use proc = Process.Start info
    let stdout = proc.StandardOutput.ReadToEndAsync()
    let stderr = proc.StandardError.ReadToEndAsync()
    if not (proc.WaitForExit 90_000) then
        proc.Kill true
        failtest $"Chromium did not finish within 90 s ({exe} {String.Join(' ', args)})"
    proc.WaitForExit()
    try Directory.Delete(userData, true) with _ -> ()
    proc.ExitCode, stdout.Result, stderr.Result

let private uri (file: string) = Uri(Path.GetFullPath file).AbsoluteUri

/// Opens the page, lets its scripts run (5 s of virtual time) and returns the DOM and the log.
let render (file: string) =
    let exe = require ()
    let code, dom, log =
        run exe [ "--enable-logging=stderr"; "--v=0"; "--virtual-time-budget=5000"; "--dump-dom"; uri file ]
    if code <> 0 || String.IsNullOrWhiteSpace dom then
        failtest $"Chromium could not render {file} (exit {code}):\n{log}"
    { Dom = dom; Log = log }

/// Saves a screenshot of the page (1400 × 3000 pixels) to png.
let screenshot (file: string) (png: string) =
    let exe = require ()
    let code, _, log =
        run exe [ "--virtual-time-budget=5000"; "--window-size=1400,3000"; $"--screenshot={Path.GetFullPath png}"; uri file ]
    if code <> 0 || not (File.Exists png) then
        failtest $"Chromium could not take a screenshot of {file} (exit {code}):\n{log}"

/// Number of elements that plotly.js turned into plots (it adds the class js-plotly-plot when it draws).
let plotCount (dom: string) =
    Regex.Matches(dom, "class=\"[^\"]*\\bjs-plotly-plot\\b").Count

/// Uncaught script errors in the log (Chromium logs them as console lines starting "Uncaught").
let scriptErrors (log: string) =
    log.Split('\n')
    |> Array.filter (fun line -> line.Contains "CONSOLE" && line.Contains "\"Uncaught")
    |> Array.map (fun line -> line.Trim())
    |> Array.toList
