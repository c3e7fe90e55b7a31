namespace Lem.Dsl.Syntax

/// A span of source text: file, 1-based start and end line/column (end column is exclusive).
type Range =
    { File: string
      StartLine: int
      StartCol: int
      EndLine: int
      EndCol: int }

    override r.ToString() = sprintf "%s:%d:%d" r.File r.StartLine r.StartCol

module Range =
    let make file startLine startCol endLine endCol =
        { File = file; StartLine = startLine; StartCol = startCol; EndLine = endLine; EndCol = endCol }

    /// A point range, for places that have a position but no extent (a command-line flag, a YAML mark).
    let point file line col = make file line col line (col + 1)

    let span (a: Range) (b: Range) = { a with EndLine = b.EndLine; EndCol = b.EndCol }
