# Kernel counts and graph-replayed costs of RMSNorm variants at batch-1 decode shapes (Llama-3.2-1B: hidden 2048).
import torch, torch.nn.functional as F
from torch.profiler import profile, ProfilerActivity
dev = 'cuda'
x = torch.randn(1, 1, 2048, device=dev, dtype=torch.bfloat16)
w = torch.randn(2048, device=dev, dtype=torch.bfloat16)
def hf(x):
    xf = x.float(); v = xf.pow(2).mean(-1, keepdim=True); return w * (xf * torch.rsqrt(v + 1e-5)).to(x.dtype)
def fused(x):
    return F.rms_norm(x, (2048,), w, 1e-5)
print("has _fused_rms_norm:", hasattr(torch.ops.aten, "_fused_rms_norm"))
for name, fn in [("hf", hf), ("fused", fused)]:
    fn(x); torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as p:
        fn(x); torch.cuda.synchronize()
    ks = [e.name for e in p.events() if e.device_type.name == 'CUDA']
    print(name, len(ks), [k[:60] for k in ks])
    s = torch.cuda.Stream(); s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for _ in range(3): y = x
        for _ in range(3):
            y = x
            for _ in range(64): y = fn(y)
    torch.cuda.current_stream().wait_stream(s)
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        y = x
        for _ in range(64): y = fn(y)
    g.replay(); torch.cuda.synchronize()
    import time; t = time.perf_counter()
    for _ in range(200): g.replay()
    torch.cuda.synchronize(); dt = (time.perf_counter() - t) / 200 / 64 * 1e6
    print(f"{name}: {dt:.2f} us per rmsnorm replayed in a graph")
a = hf(x); b = fused(x)
print("max abs diff hf vs fused:", (a.float() - b.float()).abs().max().item(), "exact equal fraction", (a == b).float().mean().item())
