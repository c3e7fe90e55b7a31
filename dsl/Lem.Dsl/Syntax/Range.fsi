namespace Lem.Dsl.Syntax

/// A span of source text: file, 1-based start and end line/column (end column is exclusive).
type Range =
    { File: string
      StartLine: int
      StartCol: int
      EndLine: int
      EndCol: int }

    /// `FILE:LINE:COL`
    override ToString: unit -> string

module Range =
    val make: file: string -> startLine: int -> startCol: int -> endLine: int -> endCol: int -> Range

    /// A point range, for places that have a position but no extent (a command-line flag, a YAML mark).
    val point: file: string -> line: int -> col: int -> Range

    /// From the start of `a` to the end of `b`.
    val span: a: Range -> b: Range -> Range
