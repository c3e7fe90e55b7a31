#!/usr/bin/env python3
"""Prints the GPU benchmark tables (docs/benchmarks/) from lem's exported results and the peers' JSON lines.

Usage: bench_table.py LEM_RESULTS.json PEER.jsonl [PEER.jsonl ...] [--hbm-tb-s TB/s] [--decode]
  default: the `bench` section's table (lem eager/graphs vs transformers, output tok/s and J per output token);
  --decode: the `decode-bench` section's table: tool, precision (weights), batch, decode tok/s (batch × 1000 / TPOT),
  output tok/s, GPU J per output token, TPOT, the prefill of one batch (batch x 128 prompt tokens) and the share of the
  weight-bandwidth roofline
  (decode steps/s × weight bytes read per step / HBM bandwidth; the weight bytes are what each tool stores: lem's
  record, the GGUF file for llama.cpp, lem's bf16 bytes for transformers).
J per output token is GPU energy for every tool (lem, transformers: NVML counter over the window; llama.cpp: NVML
power integrated over its active stretch, see peer_llamacpp.py).
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


def fmt(value, spec, missing="NA"):
    return missing if value is None else format(value, spec)


def lem_rows(records):
    rows = []
    for r in records:
        cfg, m = r["config"], r["metrics"]
        batch = cfg["batching.batch_size"]["value"]
        facts = r.get("environment", {}).get("backend", {})
        tpot = m.get("tpot_ms_p50")
        gemv = facts.get("torchsharp_decode_kernels", "")
        # LEM_TORCHSHARP_GEMV_MAX_ROWS=0 (cuBLAS for every bf16 projection) is an A/B run: named apart
        tool = "lem (cuBLAS bf16)" if "GEMV for up to 0 rows" in gemv else "lem"
        rows.append({"tool": tool, "graphs": cfg.get("torchsharp.cuda_graphs", {}).get("value", True),
                     "precision": cfg.get("quantization", {}).get("value", facts.get("torchsharp_quantization", "none")),
                     "batch": batch, "output_tok_s": m.get("output_tokens_per_s"), "j_per_token": m.get("energy_gpu_per_output_token_j"),
                     "tpot_ms": tpot, "decode_tok_s": 1000.0 / tpot * batch if tpot else None,
                     # one batch's prefill (batch x 128 tokens): the window's prefill time over its batches
                     "prefill_ms": 1000.0 * m["prefill_time_s"] / (m["requests"] / batch) if m.get("prefill_time_s") and m.get("requests") else None,
                     "weight_bytes": m.get("model_weight_bytes"), "mbu": m.get("mbu")})
    for row in rows:
        if row["precision"] == "none":
            row["precision"] = "bf16"
    return rows


def peer_rows(peers, bf16_bytes):
    rows = []
    for p in peers:
        if p.get("tool") == "llama.cpp":
            rows.append({"tool": "llama.cpp", "precision": p["precision"], "batch": p["batch"], "output_tok_s": p.get("output_tokens_per_s"),
                         "j_per_token": p.get("energy_per_output_token_j"), "tpot_ms": p.get("tpot_ms"), "decode_tok_s": p.get("decode_tok_s"),
                         "prefill_ms": p.get("ttft_ms"), "weight_bytes": p.get("gguf_bytes")})
        else:
            tpot = p.get("tpot_ms")
            rows.append({"tool": "transformers " + p["attention"], "precision": p.get("precision", p.get("dtype", "bf16")), "batch": p["batch"],
                         "output_tok_s": p["output_tokens_per_s"], "j_per_token": p["energy_per_output_token_j"], "tpot_ms": tpot,
                         "decode_tok_s": 1000.0 / tpot * p["batch"] if tpot else None,
                         "prefill_ms": p["prefill_s"] * 1e3 if p.get("prefill_s") is not None else None, "weight_bytes": bf16_bytes})
    return rows


def decode_table(rows, hbm_tb_s):
    print("| tool | weights | batch | decode tok/s | output tok/s | J per output token (GPU) | TPOT p50 ms | prefill of a batch ms | share of roofline |")
    print("|---|---|---|---|---|---|---|---|---|")
    order = {"lem": 0, "llama.cpp": 1}
    for r in sorted(rows, key=lambda r: (r["batch"], order.get(r["tool"], 2), r["tool"], r["precision"])):
        roof = ""
        if r.get("tpot_ms") and r.get("weight_bytes"):
            share = (1000.0 / r["tpot_ms"]) * r["weight_bytes"] / (hbm_tb_s * 1e12)
            roof = f"{share:.0%} ({r['weight_bytes'] / 1e9:.2f} GB/step)"
        print(f"| {r['tool']} | {r['precision']} | {r['batch']} | {fmt(r.get('decode_tok_s'), '.0f')} | {fmt(r.get('output_tok_s'), '.1f')} | "
              f"{fmt(r.get('j_per_token'), '.4f')} | {fmt(r.get('tpot_ms'), '.3f')} | {fmt(r.get('prefill_ms'), '.1f')} | {roof} |")
    # the issue's ratios: lem against llama.cpp on the same weights, and quantized against bf16
    by = {(r["tool"], r["precision"], r["batch"]): r for r in rows}
    print()
    for batch in sorted({r["batch"] for r in rows}):
        lem = by.get(("lem", "bf16", batch))
        peer = by.get(("llama.cpp", "bf16", batch))
        if lem and peer and lem.get("decode_tok_s") and peer.get("decode_tok_s"):
            print(f"- batch {batch}: lem bf16 decode {lem['decode_tok_s'] / peer['decode_tok_s']:.2f}x llama.cpp bf16")
        for q in ("int8", "int4"):
            quant = by.get(("lem", q, batch))
            if lem and quant and lem.get("decode_tok_s") and quant.get("decode_tok_s"):
                jr = f", J/token {quant['j_per_token'] / lem['j_per_token']:.2f}x" if quant.get("j_per_token") and lem.get("j_per_token") else ""
                print(f"- batch {batch}: lem {q} decode {quant['decode_tok_s'] / lem['decode_tok_s']:.2f}x lem bf16{jr}")


def bench_table(records, peers, hbm_tb_s):
    best_peer = {}
    for p in peers:
        b = p["batch"]
        if b not in best_peer or p["output_tokens_per_s"] > best_peer[b]["output_tokens_per_s"]:
            best_peer[b] = p
    rows = [("lem " + ("graphs" if r["graphs"] else "eager"), r["batch"], r["output_tok_s"], r["j_per_token"], r["decode_tok_s"], r["weight_bytes"])
            for r in lem_rows(records)]
    rows += [("transformers " + p["attention"], p["batch"], p["output_tokens_per_s"], p["energy_per_output_token_j"], None, None) for p in peers]
    print("| tool | batch | output tok/s | J per output token (GPU) | x best transformers tok/s | batch-1 decode / roofline |")
    print("|---|---|---|---|---|---|")
    for tool, batch, tps, jpt, decode, wb in sorted(rows, key=lambda r: (r[1], r[0])):
        peer = best_peer.get(batch)
        ratio = f"{tps / peer['output_tokens_per_s']:.2f}x" if peer and tps else ""
        roof = ""
        if batch == 1 and decode and wb:
            roofline_tok_s = hbm_tb_s * 1e12 / wb
            roof = f"{decode:.0f} / {roofline_tok_s:.0f} tok/s = {decode / roofline_tok_s:.0%}"
        print(f"| {tool} | {batch} | {tps:.1f} | {fmt(jpt, '.4f')} | {ratio} | {roof} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("lem_json")
    ap.add_argument("peer_jsonl", nargs="+")
    ap.add_argument("--hbm-tb-s", type=float, default=None, help="HBM bandwidth of the GPU (H100 SXM: 3.35 TB/s)")
    ap.add_argument("--decode", action="store_true", help="the decode-bench table")
    args = ap.parse_args()
    if args.hbm_tb_s is None:
        name, args.hbm_tb_s = gpu_bandwidth()
        print(f"GPU: {name}, HBM {args.hbm_tb_s} TB/s (roofline column)\n")
    records = json.load(open(args.lem_json))
    peers = [json.loads(l) for f in args.peer_jsonl for l in open(f) if l.strip()]
    if not args.decode:
        bench_table(records, peers, args.hbm_tb_s)
        return
    rows = lem_rows(records)
    bf16_bytes = next((r["weight_bytes"] for r in rows if r["precision"] == "bf16" and r.get("weight_bytes")), None)
    decode_table(rows + peer_rows(peers, bf16_bytes), args.hbm_tb_s)


if __name__ == "__main__":
    main()
