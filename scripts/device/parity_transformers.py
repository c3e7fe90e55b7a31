#!/usr/bin/env python3
"""Correctness of lem's TorchSharp backend against Hugging Face transformers on the same synthetic weights.

For one model folder and one precision, this script
  1. writes a prompt file (token ids of several lengths, fixed seed),
  2. runs `lem model probe` (greedy, pinned length, batched with left padding and one by one) which writes the
     last-position prefill logits of every prompt and the generated tokens,
  3. computes the same with transformers, and prints one JSON line with the largest logit difference and whether
     the greedy tokens agree (batched and unbatched), exiting 1 when a check fails.

Usage: parity_transformers.py LEM MODEL_DIR --dtype fp32|bf16 [--new-tokens 64] [--prompts 4] [--tolerance X]
"""
import argparse, json, os, subprocess, sys, tempfile

import numpy as np
import torch
from transformers import AutoModelForCausalLM

DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}
# Largest |logit difference| accepted, relative to the largest |logit| of the reference (see docs/benchmarks/parity.md).
DEFAULT_TOLERANCE = {"fp32": 1e-4, "bf16": 2e-2, "fp16": 5e-3}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("lem")
    ap.add_argument("model")
    ap.add_argument("--dtype", default="fp32")
    ap.add_argument("--new-tokens", type=int, default=64)
    ap.add_argument("--prompts", type=int, default=4)
    ap.add_argument("--tolerance", type=float)
    ap.add_argument("--graph-check", action="store_true", help="also compare CUDA-graph and eager tokens at batch 1, 8, 32")
    args = ap.parse_args()
    tolerance = args.tolerance if args.tolerance is not None else DEFAULT_TOLERANCE[args.dtype]

    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=DTYPES[args.dtype], attn_implementation="eager").cuda().eval()
    vocab = model.config.vocab_size
    rng = np.random.default_rng(1234)
    lengths = [int(x) for x in rng.integers(5, 40, size=args.prompts)]
    prompts = [[int(t) for t in rng.integers(10, min(vocab, 50000), size=n)] for n in lengths]

    work = tempfile.mkdtemp(prefix="lem-parity-")
    prompt_file = os.path.join(work, "prompts.json")
    out_file = os.path.join(work, "probe.json")
    with open(prompt_file, "w") as f:
        json.dump({"prompts": prompts}, f)
    subprocess.run([args.lem, "model", "probe", "--model", args.model, "--precision", args.dtype, "--device", "cuda:0",
                    "--prompt-file", prompt_file, "--new-tokens", str(args.new_tokens), "--out", out_file]
                   + (["--graph-check"] if args.graph_check else []), check=True)
    with open(out_file) as f:
        probe = json.load(f)
    lem_logits = np.fromfile(os.path.join(work, probe["logits_file"]), dtype=np.float32).reshape(probe["logits_shape"])

    worst_rel = 0.0
    ref_tokens = []
    with torch.inference_mode():
        for i, p in enumerate(prompts):
            ids = torch.tensor([p], device="cuda")
            ref = model(ids).logits[0, -1].float().cpu().numpy()
            worst_rel = max(worst_rel, float(np.max(np.abs(ref - lem_logits[i])) / max(1e-6, np.max(np.abs(ref)))))
            out = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=args.new_tokens,
                                 min_new_tokens=args.new_tokens, do_sample=False, pad_token_id=0)
            ref_tokens.append(out[0, len(p):].tolist())

    unbatched_equal = probe["unbatched"]["tokens"] == ref_tokens
    batched_equal = probe["batched"]["tokens"] == ref_tokens
    first_diff = None
    for i, (a, b) in enumerate(zip(probe["batched"]["tokens"], ref_tokens)):
        for s, (x, y) in enumerate(zip(a, b)):
            if x != y:
                first_diff = {"prompt": i, "step": s}
                break
        if first_diff:
            break
    row = {"model": os.path.basename(args.model.rstrip("/")), "architecture": model.config.architectures[0], "dtype": args.dtype,
           "prompts": len(prompts), "new_tokens": args.new_tokens, "max_rel_logit_diff": worst_rel, "tolerance": tolerance,
           "logits_ok": worst_rel <= tolerance, "greedy_unbatched_equal": unbatched_equal, "greedy_batched_equal": batched_equal,
           "first_batched_difference": first_diff, "graph_check": probe.get("graph_check")}
    print(json.dumps(row), flush=True)
    graphs_ok = True
    if probe.get("graph_check"):
        graphs_ok = all(r["equal_first_call"] and r["equal_replayed"] for r in probe["graph_check"]["results"].values())
    return 0 if row["logits_ok"] and unbatched_equal and batched_equal and graphs_ok else 1


if __name__ == "__main__":
    sys.exit(main())
