#!/usr/bin/env python3
"""Peer benchmark: Hugging Face transformers `generate` on the same synthetic weights that `lem` runs.

Measures output tok/s, J per output token (NVML total-energy counter, device synchronised at both edges), the
prefill time (a generate of one token) and TPOT = (wall - prefill) / (new tokens - 1), for each batch size and
attention implementation, greedy, pinned output length (min = max new tokens). One JSON object per line to stdout
(and to --out when given).

The prompts of a batch have equal lengths, so no attention mask is passed (both arms then run causal attention and
transformers builds no padding mask). The 2026-12-02 suite passed an all-ones mask and its sdpa arm ran 4x slower than
eager at batch 1; --diagnose profiles a short generate of each arm with and without that mask, to show where it went.

Usage: peer_transformers.py MODEL_DIR [--batches 1,8,32] [--prompt-tokens 128] [--new-tokens 128]
                            [--attn eager,sdpa] [--dtype bf16] [--repeats 1] [--out FILE] [--diagnose]
"""
import argparse, cProfile, io, json, pstats, sys, time

import pynvml
import torch
from transformers import AutoModelForCausalLM


def energy_mj(handle):
    return pynvml.nvmlDeviceGetTotalEnergyConsumption(handle)


def diagnose(model, ids, attn, new_tokens):
    """Host-side profile of a short generate with and without an all-ones attention mask: where a step's time goes."""
    for with_mask in (True, False):
        kwargs = dict(max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False, pad_token_id=0)
        if with_mask:
            kwargs["attention_mask"] = torch.ones_like(ids)
        model.generate(ids, **kwargs)
        torch.cuda.synchronize()
        profiler = cProfile.Profile()
        t0 = time.perf_counter()
        profiler.enable()
        model.generate(ids, **kwargs)
        torch.cuda.synchronize()
        profiler.disable()
        ms = (time.perf_counter() - t0) / new_tokens * 1e3
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(14)
        lines = [l for l in text.getvalue().splitlines() if l.strip()][-16:]
        print(f"--- diagnose {attn}, attention_mask={'ones' if with_mask else 'none'}: {ms:.1f} ms per token", flush=True)
        print("\n".join(lines), flush=True)


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
    ap.add_argument("--diagnose", action="store_true", help="profile a short batch-1 generate per arm, with and without a mask")
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
            kwargs = dict(max_new_tokens=args.new_tokens, min_new_tokens=args.new_tokens, do_sample=False, pad_token_id=0)
            with torch.inference_mode():
                if args.diagnose and batch == 1:
                    diagnose(model, ids, attn, 16)
                model.generate(ids, **{**kwargs, "max_new_tokens": 8, "min_new_tokens": 8})  # warm-up, not measured
                torch.cuda.synchronize()
                t0 = time.perf_counter()
                model.generate(ids, **{**kwargs, "max_new_tokens": 1, "min_new_tokens": 1})
                torch.cuda.synchronize()
                prefill_s = time.perf_counter() - t0
                for r in range(args.repeats):
                    torch.cuda.synchronize()
                    e0, t0 = energy_mj(handle), time.perf_counter()
                    result = model.generate(ids, **kwargs)
                    torch.cuda.synchronize()
                    t1, e1 = time.perf_counter(), energy_mj(handle)
                    steps = result.shape[1] - ids.shape[1]
                    new_tokens = steps * batch
                    row = {"tool": "transformers", "attention": attn, "precision": args.dtype, "batch": batch, "repeat": r,
                           "prompt_tokens": args.prompt_tokens, "new_tokens": args.new_tokens, "dtype": args.dtype,
                           "wall_s": t1 - t0, "output_tokens": new_tokens,
                           "output_tokens_per_s": new_tokens / (t1 - t0),
                           "prefill_s": prefill_s, "tpot_ms": (t1 - t0 - prefill_s) / max(1, steps - 1) * 1e3,
                           "energy_j": (e1 - e0) / 1000.0, "energy_per_output_token_j": (e1 - e0) / 1000.0 / new_tokens}
                    line = json.dumps(row)
                    print(line, flush=True)
                    if out:
                        out.write(line + "\n")
                        out.flush()
        del model
        torch.cuda.empty_cache()


if __name__ == "__main__":
    sys.exit(main())
