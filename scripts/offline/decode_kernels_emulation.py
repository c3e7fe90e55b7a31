#!/usr/bin/env python3
"""CPU check of the index arithmetic of two kernels of
engine/Lem.Backends.TorchSharp/CudaGraphs/native/lem_decode_kernels.cpp, for a machine without a GPU: the tensor-core
GEMV (gemv_mma) and the dequantize kernel.

dequantize: follows the kernel thread by thread (which vector, which row and group scale, the int8 float trick, the
int4 nibble shifts, where each bf16 pair is stored) and compares every output bit for bit with the formula of
WeightQuantizer.Dequantize (the ATen path: (q - offset) * scale in fp32, rounded once to bf16).

gemv_mma: follows the kernel lane by lane: which 16-byte weight vector and which x positions each lane loads, the int8/int4
to bf16 bit tricks (byte_perm, the 2^23 float, bf16 0x4300 | q minus 136), the A/B/C fragment layout of
mma.sync.m16n8k16 as the PTX ISA gives it, the int4 group scales, the split-K sums across warps, the sum-of-squares
shuffles of the norm, and which lane writes which output (modes 0, 2 and 4), then compares every output with numpy.
It checks the arithmetic of the design, not the compiled kernels: that is gpu-suite.sh quant-check.
Keep it in step with the kernels when either changes.

Usage: python3 scripts/offline/decode_kernels_emulation.py   (numpy; Debian: apt-get install python3-numpy)
"""
import struct, sys
import numpy as np

def byte_perm(a, b, sel):
    bs = [(a >> (8 * i)) & 0xff for i in range(4)] + [(b >> (8 * i)) & 0xff for i in range(4)]
    return sum(bs[(sel >> (4 * i)) & 7] << (8 * i) for i in range(4))
def u2f(u): return struct.unpack('<f', struct.pack('<I', u & 0xffffffff))[0]
def f2u(f): return struct.unpack('<I', struct.pack('<f', f))[0]
def bf_lo(w): return u2f((w & 0xffff) << 16)
def bf_hi(w): return u2f(w & 0xffff0000)
def round_bf16(f):
    u = f2u(np.float32(f)); u += 0x7fff + ((u >> 16) & 1); return (u >> 16) & 0xffff
def pack_bf16(lo, hi): return round_bf16(lo) | (round_bf16(hi) << 16)
def magic_byte(w, sel): return u2f(byte_perm(w, 0x4B000000, 0x7440 | sel))
def pack_exact(lo, hi): return byte_perm(f2u(lo), f2u(hi), 0x7632)
def bf16x2_fma_sub136(biased):
    out = 0
    for half in range(2):
        v = u2f(((biased >> (16 * half)) & 0xffff) << 16) - 136.0
        assert round_bf16(v) << 16 == f2u(np.float32(v)), v  # exact
        out |= round_bf16(v) << (16 * half)
    return out
def int4_pair(nib, sel): return bf16x2_fma_sub136(byte_perm(nib, 0x43434343, sel))

def weight_pairs(S, wv, s):
    if S == 0: return wv[2 * s], wv[2 * s + 1]
    if S == 1:
        u = wv[s]
        return (pack_exact(magic_byte(u, 0) - 8388736.0, magic_byte(u, 1) - 8388736.0),
                pack_exact(magic_byte(u, 2) - 8388736.0, magic_byte(u, 3) - 8388736.0))
    u = wv[s >> 1]
    nib = ((u >> 4) & 0x0F0F0F0F) if (s & 1) else (u & 0x0F0F0F0F)
    return int4_pair(nib, 0x4140), int4_pair(nib, 0x4342)

def mma(C, A_regs, B_regs):
    """C[lane][4] += A B with the PTX layout; A_regs[lane] 4 regs of bf16x2, B_regs[lane] 2 regs."""
    A = np.zeros((16, 16)); B = np.zeros((16, 8))
    for lane in range(32):
        g, t = lane >> 2, lane & 3
        for i in range(8):
            reg, half = i // 2, i & 1
            v = bf_hi(A_regs[lane][reg]) if half else bf_lo(A_regs[lane][reg])
            row = g if (i < 2 or 4 <= i < 6) else g + 8
            col = 2 * t + (i & 1) + (8 if i >= 4 else 0)
            A[row, col] = v
        for i in range(4):
            reg, half = i // 2, i & 1
            v = bf_hi(B_regs[lane][reg]) if half else bf_lo(B_regs[lane][reg])
            B[2 * t + (i & 1) + (8 if i >= 2 else 0), g] = v
    D = A @ B
    for lane in range(32):
        g, t = lane >> 2, lane & 3
        for i in range(4):
            C[lane][i] += D[g + (8 if i >= 2 else 0), 2 * t + (i & 1)]

def pack_weights(S, Wq, K):
    """Wq: integer weights q (int8: -128..127, int4: -8..7) [O, K] -> bytes per row"""
    O = Wq.shape[0]
    if S == 1: return (Wq + 128).astype(np.uint8)
    out = np.zeros((O, K // 2), np.uint8)
    for w in range(K // 8):
        for j in range(4):
            out[:, 4 * w + j] = ((Wq[:, 8 * w + j] + 8) | ((Wq[:, 8 * w + j + 4] + 8) << 4)).astype(np.uint8)
    return out

def words(rowbytes, off):  # 4 little-endian u32 words of 16 bytes
    return [int.from_bytes(bytes(rowbytes[off + 4 * i: off + 4 * i + 4]), 'little') for i in range(4)]

def run(S, NT, rows, K, O, mode, split, use_norm, seed=0, half=None):
    """half: mode 4's d/2 (heads of d = 2 half rows); mode 2 takes O/2."""
    rng = np.random.default_rng(seed)
    E = {0: 8, 1: 16, 2: 32}[S]
    x_bf = np.array([[round_bf16(v) for v in rng.standard_normal(K)] for _ in range(rows)], np.uint32)
    xf = np.vectorize(lambda h: u2f(int(h) << 16))(x_bf)
    gnorm_bf = np.array([round_bf16(v) for v in 1 + 0.1 * rng.standard_normal(K)], np.uint32)
    gf = np.vectorize(lambda h: u2f(int(h) << 16))(gnorm_bf)
    groups = K // 128
    if S == 0:
        W_bf = np.array([[round_bf16(v) for v in rng.standard_normal(K)] for _ in range(O)], np.uint32)
        Wf = np.vectorize(lambda h: u2f(int(h) << 16))(W_bf)
        rowbytes = [b''.join(int(h).to_bytes(2, 'little') for h in W_bf[o]) for o in range(O)]
        scales = None
    else:
        lim = 128 if S == 1 else 8
        Wq = rng.integers(-lim, lim, size=(O, K))
        packed = pack_weights(S, Wq, K)
        rowbytes = [bytes(packed[o]) for o in range(O)]
        if S == 1:
            scales = rng.uniform(0.001, 0.01, O); Wf = Wq * scales[:, None]
        else:
            scales = rng.uniform(0.01, 0.1, (O, groups)); Wf = Wq * np.repeat(scales, 128, axis=1)
    # reference (x normalised in fp32 with the norm weight, as the kernel's algebra does)
    if use_norm:
        inv = 1 / np.sqrt((xf ** 2).mean(axis=1) + 1e-5)
        xr = xf * gf[None, :]
        ref = (xr @ Wf.T) * inv[:, None]
    else:
        ref = xf @ Wf.T
    inter = half if half is not None else O // 2
    chunks = K // (4 * E)
    tiles = (O // 2 + 7) // 8 if mode in (2, 4) else (O + 15) // 16
    got = {}
    for tile in range(tiles):
        slices = []
        for slice_ in range(split):
            lanes = []
            for lane in range(32):
                g, t = lane >> 2, lane & 3
                wrow, ok = [0, 0], [False, False]
                for h in range(2):
                    if mode == 4:
                        pair = tile * 8 + g; head = pair // inter; i = pair - head * inter
                        wrow[h] = head * 2 * inter + i + h * inter; ok[h] = pair < O // 2
                    elif mode == 2:
                        j = tile * 8 + g; wrow[h] = h * inter + j; ok[h] = j < inter
                    else:
                        wrow[h] = tile * 16 + g + 8 * h; ok[h] = wrow[h] < O
                lanes.append((g, t, wrow, ok))
            per = (chunks + split - 1) // split
            cb, ce = slice_ * per, min(slice_ * per + per, chunks)
            acc = [[[0.0] * 4 for _ in range(NT)] for _ in range(32)]
            ss = [[0.0] * NT for _ in range(32)]
            for c in range(cb, ce):
                part = [[[0.0] * 4 for _ in range(NT)] for _ in range(32)]
                wv = [[words(rowbytes[l[2][h]], (c * 4 + l[1]) * 16) if l[3][h] else [0] * 4 for h in range(2)] for l in lanes]
                steps = E // 4; pass_steps = min(steps, 4)
                for p in range(steps // pass_steps):
                    A = {}  # A[(lane, s)] for this pass's steps
                    for lane in range(32):
                        for s in range(pass_steps):
                            a0, a2 = weight_pairs(S, wv[lane][0], p * pass_steps + s); a1, a3 = weight_pairs(S, wv[lane][1], p * pass_steps + s)
                            A[(lane, s)] = [a0, a1, a2, a3]
                    for j in range(NT):
                        for v in range(pass_steps // 2):
                            B = []
                            for lane, (g, t, _, _) in enumerate(lanes):
                                n = 8 * j + g; e = c * 4 * E + t * E + 8 * (p * pass_steps // 2 + v)
                                b = [0, 0, 0, 0]
                                if n < rows:
                                    xv = [int(x_bf[n, e + 2 * k]) | (int(x_bf[n, e + 2 * k + 1]) << 16) for k in range(4)]
                                    if use_norm:
                                        gn = [int(gnorm_bf[e + 2 * k]) | (int(gnorm_bf[e + 2 * k + 1]) << 16) for k in range(4)]
                                        for k in range(4):
                                            lo, hi = bf_lo(xv[k]), bf_hi(xv[k])
                                            ss[lane][j] += lo * lo + hi * hi
                                            b[k] = pack_bf16(lo * bf_lo(gn[k]), hi * bf_hi(gn[k]))
                                    else:
                                        b = xv
                                B.append(b)
                            target = [part[l][j] if S == 2 else acc[l][j] for l in range(32)]
                            mma(target, [A[(l, 2 * v)] for l in range(32)], [B[l][0:2] for l in range(32)])
                            mma(target, [A[(l, 2 * v + 1)] for l in range(32)], [B[l][2:4] for l in range(32)])
                if S == 2:
                    for lane, (g, t, wrow, ok) in enumerate(lanes):
                        gs = [scales[wrow[h], c] if ok[h] else 0.0 for h in range(2)]
                        for j in range(NT):
                            for q in range(4): acc[lane][j][q] += part[lane][j][q] * gs[q >> 1]
            # xor shuffles over t
            for j in range(NT):
                for g in range(8):
                    tot = sum(ss[4 * g + tt][j] for tt in range(4))
                    for tt in range(4): ss[4 * g + tt][j] = tot
            slices.append((acc, ss))
        acc, ss = slices[0]
        for other in slices[1:]:
            for lane in range(32):
                for j in range(NT):
                    ss[lane][j] += other[1][lane][j]
                    for q in range(4): acc[lane][j][q] += other[0][lane][j][q]
        for lane, (g, t, wrow, ok) in enumerate(lanes):
            for j in range(NT):
                inv = [1 / np.sqrt(ss[(2 * t + q) * 4][j] / K + 1e-5) if use_norm else 1.0 for q in range(2)]
                for q in range(2):
                    n = 8 * j + 2 * t + q
                    if n >= rows: continue
                    def val(sum_, h):
                        y = sum_ * inv[q]
                        if S == 1: y *= scales[wrow[h]]
                        return y
                    if mode in (2, 4):
                        if not ok[0]: continue
                        got[(n, wrow[0])] = (val(acc[lane][j][q], 0), val(acc[lane][j][q + 2], 1), wrow[1])
                    else:
                        for h in range(2):
                            if ok[h]: got[(n, wrow[h])] = (val(acc[lane][j][q + 2 * h], h), None, None)
    # compare
    worst = 0.0; count = 0
    scale = np.abs(ref).max()
    for (n, r), (y, y2, r2) in got.items():
        worst = max(worst, abs(y - ref[n, r]) / scale); count += 1
        if y2 is not None:
            worst = max(worst, abs(y2 - ref[n, r2]) / scale); count += 1
    expected = rows * O
    print(f"S={S} NT={NT} rows={rows} K={K} O={O} mode={mode} split={split} norm={use_norm}: outputs {count}/{expected}, worst rel err {worst:.2e}")
    assert count == expected, "missing or extra outputs"
    assert worst < (2e-2 if use_norm else 1e-5), worst

def f16_to_f(h): return float(np.array([h], np.uint16).view(np.float16)[0])


def dequantize_check(S, O, K, seed=1):
    """The dequantize kernel (S = 1 int8, 2 int4) against WeightQuantizer.Dequantize's formula."""
    rng = np.random.default_rng(seed)
    lim = 128 if S == 1 else 8
    Wq = rng.integers(-lim if S == 1 else -7, lim, size=(O, K))
    packed = pack_weights(S, Wq, K)
    groups = K // 128
    scales_h = rng.uniform(0.001, 0.1, O if S == 1 else (O, groups)).astype(np.float16).view(np.uint16)
    # the reference: the ATen path's formula, on the packed bytes as WeightQuantizer.Dequantize reads them
    ref = np.zeros((O, K), np.uint32)
    for o in range(O):
        for k in range(K):
            if S == 1:
                q, sc = int(packed[o, k]) - 128, scales_h[o]
            else:
                byte = int(packed[o, (k // 8) * 4 + (k % 4)])
                q, sc = (byte % 16 if (k % 8) < 4 else byte // 16) - 8, scales_h[o, k // 128]
            ref[o, k] = round_bf16(np.float32(q) * np.float32(f16_to_f(int(sc))))
    # the kernel, thread by thread
    out = np.full((O, K), 0xFFFFFFFF, np.uint32)
    E = 16 if S == 1 else 32
    rowbytes = K if S == 1 else K // 2
    flat = packed.reshape(-1)
    vectors = flat.size // 16
    for v in range(vectors):
        per_row = K // E; o = v // per_row; c = v - o * per_row
        wv = words(bytes(flat), v * 16)
        pairs = []  # bf16 pairs in store order
        if S == 1:
            s = np.float32(f16_to_f(int(scales_h[o])))
            for k in range(4):
                for b in range(2):
                    lo = np.float32(magic_byte(wv[k], 2 * b) - 8388736.0) * s
                    hi = np.float32(magic_byte(wv[k], 2 * b + 1) - 8388736.0) * s
                    pairs.append(pack_bf16(lo, hi))
        else:
            s = np.float32(f16_to_f(int(scales_h[o, (c * 32) // 128])))
            for k in range(4):
                u = wv[k]
                for p in range(4):
                    shift = 16 * p if p < 2 else 16 * (p - 2) + 4
                    lo = np.float32(((u >> shift) & 0xF) - 8) * s
                    hi = np.float32(((u >> (shift + 8)) & 0xF) - 8) * s
                    pairs.append(pack_bf16(lo, hi))
        for i, pr in enumerate(pairs):  # pair i holds positions c E + 2i and + 1
            out[o, c * E + 2 * i] = pr & 0xFFFF
            out[o, c * E + 2 * i + 1] = pr >> 16
    assert (out != 0xFFFFFFFF).all(), "an output was not written"
    bad = int((out != ref).sum())
    print(f"dequantize S={S} O={O} K={K}: {O * K} outputs, {bad} differ from the ATen formula")
    assert bad == 0


for S in (1, 2):
    dequantize_check(S, 5, 256)
for S in (0, 1, 2):
    run(S, 1, 3, 256, 48, 0, 2, False)
    run(S, 2, 11, 256, 32, 2, 1, False)
    run(S, 1, 8, 256, 40, 4, 2, True)
    run(S, 4, 17, 512, 16, 0, 4, True)
    run(S, 4, 30, 256, 96, 4, 2, False, half=8)  # six heads of d = 16: pairs cross heads within a tile
    run(S, 2, 9, 384, 40, 2, 4, True)            # 3 chunks over 4 slices for int4 (an empty slice), inter 20
    run(S, 1, 1, 256, 48, 0, 4, True)            # one row (LEM_TORCHSHARP_GEMV_MMA_MIN_ROWS=1)
    run(S, 1, 1, 256, 64, 4, 2, False, half=16)
print("ok")
