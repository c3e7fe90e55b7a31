namespace Lem.Analysis

/// A request the analysis cannot carry out (unknown column, empty results folder, unsupported file type...). The
/// message names what was asked and what to do instead; callers print it without a stack trace.
type AnalysisException(message: string, inner: exn) =
    inherit System.Exception(message, inner)
    new(message: string) = AnalysisException(message, null)
