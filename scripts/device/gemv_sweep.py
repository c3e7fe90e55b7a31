#!/usr/bin/env python3
"""GEMV configuration sweep of one lem build at batch 1 (issue 21): one lem process per configuration of the decode
GEMV's environment switches (LEM_TORCHSHARP_GEMV_UNROLL, _MIN_BLOCKS, _SPLIT; see CudaGraphs/GemvTuning.cs), bf16
first, then int8 and int4 with bf16's best split policy, each on gemv-sweep.lem (128 + 128 tokens, 4 prompts). Prints
TPOT p50, output tok/s and GPU J/token per configuration, writes OUT/sweep.json and BEST_ENV_FILE: the fastest
configuration per scheme as one line of VAR=VALUE (unmeasured schemes keep the defaults). The bf16 baseline runs first
and last, so that drift within the call shows. Stops starting runs after BUDGET_S seconds.

Usage: gemv_sweep.py LEM MODEL_DIR OUT BUDGET_S BEST_ENV_FILE [LEM_FILE]   (CPUs 0-3, from the repository root)
"""
import json, os, shutil, subprocess, sys, time
lem, model, out, budget, best_file = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5]
lem_file = sys.argv[6] if len(sys.argv) > 6 else "scripts/device/gemv-sweep.lem"
t0 = time.time()
os.makedirs(out, exist_ok=True)
rows = []
def run(label, quant, env):
    if time.time() - t0 > budget:
        print(f"skip {label} {quant}: budget", flush=True); return None
    d = f"/tmp/sweep-{label}-{quant}"
    shutil.rmtree(d, ignore_errors=True)
    e = dict(os.environ); e.update(env)
    t = time.time()
    try:
        p = subprocess.run(["taskset", "-c", "0-3", lem, "run", "--fresh", "--set", f'model="{model}"', "--set", f'results.dir="{d}"',
                            "--set", f"quantization={quant}", lem_file], env=e, capture_output=True, text=True, timeout=90)
    except subprocess.TimeoutExpired:
        print(f"{label} {quant}: over 90 s", flush=True); return None
    open(f"{out}/{label}-{quant}.txt", "w").write(p.stdout[-4000:] + p.stderr[-4000:])
    if p.returncode != 0:
        print(f"{label} {quant}: rc {p.returncode}: {p.stderr[-300:]}", flush=True); return None
    j = subprocess.run([lem, "results", "--dir", d, "export", "--format", "json"], capture_output=True, text=True).stdout
    r = json.loads(j)[0]; m = r["metrics"]
    row = dict(label=label, quant=quant, env=env, tpot=m.get("tpot_ms_p50"), toks=m.get("output_tokens_per_s"),
               jtok=m.get("energy_gpu_per_output_token_j"), s=round(time.time() - t, 1))
    rows.append(row)
    print(f"{label:>14} {quant:>5} TPOT {row['tpot']:.4f} ms  {row['toks']:.1f} tok/s  J/tok {row['jtok']}  ({row['s']} s) {env}", flush=True)
    return row
def cfg(u, b, s):
    return {"LEM_TORCHSHARP_GEMV_UNROLL": u, "LEM_TORCHSHARP_GEMV_MIN_BLOCKS": b, "LEM_TORCHSHARP_GEMV_SPLIT": s}
bf = [("base", cfg("2", "0", "16")), ("u2-wave", cfg("2", "0", "wave")), ("u1-wave", cfg("1", "0", "wave")),
      ("u2-b4-wave", cfg("2", "4", "wave")), ("u4-wave", cfg("4", "0", "wave")), ("u1-16", cfg("1", "0", "16")),
      ("u2-b4-16", cfg("2", "4", "16")), ("base2", cfg("2", "0", "16"))]
for label, env in bf: run(label, "none", env)
def best(quant):
    c = [r for r in rows if r["quant"] == quant and r["tpot"]]
    return min(c, key=lambda r: r["tpot"]) if c else None
b = best("none"); split = b["env"]["LEM_TORCHSHARP_GEMV_SPLIT"] if b else "16"
print("bf16 best:", b and b["label"], "split", split, flush=True)
q8 = [("base", cfg("2", "0", "16")), ("u2-b3", cfg("2", "3", split)), ("u1", cfg("1", "0", split)), ("u2", cfg("2", "0", split))]
for label, env in q8: run(label, "int8", env)
q4 = [("base", cfg("2", "0", "16")), ("u1", cfg("1", "0", split)), ("u1-b2", cfg("1", "2", split))]
for label, env in q4: run(label, "int4", env)
def best_with_split(quant):
    c = [r for r in rows if r["quant"] == quant and r["tpot"] and r["env"]["LEM_TORCHSHARP_GEMV_SPLIT"] == split]
    return min(c, key=lambda r: r["tpot"]) if c else None
pick = [best_with_split(q) for q in ("none", "int8", "int4")]
u = ",".join(p["env"]["LEM_TORCHSHARP_GEMV_UNROLL"] if p else "2" for p in pick)
m = ",".join(p["env"]["LEM_TORCHSHARP_GEMV_MIN_BLOCKS"] if p else "0" for p in pick)
line = f"LEM_TORCHSHARP_GEMV_UNROLL={u} LEM_TORCHSHARP_GEMV_MIN_BLOCKS={m} LEM_TORCHSHARP_GEMV_SPLIT={split}"
open(best_file, "w").write(line + "\n")
json.dump(rows, open(f"{out}/sweep.json", "w"), indent=1)
print("best env:", line, f"({time.time() - t0:.0f} s)", flush=True)
