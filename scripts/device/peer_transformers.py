#!/usr/bin/env python3
"""Peer benchmark: Hugging Face transformers `generate` on the same synthetic weights that `lem` runs.

Measures output tok/s, J per output token (NVML total-energy counter, device synchronised at both edges), the
prefill time (a generate of one token) and TPOT = (wall - prefill) / (new tokens - 1), for each batch size and
attention implementation, greedy, pinned output length (min = max new tokens). One JSON object per line to stdout
(and to --out when given).

Each arm is at its best: the prompts of a batch have equal lengths, so no attention mask is passed, and the warm-up is
a whole generate of the measured lengths. The 2026-12-02 suites warmed up with 8 tokens, and their sdpa arm ran 3-4x
slower than eager at every batch size, about 35 ms more per step: in a 16-token profile over lengths already seen, sdpa
took 14 ms per token (eager 23), so the cost came with new sequence lengths, as a per-shape plan of cuDNN's attention
would (lem's own attention keeps one shape). --diagnose times a generate over unseen lengths and the same again, per
arm; the arm sdpa_no_cudnn is sdpa with PyTorch's cuDNN attention backend disabled.

Usage: peer_transformers.py MODEL_DIR [--batches 1,8,32] [--prompt-tokens 128] [--new-tokens 128]
                            [--attn eager,sdpa,sdpa_no_cudnn] [--dtype bf16] [--repeats 1] [--out FILE] [--diagnose]
"""
import argparse, cProfile, json, pstats, sys, time

import pynvml
import torch
from transformers import AutoModelForCausalLM


def energy_mj(handle):
    return pynvml.nvmlDeviceGetTotalEnergyConsumption(handle)


def diagnose(model, vocab, prompt_tokens, attn, new_tokens=32):
    """A batch-1 generate over sequence lengths this process has not run yet, then the same again: ms per token of
    each, and the host time spent in torch's scaled_dot_product_attention (where per-shape planning would show)."""
    ids = torch.randint(10, min(vocab, 50000), (1, prompt_tokens + 7)).cuda()  # lengths no other call used
    kwargs = dict(max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False, pad_token_id=0)
    for label in ("unseen lengths", "same lengths again"):
        torch.cuda.synchronize()
        profiler = cProfile.Profile()
        t0 = time.perf_counter()
        profiler.enable()
        model.generate(ids, **kwargs)
        torch.cuda.synchronize()
        profiler.disable()
        ms = (time.perf_counter() - t0) / new_tokens * 1e3
        stats = pstats.Stats(profiler).stats
        sdpa_s = sum(v[2] for k, v in stats.items() if "scaled_dot_product_attention" in k[2])
        print(f"--- diagnose {attn}, {label}: {ms:.1f} ms per token; host time in scaled_dot_product_attention "
              f"{sdpa_s * 1e3 / new_tokens:.2f} ms per token", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--batches", default="1,8,32")
    ap.add_argument("--prompt-tokens", type=int, default=128)
    ap.add_argument("--new-tokens", type=int, default=128)
    ap.add_argument("--attn", default="eager,sdpa,sdpa_no_cudnn")
    ap.add_argument("--dtype", default="bf16")
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--out")
    ap.add_argument("--diagnose", action="store_true", help="time a batch-1 generate over unseen lengths and again, per arm")
    args = ap.parse_args()

    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[args.dtype]
    pynvml.nvmlInit()
    handle = pynvml.nvmlDeviceGetHandleByIndex(torch.cuda.current_device())
    out = open(args.out, "a") if args.out else None

    for attn in args.attn.split(","):
        torch.backends.cuda.enable_cudnn_sdp(attn != "sdpa_no_cudnn")
        implementation = "sdpa" if attn == "sdpa_no_cudnn" else attn
        model = AutoModelForCausalLM.from_pretrained(args.model, dtype=dtype, attn_implementation=implementation).cuda().eval()
        vocab = model.config.vocab_size
        gen = torch.Generator(device="cpu").manual_seed(0)
        for batch in [int(b) for b in args.batches.split(",")]:
            ids = torch.randint(10, min(vocab, 50000), (batch, args.prompt_tokens), generator=gen).cuda()
            kwargs = dict(max_new_tokens=args.new_tokens, min_new_tokens=args.new_tokens, do_sample=False, pad_token_id=0)
            with torch.inference_mode():
                if args.diagnose and batch == 1:
                    diagnose(model, vocab, args.prompt_tokens, attn)
                model.generate(ids, **kwargs)  # warm-up over the measured lengths, not measured
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
