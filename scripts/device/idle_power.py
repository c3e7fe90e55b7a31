#!/usr/bin/env python3
"""Idle power of GPU 0 with and without a CUDA context held by this process (NVML energy counter, 5 s each).

Explains the idle baselines: lem measures idle power with its CUDA context (and model) loaded, which keeps the GPU
at a higher power state than a GPU nobody holds. Usage: idle_power.py [seconds]
"""
import sys, time
import pynvml

seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
pynvml.nvmlInit()
h = pynvml.nvmlDeviceGetHandleByIndex(0)


def idle_w(label):
    e0 = pynvml.nvmlDeviceGetTotalEnergyConsumption(h)
    t0 = time.monotonic()
    time.sleep(seconds)
    e1 = pynvml.nvmlDeviceGetTotalEnergyConsumption(h)
    watts = (e1 - e0) / 1000.0 / (time.monotonic() - t0)
    state = pynvml.nvmlDeviceGetPerformanceState(h)
    clock = pynvml.nvmlDeviceGetClockInfo(h, pynvml.NVML_CLOCK_SM)
    print(f"{label:<34} {watts:7.1f} W  (P{state}, SM clock {clock} MHz)", flush=True)


print(pynvml.nvmlDeviceGetName(h))
idle_w("no CUDA context")
import torch
x = torch.zeros(1, device="cuda:0")
torch.cuda.synchronize()
idle_w("CUDA context held, nothing running")
y = torch.randn(8192, 8192, device="cuda:0", dtype=torch.bfloat16)
for _ in range(200):
    y @ y
torch.cuda.synchronize()
idle_w("context held, just after a load")
