namespace Lem.Dsl.Syntax

type Ident = { Name: string; Range: Range }

/// A dotted parameter path (`batching.batch_size`).
type Path =
    { Parts: string list
      Range: Range }

    member p.Text = String.concat "." p.Parts

type Value = { Kind: ValueKind; Range: Range }

and ValueKind =
    | Int of int64
    | Dec of float
    | Str of string
    | Bool of bool
    | Dur of System.TimeSpan * text: string
    /// A bare word: an enumerated value (`bf16`) or a name bound by `let`.
    | Word of string
    | List of Value list
    | Call of name: string * positional: Value list * named: (Ident * Value) list

/// Who wrote an assignment.
type AssignmentOrigin =
    /// The script or config file, at the assignment's range.
    | Written
    /// The YAML reader, applying a default of the original LLenergyMeasure tool for a key an original config leaves
    /// out (the range is where the config is, for messages; the provenance is "original default").
    | OriginalDefault

/// `path = value`; section blocks (`batching { batch_size = 8 }`) are flattened into dotted paths by the parser.
type Assignment = { Path: Path; Value: Value; Range: Range; Origin: AssignmentOrigin }

type Direction =
    | Minimize
    | Maximize

type AnalysisClause =
    | Table of metrics: Path list * by: Path list * Range
    | Plot of y: Path * x: Path * by: Path option * file: string option * Range
    | Pareto of objectives: (Direction * Path) list * Range
    | Export of file: string * Range

type Statement =
    | Import of path: string * Range
    | Let of Ident * Value * Range
    | Experiment of name: Ident * parent: Ident option * Assignment list * Range
    | Sweep of name: Ident * parent: Ident * zip: bool * Assignment list * Range
    | Campaign of name: Ident * Assignment list * Range
    | Run of Ident * Range
    | Analyze of Ident * AnalysisClause list * Range
    | Show of Ident * Range

module Statement =
    let range s =
        match s with
        | Import(_, r)
        | Let(_, _, r)
        | Experiment(_, _, _, r)
        | Sweep(_, _, _, _, r)
        | Campaign(_, _, r)
        | Run(_, r)
        | Analyze(_, _, r)
        | Show(_, r) -> r

    /// The name a statement defines, if it defines one.
    let definedName s =
        match s with
        | Let(n, _, _)
        | Experiment(n, _, _, _)
        | Sweep(n, _, _, _, _)
        | Campaign(n, _, _) -> Some n
        | _ -> None
