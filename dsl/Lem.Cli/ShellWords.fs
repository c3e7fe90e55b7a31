/// Words as a POSIX shell reads them back: for command lines that lem prints or writes into shell scripts.
module Lem.Cli.ShellWords

open System

/// ARG as one shell word: as it is when it holds only characters no shell treats specially, else in single quotes
/// (a quote inside written '\'').
let quote (arg: string) =
    if arg.Length > 0 && arg |> Seq.forall (fun c -> Char.IsAsciiLetterOrDigit c || "-_./=:,@%+".Contains c) then arg
    else "'" + arg.Replace("'", "'\\''") + "'"

/// The words joined by spaces, each quoted.
let join (args: string seq) = String.Join(" ", args |> Seq.map quote)
