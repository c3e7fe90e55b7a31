#!/usr/bin/env python3
"""Peer benchmark: llama.cpp (CUDA build, made by hand from a fetched snapshot and not committed) on the same synthetic
weights that `lem` runs, converted to GGUF: bf16, and quantized to Q8_0 and Q4_0 (llama.cpp's 8-bit and 4-bit
schemes: symmetric, groups of 32, fp16 scales; lem's int4 uses groups of 128).

For each model and batch size it runs `llama-batched-bench -npp P -ntg N -npl B,B,...` (the same level repeated, so
that the measured stretch lasts seconds) and reads decode tok/s (S_TG) and prefill tok/s (S_PP) from its output.
Energy: the process's window also holds model loading, so NVML instant power is sampled every 10 ms and integrated
over the active stretch (samples above idle + 30% of the way to the peak); J per output token = that energy / (B × N
× repeats). lem and transformers read the energy counter over their own windows instead; the record says which.

The bf16 GGUF is written by llama.cpp's own convert_hf_to_gguf.py (--convert) or by lem's GGUF writer (--lem LEM:
`lem model convert --to gguf --outtype bf16`, the writer the llamacpp and llama_server backends use; llama.cpp's
converter refuses tokenizers whose pre-tokenizer hash it does not know, as a synthetic model's may be).

Usage: peer_llamacpp.py MODEL_DIR --bin DIR (--convert convert_hf_to_gguf.py | --lem LEM) [--work DIR] [--batches 1,8,32]
                        [--quants bf16,q8_0,q4_0] [--prompt-tokens 128] [--new-tokens 128] [--fa "-fa on"] [--out FILE]
Writes one JSON object per line (tool, precision, batch, decode_tok_s, tpot_ms, prefill_tok_s, energy...).
"""
import argparse, json, os, shlex, subprocess, sys, threading, time

QUANT_TYPES = {"q8_0": "Q8_0", "q4_0": "Q4_0"}


class PowerSampler(threading.Thread):
    def __init__(self, handle, period_s=0.01):
        super().__init__(daemon=True)
        self.handle, self.period_s, self.samples, self.stop = handle, period_s, [], threading.Event()

    def run(self):
        import pynvml
        while not self.stop.is_set():
            self.samples.append((time.perf_counter(), pynvml.nvmlDeviceGetPowerUsage(self.handle) / 1000.0))
            time.sleep(self.period_s)


def active_energy_j(samples):
    """Trapezoid integral of power over the longest stretch above idle + 30% of (peak - idle); (J, seconds)."""
    if len(samples) < 3:
        return None, None
    powers = [p for _, p in samples]
    idle, peak = min(powers), max(powers)
    threshold = idle + 0.3 * (peak - idle)
    best, start = (0, 0), None
    for i, (_, p) in enumerate(samples + [(0, -1)]):
        if p > threshold and start is None:
            start = i
        elif p <= threshold and start is not None:
            if i - start > best[1] - best[0]:
                best = (start, i)
            start = None
    lo, hi = best
    if hi - lo < 2:
        return None, None
    energy = sum((samples[i + 1][0] - samples[i][0]) * (samples[i][1] + samples[i + 1][1]) / 2 for i in range(lo, hi - 1))
    return energy, samples[hi - 1][0] - samples[lo][0]


def parse_batched_bench(text):
    """Rows of llama-batched-bench: its jsonl lines, or its markdown table (PP, TG, B, N_KV, T_PP s, S_PP t/s, ...)."""
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                j = json.loads(line)
                rows.append({"pp": j["pp"], "tg": j["tg"], "b": j["pl"], "t_pp": j["t_pp"], "s_pp": j["speed_pp"],
                             "t_tg": j["t_tg"], "s_tg": j["speed_tg"]})
            except (ValueError, KeyError):
                pass
        elif line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if len(cells) >= 8:
                try:
                    pp, tg, b = int(cells[0]), int(cells[1]), int(cells[2])
                    rows.append({"pp": pp, "tg": tg, "b": b, "t_pp": float(cells[4]), "s_pp": float(cells[5]),
                                 "t_tg": float(cells[6]), "s_tg": float(cells[7])})
                except ValueError:
                    pass
    return rows


def run(cmd, log):
    print("+ " + " ".join(shlex.quote(c) for c in cmd), file=sys.stderr, flush=True)
    p = subprocess.run(cmd, capture_output=True, text=True)
    log.write(f"$ {' '.join(cmd)}\n{p.stdout}\n{p.stderr}\n")
    if p.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed ({p.returncode}): {p.stderr.strip().splitlines()[-1:] if p.stderr.strip() else ''}")
    return p.stdout + "\n" + p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--bin", required=True, help="folder with llama-batched-bench and llama-quantize")
    writer = ap.add_mutually_exclusive_group(required=True)
    writer.add_argument("--convert", help="llama.cpp's convert_hf_to_gguf.py")
    writer.add_argument("--lem", help="the lem executable: its GGUF writer converts the model")
    ap.add_argument("--work", default="/tmp/llamacpp-peer")
    ap.add_argument("--batches", default="1,8,32")
    ap.add_argument("--quants", default="bf16,q8_0,q4_0")
    ap.add_argument("--prompt-tokens", type=int, default=128)
    ap.add_argument("--new-tokens", type=int, default=128)
    ap.add_argument("--fa", default="-fa on", help="flash-attention flag as this llama.cpp spells it")
    ap.add_argument("--seconds", type=float, default=4.0, help="aim for about this long of measured compute per row")
    ap.add_argument("--out")
    args = ap.parse_args()
    import pynvml
    pynvml.nvmlInit()
    handle = pynvml.nvmlDeviceGetHandleByIndex(0)
    os.makedirs(args.work, exist_ok=True)
    log = open(os.path.join(args.work, "llamacpp.log"), "a")
    out = open(args.out, "a") if args.out else None
    bf16 = os.path.join(args.work, "model-bf16.gguf")
    if not os.path.exists(bf16):
        if args.convert:
            run([sys.executable, args.convert, args.model, "--outtype", "bf16", "--outfile", bf16], log)
        else:
            run([args.lem, "model", "convert", "--to", "gguf", "--model", args.model, "--outtype", "bf16", "--out", bf16], log)
    for quant in args.quants.split(","):
        gguf = bf16 if quant == "bf16" else os.path.join(args.work, f"model-{quant}.gguf")
        if not os.path.exists(gguf):
            run([os.path.join(args.bin, "llama-quantize"), bf16, gguf, QUANT_TYPES[quant]], log)
        size_bytes = os.path.getsize(gguf)
        for batch in [int(b) for b in args.batches.split(",")]:
            # one probe run sizes the repeats so that the measured stretch lasts about --seconds
            base = [os.path.join(args.bin, "llama-batched-bench"), "-m", gguf, "-ngl", "99", *shlex.split(args.fa),
                    "-c", str(batch * (args.prompt_tokens + args.new_tokens) + 256), "-b", "2048", "-ub", "512",
                    "-npp", str(args.prompt_tokens), "-ntg", str(args.new_tokens), "--output-format", "jsonl"]
            try:
                probe = parse_batched_bench(run(base + ["-npl", str(batch)], log))
            except SystemExit:
                base = base[:-2]  # an older llama-batched-bench without --output-format: parse its table
                probe = parse_batched_bench(run(base + ["-npl", str(batch)], log))
            once = (probe[0]["t_pp"] + probe[0]["t_tg"]) if probe else 1.0
            repeats = max(1, min(64, round(args.seconds / max(once, 1e-3))))
            sampler = PowerSampler(handle)
            sampler.start()
            text = run(base + ["-npl", ",".join([str(batch)] * repeats)], log)
            sampler.stop.set()
            sampler.join()
            rows = [r for r in parse_batched_bench(text) if r["b"] == batch]
            if not rows:
                raise SystemExit(f"no llama-batched-bench rows parsed for batch {batch}; see {log.name}")
            s_tg = sum(r["s_tg"] for r in rows) / len(rows)
            s_pp = sum(r["s_pp"] for r in rows) / len(rows)
            energy, active_s = active_energy_j(sampler.samples)
            tokens = batch * args.new_tokens * len(rows)
            row = {"tool": "llama.cpp", "precision": quant, "batch": batch, "prompt_tokens": args.prompt_tokens,
                   "new_tokens": args.new_tokens, "repeats": len(rows), "gguf_bytes": size_bytes,
                   "decode_tok_s": s_tg, "tpot_ms": 1000.0 * batch / s_tg, "prefill_tok_s": s_pp,
                   "ttft_ms": 1000.0 * args.prompt_tokens * batch / s_pp,
                   "output_tokens_per_s": tokens / sum(r["t_pp"] + r["t_tg"] for r in rows),
                   "energy_j": energy, "active_s": active_s,
                   "energy_per_output_token_j": energy / tokens if energy else None,
                   "energy_method": "NVML instant power at 10 ms, integrated over the active stretch"}
            line = json.dumps(row)
            print(line, flush=True)
            if out:
                out.write(line + "\n")


if __name__ == "__main__":
    sys.exit(main())
