namespace Lem.Analysis

/// Whether an objective is better small (energy) or large (throughput).
type Goal =
    | Minimize
    | Maximize

/// Pareto dominance over points with several objectives.
module Pareto =

    let private better direction (a: float) (b: float) =
        match direction with
        | Minimize -> a < b
        | Maximize -> a > b

    /// True when a is no worse than b in every objective and strictly better in at least one.
    let dominates (goals: Goal list) (a: float[]) (b: float[]) =
        let pairs = List.mapi (fun i d -> d, a[i], b[i]) goals
        pairs |> List.forall (fun (d, x, y) -> not (better d y x))
        && pairs |> List.exists (fun (d, x, y) -> better d x y)

    /// Indices (in input order) of the points that no other point dominates. Equal points do not dominate each
    /// other, so both stay on the front. Every point must have one finite value per objective.
    let front (goals: Goal list) (points: float[] list) : int list =
        if List.isEmpty goals then invalidArg "goals" "a Pareto front needs at least one objective"
        points
        |> List.iteri (fun i p ->
            if p.Length <> goals.Length then
                invalidArg "points" $"point {i} has {p.Length} values for {goals.Length} objectives"
            if p |> Array.exists (fun v -> System.Double.IsNaN v || System.Double.IsInfinity v) then
                invalidArg "points" $"point {i} has a value that is not a finite number")
        let array = List.toArray points
        [ for i in 0 .. array.Length - 1 do
              if not (array |> Array.exists (fun other -> dominates goals other array[i])) then i ]
