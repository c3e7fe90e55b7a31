/// "Did you mean ...?": the closest name among candidates.
module Lem.Dsl.Syntax.Suggest

open System

/// Edit distance (insert, delete, substitute), for "did you mean".
let editDistance (a: string) (b: string) =
    let d = Array2D.zeroCreate (a.Length + 1) (b.Length + 1)
    for i in 0 .. a.Length do d[i, 0] <- i
    for j in 0 .. b.Length do d[0, j] <- j
    for i in 1 .. a.Length do
        for j in 1 .. b.Length do
            let cost = if a[i - 1] = b[j - 1] then 0 else 1
            d[i, j] <- min (min (d[i - 1, j] + 1) (d[i, j - 1] + 1)) (d[i - 1, j - 1] + cost)
    d[a.Length, b.Length]

/// The closest candidate within a distance proportional to the length, or one whose last dotted part matches.
let closest (candidates: string seq) (name: string) =
    let lastPart (s: string) = s.Substring(s.LastIndexOf('.') + 1)
    let scored =
        candidates
        |> Seq.map (fun c ->
            let dist = min (editDistance name c) (if lastPart c = lastPart name then 1 else Int32.MaxValue)
            c, dist)
        |> Seq.filter (fun (c, dist) -> dist <= max 2 (max name.Length c.Length / 3) && dist < min name.Length c.Length)
        |> Seq.sortBy snd
        |> List.ofSeq
    match scored with
    | (c, _) :: _ -> Some c
    | [] -> None

