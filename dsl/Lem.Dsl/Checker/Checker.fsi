/// The checker: imports, then the passes (Lem.Dsl.Checker.Passes: definitions, lets, inheritance, sweeps, validation,
/// campaigns, actions), each a function from its input to (result, diagnostics). Pure apart from reading imported
/// files through `SourceFiles`; never throws on user input.
module Lem.Dsl.Checker.Checker

open System.Collections.Generic
open Lem.Engine.Config
open Lem.Dsl.Syntax
open Lem.Dsl.Checker.Imports
open Lem.Dsl.Checker.RegistryAdapter

type CheckOptions =
    { /// The registry the script is checked against.
      Registry: Registry
      Files: SourceFiles
      Overrides: Override list
      /// The most runs a sweep, a campaign or a `run` statement may expand to (RunLimits.defaultMax unless raised).
      MaxRuns: int
      /// Pre-flight (PreflightPass), where the host gives it: `lem check` and `lem run` do; the REPL does not.
      Preflight: PreflightService option }

/// Disk files, paths shown relative to the current directory, the given registry, no overrides, the default run
/// limit, no pre-flight.
val defaultOptions: registry: Registry -> CheckOptions

/// A program that defines nothing, with these diagnostics (a script that could not be read or checked).
val emptyProgram: diagnostics: SyntaxDiagnostic list -> CheckedProgram

/// Checks statements already loaded (imports inlined). `preDiagnostics` are the parse/import findings.
/// Never throws: an unexpected failure becomes an LEM0001 diagnostic.
val checkLoaded: options: CheckOptions -> located: Located list -> preDiagnostics: SyntaxDiagnostic list -> CheckedProgram

/// Parses and checks a script given as text; `path` locates it (imports are relative to its folder).
val checkText: options: CheckOptions -> path: string -> text: string -> CheckedProgram

/// Parses and checks a script file.
val checkFile: options: CheckOptions -> path: string -> CheckedProgram

/// Every parameter of an experiment as its run will hold it: what the script set, the decoder preset's values
/// (Provenance.Derived) and the registry's defaults (Provenance.Default), for the chosen backend's section only.
/// Parameters without a default that nobody set are left out.
val fullValues: registry: Registry -> e: CheckedExperiment -> IReadOnlyDictionary<string, ResolvedValue>
