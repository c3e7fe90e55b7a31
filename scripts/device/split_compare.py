#!/usr/bin/env python3
"""Greedy tokens and prefill logits of split models against one device, from `lem model probe` outputs.

Usage: split_compare.py ONE.json SPLIT.json [SPLIT.json ...]
ONE.json is the model on one device; each SPLIT.json the same weights and prompts split (--tensor or --pipeline). For
each split it prints how it was split (and how its partial sums were added), how many prompts give identical greedy
tokens (batched and one by one) with the first step where a prompt differs, and the largest prefill-logit difference
relative to the largest logit. It judges nothing: a bf16 tensor split adds its partial sums in another order than one
device, so tokens may part at near-ties — parity_transformers.py --tensor judges that against transformers.
"""
import json, os, sys
from array import array


def load(path):
    """The probe's JSON and its prefill logits, flat float32 (all prompts' rows one after the other)."""
    with open(path) as f:
        probe = json.load(f)
    logits = array("f")
    with open(os.path.join(os.path.dirname(path), probe["logits_file"]), "rb") as f:
        logits.frombytes(f.read())
    return probe, logits


def first_difference(a, b):
    for step, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return step
    return None if len(a) == len(b) else min(len(a), len(b))


def main(one_path, *split_paths):
    one, one_logits = load(one_path)
    print(f"one device: {one['device']} ({one['precision']})")
    for path in split_paths:
        split, logits = load(path)
        how = split.get("tensor_split") and f"tensor {split['tensor_split']}" or f"pipeline {split.get('pipeline_split')}"
        print(f"{os.path.basename(path)}: {how}; device {split['device']}")
        if split.get("tensor_reduce"):
            print(f"  sums: {split['tensor_reduce']}")
        for mode in ("batched", "unbatched"):
            a, b = one[mode]["tokens"], split[mode]["tokens"]
            parted = [(i, first_difference(x, y)) for i, (x, y) in enumerate(zip(a, b)) if x != y]
            steps = ", ".join(f"prompt {i} at step {s}" for i, s in parted) or "none"
            print(f"  {mode}: {len(a) - len(parted)}/{len(a)} prompts with identical greedy tokens ({len(a[0]) if a else 0} each); parted: {steps}")
        scale = max(1e-6, max(abs(x) for x in one_logits))
        worst = max(abs(x - y) for x, y in zip(logits, one_logits))
        print(f"  prefill logits: largest difference {worst / scale:.2e} of the largest logit; "
              f"byte-identical: {logits.tobytes() == one_logits.tobytes()}")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
