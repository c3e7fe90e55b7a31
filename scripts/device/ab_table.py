#!/usr/bin/env python3
"""Table of a same-call A/B of lem builds (scripts/device/ab-commits.sh run) or arms (gpu-suite.sh decode-tuning): per
build, batch size and weight quantization (where the records set one), output tok/s, TPOT p50, TTFT p50 and GPU J per output token of each round and their medians, and each build's median against the first build's.

Usage: ab_table.py OUT_DIR REV [REV ...]   (reads OUT_DIR/ab-REV-ROUND.json, lem's exported records)
"""
import glob, json, os, re, statistics, sys

METRICS = [("output tok/s", "output_tokens_per_s"), ("TPOT p50 ms", "tpot_ms_p50"), ("TTFT p50 ms", "ttft_ms_p50"),
           ("J/token (GPU)", "energy_gpu_per_output_token_j")]


def load(out_dir, rev):
    """{batch (with ' int8' or ' int4' where the record quantizes): {metric: [value per round]}}"""
    by_batch = {}
    for path in sorted(glob.glob(os.path.join(out_dir, f"ab-{rev}-*.json"))):
        if not re.fullmatch(rf"ab-{re.escape(rev)}-\d+\.json", os.path.basename(path)):
            continue
        for r in json.load(open(path)):
            quantization = r["config"].get("quantization", {}).get("value", "none")
            batch = str(r["config"]["batching.batch_size"]["value"]) + ("" if quantization == "none" else f" {quantization}")
            row = by_batch.setdefault(batch, {key: [] for _, key in METRICS})
            for _, key in METRICS:
                row[key].append(r["metrics"].get(key))
    return by_batch


def main():
    out_dir, revs = sys.argv[1], sys.argv[2:]
    data = {rev: load(out_dir, rev) for rev in revs}
    base = data[revs[0]]
    print("| build | batch | " + " | ".join(f"{name} (rounds)" for name, _ in METRICS) + " | " +
          " | ".join(f"{name} median vs {revs[0]}" for name, _ in METRICS) + " |")
    print("|---|---|" + "---|" * (2 * len(METRICS)))
    for rev in revs:
        for batch in sorted(data[rev], key=lambda b: (int(b.split()[0]), b)):
            row = data[rev][batch]
            cells, ratios = [], []
            for _, key in METRICS:
                values = [v for v in row[key] if v is not None]
                cells.append(" / ".join(f"{v:.4g}" for v in values) or "NA")
                ref = [v for v in base.get(batch, {}).get(key, []) if v is not None]
                ratios.append(f"{statistics.median(values) / statistics.median(ref) - 1:+.1%}" if values and ref else "NA")
            print(f"| {rev} | {batch} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")


if __name__ == "__main__":
    main()
