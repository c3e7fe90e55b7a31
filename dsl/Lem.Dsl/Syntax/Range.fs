// The public surface and its documentation: Range.fsi.
namespace Lem.Dsl.Syntax

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

    let point file line col = make file line col line (col + 1)

    let span (a: Range) (b: Range) = { a with EndLine = b.EndLine; EndCol = b.EndCol }
