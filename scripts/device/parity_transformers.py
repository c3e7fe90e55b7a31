#!/usr/bin/env python3
"""Correctness of lem's TorchSharp backend against Hugging Face transformers on the same synthetic weights.

For one model folder and one precision, this script
  1. writes a prompt file (token ids of several lengths, fixed seed),
  2. runs `lem model probe` (greedy, pinned length, batched with left padding and one by one) which writes the
     last-position prefill logits of every prompt and the generated tokens,
  3. computes the same with transformers, and prints one JSON line with the largest logit difference and whether
     the greedy tokens agree (batched and unbatched), exiting 1 when a check fails.

Usage: parity_transformers.py LEM MODEL_DIR --dtype fp32|bf16 [--new-tokens 64] [--prompts 4] [--tolerance X]
                              [--graph-check] [--quantization none|int8|int4] [--tensor DEVICES | --pipeline DEVICES]
With --tensor (or --pipeline) lem's model is split over DEVICES (comma-separated, for example cuda:0,cuda:1) and judged
by the same rules as on one GPU; the row names the split.
With --quantization, lem's weights are quantized and transformers' are not: the row reports the logit error of the
scheme against the bf16 reference (and against fp32); the verdict asks int8's greedy tokens to differ from bf16's only
at near-ties and graphs to equal eager; int4 is reported, not judged.
"""
import argparse, json, os, subprocess, sys, tempfile

import numpy as np
import torch
from transformers import AutoModelForCausalLM

DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}
# Largest |logit difference| accepted, relative to the largest |logit| of the reference (the fp32 rule; bf16 and fp16 are judged by accuracy against fp32, see main()).
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
    ap.add_argument("--quantization", default="none", help="lem's weight-only quantization: none, int8 or int4")
    ap.add_argument("--tensor", help="split lem's model over these devices by tensor parallelism (comma-separated)")
    ap.add_argument("--pipeline", help="split lem's model over these devices as a pipeline (comma-separated)")
    args = ap.parse_args()
    placement = ["--tensor", args.tensor] if args.tensor else ["--pipeline", args.pipeline] if args.pipeline else ["--device", "cuda:0"]
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
    subprocess.run([args.lem, "model", "probe", "--model", args.model, "--precision", args.dtype, *placement,
                    "--prompt-file", prompt_file, "--new-tokens", str(args.new_tokens), "--out", out_file,
                    "--quantization", args.quantization]
                   + (["--graph-check"] if args.graph_check else []), check=True)
    with open(out_file) as f:
        probe = json.load(f)
    lem_logits = np.fromfile(os.path.join(work, probe["logits_file"]), dtype=np.float32).reshape(probe["logits_shape"])

    worst_rel = 0.0
    ref_tokens = []
    ref_step_logits = []
    ref_last = []
    with torch.inference_mode():
        for i, p in enumerate(prompts):
            ids = torch.tensor([p], device="cuda")
            ref = model(ids).logits[0, -1].float().cpu().numpy()
            ref_last.append(ref)
            worst_rel = max(worst_rel, float(np.max(np.abs(ref - lem_logits[i])) / max(1e-6, np.max(np.abs(ref)))))
            out = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=args.new_tokens,
                                 min_new_tokens=args.new_tokens, do_sample=False, pad_token_id=0,
                                 output_logits=True, return_dict_in_generate=True)
            ref_tokens.append(out.sequences[0, len(p):].tolist())
            ref_step_logits.append([l[0].float().cpu().numpy() for l in out.logits])

    unbatched_equal = probe["unbatched"]["tokens"] == ref_tokens
    batched_equal = probe["batched"]["tokens"] == ref_tokens
    divergences = {"unbatched": [], "batched": []}
    for kind in divergences:
        for i, (a, b) in enumerate(zip(probe[kind]["tokens"], ref_tokens)):
            d = divergence(a, b, ref_step_logits[i])
            if d:
                divergences[kind].append({"prompt": i, **d})
    # Where the sequences differ, the standard check for low-precision implementations (as in vLLM's tests): at the first
    # differing step both tokens are near-ties in the reference's own logits (lem's token among transformers' top 5 and
    # within the logit tolerance of its best); after it the two sequences continue from different prefixes.
    # With quantized weights a near-tie is a choice that the scheme's own measured logit error (against the bf16
    # reference, below) can flip: the tolerance is that error where it is larger than the precision's.
    tie_tolerance = max(tolerance, worst_rel) if args.quantization != "none" else tolerance
    near_ties_only = all(d["lem_rank_in_reference"] < 5 and d["gap_rel"] <= tie_tolerance for ds in divergences.values() for d in ds)
    row = {"model": os.path.basename(args.model.rstrip("/")), "architecture": model.config.architectures[0], "dtype": args.dtype,
           "quantization": args.quantization, "weight_bytes": probe.get("weight_bytes"),
           "split": probe.get("tensor_split") or probe.get("pipeline_split"), "sums": probe.get("tensor_reduce"),
           "prompts": len(prompts), "new_tokens": args.new_tokens, "max_rel_logit_diff": worst_rel, "tolerance": tolerance,
           "logits_ok": worst_rel <= tolerance, "near_tie_tolerance": tie_tolerance,
           "greedy_unbatched_equal": unbatched_equal, "greedy_batched_equal": batched_equal,
           "divergences": divergences, "divergences_are_near_ties": near_ties_only, "graph_check": probe.get("graph_check")}
    if args.dtype != "fp32":
        # bf16/fp16 rounding differs between any two implementations; the fair question is whether lem is as accurate
        # as transformers at that precision: both against transformers in fp32 on the same weights and prompts.
        del model
        torch.cuda.empty_cache()
        fp32 = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.float32, attn_implementation="eager").cuda().eval()
        lem_err = hf_err = 0.0
        with torch.inference_mode():
            for i, p in enumerate(prompts):
                truth = fp32(torch.tensor([p], device="cuda")).logits[0, -1].float().cpu().numpy()
                scale = max(1e-6, float(np.max(np.abs(truth))))
                lem_err = max(lem_err, float(np.max(np.abs(lem_logits[i] - truth))) / scale)
                hf_err = max(hf_err, float(np.max(np.abs(ref_last[i] - truth))) / scale)
        row["accuracy_vs_fp32"] = {"lem": lem_err, "transformers": hf_err, "ok": lem_err <= 1.5 * hf_err,
                                   "rule": "lem's largest relative logit error against transformers fp32 is at most 1.5x transformers' own"}
    print(json.dumps(row), flush=True)
    graphs_ok = True
    if probe.get("graph_check"):
        graphs_ok = all(r["equal_first_call"] and r["equal_replayed"] for r in probe["graph_check"]["results"].values())
    tokens_ok = (unbatched_equal and batched_equal) or (args.dtype != "fp32" and near_ties_only)
    if args.quantization != "none":
        # the logit error of the scheme is the finding; int8 must still only differ at near-ties, int4 is reported
        print(json.dumps({"model": row["model"], "quantization": args.quantization, "logit_error_vs_bf16": worst_rel,
                          "logit_error_vs_fp32": row.get("accuracy_vs_fp32", {}).get("lem"),
                          "bf16_error_vs_fp32": row.get("accuracy_vs_fp32", {}).get("transformers"),
                          "near_ties_only": near_ties_only, "near_tie_tolerance": tie_tolerance,
                          "largest_divergence_gap": max((d["gap_rel"] for ds in divergences.values() for d in ds), default=0.0),
                          "graphs_equal_eager": graphs_ok}), flush=True)
        return 0 if graphs_ok and (args.quantization == "int4" or tokens_ok) else 1
    # fp32: lem's logits within the tolerance of transformers'. bf16/fp16: two implementations round differently and
    # transformers' own bf16 logits are up to ~3% (of the largest logit) away from its fp32 ones on these random
    # weights, so the stated tolerance is accuracy: lem's error against fp32 at most 1.5x transformers' own.
    logits_ok = row["logits_ok"] if args.dtype == "fp32" else row["accuracy_vs_fp32"]["ok"]
    return 0 if logits_ok and tokens_ok and graphs_ok else 1


def divergence(lem_tokens, ref_tokens, ref_logits):
    """The first step where lem's greedy token differs from transformers', with the reference's view of that step."""
    for step, (x, y) in enumerate(zip(lem_tokens, ref_tokens)):
        if x != y:
            logits = ref_logits[step]
            scale = max(1e-6, float(np.max(np.abs(logits))))
            return {"step": step, "lem_token": x, "reference_token": y,
                    "lem_rank_in_reference": int(np.sum(logits > logits[x])),
                    "gap_rel": float(logits[y] - logits[x]) / scale}
    if len(lem_tokens) != len(ref_tokens):
        # a sequence that stopped early is not a near-tie: rank and gap infinite, so the near-tie rule fails
        return {"step": min(len(lem_tokens), len(ref_tokens)), "length_mismatch": [len(lem_tokens), len(ref_tokens)],
                "lem_rank_in_reference": 10**9, "gap_rel": float("inf")}
    return None


if __name__ == "__main__":
    sys.exit(main())
