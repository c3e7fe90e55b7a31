#!/usr/bin/env python3
"""Kernel-level profile of one batch-1 decode step built from the same ATen operators, shapes and order as lem's
TorchSharp decode (Llama-3.2-1B shape, bf16, static cache of 320 positions, CUDA graph). lem's kernels cannot be
profiled from .NET; this mirror shows where a step's GPU time goes (GEMVs vs small kernels vs attention).

Usage: decode_step_profile.py [--layers 16]
"""
import argparse, time
import torch, torch.nn.functional as F
from torch.profiler import profile, ProfilerActivity

ap = argparse.ArgumentParser()
ap.add_argument("--layers", type=int, default=16)
args = ap.parse_args()
dev, dt = "cuda", torch.bfloat16
H, NH, KV, D, I, V, CAP = 2048, 32, 8, 64, 8192, 128256, 320
L = args.layers
g = torch.Generator(device=dev).manual_seed(0)
def w(*s): return (torch.randn(*s, device=dev, dtype=dt, generator=g) * 0.02)
emb = w(V, H)
layers = [dict(n1=w(H) + 1, qkv=w((NH + 2 * KV) * D, H), o=w(H, NH * D), n2=w(H) + 1, gu=w(2 * I, H), down=w(H, I),
               k=torch.zeros(1, KV, CAP, D, device=dev, dtype=dt), v=torch.zeros(1, KV, CAP, D, device=dev, dtype=dt)) for _ in range(L)]
norm = w(H) + 1
cos = torch.randn(1, 1, 1, D, device=dev, dtype=dt); sin = torch.randn(1, 1, 1, D, device=dev, dtype=dt)
mask = torch.zeros(1, 1, 1, CAP, device=dev, dtype=dt); mask[..., 200:] = float("-inf")
ids = torch.zeros(1, 1, dtype=torch.long, device=dev); idx = torch.tensor([199], device=dev)

def step():
    h = emb[ids]                                            # embedding
    for l in layers:
        x = F.rms_norm(h, (H,), l["n1"], 1e-5)
        qkv = F.linear(x, l["qkv"]).view(1, 1, NH + 2 * KV, D)
        qk = qkv[:, :, :NH + KV]
        qk = torch.roll(qk, D // 2, -1).mul_(sin).addcmul_(qk, cos)   # RoPE, rotate-half with signed sin
        q, k, v = qk[:, :, :NH], qk[:, :, NH:], qkv[:, :, NH + KV:]
        l["k"].index_copy_(2, idx, k.transpose(1, 2)); l["v"].index_copy_(2, idx, v.transpose(1, 2))
        a = F.scaled_dot_product_attention(q.reshape(1, KV, NH // KV, D), l["k"], l["v"], mask).reshape(1, 1, NH * D)
        h = F.linear(a, l["o"]).add_(h)
        x = F.rms_norm(h, (H,), l["n2"], 1e-5)
        gu = F.linear(x, l["gu"])
        m = F.silu(gu[..., :I]).mul_(gu[..., I:])
        h.view(-1, H).addmm_(m.view(-1, I), l["down"].t())
    h = F.rms_norm(h, (H,), norm, 1e-5)
    return F.linear(h, emb).float()

with torch.inference_mode():
    for _ in range(3): step()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as p:
        step(); torch.cuda.synchronize()
    by = {}
    for e in p.events():
        if e.device_type.name != "CUDA": continue
        key = e.name[:70]
        t, n = by.get(key, (0.0, 0)); by[key] = (t + e.device_time, n + 1)
    total = sum(t for t, _ in by.values())
    print(f"kernels per step: {sum(n for _, n in by.values())}, summed kernel time {total:.0f} us")
    for k, (t, n) in sorted(by.items(), key=lambda kv: -kv[1][0]):
        print(f"  {t:8.1f} us  {n:4d} x  {t / n:6.2f} us  {k}")
    s = torch.cuda.Stream(); s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for _ in range(2): step()
    torch.cuda.current_stream().wait_stream(s)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph): out = step()
    for _ in range(5): graph.replay()
    torch.cuda.synchronize(); t0 = time.perf_counter(); n = 300
    for _ in range(n): graph.replay()
    torch.cuda.synchronize(); ms = (time.perf_counter() - t0) / n * 1e3
    print(f"graph replay back to back: {ms:.3f} ms per step = {1000 / ms:.0f} tok/s at batch 1")
    for _ in range(n // 3):
        graph.replay(); nxt = out.argmax(-1); nxt.cpu()
    torch.cuda.synchronize(); t0 = time.perf_counter()
    for _ in range(n):
        ids.copy_(out.argmax(-1).view(1, 1)); graph.replay(); out.argmax(-1).cpu()
    ms2 = (time.perf_counter() - t0) / n * 1e3
    print(f"with a host sync and argmax each step (python): {ms2:.3f} ms per step")
