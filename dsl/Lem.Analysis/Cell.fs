namespace Lem.Analysis

open System

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

    // Order used for groups: numbers ascending, then texts (ordinal), then missing.
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
                | Text a, Text b -> String.CompareOrdinal(a, b)
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
