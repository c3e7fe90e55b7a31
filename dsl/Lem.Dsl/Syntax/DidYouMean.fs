/// "Did you mean ...?" hints, from the engine's one suggester (Lem.Engine.Config.NameSuggester).
module internal Lem.Dsl.Syntax.DidYouMean

open Lem.Engine.Config

/// The closest candidate, or None when none is close.
let closest (candidates: string seq) (name: string) : string option = NameSuggester.Closest(name, candidates) |> Option.ofObj

/// "; did you mean 'X'?", or "" when no candidate is close.
let hint (candidates: string seq) (name: string) : string =
    match closest candidates name with
    | Some c -> sprintf "; did you mean '%s'?" c
    | None -> ""
