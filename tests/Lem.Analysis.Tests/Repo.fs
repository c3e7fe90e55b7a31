/// Paths the tests share: the repository root, the artifact folder and fresh temporary folders.
module Lem.Analysis.Tests.Repo

open System
open System.IO

/// The folder holding LLenergyMeasure.sln, found from the test executable upwards.
let root =
    lazy
        (let rec up (dir: DirectoryInfo) =
            if isNull dir then failwith $"LLenergyMeasure.sln not found above {AppContext.BaseDirectory}; run the tests from the repository's build output."
            elif File.Exists(Path.Combine(dir.FullName, "LLenergyMeasure.sln")) then dir.FullName
            else up dir.Parent
         up (DirectoryInfo AppContext.BaseDirectory))

/// artifacts/test-results/analysis (created): screenshots and reports kept after the tests.
let artifacts () =
    let dir = Path.Combine(root.Force(), "artifacts", "test-results", "analysis")
    Directory.CreateDirectory dir |> ignore
    dir

/// A new empty folder under the system temp folder.
let tempFolder (prefix: string) =
    let dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}")
    Directory.CreateDirectory dir |> ignore
    dir
