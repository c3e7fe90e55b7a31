namespace Lem.Analysis

open System

/// Text order in which runs of digits compare as numbers: "n=128" < "n=512" < "n=1024" (ordinal otherwise).
module NaturalOrder =
    let compare (a: string) (b: string) =
        let rec go i j =
            if i >= a.Length || j >= b.Length then compare (a.Length - i) (b.Length - j)
            elif Char.IsAsciiDigit a[i] && Char.IsAsciiDigit b[j] then
                let mutable ei = i
                while ei < a.Length && Char.IsAsciiDigit a[ei] do ei <- ei + 1
                let mutable ej = j
                while ej < b.Length && Char.IsAsciiDigit b[ej] do ej <- ej + 1
                let da = a.Substring(i, ei - i).TrimStart '0'
                let db = b.Substring(j, ej - j).TrimStart '0'
                let c = if da.Length <> db.Length then compare da.Length db.Length else String.CompareOrdinal(da, db)
                if c <> 0 then c else go ei ej
            elif a[i] <> b[j] then compare a[i] b[j]
            else go (i + 1) (j + 1)
        let c = go 0 0
        if c <> 0 then c else String.CompareOrdinal(a, b)

/// One value of a results frame as analysis sees it: a number, a text, or missing.
[<RequireQualifiedAccess; CustomEquality; CustomComparison>]
type Cell =
    | Number of float
    | Text of string
    | Missing

    /// The value as written in labels and tables: numbers in shortest round-trip form, missing as NA.
    member this.Label =
        match this with
        | Number v -> Format.roundTrip v
        | Text t -> t
        | Missing -> Format.Missing

    // Order used for groups: numbers ascending, then texts (natural order: digit runs as numbers), then missing.
    member private this.Rank =
        match this with
        | Number _ -> 0
        | Text _ -> 1
        | Missing -> 2

    override this.Equals other =
        match other with
        | :? Cell as c ->
            match this, c with
            | Number a, Number b -> a.Equals b
            | Text a, Text b -> String.Equals(a, b, StringComparison.Ordinal)
            | Missing, Missing -> true
            | _ -> false
        | _ -> false

    override this.GetHashCode() =
        match this with
        | Number v -> v.GetHashCode()
        | Text t -> StringComparer.Ordinal.GetHashCode t
        | Missing -> 0

    interface IComparable with
        member this.CompareTo other =
            match other with
            | :? Cell as c ->
                match this, c with
                | Number a, Number b -> a.CompareTo b
                | Text a, Text b -> NaturalOrder.compare a b
                | _ -> compare this.Rank c.Rank
            | _ -> invalidArg "other" "a Cell compares only with a Cell"

module Cell =
    /// A boxed frame value (float, string, or anything else as invariant text) as a cell; NaN counts as missing.
    let ofObj (value: obj) =
        match value with
        | null -> Cell.Missing
        | :? float as v when Double.IsNaN v -> Cell.Missing
        | :? float as v -> Cell.Number v
        | :? string as s -> Cell.Text s
        | :? IConvertible as c -> Cell.Text(c.ToString Globalization.CultureInfo.InvariantCulture)
        | other -> Cell.Text(string other)
