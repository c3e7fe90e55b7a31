#!/usr/bin/env python3
"""Peer benchmark: Hugging Face transformers `generate` on the same synthetic weights that `lem` runs.

Measures output tok/s and J per output token (NVML total-energy counter, device synchronised at both edges)
for each batch size and attention implementation, greedy, pinned output length (min = max new tokens).
Writes one JSON object per line to stdout (and to --out when given).

Usage: peer_transformers.py MODEL_DIR [--batches 1,8,32] [--prompt-tokens 128] [--new-tokens 128]
                            [--attn eager,sdpa] [--dtype bf16] [--repeats 1] [--out FILE]
"""
import argparse, json, sys, time

import pynvml
import torch
from transformers import AutoModelForCausalLM


def energy_mj(handle):
    return pynvml.nvmlDeviceGetTotalEnergyConsumption(handle)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--batches", default="1,8,32")
    ap.add_argument("--prompt-tokens", type=int, default=128)
    ap.add_argument("--new-tokens", type=int, default=128)
    ap.add_argument("--attn", default="eager,sdpa")
    ap.add_argument("--dtype", default="bf16")
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--out")
    args = ap.parse_args()

    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[args.dtype]
    pynvml.nvmlInit()
    handle = pynvml.nvmlDeviceGetHandleByIndex(torch.cuda.current_device())
    out = open(args.out, "a") if args.out else None

    for attn in args.attn.split(","):
        model = AutoModelForCausalLM.from_pretrained(args.model, dtype=dtype, attn_implementation=attn).cuda().eval()
        vocab = model.config.vocab_size
        gen = torch.Generator(device="cpu").manual_seed(0)
        for batch in [int(b) for b in args.batches.split(",")]:
            ids = torch.randint(10, min(vocab, 50000), (batch, args.prompt_tokens), generator=gen).cuda()
            mask = torch.ones_like(ids)
            kwargs = dict(max_new_tokens=args.new_tokens, min_new_tokens=args.new_tokens, do_sample=False,
                          pad_token_id=0, attention_mask=mask)
            with torch.inference_mode():
                model.generate(ids, **{**kwargs, "max_new_tokens": 8, "min_new_tokens": 8})  # warm-up, not measured
                for r in range(args.repeats):
                    torch.cuda.synchronize()
                    e0, t0 = energy_mj(handle), time.perf_counter()
                    result = model.generate(ids, **kwargs)
                    torch.cuda.synchronize()
                    t1, e1 = time.perf_counter(), energy_mj(handle)
                    new_tokens = (result.shape[1] - ids.shape[1]) * batch
                    row = {"tool": "transformers", "attention": attn, "batch": batch, "repeat": r,
                           "prompt_tokens": args.prompt_tokens, "new_tokens": args.new_tokens, "dtype": args.dtype,
                           "wall_s": t1 - t0, "output_tokens": new_tokens,
                           "output_tokens_per_s": new_tokens / (t1 - t0),
                           "energy_j": (e1 - e0) / 1000.0, "energy_per_output_token_j": (e1 - e0) / 1000.0 / new_tokens}
                    line = json.dumps(row)
                    print(line, flush=True)
                    if out:
                        out.write(line + "\n")
        del model
        torch.cuda.empty_cache()


if __name__ == "__main__":
    sys.exit(main())
