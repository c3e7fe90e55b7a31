/// Reads original LLenergyMeasure YAML configs (with `_extends`) and lowers them to a .lem experiment
/// statement, so they are checked exactly like scripts.
module Lem.Dsl.Yaml.YamlLoader

open Lem.Dsl.Syntax
open Lem.Dsl.Checker

/// Loads and checks a YAML config exactly like a .lem script holding one experiment (against options.Registry,
/// whose OriginalBackendNames read `backend: pytorch`).
val check: options: Checker.CheckOptions -> path: string -> CheckedProgram

/// `lem config convert x.yaml`: the equivalent .lem text, or the errors that prevent it.
val convert: options: Checker.CheckOptions -> path: string -> Result<string, SyntaxDiagnostic list>
