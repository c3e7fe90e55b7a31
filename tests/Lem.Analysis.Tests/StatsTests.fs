module Lem.Analysis.Tests.StatsTests

open Expecto
open Lem.Analysis

let private folder = lazy (Fixture.standardFolder ())
let private frame = lazy (Results.load folder.Value)

let private value (summary: Deedle.Frame<string, string>) (row: string) (column: string) =
    Columns.cells summary column |> List.find (fun (k, _) -> k = row) |> snd

let private number summary row column =
    match value summary row column with
    | Cell.Number v -> v
    | other -> failtest $"{row} / {column}: expected a number, got {other.Label}"

let private bs1fp16 = "experiment=grid[batching.batch_size=1,precision=fp16]"

let tests =
    testList "statistics" [
        testCase "mean, sample std, CV and Student-t 95% CI across cycles (hand-computed)" <| fun () ->
            // J per output token over the three cycles: 0.50, 0.52, 0.54.
            // mean 0.52; sample std sqrt((0.02² + 0 + 0.02²) / 2) = 0.02; CV 0.02 / 0.52 = 0.0384615;
            // t(0.975, 2) = 4.302653; half width 4.302653 × 0.02 / √3 = 0.0496828 → [0.4703172, 0.5696828].
            let summary = Results.summary frame.Value [] [ "energy_per_output_token_j" ]
            let n = number summary bs1fp16
            Expect.equal (n "energy_per_output_token_j_n") 3.0 "n"
            Expect.floatClose Accuracy.high (n "energy_per_output_token_j_mean") 0.52 "mean"
            Expect.floatClose Accuracy.high (n "energy_per_output_token_j_std") 0.02 "std"
            Expect.floatClose Accuracy.medium (n "energy_per_output_token_j_cv") 0.0384615 "cv"
            Expect.floatClose Accuracy.medium (n "energy_per_output_token_j_ci95_t_low") 0.4703172 "t low"
            Expect.floatClose Accuracy.medium (n "energy_per_output_token_j_ci95_t_high") 0.5696828 "t high"
            Expect.equal (value summary bs1fp16 "energy_per_output_token_j_note") Cell.Missing "no note"

        testCase "median, p5 and p95 of the values beside the mean (hand-computed)" <| fun () ->
            // 0.50, 0.52, 0.54: median 0.52; p5 at rank 0.1 = 0.502; p95 at rank 1.9 = 0.538
            let summary = Results.summary frame.Value [] [ "energy_per_output_token_j" ]
            let n = number summary bs1fp16
            Expect.floatClose Accuracy.high (n "energy_per_output_token_j_median") 0.52 "median"
            Expect.floatClose Accuracy.high (n "energy_per_output_token_j_p5") 0.502 "p5"
            Expect.floatClose Accuracy.high (n "energy_per_output_token_j_p95") 0.538 "p95"

        testCase "bootstrap percentile CI: inside the sample's range, around the mean, the same on every run (fixed seed)" <| fun () ->
            let summary = Results.summary frame.Value [] [ "energy_per_output_token_j" ]
            let low = number summary bs1fp16 "energy_per_output_token_j_ci95_bootstrap_low"
            let high = number summary bs1fp16 "energy_per_output_token_j_ci95_bootstrap_high"
            Expect.isTrue (0.5 - 1e-12 <= low && low < 0.52 && 0.52 < high && high <= 0.54 + 1e-12) $"[{low}, {high}] within [0.50, 0.54] around 0.52"
            let again = Results.summary frame.Value [] [ "energy_per_output_token_j" ]
            Expect.equal (number again bs1fp16 "energy_per_output_token_j_ci95_bootstrap_low", number again bs1fp16 "energy_per_output_token_j_ci95_bootstrap_high") (low, high) "reproducible"

        testCase "one value: no spread, no interval, and the note says why" <| fun () ->
            let summary = Results.summary frame.Value [] [ "energy_per_output_token_j" ]
            let row = "experiment=single"
            Expect.equal (number summary row "energy_per_output_token_j_n") 1.0 "n"
            Expect.floatClose Accuracy.high (number summary row "energy_per_output_token_j_mean") 0.9 "mean"
            for column in [ "std"; "cv"; "ci95_t_low"; "ci95_t_high"; "ci95_bootstrap_low"; "ci95_bootstrap_high" ] do
                Expect.equal (value summary row $"energy_per_output_token_j_{column}") Cell.Missing column
            match value summary row "energy_per_output_token_j_note" with
            | Cell.Text note -> Expect.stringContains note "at least 2" "the reason"
            | other -> failtest $"expected a note, got {other.Label}"

        testCase "grouping by one parameter pools the others (hand-computed)" <| fun () ->
            // batch size 8: 0.28, 0.30, 0.32 (fp16) and 0.30, 0.32, 0.34 (bf16): mean 0.31,
            // sample std sqrt((9 + 1 + 1 + 1 + 1 + 9) × 1e-4 / 5) = sqrt(4.4e-4) = 0.0209762.
            let summary = Results.summary frame.Value [ "batching.batch_size" ] [ "energy_per_output_token_j"; "output_tokens_per_s" ]
            Expect.sequenceEqual summary.RowKeys [ "batching.batch_size=1"; "batching.batch_size=4"; "batching.batch_size=8" ] "groups sorted by value"
            Expect.equal (Columns.cells summary "runs" |> List.map snd) [ Cell.Number 6.0; Cell.Number 1.0; Cell.Number 6.0 ] "runs per group"
            Expect.floatClose Accuracy.high (number summary "batching.batch_size=8" "energy_per_output_token_j_mean") 0.31 "mean"
            Expect.floatClose Accuracy.medium (number summary "batching.batch_size=8" "energy_per_output_token_j_std") 0.0209762 "std"
            Expect.floatClose Accuracy.high (number summary "batching.batch_size=8" "output_tokens_per_s_mean") 225.0 "(200 × 3 + 250 × 3) / 6"
            Expect.isTrue (Columns.isNumber summary "batching.batch_size") "a number parameter stays a number column"

        testCase "grouping by two parameters: one row per combination, in value order" <| fun () ->
            let summary = Results.summary frame.Value [ "batching.batch_size"; "precision" ] [ "energy_per_output_token_j" ]
            Expect.sequenceEqual
                summary.RowKeys
                [ "batching.batch_size=1, precision=bf16"; "batching.batch_size=1, precision=fp16"; "batching.batch_size=4, precision=fp32"
                  "batching.batch_size=8, precision=bf16"; "batching.batch_size=8, precision=fp16" ]
                "first column varies slowest"
            Expect.floatClose Accuracy.high (number summary "batching.batch_size=1, precision=bf16" "energy_per_output_token_j_mean") 0.50 "mean"
    ]
