/// Prints syntax back as .lem text (used by `lem config convert`).
module Lem.Dsl.Syntax.Printer

/// A value as written in a script.
val value: v: Value -> string

/// Assignments, grouping two or more keys of one section into a block.
val assignments: indent: string -> items: Assignment list -> string

val statement: s: Statement -> string
