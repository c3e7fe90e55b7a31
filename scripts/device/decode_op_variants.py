#!/usr/bin/env python3
"""Batch-1 decode operator variants on the GPU (Llama-3.2-1B shapes, bf16), each timed as 200 replays of a CUDA graph
of 50 calls: which formulation of a projection, of decode attention and of RoPE is fastest. Informs lem's choices;
see decode_step_profile.py for the whole step."""
import time
import torch, torch.nn.functional as F
from torch.nn.attention import sdpa_kernel, SDPBackend

dev, dt = "cuda", torch.bfloat16
torch.manual_seed(0)


def timed(fn, reps=50, rounds=200):
    s = torch.cuda.Stream(); s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for _ in range(3): fn()
    torch.cuda.current_stream().wait_stream(s)
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        for _ in range(reps): fn()
    g.replay(); torch.cuda.synchronize(); t = time.perf_counter()
    for _ in range(rounds): g.replay()
    torch.cuda.synchronize()
    return (time.perf_counter() - t) / rounds / reps * 1e6


with torch.inference_mode():
    # The same W is read again and again: a W smaller than the L2 cache (50 MB on H100) is served from L2 after the
    # first call, so its TB/s is cache bandwidth, not HBM — compare such rows only with each other.
    print("projections (us per call, effective TB/s of weight bytes; '(L2)' marks a W that fits the L2 cache):")
    for name, (o, i) in {"qkv": (3072, 2048), "o": (2048, 2048), "gate_up": (16384, 2048), "down": (2048, 8192), "lm_head": (128256, 2048)}.items():
        W = torch.randn(o, i, device=dev, dtype=dt) * 0.02
        x = torch.randn(1, 1, i, device=dev, dtype=dt)
        xv = x.view(i); r = torch.randn(1, o, device=dev, dtype=dt)
        variants = {"F.linear [1,1,in]": lambda: F.linear(x, W), "torch.mv(W, x)": lambda: torch.mv(W, xv),
                    "x @ W.t() 2-D": lambda: x.view(1, i) @ W.t(), "addmm_ residual": lambda: r.addmm_(x.view(1, i), W.t())}
        line = []
        for vn, fn in variants.items():
            us = timed(fn)
            line.append(f"{vn}: {us:6.2f} us {W.numel() * 2 / us / 1e6:4.2f} TB/s")
        print(f"  {name:8s}{' (L2)' if W.numel() * 2 < 50e6 else '     '} " + " | ".join(line))

    print("decode attention, 32 query heads grouped over 8 KV heads, head_dim 64, additive mask:")
    for cap in (320, 2048):
        q = torch.randn(1, 8, 4, 64, device=dev, dtype=dt)
        k = torch.randn(1, 8, cap, 64, device=dev, dtype=dt); v = torch.randn(1, 8, cap, 64, device=dev, dtype=dt)
        mask = torch.zeros(1, 1, 1, cap, device=dev, dtype=dt); mask[..., cap - 50:] = float("-inf")
        res = []
        for bname, backend in [("cudnn", SDPBackend.CUDNN_ATTENTION), ("efficient", SDPBackend.EFFICIENT_ATTENTION), ("math", SDPBackend.MATH)]:
            try:
                with sdpa_kernel(backend):
                    res.append(f"{bname} {timed(lambda: F.scaled_dot_product_attention(q, k, v, mask)):6.2f}")
            except Exception as e:
                res.append(f"{bname} n/a ({str(e)[:40]})")
        def explicit():
            s = torch.baddbmm(mask.view(1, 1, cap).expand(8, 4, cap), q.view(8, 4, 64), k.view(8, cap, 64).transpose(1, 2), alpha=0.125)
            return torch.bmm(torch.softmax(s, -1, dtype=torch.float32).to(dt), v.view(8, cap, 64))
        res.append(f"baddbmm+softmax+bmm {timed(explicit):6.2f}")
        print(f"  cache {cap}: " + " | ".join(res) + " us")

    print("RoPE on 40 heads (q and k), head_dim 64:")
    x = torch.randn(1, 1, 48, 64, device=dev, dtype=dt)[:, :, :40]
    cos = torch.randn(1, 1, 1, 64, device=dev, dtype=dt); sin = torch.randn(1, 1, 1, 64, device=dev, dtype=dt)
    R = torch.randn(64, 64, device=dev, dtype=dt)
    print(f"  roll+mul+addcmul {timed(lambda: torch.roll(x, 32, -1).mul_(sin).addcmul_(x, cos)):6.2f} us | "
          f"matmul by a 64x64 rotation {timed(lambda: torch.matmul(x, R)):6.2f} us")
    g, u = torch.randn(1, 1, 8192, device=dev, dtype=dt), torch.randn(1, 1, 8192, device=dev, dtype=dt)
    print(f"SwiGLU silu*mul {timed(lambda: F.silu(g).mul_(u)):6.2f} us")
