#!/usr/bin/env python3
"""Sums an ncu CSV (`ncu --csv --page raw --metrics gpu__time_duration.sum ...`) by kernel: count, time per decode step,
share. Steps are counted by the kernel that does RoPE and the KV-cache write (rope_kv_write, or gemv_rope_* where the
q/k/v GEMV does it), which runs once per layer and step (--layers).

Usage: ncu_summary.py NCU.csv [--layers 16] [--label TEXT]
"""
import argparse, csv, re, sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("--layers", type=int, default=16)
    ap.add_argument("--label", default="")
    args = ap.parse_args()
    lines = open(args.csv, errors="replace").read().splitlines()
    start = next((i for i, l in enumerate(lines) if l.startswith('"ID"')), None)
    if start is None:
        print(f"{args.label}: no ncu table in {args.csv}")
        return 1
    reader = csv.reader(lines[start:])
    header = next(reader)
    units = next(reader)
    name_col = header.index("Kernel Name")
    time_col = header.index("gpu__time_duration.sum")
    # ncu names the unit "ns" (2025 releases) or "nsecond" (older ones)
    scale = {"nsecond": 1e-3, "ns": 1e-3, "usecond": 1.0, "us": 1.0, "msecond": 1e3, "ms": 1e3, "second": 1e6, "s": 1e6}.get(units[time_col])
    if scale is None:
        print(f"{args.label}: unknown time unit {units[time_col]!r} in {args.csv}")
        return 1
    by = {}
    for row in reader:
        if len(row) <= time_col:
            continue
        name = re.sub(r"\(.*", "", row[name_col])[:80]
        try:
            us = float(row[time_col].replace(",", "")) * scale
        except ValueError:
            continue
        t, n = by.get(name, (0.0, 0))
        by[name] = (t + us, n + 1)
    rope = sum(n for k, (t, n) in by.items() if "rope_kv_write" in k or "gemv_rope" in k)
    steps = rope / args.layers if rope else 1
    total = sum(t for t, _ in by.values())
    print(f"== {args.label}: {sum(n for _, n in by.values())} kernels over {steps:.1f} decode steps; "
          f"summed kernel time {total / steps:.1f} us per step")
    for k, (t, n) in sorted(by.items(), key=lambda kv: -kv[1][0]):
        print(f"  {t / steps:8.1f} us/step {n / steps:6.1f} x {t / n:7.2f} us  {100 * t / total:5.1f}%  {k}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
