#!/usr/bin/env python3
"""The tensor section's table (docs/benchmarks/): one GPU, a pipeline and a tensor split, at each batch size.

Usage: split_table.py LEM_RESULTS.json [LEM_RESULTS.json ...]   (lem results export --format json, one file per results folder)
Per run: layout, batch, output tok/s, TPOT p50, GPU J per output token, J per output token of every component (GPU, CPU, RAM),
GPU energy per device and the sum, and for a split how it was split and how its partial sums were added.
"""
import json, sys


def fmt(value, spec):
    return "NA" if value is None else format(value, spec)


def layout(record):
    cfg = record["config"]
    facts = record.get("environment", {}).get("backend", {})
    mode = cfg.get("parallel.mode", {}).get("value", "none")
    if mode == "tensor":
        reduce = facts.get("torchsharp_tensor_reduce", "")
        return "tensor, " + ("NCCL" if reduce.startswith("nccl") else "in-process sum")
    if mode == "pipeline":
        return "pipeline"
    graphs = facts.get("torchsharp_cuda_graphs", "")
    return "one GPU, " + ("CUDA graphs" if graphs.startswith("on") else "eager")


def main(paths):
    records = [r for p in paths for r in json.load(open(p))]
    print("| layout | batch | output tok/s | TPOT p50 ms | GPU J/token | J/token (all components) | GPU energy per device (J) |")
    print("|---|---|---|---|---|---|---|")
    notes = {}
    for r in sorted(records, key=lambda r: (layout(r), r["config"]["batching.batch_size"]["value"])):
        m = r["metrics"]
        gpus = [e for e in r.get("energy", []) if e["component"].startswith("gpu:")]
        per_device = " + ".join(f"{e['component']} {fmt(e.get('energy_j'), '.1f')}" for e in gpus) or "no GPU metered"
        total = sum(e["energy_j"] for e in gpus) if gpus and all(e.get("energy_j") is not None for e in gpus) else None
        print(f"| {layout(r)} | {r['config']['batching.batch_size']['value']} | {fmt(m.get('output_tokens_per_s'), '.1f')} | "
              f"{fmt(m.get('tpot_ms_p50'), '.2f')} | {fmt(m.get('energy_gpu_per_output_token_j'), '.4f')} | "
              f"{fmt(m.get('energy_per_output_token_j'), '.4f')} | {per_device}{' = ' + fmt(total, '.1f') if gpus else ''} |")
        facts = r.get("environment", {}).get("backend", {})
        for key in ("torchsharp_tensor_split", "torchsharp_tensor_reduce", "torchsharp_pipeline_split", "torchsharp_cuda_graphs"):
            if key in facts:
                notes.setdefault(layout(r), {})[key] = facts[key]
        for w in r.get("warnings", []):
            notes.setdefault(layout(r), {}).setdefault("warnings", set()).add(w["message"])
    print()
    for name, facts in notes.items():
        print(f"{name}:")
        for key, value in facts.items():
            print(f"  {key}: {sorted(value) if isinstance(value, set) else value}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
