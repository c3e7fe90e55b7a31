#!/usr/bin/env python3
"""Prints the GPU benchmark table (docs/benchmarks/) from lem's exported results and the transformers peer lines.

Usage: bench_table.py LEM_RESULTS.json PEER.jsonl [--hbm-tb-s TB/s]   (default: from the GPU's name, nvidia-smi)
J per output token is GPU energy (NVML counter) for both tools, so the columns compare like with like.
"""
import argparse, json, subprocess

# Peak HBM bandwidth by GPU name (vendor data sheets), longest match first.
HBM_TB_S = [("H200", 4.8), ("H100 NVL", 3.9), ("H100 PCIe", 2.0), ("H100", 3.35), ("A100-SXM4-80GB", 2.039),
            ("A100 80GB PCIe", 1.935), ("A100", 1.555)]


def gpu_bandwidth():
    name = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader", "-i", "0"],
                          capture_output=True, text=True).stdout.strip()
    for key, tb_s in HBM_TB_S:
        if key in name:
            return name, tb_s
    raise SystemExit(f"unknown HBM bandwidth for GPU '{name}': pass --hbm-tb-s")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("lem_json")
    ap.add_argument("peer_jsonl")
    ap.add_argument("--hbm-tb-s", type=float, default=None, help="HBM bandwidth of the GPU (H100 SXM: 3.35 TB/s)")
    args = ap.parse_args()
    if args.hbm_tb_s is None:
        name, args.hbm_tb_s = gpu_bandwidth()
        print(f"GPU: {name}, HBM {args.hbm_tb_s} TB/s (roofline column)\n")
    records = json.load(open(args.lem_json))
    peers = [json.loads(l) for l in open(args.peer_jsonl) if l.strip()]

    best_peer = {}
    for p in peers:
        b = p["batch"]
        if b not in best_peer or p["output_tokens_per_s"] > best_peer[b]["output_tokens_per_s"]:
            best_peer[b] = p

    rows = []
    for r in records:
        cfg = r["config"]
        batch = cfg["batching.batch_size"]["value"]
        graphs = cfg.get("torchsharp.cuda_graphs", {}).get("value", False)
        m = r["metrics"]
        weight_bytes = m.get("model_weight_bytes")
        tpot = m.get("tpot_ms_p50")
        decode_tok_s = 1000.0 / tpot * batch if tpot else None
        rows.append(("lem " + ("graphs" if graphs else "eager"), batch, m.get("output_tokens_per_s"), m.get("energy_gpu_per_output_token_j"),
                     decode_tok_s, weight_bytes))
    for p in peers:
        rows.append(("transformers " + p["attention"], p["batch"], p["output_tokens_per_s"], p["energy_per_output_token_j"], None, None))

    print("| tool | batch | output tok/s | J per output token (GPU) | x best transformers tok/s | batch-1 decode / roofline |")
    print("|---|---|---|---|---|---|")
    for tool, batch, tps, jpt, decode, wb in sorted(rows, key=lambda r: (r[1], r[0])):
        peer = best_peer.get(batch)
        ratio = f"{tps / peer['output_tokens_per_s']:.2f}x" if peer and tps else ""
        roof = ""
        if batch == 1 and decode and wb:
            roofline_tok_s = args.hbm_tb_s * 1e12 / wb
            roof = f"{decode:.0f} / {roofline_tok_s:.0f} tok/s = {decode / roofline_tok_s:.0%}"
        print(f"| {tool} | {batch} | {tps:.1f} | {jpt:.4f} | {ratio} | {roof} |" if jpt is not None else f"| {tool} | {batch} | {tps:.1f} | NA | {ratio} | {roof} |")


if __name__ == "__main__":
    main()
