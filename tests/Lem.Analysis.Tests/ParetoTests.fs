module Lem.Analysis.Tests.ParetoTests

open Expecto
open Lem.Analysis

// (energy_per_output_token_j: minimise, output_tokens_per_s: maximise), worked by hand:
// A is dominated by C (less energy, more throughput); D by A and C; B and E are equal (neither dominates the
// other); F has the least energy; C the most throughput.
let private points =
    [ [| 0.5; 100.0 |] // A
      [| 0.3; 80.0 |] // B
      [| 0.4; 120.0 |] // C
      [| 0.6; 90.0 |] // D
      [| 0.3; 80.0 |] // E
      [| 0.2; 50.0 |] ] // F

let tests =
    testList "pareto" [
        testCase "front of a hand-made set (minimise energy, maximise throughput)" <| fun () ->
            Expect.equal (Pareto.front [ Minimize; Maximize ] points) [ 1; 2; 4; 5 ] "B, C, E, F"

        testCase "directions matter: maximise both" <| fun () ->
            // Maximising both: A (0.5, 100), C (0.4, 120) and D (0.6, 90) each lead in one objective over the others.
            Expect.equal (Pareto.front [ Maximize; Maximize ] points) [ 0; 2; 3 ] "A, C, D"

        testCase "dominance needs one strict improvement" <| fun () ->
            Expect.isFalse (Pareto.dominates [ Minimize; Maximize ] [| 0.3; 80.0 |] [| 0.3; 80.0 |]) "equal points"
            Expect.isTrue (Pareto.dominates [ Minimize; Maximize ] [| 0.3; 81.0 |] [| 0.3; 80.0 |]) "better in one, equal in the other"

        testCase "three objectives" <| fun () ->
            let front = Pareto.front [ Minimize; Minimize; Maximize ] [ [| 1.0; 1.0; 1.0 |]; [| 2.0; 2.0; 0.5 |]; [| 2.0; 0.5; 1.0 |] ]
            Expect.equal front [ 0; 2 ] "the second point is dominated by the first"

        testCase "a value that is not finite is refused" <| fun () ->
            Expect.throwsT<System.ArgumentException> (fun () -> Pareto.front [ Minimize ] [ [| nan |] ] |> ignore) "NaN"
            Expect.throwsT<System.ArgumentException> (fun () -> Pareto.front [ Minimize; Maximize ] [ [| 1.0 |] ] |> ignore) "too few values"
    ]
