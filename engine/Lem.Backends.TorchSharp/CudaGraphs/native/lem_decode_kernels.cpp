// lem_decode_kernels: CUDA kernels for decode steps, compiled at run time with NVRTC and launched through the CUDA
// driver API on the current stream, so that CUDA-graph captures record them like any ATen kernel.
//
//   lem_rope_kv_write: one static-shape decode step's RoPE on queries and keys plus the KV-cache write, reading the
//     fused q/k/v projection; replaces roll, multiply, multiply-add and two index_copy kernels per layer.
//   lem_silu_mul: silu(gate) * up over the fused gate/up projection; replaces two kernels per layer.
//   lem_gemv: the projections of up to 64 rows (decode steps), streaming bf16, int8 or int4 weights with 16-byte loads,
//     with the RMSNorm before it, the residual addition, SiLU·up or the fp32 logits cast folded in; for 2 (or 1) to 32 rows,
//     where DecodeConfig.mma says so, on tensor cores (gemv_mma: each weight converted once, not once per row).
//   lem_gemv_rope: the GEMV of a static decode step's fused q/k/v projection with lem_rope_kv_write's work as its
//     epilogue (one kernel instead of two per layer).
//   lem_decode_attention: one query per row over the whole static cache, skipping masked positions.
//   lem_dequantize: an int8 or int4 weight as bf16 in one kernel, for the ATen products (prefill); replaces five to nine.
//   lem_step_advance: the end of a static decode step (greedy argmax with EOS held back, positions, write index and
//     mask column advanced); replaces seven ATen kernels per step.
//
// bf16 only (the decode precision that matters; other dtypes keep the ATen path). Arithmetic in fp32, one rounding to
// bf16 (round to nearest even) per output. libnvrtc and libcuda are opened with dlopen (PyTorch wheels ship libnvrtc
// but no header for ATen's own NVRTC stub), at the path the builder found (LEM_NVRTC_LIBRARY) or by soname; where
// either is missing, lem_decode_kernels_available says why and lem keeps the ATen operators.

#include <ATen/ATen.h>
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>
#include <dlfcn.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

thread_local std::string last_kernel_error;

int kernel_fail(const std::string& message) {
  last_kernel_error = message;
  return 1;
}

const char* const kSource = R"CUDA(
typedef unsigned short bf16;
__device__ __forceinline__ float load(const bf16* p, long long i) { return __uint_as_float(((unsigned int)p[i]) << 16); }
__device__ __forceinline__ bf16 round_bf16(float f) {
  unsigned int u = __float_as_uint(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return (bf16)((u >> 16) | 0x40u);
  u += 0x7fffu + ((u >> 16) & 1u);
  return (bf16)(u >> 16);
}

// Programmatic dependent launch (sm_90+; no-ops elsewhere and for kernels launched without the attribute): every
// kernel lets the next one start at once (pdl_release) and reads nothing an earlier kernel wrote, nor writes
// anything, before pdl_wait, which returns when the kernel before it has finished and its writes are visible. What a
// kernel does before the wait (a GEMV's first weight loads) overlaps the end of the kernel before it.
__device__ __forceinline__ void pdl_release() {
#if __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.launch_dependents;" ::: "memory");
#endif
}
__device__ __forceinline__ void pdl_wait() {
#if __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

// grid (heads_q + 2 heads_kv, rows), d/2 threads: thread i rotates the pair (i, i + d/2) of one head of one row.
// cos and sin are [rows, d]; sin carries rotate-half's sign (-sin on the first half).
extern "C" __global__ void rope_kv_write(const bf16* qkv, const bf16* cos, const bf16* sin, const long long* index,
                                        bf16* q_out, bf16* k_cache, bf16* v_cache,
                                        int heads_q, int heads_kv, int d, long long capacity) {
  pdl_release();
  pdl_wait();
  const int head = blockIdx.x, row = blockIdx.y, i = threadIdx.x, half = d / 2;
  const bf16* x = qkv + ((long long)row * (heads_q + 2 * heads_kv) + head) * d;
  const long long position = *index;
  if (head >= heads_q + heads_kv) {
    bf16* v = v_cache + (((long long)row * heads_kv + (head - heads_q - heads_kv)) * capacity + position) * d;
    v[i] = x[i];
    v[i + half] = x[i + half];
    return;
  }
  const bf16* c = cos + (long long)row * d;
  const bf16* s = sin + (long long)row * d;
  const float a = load(x, i), b = load(x, i + half);
  const bf16 lo = round_bf16(a * load(c, i) + b * load(s, i));
  const bf16 hi = round_bf16(b * load(c, i + half) + a * load(s, i + half));
  bf16* out = head < heads_q ? q_out + ((long long)row * heads_q + head) * d
                             : k_cache + (((long long)row * heads_kv + (head - heads_q)) * capacity + position) * d;
  out[i] = lo;
  out[i + half] = hi;
}

// out[r, j] = silu(gate_up[r, j]) * gate_up[r, inter + j]
extern "C" __global__ void silu_mul(const bf16* gate_up, bf16* out, long long inter, long long total) {
  pdl_release();
  pdl_wait();
  const long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= total) return;
  const long long r = t / inter, j = t - r * inter;
  const float g = load(gate_up, 2 * inter * r + j), u = load(gate_up, 2 * inter * r + inter + j);
  out[t] = round_bf16(g / (1.0f + expf(-g)) * u);
}

// ---- weight-streaming GEMV for decode rows ----
// y[r, o] = sum_k x[r, k] * W[o, k], W stored as bf16 (S = 0), as uint8 with offset 128 and an fp16 scale per output
// row (S = 1, int8 per-channel symmetric), or as two 4-bit values with offset 8 per byte and an fp16 scale per group of
// 128 inputs (S = 2, int4 group-wise symmetric; within each 4-byte word byte j holds element j in its low nibble and
// element j + 4 in its high nibble).
// One warp computes kWarpRows weight rows (in SiLU mode the gate rows j, j+1 and the up rows j, j+1) over a slice of
// the in-dimension: each lane keeps kUnroll 16-byte vectors of each row in flight (L1::no_allocate, so that x stays in
// L1) and the warp reduces with shuffles. Where the rows are few (o_proj, down_proj), `split` warps share the rows'
// in-dimension and add their sums through shared memory (split-K inside the block, no second kernel).
// Prologue: with `norm`, x is RMS-normalised (the sum of squares is accumulated from the same x loads) and multiplied
// by the norm weight: the RMSNorm before a projection costs no kernel of its own.
// Epilogues (mode): 0 bf16 out; 1 out += y in place (a residual); 2 silu(y_gate) * y_up; 3 fp32 logits (rounded to
// bf16 first, as a bf16 projection followed by a cast would be); 4 the fused q/k/v projection of a static decode step
// with RoPE and the KV-cache write (RopeOut). More rows than R are done R at a time.
struct alignas(16) u4 { unsigned v[4]; };
__device__ __forceinline__ u4 ld_stream(const unsigned char* p) {
  u4 r;
  asm volatile("ld.global.nc.L1::no_allocate.v4.u32 {%0, %1, %2, %3}, [%4];" : "=r"(r.v[0]), "=r"(r.v[1]), "=r"(r.v[2]), "=r"(r.v[3]) : "l"(p));
  return r;
}
__device__ __forceinline__ u4 ld_cached(const void* p) {
  u4 r;
  asm("ld.global.nc.v4.u32 {%0, %1, %2, %3}, [%4];" : "=r"(r.v[0]), "=r"(r.v[1]), "=r"(r.v[2]), "=r"(r.v[3]) : "l"(p));
  return r;
}
__device__ __forceinline__ float bf_lo(unsigned w) { return __uint_as_float(w << 16); }
__device__ __forceinline__ float bf_hi(unsigned w) { return __uint_as_float(w & 0xffff0000u); }
// 2^23 + byte `sel` of w, as a float (one byte permute, no integer-to-float conversion)
__device__ __forceinline__ float magic_byte(unsigned w, unsigned sel) { return __uint_as_float(__byte_perm(w, 0x4B000000u, 0x7440u | sel)); }
__device__ __forceinline__ float h2f(unsigned short h) { float f; asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h)); return f; }
__device__ __forceinline__ float warp_sum(float a) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) a += __shfl_xor_sync(0xffffffffu, a, o);
  return a;
}

template <int S> struct Fmt;
template <> struct Fmt<0> { static constexpr int E = 8; };   // elements per 16-byte weight vector
template <> struct Fmt<1> { static constexpr int E = 16; };
template <> struct Fmt<2> { static constexpr int E = 32; };

// The host defines LEM_GEMV_UNROLL_S{0,1,2} and LEM_GEMV_MIN_BLOCKS_S{0,1,2} per weight scheme (its DecodeConfig,
// from LEM_TORCHSHARP_GEMV_UNROLL and LEM_TORCHSHARP_GEMV_MIN_BLOCKS) for same-call A/B runs of the GEMV's configuration;
// these are the defaults. The minimum of resident 256-thread blocks per multiprocessor caps the registers of the
// one-row kernels (0: the compiler's choice); the kernels of more rows keep theirs, or they would spill.
#ifndef LEM_GEMV_UNROLL_S0
#define LEM_GEMV_UNROLL_S0 2
#endif
#ifndef LEM_GEMV_UNROLL_S1
#define LEM_GEMV_UNROLL_S1 2
#endif
#ifndef LEM_GEMV_UNROLL_S2
#define LEM_GEMV_UNROLL_S2 2
#endif
#ifndef LEM_GEMV_MIN_BLOCKS_S0
#define LEM_GEMV_MIN_BLOCKS_S0 0
#endif
#ifndef LEM_GEMV_MIN_BLOCKS_S1
#define LEM_GEMV_MIN_BLOCKS_S1 0
#endif
#ifndef LEM_GEMV_MIN_BLOCKS_S2
#define LEM_GEMV_MIN_BLOCKS_S2 0
#endif
#define LEM_GEMV_BOUNDS_PLAIN __launch_bounds__(256)
#if LEM_GEMV_MIN_BLOCKS_S0 > 0
#define LEM_GEMV_BOUNDS_S0 __launch_bounds__(256, LEM_GEMV_MIN_BLOCKS_S0)
#else
#define LEM_GEMV_BOUNDS_S0 LEM_GEMV_BOUNDS_PLAIN
#endif
#if LEM_GEMV_MIN_BLOCKS_S1 > 0
#define LEM_GEMV_BOUNDS_S1 __launch_bounds__(256, LEM_GEMV_MIN_BLOCKS_S1)
#else
#define LEM_GEMV_BOUNDS_S1 LEM_GEMV_BOUNDS_PLAIN
#endif
#if LEM_GEMV_MIN_BLOCKS_S2 > 0
#define LEM_GEMV_BOUNDS_S2 __launch_bounds__(256, LEM_GEMV_MIN_BLOCKS_S2)
#else
#define LEM_GEMV_BOUNDS_S2 LEM_GEMV_BOUNDS_PLAIN
#endif
template <int S> struct Unroll;
template <> struct Unroll<0> { static constexpr int N = LEM_GEMV_UNROLL_S0; };
template <> struct Unroll<1> { static constexpr int N = LEM_GEMV_UNROLL_S1; };
template <> struct Unroll<2> { static constexpr int N = LEM_GEMV_UNROLL_S2; };
constexpr int kWarpRows = 4;
constexpr int kWarps = 8;

// dot of one 16-byte weight vector with E floats of x
template <int S>
__device__ __forceinline__ float dot16(const u4& wv, const float* xf) {
  float d = 0.f;
#pragma unroll
  for (int k = 0; k < 4; ++k) {
    const unsigned u = wv.v[k];
    if (S == 0) {
      d = fmaf(xf[2 * k + 1], bf_hi(u), fmaf(xf[2 * k], bf_lo(u), d));
    } else if (S == 1) {
#pragma unroll
      for (int b = 0; b < 4; ++b) d = fmaf(xf[4 * k + b], magic_byte(u, b) - 8388736.f, d);
    } else {
      const unsigned lo = u & 0x0F0F0F0Fu, hi = (u >> 4) & 0x0F0F0F0Fu;
#pragma unroll
      for (int b = 0; b < 4; ++b)
        d = fmaf(xf[8 * k + 4 + b], magic_byte(hi, b) - 8388616.f, fmaf(xf[8 * k + b], magic_byte(lo, b) - 8388616.f, d));
    }
  }
  return d;
}

// Mode 4: a warp's rows are the pairs (i, i + d/2) of heads (`inter` = d/2), and its epilogue does what rope_kv_write
// does with the projection rounded to bf16: rotates query and key heads with the row's cos and signed sin [rows, d],
// writes the queries to q [rows, heads_q, d] and the key and value heads at cache position *index of
// k_cache/v_cache [rows, heads_kv, capacity, d].
struct RopeOut {
  const bf16* cos;
  const bf16* sin;
  const long long* index;
  bf16* q;
  bf16* k_cache;
  bf16* v_cache;
  int heads_q, heads_kv, d;
  long long capacity;
};

// The weight rows and the slice of the in-dimension (16-byte vectors [v_begin, v_end)) that this warp computes.
struct WarpRows {
  int wrow[kWarpRows];
  bool ok[kWarpRows];
  int slice, v_begin, v_end;
};
template <bool ROPE>
__device__ __forceinline__ WarpRows warp_rows(int vectors, int O, int mode, int inter, int split) {
  WarpRows m;
  const int warp = threadIdx.x >> 5;
  const int group = blockIdx.x * (kWarps / split) + warp / split;
  m.slice = warp % split;
#pragma unroll
  for (int t = 0; t < kWarpRows; ++t) {
    if (ROPE) {  // mode 4
      const int pair = group * 2 + (t & 1), head = pair / inter, i = pair - head * inter;
      m.wrow[t] = head * 2 * inter + i + (t < 2 ? 0 : inter);
      m.ok[t] = pair < O / 2;
    } else if (mode == 2) {
      const int j = group * 2 + (t & 1);
      m.wrow[t] = t < 2 ? j : inter + j;
      m.ok[t] = j < inter;
    } else {
      m.wrow[t] = group * kWarpRows + t;
      m.ok[t] = m.wrow[t] < O;
    }
  }
  const int per_slice = (vectors + split - 1) / split;
  m.v_begin = m.slice * per_slice;
  m.v_end = m.v_begin + per_slice < vectors ? m.v_begin + per_slice : vectors;
  return m;
}

// Before pdl_wait: asks L2 for the weight vectors of this warp's first kPrefetchLoops loop passes (weights are never
// written by an earlier kernel), so that the product starts on weights already on their way while the kernel before
// it ends.
constexpr int kPrefetchLoops = 2;
template <int S>
__device__ __forceinline__ void gemv_prefetch(const unsigned char* w, int K, const WarpRows& m) {
  const long long row_bytes = S == 0 ? 2LL * K : S == 1 ? (long long)K : (long long)(K / 2);
  const int lane = threadIdx.x & 31;
#pragma unroll 1
  for (int u = 0; u < Unroll<S>::N * kPrefetchLoops; ++u) {
    const int v = m.v_begin + lane + 32 * u;
#pragma unroll
    for (int t = 0; t < kWarpRows; ++t)
      if (m.ok[t] && v < m.v_end) asm volatile("prefetch.global.L2 [%0];" ::"l"(w + (long long)m.wrow[t] * row_bytes + (long long)v * 16));
  }
}

// A GEMV output from its fp32 sum: the RMSNorm factor inv, the int8 row scale and the bias of weight row wrow.
template <int S>
__device__ __forceinline__ float gemv_value(float sum, float inv, const unsigned short* scales, const bf16* bias, int wrow) {
  float y = sum * inv;
  if (S == 1) y *= h2f(scales[wrow]);
  if (bias != nullptr) y += load(bias, wrow);
  return y;
}

// Writes what `mode` makes of input row r's sum sums[first] of weight row wrows[wfirst] (with inv, scales and bias as
// gemv_value). sums[second] and wrows[wsecond] are the up row in mode 2 and the rotation pair's second row in mode 4
// (whose cache and query rows are rope_row, the batch row); they are read only in those modes.
template <int S, bool ROPE>
__device__ __forceinline__ void gemv_store(const float* sums, int first, int second, const int* wrows, int wfirst, int wsecond, float inv,
                                           const unsigned short* scales, const bf16* bias, int r, long long rope_row, bf16* out_bf, float* out_f,
                                           int O, int mode, int inter, const RopeOut& rope) {
  const int wrow = wrows[wfirst];
  const float y = gemv_value<S>(sums[first], inv, scales, bias, wrow);
  if (ROPE) {  // mode 4
    const float y2 = gemv_value<S>(sums[second], inv, scales, bias, wrows[wsecond]);
    const bf16 ya = round_bf16(y), yb = round_bf16(y2);
    const int d = rope.d, half = inter, head = wrow / d, i = wrow - head * d;
    const long long position = *rope.index;
    if (head >= rope.heads_q + rope.heads_kv) {
      bf16* v = rope.v_cache + ((rope_row * rope.heads_kv + (head - rope.heads_q - rope.heads_kv)) * rope.capacity + position) * d;
      v[i] = ya;
      v[i + half] = yb;
    } else {
      const bf16* c = rope.cos + rope_row * d;
      const bf16* sn = rope.sin + rope_row * d;
      const float a = __uint_as_float(((unsigned int)ya) << 16), b = __uint_as_float(((unsigned int)yb) << 16);
      const bf16 lo = round_bf16(a * load(c, i) + b * load(sn, i));
      const bf16 hi = round_bf16(b * load(c, i + half) + a * load(sn, i + half));
      bf16* dst = head < rope.heads_q ? rope.q + (rope_row * rope.heads_q + head) * d
                                      : rope.k_cache + ((rope_row * rope.heads_kv + (head - rope.heads_q)) * rope.capacity + position) * d;
      dst[i] = lo;
      dst[i + half] = hi;
    }
  } else if (mode == 2) {
    const float up = gemv_value<S>(sums[second], inv, scales, bias, wrows[wsecond]);
    out_bf[(long long)r * inter + wrow] = round_bf16(y / (1.0f + expf(-y)) * up);
  } else {
    const long long i = (long long)r * O + wrow;
    if (mode == 0) out_bf[i] = round_bf16(y);
    else if (mode == 1) out_bf[i] = round_bf16(load(out_bf, i) + y);
    else out_f[i] = __uint_as_float(((unsigned int)round_bf16(y)) << 16);
  }
}

template <int S, int R, bool ROPE>
__device__ __forceinline__ void gemv(const bf16* __restrict__ x, const unsigned char* __restrict__ w, const unsigned short* __restrict__ scales,
                                     const bf16* __restrict__ norm, float eps, const bf16* __restrict__ bias, bf16* out_bf, float* out_f,
                                     int rows, int K, int O, int mode, int inter, int split, const RopeOut& rope, int row_base,
                                     const WarpRows& m) {
  constexpr int E = Fmt<S>::E;
  const long long row_bytes = S == 0 ? 2LL * K : S == 1 ? (long long)K : (long long)(K / 2);
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  int wrow[kWarpRows];
  bool ok[kWarpRows];
#pragma unroll
  for (int t = 0; t < kWarpRows; ++t) {
    wrow[t] = m.wrow[t];
    ok[t] = m.ok[t];
  }
  const int slice = m.slice, v_begin = m.v_begin, v_end = m.v_end;
  const int groups = K / 128;
  constexpr int kUnroll = Unroll<S>::N;
  float acc[R][kWarpRows];
  float ss[R];
#pragma unroll
  for (int r = 0; r < R; ++r) {
    ss[r] = 0.f;
#pragma unroll
    for (int t = 0; t < kWarpRows; ++t) acc[r][t] = 0.f;
  }
  for (int v0 = v_begin + lane; v0 < v_end; v0 += 32 * kUnroll) {
    u4 wv[kUnroll][kWarpRows];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const int v = v0 + 32 * u;
#pragma unroll
      for (int t = 0; t < kWarpRows; ++t) {
        if (ok[t] && v < v_end) wv[u][t] = ld_stream(w + (long long)wrow[t] * row_bytes + (long long)v * 16);
        else wv[u][t].v[0] = wv[u][t].v[1] = wv[u][t].v[2] = wv[u][t].v[3] = 0u;
      }
    }
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const int v = v0 + 32 * u;
      if (v >= v_end) continue;
      float gs[kWarpRows];
#pragma unroll
      for (int t = 0; t < kWarpRows; ++t) gs[t] = (S == 2 && ok[t]) ? h2f(scales[(long long)wrow[t] * groups + (v * E) / 128]) : 1.f;
      u4 gv[E / 8];
      if (norm != nullptr) {
#pragma unroll
        for (int c = 0; c < E / 8; ++c) gv[c] = ld_cached(norm + (long long)v * E + c * 8);
      }
#pragma unroll
      for (int r = 0; r < R; ++r) {
        if (r >= rows) break;
        float xf[E];
#pragma unroll
        for (int c = 0; c < E / 8; ++c) {
          const u4 xv = ld_cached(x + (long long)r * K + (long long)v * E + c * 8);
#pragma unroll
          for (int k = 0; k < 4; ++k) {
            xf[c * 8 + 2 * k] = bf_lo(xv.v[k]);
            xf[c * 8 + 2 * k + 1] = bf_hi(xv.v[k]);
          }
        }
        if (norm != nullptr) {
          float s = 0.f;
#pragma unroll
          for (int e = 0; e < E; ++e) s = fmaf(xf[e], xf[e], s);
          ss[r] += s;
#pragma unroll
          for (int c = 0; c < E / 8; ++c)
#pragma unroll
            for (int k = 0; k < 4; ++k) {
              xf[c * 8 + 2 * k] *= bf_lo(gv[c].v[k]);
              xf[c * 8 + 2 * k + 1] *= bf_hi(gv[c].v[k]);
            }
        }
#pragma unroll
        for (int t = 0; t < kWarpRows; ++t) acc[r][t] = fmaf(dot16<S>(wv[u][t], xf), gs[t], acc[r][t]);
      }
    }
  }
#pragma unroll
  for (int r = 0; r < R; ++r) {
    ss[r] = warp_sum(ss[r]);
#pragma unroll
    for (int t = 0; t < kWarpRows; ++t) acc[r][t] = warp_sum(acc[r][t]);
  }
  if (split > 1) {
    // the warps of one row group are consecutive; the first (slice 0) adds the others' sums and writes
    __shared__ float part[kWarps][R * (kWarpRows + 1)];
    if (lane == 0 && slice != 0) {
#pragma unroll
      for (int r = 0; r < R; ++r) {
        part[warp][R * kWarpRows + r] = ss[r];
#pragma unroll
        for (int t = 0; t < kWarpRows; ++t) part[warp][r * kWarpRows + t] = acc[r][t];
      }
    }
    __syncthreads();
    if (slice == 0) {
      for (int other = 1; other < split; ++other) {
#pragma unroll
        for (int r = 0; r < R; ++r) {
          ss[r] += part[warp + other][R * kWarpRows + r];
#pragma unroll
          for (int t = 0; t < kWarpRows; ++t) acc[r][t] += part[warp + other][r * kWarpRows + t];
        }
      }
    }
    __syncthreads();  // the shared sums are reused by the next chunk of rows
  }
  if (slice != 0) return;
#pragma unroll
  for (int r = 0; r < R; ++r) {
    if (r >= rows) break;
    const float inv = norm != nullptr ? rsqrtf(ss[r] / (float)K + eps) : 1.f;
#pragma unroll
    for (int t = 0; t < kWarpRows; ++t) {
      if (lane != (r * kWarpRows + t) % 32 || !ok[t] || ((mode == 2 || mode == 4) && t >= 2)) continue;
      // t + 2: the up row (mode 2) or the rotation pair's second row (mode 4), where t < 2
      gemv_store<S, ROPE>(acc[r], t, t + 2, wrow, t, t + 2, inv, scales, bias, r, row_base + r, out_bf, out_f, O, mode, inter, rope);
    }
  }
}

// More rows than R: chunks of R rows one after another (a warp's weight rows are read from HBM for the first chunk and
// mostly from L2 for the others). `split` is uniform over the grid, so every thread meets the same barriers.
template <int S, int R, bool ROPE>
__device__ __forceinline__ void gemv_chunks(const bf16* x, const unsigned char* w, const unsigned short* scales, const bf16* norm, float eps,
                                            const bf16* bias, bf16* out_bf, float* out_f, int rows, int K, int O, int mode, int inter, int split,
                                            const RopeOut& rope, const WarpRows& m) {
  const long long out_row = mode == 2 ? inter : O;
  for (int base = 0; base < rows; base += R) {
    gemv<S, R, ROPE>(x + (long long)base * K, w, scales, norm, eps, bias, out_bf != nullptr ? out_bf + base * out_row : nullptr,
               out_f != nullptr ? out_f + base * out_row : nullptr, rows - base < R ? rows - base : R, K, O, mode, inter, split, rope, base, m);
  }
}

// gemv_s{S}_r{R}: modes 0 to 3; gemv_rope_s{S}_r{R}: mode 4 (kept apart so that its epilogue costs the others no registers)
#define LEM_GEMV_KERNEL(NAME, S, R, ROPE, BOUNDS)                                                                       \
  extern "C" __global__ void BOUNDS NAME(                                                                               \
      const bf16* x, const unsigned char* w, const unsigned short* scales, const bf16* norm, float eps, const bf16* bias,\
      bf16* out_bf, float* out_f, int rows, int K, int O, int mode, int inter, int split, RopeOut rope) {               \
    pdl_release();                                                                                                      \
    const WarpRows m = warp_rows<ROPE>(K / Fmt<S>::E, O, mode, inter, split);                                                 \
    gemv_prefetch<S>(w, K, m);                                                                                          \
    pdl_wait();                                                                                                         \
    gemv_chunks<S, R, ROPE>(x, w, scales, norm, eps, bias, out_bf, out_f, rows, K, O, mode, inter, split, rope, m);     \
  }
#define LEM_GEMV(S, R, BOUNDS) \
  LEM_GEMV_KERNEL(gemv_s##S##_r##R, S, R, false, BOUNDS) LEM_GEMV_KERNEL(gemv_rope_s##S##_r##R, S, R, true, BOUNDS)
LEM_GEMV(0, 1, LEM_GEMV_BOUNDS_S0) LEM_GEMV(0, 2, LEM_GEMV_BOUNDS_PLAIN) LEM_GEMV(0, 4, LEM_GEMV_BOUNDS_PLAIN) LEM_GEMV(0, 8, LEM_GEMV_BOUNDS_PLAIN)
LEM_GEMV(1, 1, LEM_GEMV_BOUNDS_S1) LEM_GEMV(1, 2, LEM_GEMV_BOUNDS_PLAIN) LEM_GEMV(1, 4, LEM_GEMV_BOUNDS_PLAIN) LEM_GEMV(1, 8, LEM_GEMV_BOUNDS_PLAIN)
LEM_GEMV(2, 1, LEM_GEMV_BOUNDS_S2) LEM_GEMV(2, 2, LEM_GEMV_BOUNDS_PLAIN) LEM_GEMV(2, 4, LEM_GEMV_BOUNDS_PLAIN) LEM_GEMV(2, 8, LEM_GEMV_BOUNDS_PLAIN)

// ---- tensor-core GEMV for 2 (or 1) to 32 rows (mma.sync m16n8k16: bf16 operands, fp32 sums; sm_80 and later) ----
// y[r, o] = sum_k x[r, k] * W[o, k] as the CUDA-core GEMV above computes it, with the same modes, for 8, 16 or 32 input
// rows (NT tiles of 8). A warp computes a tile of 16 weight rows (modes 0, 1, 3: rows 16 m .. 16 m + 15; mode 2: gate
// rows j .. j + 7 and up rows j .. j + 7; mode 4: the rotation pairs' first rows i .. i + 7 and second rows) over a
// slice of the in-dimension, in chunks of four 16-byte weight vectors per row.
// Lane (g = lane / 4, t = lane % 4) streams vector t of each chunk of weight rows g and g + 8, and reads x at the same
// positions for input rows 8 j + g (16 bytes at a time, two mma steps). Its k-slots in the mma's A and B fragments (2t, 2t + 1, 2t + 8, 2t + 9 of each
// step of 16) are the same for both operands, so feeding mma step s the lane's positions 4s .. 4s + 3 of its vector,
// for A and B alike, gives the same sums as the natural order: no shuffle or shared-memory staging of the weights.
// Each weight is converted to bf16 once, whatever the number of input rows (the CUDA-core kernel converts it once per
// input row): int8 values (q - 128) and int4 values (q - 8) are exact in bf16, the int8 scale multiplies the row's sum
// and the int4 scale each chunk's sum (a chunk of int4 is one group of 128). With a norm, x times the norm weight is
// rounded to bf16 for the mma (the CUDA-core kernel keeps it in fp32), and the sum of squares stays in fp32.
constexpr int kMmaUnroll = 2;  // chunks in flight per lane
// c += A B for one m16n8k16 step; a: rows g and g + 8 at k-slots (2t, 2t + 1) then (2t + 8, 2t + 9); b: column g at the same slots
__device__ __forceinline__ void mma_step(float (&c)[4], const unsigned (&a)[4], unsigned b0, unsigned b1) {
#if __CUDA_ARCH__ >= 800
  asm("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
#else
  __trap();  // the host launches these kernels on sm_80 and later only
#endif
}
// two floats rounded to bf16 (nearest even), lo in the low half
__device__ __forceinline__ unsigned pack_bf16(float lo, float hi) { return (unsigned)round_bf16(lo) | ((unsigned)round_bf16(hi) << 16); }
// two floats that bf16 holds exactly (small integers): their upper halves
__device__ __forceinline__ unsigned pack_exact(float lo, float hi) { return __byte_perm(__float_as_uint(lo), __float_as_uint(hi), 0x7632); }
// an int4 pair from nibble bytes: bf16 0x4300 | q is 128 + q; minus 136 gives q - 8 (exact)
__device__ __forceinline__ unsigned int4_pair(unsigned nibbles, unsigned sel) {
  const unsigned biased = __byte_perm(nibbles, 0x43434343u, sel);
#if __CUDA_ARCH__ >= 800
  unsigned r;
  asm("fma.rn.bf16x2 %0, %1, %2, %3;" : "=r"(r) : "r"(biased), "r"(0x3F803F80u), "r"(0xC308C308u));
  return r;
#else
  return biased;
#endif
}
// positions 4s .. 4s + 3 of one 16-byte weight vector as two bf16 pairs: (4s, 4s + 1) and (4s + 2, 4s + 3)
template <int S>
__device__ __forceinline__ void weight_pairs(const u4& wv, int s, unsigned& p01, unsigned& p23) {
  if (S == 0) {  // word w holds positions 2w, 2w + 1
    p01 = wv.v[2 * s];
    p23 = wv.v[2 * s + 1];
  } else if (S == 1) {  // word s holds positions 4s .. 4s + 3
    const unsigned u = wv.v[s];
    p01 = pack_exact(magic_byte(u, 0) - 8388736.f, magic_byte(u, 1) - 8388736.f);
    p23 = pack_exact(magic_byte(u, 2) - 8388736.f, magic_byte(u, 3) - 8388736.f);
  } else {  // word w holds positions 8w .. 8w + 3 in its low nibbles and 8w + 4 .. 8w + 7 in its high ones
    const unsigned u = wv.v[s >> 1];
    const unsigned nibbles = (s & 1) ? (u >> 4) & 0x0F0F0F0Fu : u & 0x0F0F0F0Fu;
    p01 = int4_pair(nibbles, 0x4140u);
    p23 = int4_pair(nibbles, 0x4342u);
  }
}

// The weight rows of this lane (tile rows g and g + 8) and the chunks [c_begin, c_end) of its slice.
struct MmaTile {
  int wrow[2];
  bool ok[2];
  bool any;  // the warp's tile has a row (uniform over the warp)
  int slice, c_begin, c_end;
};
template <bool ROPE>
__device__ __forceinline__ MmaTile mma_tile(int chunks, int O, int mode, int inter, int split) {
  MmaTile m;
  const int warp = threadIdx.x >> 5, g = (threadIdx.x & 31) >> 2;
  const int tile = blockIdx.x * (kWarps / split) + warp / split;
  m.slice = warp % split;
#pragma unroll
  for (int h = 0; h < 2; ++h) {
    if (ROPE) {  // mode 4
      const int pair = tile * 8 + g, head = pair / inter, i = pair - head * inter;
      m.wrow[h] = head * 2 * inter + i + h * inter;
      m.ok[h] = pair < O / 2;
    } else if (mode == 2) {
      const int j = tile * 8 + g;
      m.wrow[h] = h * inter + j;
      m.ok[h] = j < inter;
    } else {
      m.wrow[h] = tile * 16 + g + 8 * h;
      m.ok[h] = m.wrow[h] < O;
    }
  }
  m.any = ROPE || mode == 2 ? tile * 8 < (ROPE ? O / 2 : inter) : tile * 16 < O;
  const int per_slice = (chunks + split - 1) / split;
  m.c_begin = m.slice * per_slice;
  m.c_end = m.c_begin + per_slice < chunks ? m.c_begin + per_slice : chunks;
  return m;
}

// As gemv_prefetch: the lane's weight vectors of its first kMmaUnroll chunks, asked of L2 before pdl_wait.
template <int S>
__device__ __forceinline__ void mma_prefetch(const unsigned char* w, int K, const MmaTile& m) {
  const long long row_bytes = S == 0 ? 2LL * K : S == 1 ? (long long)K : (long long)(K / 2);
  const int t = threadIdx.x & 3;
#pragma unroll
  for (int u = 0; u < kMmaUnroll; ++u)
#pragma unroll
    for (int h = 0; h < 2; ++h)
      if (m.ok[h] && m.c_begin + u < m.c_end)
        asm volatile("prefetch.global.L2 [%0];" ::"l"(w + (long long)m.wrow[h] * row_bytes + ((long long)(m.c_begin + u) * 4 + t) * 16));
}

template <int S, int NT, bool ROPE>
__device__ __forceinline__ void gemv_mma(const bf16* __restrict__ x, const unsigned char* __restrict__ w, const unsigned short* __restrict__ scales,
                                         const bf16* __restrict__ norm, float eps, const bf16* __restrict__ bias, bf16* out_bf, float* out_f,
                                         int rows, int K, int O, int mode, int inter, int split, const RopeOut& rope, const MmaTile& m) {
  constexpr int E = Fmt<S>::E;  // inputs per 16-byte weight vector
  constexpr int kSteps = E / 4;  // mma steps per vector
  constexpr int kPassSteps = kSteps < 4 ? kSteps : 4;
  const long long row_bytes = S == 0 ? 2LL * K : S == 1 ? (long long)K : (long long)(K / 2);
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, g = lane >> 2, t = lane & 3;
  const int groups = K / 128;
  float acc[NT][4];
  float ss[NT];
#pragma unroll
  for (int j = 0; j < NT; ++j) {
    ss[j] = 0.f;
#pragma unroll
    for (int q = 0; q < 4; ++q) acc[j][q] = 0.f;
  }
  if (m.any) {
    for (int c0 = m.c_begin; c0 < m.c_end; c0 += kMmaUnroll) {
      u4 wv[kMmaUnroll][2];
#pragma unroll
      for (int u = 0; u < kMmaUnroll; ++u)
#pragma unroll
        for (int h = 0; h < 2; ++h) {
          if (m.ok[h] && c0 + u < m.c_end) wv[u][h] = ld_stream(w + (long long)m.wrow[h] * row_bytes + ((long long)(c0 + u) * 4 + t) * 16);
          else wv[u][h].v[0] = wv[u][h].v[1] = wv[u][h].v[2] = wv[u][h].v[3] = 0u;
        }
#pragma unroll
      for (int u = 0; u < kMmaUnroll; ++u) {
        const int c = c0 + u;
        if (c >= m.c_end) break;  // uniform over the warp
        float gs[2] = {1.f, 1.f};
        if (S == 2) {
#pragma unroll
          for (int h = 0; h < 2; ++h) gs[h] = m.ok[h] ? h2f(scales[(long long)m.wrow[h] * groups + c]) : 0.f;
        }
        float part[NT][4];  // int4: this chunk's (one group's) sums, before its scale
#pragma unroll
        for (int j = 0; j < NT; ++j)
#pragma unroll
          for (int q = 0; q < 4; ++q) part[j][q] = 0.f;
        const long long e0 = (long long)c * 4 * E + t * E;  // the lane's first input position in this chunk
        // in passes of at most 4 steps (int4 takes two), to hold fewer A fragments at once
#pragma unroll
        for (int p = 0; p < kSteps / kPassSteps; ++p) {
          unsigned a[kPassSteps][4];  // A fragments, converted once for every tile of input rows
#pragma unroll
          for (int s = 0; s < kPassSteps; ++s) {
            weight_pairs<S>(wv[u][0], p * kPassSteps + s, a[s][0], a[s][2]);
            weight_pairs<S>(wv[u][1], p * kPassSteps + s, a[s][1], a[s][3]);
          }
#pragma unroll
          for (int j = 0; j < NT; ++j) {
            const int n = 8 * j + g;
            // x's 16-byte vectors at the lane's positions, two mma steps each (fewer, wider L1 requests than 8 bytes a step)
#pragma unroll
            for (int v = 0; v < kPassSteps / 2; ++v) {
              const long long e = e0 + 8 * (p * kPassSteps / 2 + v);
              unsigned b[4] = {0u, 0u, 0u, 0u};
              if (n < rows) {
                const u4 xv = ld_cached(x + (long long)n * K + e);
                if (norm != nullptr) {
                  const u4 gn = ld_cached(norm + e);
#pragma unroll
                  for (int k = 0; k < 4; ++k) {
                    const float lo = bf_lo(xv.v[k]), hi = bf_hi(xv.v[k]);
                    ss[j] = fmaf(hi, hi, fmaf(lo, lo, ss[j]));
                    b[k] = pack_bf16(lo * bf_lo(gn.v[k]), hi * bf_hi(gn.v[k]));
                  }
                } else {
#pragma unroll
                  for (int k = 0; k < 4; ++k) b[k] = xv.v[k];
                }
              }
              mma_step(S == 2 ? part[j] : acc[j], a[2 * v], b[0], b[1]);
              mma_step(S == 2 ? part[j] : acc[j], a[2 * v + 1], b[2], b[3]);
            }
          }
        }
        if (S == 2) {
#pragma unroll
          for (int j = 0; j < NT; ++j)
#pragma unroll
            for (int q = 0; q < 4; ++q) acc[j][q] = fmaf(part[j][q], gs[q >> 1], acc[j][q]);
        }
      }
    }
  }
  // the sum of squares of input row 8 j + g, over the four lanes of group g
#pragma unroll
  for (int j = 0; j < NT; ++j) {
    ss[j] += __shfl_xor_sync(0xffffffffu, ss[j], 1);
    ss[j] += __shfl_xor_sync(0xffffffffu, ss[j], 2);
  }
  if (split > 1) {
    // the warps of one tile are consecutive; the first (slice 0) adds the others' sums, lane by lane
    __shared__ float part_sums[kWarps][NT * 5][32];
    if (m.slice != 0) {
#pragma unroll
      for (int j = 0; j < NT; ++j) {
        part_sums[warp][NT * 4 + j][lane] = ss[j];
#pragma unroll
        for (int q = 0; q < 4; ++q) part_sums[warp][j * 4 + q][lane] = acc[j][q];
      }
    }
    __syncthreads();
    if (m.slice == 0) {
      for (int other = 1; other < split; ++other) {
#pragma unroll
        for (int j = 0; j < NT; ++j) {
          ss[j] += part_sums[warp + other][NT * 4 + j][lane];
#pragma unroll
          for (int q = 0; q < 4; ++q) acc[j][q] += part_sums[warp + other][j * 4 + q][lane];
        }
      }
    }
  }
  if (m.slice != 0) return;
  // lane (g, t) holds the sums of tile rows g (q = 0, 1) and g + 8 (q = 2, 3) for input rows 8 j + 2t and 8 j + 2t + 1
#pragma unroll
  for (int j = 0; j < NT; ++j) {
    float inv[2];
#pragma unroll
    for (int q = 0; q < 2; ++q) {
      const float s = __shfl_sync(0xffffffffu, ss[j], (2 * t + q) * 4);  // input row 8 j + 2t + q's sum, from a lane of its group
      inv[q] = norm != nullptr ? rsqrtf(s / (float)K + eps) : 1.f;
    }
#pragma unroll
    for (int q = 0; q < 2; ++q) {
      const int n = 8 * j + 2 * t + q;
      if (n >= rows) continue;
      if (ROPE || mode == 2) {  // rows g and g + 8 are one output's two values
        if (m.ok[0]) gemv_store<S, ROPE>(acc[j], q, q + 2, m.wrow, 0, 1, inv[q], scales, bias, n, n, out_bf, out_f, O, mode, inter, rope);
      } else {
#pragma unroll
        for (int h = 0; h < 2; ++h)
          if (m.ok[h]) gemv_store<S, false>(acc[j], q + 2 * h, q + 2 * h, m.wrow, h, h, inv[q], scales, bias, n, n, out_bf, out_f, O, mode, inter, rope);
      }
    }
  }
}

// gemv_mma_s{S}_n{8 NT}: modes 0 to 3, gemv_rope_mma_s{S}_n{8 NT}: mode 4, with the CUDA-core GEMV's arguments
#define LEM_GEMV_MMA_KERNEL(NAME, S, NT, ROPE)                                                                          \
  extern "C" __global__ void __launch_bounds__(256) NAME(                                                               \
      const bf16* x, const unsigned char* w, const unsigned short* scales, const bf16* norm, float eps, const bf16* bias,\
      bf16* out_bf, float* out_f, int rows, int K, int O, int mode, int inter, int split, RopeOut rope) {               \
    pdl_release();                                                                                                      \
    const MmaTile m = mma_tile<ROPE>(K / (4 * Fmt<S>::E), O, mode, inter, split);                                      \
    mma_prefetch<S>(w, K, m);                                                                                           \
    pdl_wait();                                                                                                         \
    gemv_mma<S, NT, ROPE>(x, w, scales, norm, eps, bias, out_bf, out_f, rows, K, O, mode, inter, split, rope, m);       \
  }
#define LEM_GEMV_MMA(S, NT, ROWS) \
  LEM_GEMV_MMA_KERNEL(gemv_mma_s##S##_n##ROWS, S, NT, false) LEM_GEMV_MMA_KERNEL(gemv_rope_mma_s##S##_n##ROWS, S, NT, true)
// compiled only where the host will launch them (DecodeConfig.mma not 0), so that they cost no compile time otherwise
#if defined(LEM_GEMV_MMA_ON) && LEM_GEMV_MMA_ON > 0
LEM_GEMV_MMA(0, 1, 8) LEM_GEMV_MMA(0, 2, 16) LEM_GEMV_MMA(0, 4, 32)
LEM_GEMV_MMA(1, 1, 8) LEM_GEMV_MMA(1, 2, 16) LEM_GEMV_MMA(1, 4, 32)
LEM_GEMV_MMA(2, 1, 8) LEM_GEMV_MMA(2, 2, 16) LEM_GEMV_MMA(2, 4, 32)
#endif

// ---- a quantized weight [O, K] as bf16, for the ATen products (prefill, and more rows than the GEMV takes) ----
// One thread per 16-byte vector of the stored weight (the GEMV's layouts above): (q - offset) * scale in fp32, rounded
// once to bf16, as WeightQuantizer.Dequantize computes it with five (int8) to nine (int4) ATen kernels and fp32
// temporaries, so the two agree bit for bit.
extern "C" __global__ void dequantize(const unsigned char* w, const unsigned short* scales, bf16* out, int scheme, long long K,
                                      long long vectors) {
  pdl_release();
  pdl_wait();  // out may be memory that the kernel before this one still reads
  const long long v = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (v >= vectors) return;
  const int E = scheme == 1 ? 16 : 32;
  const long long per_row = K / E, o = v / per_row, c = v - o * per_row;
  const u4 wv = ld_stream(w + v * 16);
  u4* dst = reinterpret_cast<u4*>(out + o * K + c * E);
  if (scheme == 1) {  // word k holds positions 4k .. 4k + 3
    const float s = h2f(scales[o]);
    u4 r[2];
#pragma unroll
    for (int k = 0; k < 4; ++k)
#pragma unroll
      for (int b = 0; b < 2; ++b)
        r[k / 2].v[(k % 2) * 2 + b] = pack_bf16(__fmul_rn(magic_byte(wv.v[k], 2 * b) - 8388736.f, s), __fmul_rn(magic_byte(wv.v[k], 2 * b + 1) - 8388736.f, s));
    dst[0] = r[0];
    dst[1] = r[1];
  } else {  // word k holds positions 8k .. 8k + 3 in its low nibbles and 8k + 4 .. 8k + 7 in its high ones; 32 positions are in one group
    const float s = h2f(scales[o * (K / 128) + (c * 32) / 128]);
#pragma unroll
    for (int k = 0; k < 4; ++k) {
      const unsigned u = wv.v[k];
      u4 r;
#pragma unroll
      for (int p = 0; p < 4; ++p) {  // pairs (8k + 2p, 8k + 2p + 1): low nibbles for p < 2, high ones after
        const int shift = p < 2 ? 16 * p : 16 * (p - 2) + 4;
        const float lo = (float)((int)((u >> shift) & 0xFu) - 8), hi = (float)((int)((u >> (shift + 8)) & 0xFu) - 8);
        r.v[p] = pack_bf16(__fmul_rn(lo, s), __fmul_rn(hi, s));
      }
      dst[k] = r;
    }
  }
}

// ---- the end of a static decode step: the greedy tokens, and the step's inputs advanced ----
// The key of a logit for the argmax: the float's bits in an order that compares as unsigned (NaN above everything, as
// torch.argmax treats it; -0 as +0), above the complement of the index, so that the largest key is the first largest
// logit. 0 is below every key.
__device__ __forceinline__ unsigned long long argmax_key(float v, unsigned index) {
  if (v == 0.f) v = 0.f;
  const unsigned u = __float_as_uint(v);
  const unsigned ordered = v != v ? 0xffffffffu : (u & 0x80000000u) ? ~u : (u | 0x80000000u);
  return ((unsigned long long)ordered << 32) | (0xffffffffu - index);
}
__device__ __forceinline__ unsigned long long warp_max(unsigned long long a) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) {
    const unsigned long long b = __shfl_xor_sync(0xffffffffu, a, o);
    a = b > a ? b : a;
  }
  return a;
}

// grid (chunks, rows), 256 threads; with logits (greedy) each block takes the argmax of one chunk of one row's fp32
// logits [rows, vocab], with hold [rows, kEos] added at the row's EOS ids [rows, kEos] (as the ATen path's scatter_add
// does), and folds it into keys[row] with atomicMax. Without logits the grid is one block. The last block to finish
// (counted in `arrivals`) writes each row's token to input [rows], sets the keys back to 0, adds 1 to positions [rows],
// moves *write_index one place (at most capacity - 1) and opens that column of the bf16 mask [rows, capacity] (0),
// then sets `arrivals` back to 0.
constexpr int kEos = 8;
extern "C" __global__ void __launch_bounds__(256) step_advance(const float* logits, long long vocab, const long long* eos_ids, const float* eos_hold,
                                                               long long* input, long long* positions, long long* write_index, bf16* mask,
                                                               long long capacity, int rows, unsigned long long* keys,
                                                               unsigned* arrivals) {
  pdl_release();
  pdl_wait();
  const int row = blockIdx.y;
  if (logits != nullptr) {
    __shared__ long long ids[kEos];
    __shared__ float hold[kEos];
    __shared__ unsigned long long best_of_warp[8];
    if (threadIdx.x < kEos) {
      ids[threadIdx.x] = eos_ids[(long long)row * kEos + threadIdx.x];
      hold[threadIdx.x] = eos_hold[(long long)row * kEos + threadIdx.x];
    }
    __syncthreads();
    bool held = false;
#pragma unroll
    for (int j = 0; j < kEos; ++j) held |= hold[j] != 0.f;
    const long long chunk = (vocab + gridDim.x - 1) / gridDim.x, begin = blockIdx.x * chunk;
    const long long end = begin + chunk < vocab ? begin + chunk : vocab;
    const float* l = logits + (long long)row * vocab;
    unsigned long long best = 0;
#pragma unroll 4
    for (long long v = begin + threadIdx.x; v < end; v += blockDim.x) {
      float x = __ldcg(l + v);
      if (held) {
#pragma unroll
        for (int j = 0; j < kEos; ++j)
          if (ids[j] == v) x += hold[j];
      }
      const unsigned long long key = argmax_key(x, (unsigned)v);
      best = key > best ? key : best;
    }
    best = warp_max(best);
    if ((threadIdx.x & 31) == 0) best_of_warp[threadIdx.x >> 5] = best;
    __syncthreads();
    if (threadIdx.x == 0) {
      for (int w = 1; w < (int)(blockDim.x >> 5); ++w) best = best_of_warp[w] > best ? best_of_warp[w] : best;
      atomicMax(keys + row, best);
    }
  }
  __shared__ bool last;
  __shared__ long long next_index;
  __threadfence();
  __syncthreads();
  if (threadIdx.x == 0) {
    last = atomicAdd(arrivals, 1u) == gridDim.x * gridDim.y - 1;
    if (last) {
      __threadfence();
      const long long i = *write_index + 1;
      next_index = i < capacity - 1 ? i : capacity - 1;
      *write_index = next_index;
    }
  }
  __syncthreads();
  if (!last) return;
  for (int r = threadIdx.x; r < rows; r += blockDim.x) {
    if (logits != nullptr) input[r] = (long long)(0xffffffffu - (unsigned)(atomicExch(keys + r, 0ull) & 0xffffffffull));
    positions[r] += 1;
    mask[(long long)r * capacity + next_index] = 0;
  }
  if (threadIdx.x == 0) *arrivals = 0u;
}

// ---- attention of one new query per row over the whole static cache (split over positions) ----
// grid (heads_kv, splits, rows), 128 threads; block (kvh, split, row) takes the G = heads / heads_kv query heads that
// share KV head kvh over the kChunk cache positions [split·kChunk, +kChunk). Masked positions (additive mask -inf:
// not yet written, or padding) are skipped without reading their keys; their weight is 0. Each block writes its
// partial softmax (max, sum and the weighted sum of values, fp32) to `partial`; the last block of (row, kvh) to
// finish (counted in `arrivals`, which it sets back to 0) combines them and writes the bf16 output [rows, heads·d].
// Scores: 4 threads per position, each d/4 elements (d a multiple of 32). Values: d/2 element pairs × (256/d)
// position groups. Dynamic shared memory: (G·d + G·kChunk + (256/d)·G·d) floats.
constexpr int kChunk = 32;
constexpr int kMaxGroup = 16;  // query heads per KV head (loops run to this bound, so that per-head arrays stay in registers)
extern "C" __global__ void __launch_bounds__(128) decode_attention(const bf16* q, const bf16* k_cache, const bf16* v_cache, const bf16* mask,
                                                                   bf16* out, float* partial, unsigned* arrivals, int heads, int heads_kv,
                                                                   int d, long long capacity, float scale) {
  pdl_release();
  pdl_wait();
  extern __shared__ float sm[];
  const int G = heads / heads_kv;
  const int kvh = blockIdx.x, split = blockIdx.y, row = blockIdx.z, splits = gridDim.y, tid = threadIdx.x;
  float* qs = sm;                 // [G][d], already scaled
  float* w = qs + G * d;          // [G][kChunk]: scores, then exp(score - max)
  float* vs = w + G * kChunk;     // [groups][G][d]: the value sums of each position group
  __shared__ float stats[2][kMaxGroup];  // per head: max, sum
  for (int i = tid; i < G * d; i += blockDim.x) qs[i] = load(q + ((long long)row * heads + (long long)kvh * G) * d, i) * scale;
  __syncthreads();
  const long long first = (long long)split * kChunk;
  const bf16* keys = k_cache + ((long long)row * heads_kv + kvh) * capacity * d;
  const bf16* values = v_cache + ((long long)row * heads_kv + kvh) * capacity * d;
  const float neg_inf = __uint_as_float(0xff800000u);
  {
    const int pos = tid >> 2, part = tid & 3, per = d / 4;
    const long long p = first + pos;
    const float mv = p < capacity ? load(mask, (long long)row * capacity + p) : neg_inf;
    float dots[kMaxGroup];
#pragma unroll
    for (int g = 0; g < kMaxGroup; ++g) dots[g] = 0.f;
    if (mv != neg_inf) {
      for (int c = part * per; c < part * per + per; c += 8) {
        const u4 kv = ld_cached(keys + p * d + c);
#pragma unroll
        for (int k = 0; k < 4; ++k) {
          const float lo = bf_lo(kv.v[k]), hi = bf_hi(kv.v[k]);
#pragma unroll
          for (int g = 0; g < kMaxGroup; ++g)
            if (g < G) dots[g] = fmaf(qs[g * d + c + 2 * k + 1], hi, fmaf(qs[g * d + c + 2 * k], lo, dots[g]));
        }
      }
    }
#pragma unroll
    for (int g = 0; g < kMaxGroup; ++g) {
      if (g >= G) break;
      float sum = dots[g];
      sum += __shfl_xor_sync(0xffffffffu, sum, 1);
      sum += __shfl_xor_sync(0xffffffffu, sum, 2);
      if (part == 0) w[g * kChunk + pos] = mv == neg_inf ? neg_inf : sum + mv;
    }
  }
  __syncthreads();
  // softmax over the chunk: warp `warp` takes heads warp, warp + 4, ...; lane l takes position l
  const int lane = tid & 31, warp = tid >> 5;
  for (int g = warp; g < G; g += 4) {
    const float score = w[g * kChunk + lane];
    float m = score;
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, o));
    const float e = m == neg_inf ? 0.f : expf(score - m);
    float total = e;
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) total += __shfl_xor_sync(0xffffffffu, total, o);
    w[g * kChunk + lane] = e;
    if (lane == 0) {
      stats[0][g] = m;
      stats[1][g] = total;
    }
  }
  __syncthreads();
  // weighted values: thread (pair, group) sums positions group, group + groups, ... of element pair `pair`
  const int pairs = d / 2, groups = blockDim.x / pairs, pair = tid % pairs, group = tid / pairs;
  {
    float acc[kMaxGroup][2];
#pragma unroll
    for (int g = 0; g < kMaxGroup; ++g) acc[g][0] = acc[g][1] = 0.f;
    for (int pos = group; pos < kChunk; pos += groups) {
      const long long p = first + pos;
      if (p >= capacity) break;
      const unsigned vv = __ldg(reinterpret_cast<const unsigned*>(values + p * d + 2 * pair));  // a masked position has weight 0
      const float lo = bf_lo(vv), hi = bf_hi(vv);
#pragma unroll
      for (int g = 0; g < kMaxGroup; ++g) {
        if (g >= G) break;
        const float e = w[g * kChunk + pos];
        acc[g][0] = fmaf(e, lo, acc[g][0]);
        acc[g][1] = fmaf(e, hi, acc[g][1]);
      }
    }
#pragma unroll
    for (int g = 0; g < kMaxGroup; ++g) {
      if (g >= G) break;
      vs[(group * G + g) * d + 2 * pair] = acc[g][0];
      vs[(group * G + g) * d + 2 * pair + 1] = acc[g][1];
    }
  }
  __syncthreads();
  // this block's partial: [max, sum, value sums [d]] per head
  const int record = d + 2;
  float* mine = partial + (((long long)row * heads_kv + kvh) * splits + split) * G * record;
  for (int i = tid; i < G * d; i += blockDim.x) {
    const int g = i / d, j = i - g * d;
    float v = 0.f;
    for (int gg = 0; gg < groups; ++gg) v += vs[(gg * G + g) * d + j];
    mine[g * record + 2 + j] = v;
  }
  if (tid < G) {
    mine[tid * record] = stats[0][tid];
    mine[tid * record + 1] = stats[1][tid];
  }
  __threadfence();
  __syncthreads();
  __shared__ bool last;
  if (tid == 0) {
    unsigned* counter = arrivals + (long long)row * heads_kv + kvh;
    last = atomicAdd(counter, 1u) == (unsigned)splits - 1;
    if (last) *counter = 0u;  // ready for the next call
  }
  __syncthreads();
  if (!last) return;
  __threadfence();
  const float* all = partial + ((long long)row * heads_kv + kvh) * splits * G * record;
  for (int i = tid; i < G * d; i += blockDim.x) {
    const int g = i / d, j = i - g * d;
    float m = neg_inf;
    for (int sp = 0; sp < splits; ++sp) m = fmaxf(m, __ldcg(all + (sp * G + g) * record));
    float total = 0.f, v = 0.f;
    for (int sp = 0; sp < splits; ++sp) {
      const float* r = all + (sp * G + g) * record;
      const float ms = __ldcg(r);
      if (ms == neg_inf) continue;
      const float f = expf(ms - m);
      total = fmaf(__ldcg(r + 1), f, total);
      v = fmaf(__ldcg(r + 2 + j), f, v);
    }
    out[((long long)row * heads + (long long)kvh * G + g) * d + j] = round_bf16(v / total);
  }
}
)CUDA";

// The few NVRTC and driver API entry points used, declared here so that no CUDA toolkit header is needed.
using nvrtc_result = int;
using nvrtc_program = struct nvrtc_program_opaque*;
using cu_result = int;
using cu_module = struct cu_module_opaque*;
using cu_function = struct cu_function_opaque*;

// cuLaunchKernelEx's configuration, laid out as cuda.h declares CUlaunchConfig and CUlaunchAttribute
struct cu_launch_attribute {
  int id;
  char pad[8 - sizeof(int)];
  union {
    char bytes[64];
    int programmatic_stream_serialization_allowed;
  } value;
};
struct cu_launch_config {
  unsigned grid_x, grid_y, grid_z, block_x, block_y, block_z, shared_bytes;
  cudaStream_t stream;
  cu_launch_attribute* attrs;
  unsigned attr_count;
};
constexpr int kLaunchAttributeProgrammaticStreamSerialization = 6;  // CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION

// The kernels' RopeOut parameter, laid out as the kernel source declares it
struct RopeOut {
  const void* cos;
  const void* sin;
  const void* index;
  void* q;
  void* k_cache;
  void* v_cache;
  int heads_q, heads_kv, d;
  long long capacity;
};

struct Api {
  std::string error;
  nvrtc_result (*nvrtcCreateProgram)(nvrtc_program*, const char*, const char*, int, const char* const*, const char* const*) = nullptr;
  nvrtc_result (*nvrtcCompileProgram)(nvrtc_program, int, const char* const*) = nullptr;
  nvrtc_result (*nvrtcGetProgramLogSize)(nvrtc_program, size_t*) = nullptr;
  nvrtc_result (*nvrtcGetProgramLog)(nvrtc_program, char*) = nullptr;
  nvrtc_result (*nvrtcGetPTXSize)(nvrtc_program, size_t*) = nullptr;
  nvrtc_result (*nvrtcGetPTX)(nvrtc_program, char*) = nullptr;
  nvrtc_result (*nvrtcDestroyProgram)(nvrtc_program*) = nullptr;
  const char* (*nvrtcGetErrorString)(nvrtc_result) = nullptr;
  cu_result (*cuModuleLoadData)(cu_module*, const void*) = nullptr;
  cu_result (*cuModuleGetFunction)(cu_function*, cu_module, const char*) = nullptr;
  cu_result (*cuLaunchKernel)(cu_function, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, cudaStream_t, void**, void**) = nullptr;
  cu_result (*cuGetErrorString)(cu_result, const char**) = nullptr;
  cu_result (*cuLaunchKernelEx)(const cu_launch_config*, cu_function, void**, void**) = nullptr;  // null before CUDA 12
  cu_result (*cuOccupancyMaxActiveBlocksPerMultiprocessor)(int*, cu_function, int, size_t) = nullptr;
};

template <typename F>
void bind(void* library, const char* name, F& target) {
  target = reinterpret_cast<F>(dlsym(library, name));
  if (target == nullptr) throw std::runtime_error(std::string("symbol ") + name + " not found");
}

void* open_first(const std::vector<std::string>& names) {
  for (const auto& name : names)
    if (void* handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL)) return handle;
  return nullptr;
}

const Api& api() {
  static const Api loaded = [] {
    Api a;
    try {
      std::vector<std::string> nvrtc_names;
#ifdef LEM_NVRTC_LIBRARY
      nvrtc_names.push_back(LEM_NVRTC_LIBRARY);
#endif
      for (const char* n : {"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"}) nvrtc_names.push_back(n);
      void* nvrtc = open_first(nvrtc_names);
      if (nvrtc == nullptr) throw std::runtime_error("libnvrtc was not found (install the CUDA toolkit's NVRTC or PyTorch's nvidia packages)");
      void* driver = open_first({"libcuda.so.1", "libcuda.so"});
      if (driver == nullptr) throw std::runtime_error("libcuda.so.1 (the NVIDIA driver) was not found");
      bind(nvrtc, "nvrtcCreateProgram", a.nvrtcCreateProgram);
      bind(nvrtc, "nvrtcCompileProgram", a.nvrtcCompileProgram);
      bind(nvrtc, "nvrtcGetProgramLogSize", a.nvrtcGetProgramLogSize);
      bind(nvrtc, "nvrtcGetProgramLog", a.nvrtcGetProgramLog);
      bind(nvrtc, "nvrtcGetPTXSize", a.nvrtcGetPTXSize);
      bind(nvrtc, "nvrtcGetPTX", a.nvrtcGetPTX);
      bind(nvrtc, "nvrtcDestroyProgram", a.nvrtcDestroyProgram);
      bind(nvrtc, "nvrtcGetErrorString", a.nvrtcGetErrorString);
      bind(driver, "cuModuleLoadData", a.cuModuleLoadData);
      bind(driver, "cuModuleGetFunction", a.cuModuleGetFunction);
      bind(driver, "cuLaunchKernel", a.cuLaunchKernel);
      bind(driver, "cuGetErrorString", a.cuGetErrorString);
      bind(driver, "cuOccupancyMaxActiveBlocksPerMultiprocessor", a.cuOccupancyMaxActiveBlocksPerMultiprocessor);
      a.cuLaunchKernelEx = reinterpret_cast<decltype(a.cuLaunchKernelEx)>(dlsym(driver, "cuLaunchKernelEx"));
    } catch (const std::exception& e) {
      a.error = e.what();
    }
    return a;
  }();
  if (!loaded.error.empty()) throw std::runtime_error(loaded.error);
  return loaded;
}

constexpr int64_t kAttentionArrivals = 65536;  // rows × KV heads that decode_attention takes
constexpr int64_t kAttentionChunk = 32;        // the kernel source's kChunk
constexpr int64_t kStepAdvanceRows = 1024;     // rows that step_advance takes (its argmax keys)
constexpr int64_t kStepAdvanceEos = 8;         // the kernel source's kEos

// How the kernels are compiled and launched, the same for every device: the GEMV's configuration per weight scheme
// (bf16, int8, int4) and programmatic dependent launch. lem_decode_kernels_configure sets it from the C# side, which
// reads and checks LEM_TORCHSHARP_GEMV_UNROLL, _MIN_BLOCKS, _SPLIT and LEM_TORCHSHARP_PDL (CudaGraphs/GemvTuning.cs,
// FusedOps.cs) and names it in the record's decode-kernel fact; these are the defaults.
struct DecodeConfig {
  int unroll[3] = {2, 2, 2};      // 16-byte weight vectors in flight per lane and row: 1, 2 or 4
  int min_blocks[3] = {0, 0, 0};  // resident blocks per multiprocessor the one-row kernels' registers must allow; 0: the compiler's choice
  int warps_per_sm = 16;          // split a row group's in-dimension until this many warps per multiprocessor are busy; 0: one wave
  int mma = 0;                    // the tensor-core GEMV for mma_min_rows to 32 rows: 0 off, 1 quantized weights, 2 every weight
  int mma_min_rows = 2;           // 1 or 2
  bool programmatic_launch = true;
};
DecodeConfig decode_config;  // set before any kernel compiles (lem_decode_kernels_configure), read-only after

struct DeviceKernels {
  bool tried = false;
  std::string error;
  cu_function rope_kv_write = nullptr;
  cu_function silu_mul = nullptr;
  cu_function dequantize = nullptr;
  cu_function gemv[3][4] = {};       // [scheme: bf16, int8, int4][rows up to 1, 2, 4, 8]
  cu_function gemv_rope[3][4] = {};  // the same for mode 4
  int gemv_blocks_per_sm[3][4] = {};       // resident 256-thread blocks per multiprocessor (occupancy)
  int gemv_rope_blocks_per_sm[3][4] = {};
  cu_function gemv_mma[3][3] = {};       // [scheme][rows up to 8, 16, 32]; null below sm_80
  cu_function gemv_mma_rope[3][3] = {};
  int gemv_mma_blocks_per_sm[3][3] = {};
  int gemv_mma_rope_blocks_per_sm[3][3] = {};
  cu_function step_advance = nullptr;
  // step_advance's argmax keys [kStepAdvanceRows] and, after them, its counter: one set per device, like
  // attention_arrivals, so two step_advance launches must not run at once on one device (lem decodes on one stream)
  unsigned long long* step_keys = nullptr;
  cu_function decode_attention = nullptr;
  unsigned* attention_arrivals = nullptr;  // decode_attention's per (row, KV head) counters, zero between calls
};

std::mutex kernels_lock;
std::array<DeviceKernels, 64> kernels_by_device;

void check_nvrtc(const Api& a, nvrtc_result result, const char* what) {
  if (result != 0) throw std::runtime_error(std::string(what) + ": " + a.nvrtcGetErrorString(result));
}

void check_cu(const Api& a, cu_result result, const char* what) {
  if (result != 0) {
    const char* message = nullptr;
    a.cuGetErrorString(result, &message);
    throw std::runtime_error(std::string(what) + ": " + (message ? message : "unknown CUDA driver error"));
  }
}

// Compiles the kernels to PTX for `device`'s architecture and loads them into its primary context, once per device.
const DeviceKernels& kernels_for(int device) {
  std::lock_guard<std::mutex> lock(kernels_lock);
  if (device < 0 || device >= static_cast<int>(kernels_by_device.size())) throw std::runtime_error("device index out of range");
  auto& k = kernels_by_device[device];
  if (k.tried) return k;
  k.tried = true;
  try {
    c10::cuda::CUDAGuard on_device(static_cast<c10::DeviceIndex>(device));
    cudaFree(nullptr);  // makes the device's primary context current on this thread, as the driver API needs
    const Api& a = api();
    const auto* props = at::cuda::getDeviceProperties(device);
    const std::string arch = "--gpu-architecture=compute_" + std::to_string(props->major) + std::to_string(props->minor);
    nvrtc_program program;
    check_nvrtc(a, a.nvrtcCreateProgram(&program, kSource, "lem_decode_kernels.cu", 0, nullptr, nullptr), "nvrtcCreateProgram");
    const auto& tuning = decode_config;
    std::vector<std::string> defines;
    for (int scheme = 0; scheme < 3; ++scheme) {
      defines.push_back("-DLEM_GEMV_UNROLL_S" + std::to_string(scheme) + "=" + std::to_string(tuning.unroll[scheme]));
      defines.push_back("-DLEM_GEMV_MIN_BLOCKS_S" + std::to_string(scheme) + "=" + std::to_string(tuning.min_blocks[scheme]));
    }
    defines.push_back("-DLEM_GEMV_MMA_ON=" + std::to_string(tuning.mma));
    std::vector<const char*> options = {arch.c_str(), "--std=c++17"};
    for (const auto& d : defines) options.push_back(d.c_str());
    const nvrtc_result compiled = a.nvrtcCompileProgram(program, static_cast<int>(options.size()), options.data());
    if (compiled != 0) {
      size_t size = 0;
      a.nvrtcGetProgramLogSize(program, &size);
      std::string log(size, '\0');
      a.nvrtcGetProgramLog(program, log.data());
      a.nvrtcDestroyProgram(&program);
      throw std::runtime_error("NVRTC could not compile the decode kernels: " + log);
    }
    size_t ptx_size = 0;
    check_nvrtc(a, a.nvrtcGetPTXSize(program, &ptx_size), "nvrtcGetPTXSize");
    std::vector<char> ptx(ptx_size);
    check_nvrtc(a, a.nvrtcGetPTX(program, ptx.data()), "nvrtcGetPTX");
    a.nvrtcDestroyProgram(&program);
    cu_module module;
    check_cu(a, a.cuModuleLoadData(&module, ptx.data()), "cuModuleLoadData");
    check_cu(a, a.cuModuleGetFunction(&k.rope_kv_write, module, "rope_kv_write"), "cuModuleGetFunction(rope_kv_write)");
    check_cu(a, a.cuModuleGetFunction(&k.silu_mul, module, "silu_mul"), "cuModuleGetFunction(silu_mul)");
    check_cu(a, a.cuModuleGetFunction(&k.dequantize, module, "dequantize"), "cuModuleGetFunction(dequantize)");
    check_cu(a, a.cuModuleGetFunction(&k.decode_attention, module, "decode_attention"), "cuModuleGetFunction(decode_attention)");
    check_cu(a, a.cuModuleGetFunction(&k.step_advance, module, "step_advance"), "cuModuleGetFunction(step_advance)");
    const size_t step_bytes = kStepAdvanceRows * sizeof(unsigned long long) + sizeof(unsigned);
    if (cudaMalloc(reinterpret_cast<void**>(&k.step_keys), step_bytes) != cudaSuccess || cudaMemset(k.step_keys, 0, step_bytes) != cudaSuccess)
      throw std::runtime_error("could not allocate the step advance's keys");
    // allocated here, at load and outside any capture, and never freed (one small buffer per device for the process)
    if (cudaMalloc(reinterpret_cast<void**>(&k.attention_arrivals), kAttentionArrivals * sizeof(unsigned)) != cudaSuccess ||
        cudaMemset(k.attention_arrivals, 0, kAttentionArrivals * sizeof(unsigned)) != cudaSuccess)
      throw std::runtime_error("could not allocate the decode attention's counters");
    // a GEMV kernel and its mode-4 twin, with the resident blocks per multiprocessor of each
    const auto load_gemv = [&](const std::string& suffix, cu_function& fn, cu_function& rope_fn, int& blocks, int& rope_blocks) {
      const std::string name = "gemv_" + suffix, rope_name = "gemv_rope_" + suffix;
      check_cu(a, a.cuModuleGetFunction(&fn, module, name.c_str()), ("cuModuleGetFunction(" + name + ")").c_str());
      check_cu(a, a.cuModuleGetFunction(&rope_fn, module, rope_name.c_str()), ("cuModuleGetFunction(" + rope_name + ")").c_str());
      check_cu(a, a.cuOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, fn, 256, 0), "cuOccupancyMaxActiveBlocksPerMultiprocessor");
      check_cu(a, a.cuOccupancyMaxActiveBlocksPerMultiprocessor(&rope_blocks, rope_fn, 256, 0), "cuOccupancyMaxActiveBlocksPerMultiprocessor");
    };
    const int row_counts[4] = {1, 2, 4, 8};
    for (int scheme = 0; scheme < 3; ++scheme)
      for (int r = 0; r < 4; ++r)
        load_gemv("s" + std::to_string(scheme) + "_r" + std::to_string(row_counts[r]), k.gemv[scheme][r], k.gemv_rope[scheme][r],
                  k.gemv_blocks_per_sm[scheme][r], k.gemv_rope_blocks_per_sm[scheme][r]);
    const int mma_rows[3] = {8, 16, 32};
    for (int scheme = 0; scheme < 3 && tuning.mma != 0 && props->major >= 8; ++scheme)  // mma.sync with bf16 needs sm_80
      for (int r = 0; r < 3; ++r)
        load_gemv("mma_s" + std::to_string(scheme) + "_n" + std::to_string(mma_rows[r]), k.gemv_mma[scheme][r], k.gemv_mma_rope[scheme][r],
                  k.gemv_mma_blocks_per_sm[scheme][r], k.gemv_mma_rope_blocks_per_sm[scheme][r]);
  } catch (const std::exception& e) {
    k.error = e.what();
    k.rope_kv_write = nullptr;
    k.silu_mul = nullptr;
  }
  return k;
}

const DeviceKernels& ready_kernels(const at::Tensor& t) {
  const auto& k = kernels_for(t.get_device());
  if (k.rope_kv_write == nullptr) throw std::runtime_error(k.error);
  return k;
}

void require(bool condition, const char* message) {
  if (!condition) throw std::invalid_argument(message);
}

// Programmatic dependent launch (see pdl_wait) where the GPU has it (sm_90+) and the stream is not the legacy default
// stream, that is in CUDA-graph captures; decode_config.programmatic_launch = false (LEM_TORCHSHARP_PDL=off) launches
// every kernel after the previous one has ended (for A/B runs). Either way the kernels compute the same values.
bool programmatic_launch_wanted() { return decode_config.programmatic_launch; }

void launch(cu_function fn, unsigned grid_x, unsigned grid_y, unsigned block, const at::Tensor& on, void** args, unsigned shared_bytes = 0,
            unsigned grid_z = 1) {
  const Api& a = api();
  // The driver API launches in the thread's current context: make it the tensor's device's (ATen only switches
  // devices around its own launches), or a kernel loaded on cuda:1 fails on cuda:0's context.
  c10::cuda::CUDAGuard on_device(static_cast<c10::DeviceIndex>(on.get_device()));
  const auto stream = at::cuda::getCurrentCUDAStream(on.get_device());
  if (programmatic_launch_wanted() && a.cuLaunchKernelEx != nullptr && stream.stream() != nullptr &&
      at::cuda::getDeviceProperties(on.get_device())->major >= 9) {
    cu_launch_attribute attribute{};
    attribute.id = kLaunchAttributeProgrammaticStreamSerialization;
    attribute.value.programmatic_stream_serialization_allowed = 1;
    const cu_launch_config config{grid_x, grid_y, grid_z, block, 1, 1, shared_bytes, stream.stream(), &attribute, 1};
    check_cu(a, a.cuLaunchKernelEx(&config, fn, args, nullptr), "cuLaunchKernelEx");
    return;
  }
  check_cu(a, a.cuLaunchKernel(fn, grid_x, grid_y, grid_z, block, 1, 1, shared_bytes, stream.stream(), args, nullptr), "cuLaunchKernel");
}

constexpr int kWarpsPerBlock = 8;  // the kernel source's kWarps
constexpr int64_t kMmaUnrollChunks = 2;  // the kernel source's kMmaUnroll

// Launches a GEMV kernel (gemv_*, gemv_rope_*, gemv_mma_*: they share their arguments) on `blocks` blocks of 256 threads.
void launch_gemv_kernel(cu_function fn, unsigned blocks, int split, const at::Tensor& xt, const at::Tensor& wt, const at::Tensor* st,
                        const at::Tensor* nt, double eps, const at::Tensor* bt, int mode, void* out_bf, void* out_f, const RopeOut& rope,
                        int64_t inter64) {
  const int64_t K = xt.size(-1), O = wt.size(0), rows = xt.numel() / K;
  const void* px = xt.data_ptr();
  const void* pw = wt.data_ptr();
  const void* ps = st != nullptr ? st->data_ptr() : nullptr;
  const void* pn = nt != nullptr ? nt->data_ptr() : nullptr;
  const void* pb = bt != nullptr ? bt->data_ptr() : nullptr;
  float feps = static_cast<float>(eps);
  int irows = static_cast<int>(rows), ik = static_cast<int>(K), io = static_cast<int>(O), imode = mode, iinter = static_cast<int>(inter64);
  RopeOut rope_arg = rope;
  void* args[] = {&px, &pw, &ps, &pn, &feps, &pb, &out_bf, &out_f, &irows, &ik, &io, &imode, &iinter, &split, &rope_arg};
  launch(fn, blocks, 1, 256, xt, args);
}

// How many warps share one unit of GEMV work (a row group or a tile): doubled, up to 8, while the doubled grid still fits
// one wave of `per_sm` resident blocks per multiprocessor and `enough(split)` says each warp keeps enough of the
// in-dimension.
template <typename Enough>
int wave_split(int64_t units, int per_sm, int64_t sms, Enough enough) {
  const int64_t resident_warps = static_cast<int64_t>(per_sm > 0 ? per_sm : 1) * kWarpsPerBlock * sms;
  int split = 1;
  while (split < 8 && units * split * 2 <= resident_warps && enough(split)) split *= 2;
  return split;
}

// Blocks of kWarpsPerBlock warps for `units` units of work, `split` warps each.
unsigned blocks_for(int64_t units, int split) {
  const int64_t per_block = kWarpsPerBlock / split;
  return static_cast<unsigned>((units + per_block - 1) / per_block);
}

// Checks the GEMV's input, weight, scales, norm and bias (the rules of lem_gemv below) and launches it with `mode`'s
// outputs: out_bf / out_f for modes 0 to 3, `rope` for mode 4; `inter` is O/2 in mode 2 and d/2 in mode 4.
void run_gemv(const at::Tensor& xt, const at::Tensor& wt, const at::Tensor* st, int scheme, const at::Tensor* nt, double eps,
              const at::Tensor* bt, int mode, void* out_bf, void* out_f, const RopeOut& rope, int64_t inter64) {
  require(scheme >= 0 && scheme <= 2, "gemv scheme must be 0 (bf16), 1 (int8) or 2 (int4)");
  require(xt.scalar_type() == at::kBFloat16 && xt.is_contiguous() && xt.dim() >= 1, "gemv takes a contiguous bf16 input");
  require(wt.dim() == 2 && wt.is_contiguous(), "gemv takes a contiguous 2-D weight");
  require(scheme == 0 ? wt.scalar_type() == at::kBFloat16 : wt.scalar_type() == at::kByte, "gemv weight dtype does not match its scheme");
  const int64_t K = xt.size(-1), O = wt.size(0);
  const int64_t per_vector = scheme == 0 ? 8 : scheme == 1 ? 16 : 32;
  require(K % per_vector == 0, "gemv in-features must be a multiple of the elements in 16 bytes of weight");
  require(scheme != 2 || K % 128 == 0, "int4 gemv in-features must be a multiple of the group size 128");
  require(wt.size(1) == (scheme == 2 ? K / 2 : K), "gemv weight and input disagree on in-features");
  require(K <= (1LL << 30) && O <= (1LL << 30), "gemv shapes too large");
  const int64_t rows = xt.numel() / K;
  require(rows >= 1 && rows <= 64, "gemv takes 1 to 64 rows");
  const auto device = xt.get_device();
  require(wt.get_device() == device, "gemv takes tensors on one device");
  if (scheme != 0) {
    require(st != nullptr && st->scalar_type() == at::kHalf && st->is_contiguous() && st->get_device() == device, "quantized gemv needs fp16 scales on the weight's device");
    require(st->numel() == (scheme == 1 ? O : O * (K / 128)), "gemv scales do not match the weight");
  }
  if (nt != nullptr)
    require(nt->scalar_type() == at::kBFloat16 && nt->is_contiguous() && nt->numel() == K && nt->get_device() == device, "gemv norm weight must be bf16 [in-features]");
  if (bt != nullptr)
    require(bt->scalar_type() == at::kBFloat16 && bt->is_contiguous() && bt->numel() == O && bt->get_device() == device, "gemv bias must be bf16 [out-features]");
  const auto& k = ready_kernels(xt);
  const int64_t sms = at::cuda::getDeviceProperties(device)->multiProcessorCount;
  const int mma_variant = rows <= 8 ? 0 : rows <= 16 ? 1 : 2;
  const int64_t vectors = K / per_vector;
  if (rows >= decode_config.mma_min_rows && rows <= 32 && (decode_config.mma == 2 || (decode_config.mma == 1 && scheme != 0)) && K % (4 * per_vector) == 0 &&
      k.gemv_mma[scheme][mma_variant] != nullptr) {
    // the tensor-core GEMV: a warp per tile of 16 weight rows (8 output pairs in modes 2 and 4); up to 8 warps split a
    // tile's chunks (four weight vectors per row) as far as one wave holds, each keeping kMmaUnroll chunks
    const int64_t tiles = mode == 2 || mode == 4 ? (O / 2 + 7) / 8 : (O + 15) / 16, chunks = vectors / 4;
    const int per_sm = mode == 4 ? k.gemv_mma_rope_blocks_per_sm[scheme][mma_variant] : k.gemv_mma_blocks_per_sm[scheme][mma_variant];
    const int split = wave_split(tiles, per_sm, sms, [&](int s) { return chunks / (2 * s) >= kMmaUnrollChunks; });
    launch_gemv_kernel(mode == 4 ? k.gemv_mma_rope[scheme][mma_variant] : k.gemv_mma[scheme][mma_variant], blocks_for(tiles, split), split, xt, wt,
                       st, nt, eps, bt, mode, out_bf, out_f, rope, inter64);
    return;
  }
  const int variant = rows <= 1 ? 0 : rows <= 2 ? 1 : rows <= 4 ? 2 : 3;
  // a warp per 4 weight rows (2 pairs in modes 2 and 4); where that leaves fewer than 16 warps per multiprocessor, up
  // to 8 warps split the in-dimension of each row group, as long as every lane still gets a vector
  const int64_t row_groups = mode == 2 || mode == 4 ? (O / 2 + 1) / 2 : (O + 3) / 4;
  const int warps_per_sm = decode_config.warps_per_sm;
  int split = 1;
  if (warps_per_sm > 0) {
    const int64_t wanted_warps = warps_per_sm * sms;
    while (split < 8 && row_groups * split < wanted_warps && vectors / (2 * split) >= 32) split *= 2;
  } else {  // as far as one wave of resident blocks holds
    const int per_sm = mode == 4 ? k.gemv_rope_blocks_per_sm[scheme][variant] : k.gemv_blocks_per_sm[scheme][variant];
    split = wave_split(row_groups, per_sm, sms, [&](int s) { return vectors / (2 * s) >= 32; });
  }
  launch_gemv_kernel(mode == 4 ? k.gemv_rope[scheme][variant] : k.gemv[scheme][variant], blocks_for(row_groups, split), split, xt, wt, st, nt, eps,
                     bt, mode, out_bf, out_f, rope, inter64);
}

}  // namespace

extern "C" {

// The message of the last failure of a decode kernel on this thread.
const char* lem_kernels_last_error() { return last_kernel_error.c_str(); }

// Sets how the kernels are compiled and launched (DecodeConfig): unroll and min_blocks hold one value per weight scheme
// (bf16, int8, int4). 0, or 1 with the reason when the values are out of range or kernels were already compiled with
// others (the configuration is the process's).
int lem_decode_kernels_configure(const int* unroll, const int* min_blocks, int warps_per_sm, int mma, int mma_min_rows, int programmatic_launch) {
  try {
    DecodeConfig wanted;
    for (int scheme = 0; scheme < 3; ++scheme) {
      require(unroll[scheme] == 1 || unroll[scheme] == 2 || unroll[scheme] == 4, "the GEMV unroll must be 1, 2 or 4");
      require(min_blocks[scheme] >= 0 && min_blocks[scheme] <= 8, "the GEMV minimum of resident blocks must be 0 to 8");
      wanted.unroll[scheme] = unroll[scheme];
      wanted.min_blocks[scheme] = min_blocks[scheme];
    }
    require(warps_per_sm >= 0 && warps_per_sm <= 64, "the GEMV split target must be 0 (one wave) to 64 warps per multiprocessor");
    wanted.warps_per_sm = warps_per_sm;
    require(mma >= 0 && mma <= 2, "the tensor-core GEMV setting must be 0 (off), 1 (quantized weights) or 2 (every weight)");
    wanted.mma = mma;
    require(mma_min_rows == 1 || mma_min_rows == 2, "the tensor-core GEMV's fewest rows must be 1 or 2");
    wanted.mma_min_rows = mma_min_rows;
    wanted.programmatic_launch = programmatic_launch != 0;
    std::lock_guard<std::mutex> lock(kernels_lock);
    const bool compiled = std::any_of(kernels_by_device.begin(), kernels_by_device.end(), [](const DeviceKernels& k) { return k.tried; });
    const bool same = std::equal(wanted.unroll, wanted.unroll + 3, decode_config.unroll) &&
                      std::equal(wanted.min_blocks, wanted.min_blocks + 3, decode_config.min_blocks) &&
                      wanted.warps_per_sm == decode_config.warps_per_sm && wanted.mma == decode_config.mma &&
                      wanted.mma_min_rows == decode_config.mma_min_rows && wanted.programmatic_launch == decode_config.programmatic_launch;
    require(same || !compiled, "the decode kernels were already compiled with another configuration in this process");
    if (!same) decode_config = wanted;
    return 0;
  } catch (const std::exception& e) {
    return kernel_fail(e.what());
  }
}

// 1 when the tensor-core GEMV is loaded for `device` (DecodeConfig.mma set, sm_80 or later, kernels ready), else 0.
int lem_decode_kernels_mma_ready(int device) {
  try {
    return kernels_for(device).gemv_mma[0][0] != nullptr ? 1 : 0;
  } catch (const std::exception& e) {
    kernel_fail(e.what());
    return 0;
  }
}

// 0 when the decode kernels are compiled and loaded for `device` (compiling them on the first call), 1 with the reason.
int lem_decode_kernels_available(int device) {
  try {
    const auto& k = kernels_for(device);
    return k.rope_kv_write != nullptr ? 0 : kernel_fail(k.error);
  } catch (const std::exception& e) {
    return kernel_fail(e.what());
  }
}

// qkv [rows, 1, heads_q + 2 heads_kv, d] contiguous bf16; cos, sin [rows, 1, 1, d]; index: int64 [1] on the device;
// k_cache, v_cache [rows, heads_kv, capacity, d]. Writes the rotated key and the value at *index and returns the rotated
// queries [rows, 1, heads_q, d] as a new tensor.
int lem_rope_kv_write(void* qkv, void* cos, void* sin, void* index, void* k_cache, void* v_cache, int heads_q, int heads_kv,
                      void** q_out) {
  try {
    const auto& x = *static_cast<const at::Tensor*>(qkv);
    const auto& c = *static_cast<const at::Tensor*>(cos);
    const auto& s = *static_cast<const at::Tensor*>(sin);
    const auto& i = *static_cast<const at::Tensor*>(index);
    auto& kc = *static_cast<at::Tensor*>(k_cache);
    auto& vc = *static_cast<at::Tensor*>(v_cache);
    require(x.scalar_type() == at::kBFloat16 && c.scalar_type() == at::kBFloat16 && s.scalar_type() == at::kBFloat16 &&
                kc.scalar_type() == at::kBFloat16 && vc.scalar_type() == at::kBFloat16, "rope_kv_write takes bf16 tensors");
    require(i.scalar_type() == at::kLong && i.numel() == 1, "rope_kv_write takes a one-element int64 index");
    require(x.is_contiguous() && c.is_contiguous() && s.is_contiguous() && kc.is_contiguous() && vc.is_contiguous(),
            "rope_kv_write takes contiguous tensors");
    require(x.dim() == 4 && x.size(1) == 1 && x.size(2) == heads_q + 2 * heads_kv, "qkv must be [rows, 1, heads_q + 2 heads_kv, d]");
    const int64_t rows = x.size(0), d = x.size(3);
    require(d % 2 == 0 && d <= 2048, "head_dim must be even and at most 2048");
    require(c.get_device() == x.get_device() && s.get_device() == x.get_device() && i.get_device() == x.get_device() &&
                kc.get_device() == x.get_device() && vc.get_device() == x.get_device(),
            "rope_kv_write takes tensors on one device");
    require(c.numel() == rows * d && s.numel() == rows * d, "cos and sin must hold one row of head_dim per batch row");
    require(kc.dim() == 4 && kc.size(0) == rows && kc.size(1) == heads_kv && kc.size(3) == d && vc.sizes() == kc.sizes(),
            "the caches must be [rows, heads_kv, capacity, head_dim]");
    const auto& k = ready_kernels(x);
    auto q = at::empty({rows, 1, heads_q, d}, x.options());
    const void* px = x.data_ptr(); const void* pc = c.data_ptr(); const void* ps = s.data_ptr(); const void* pi = i.data_ptr();
    void* pq = q.data_ptr(); void* pk = kc.data_ptr(); void* pv = vc.data_ptr();
    int hq = heads_q, hkv = heads_kv, dd = static_cast<int>(d);
    long long capacity = kc.size(2);
    void* args[] = {&px, &pc, &ps, &pi, &pq, &pk, &pv, &hq, &hkv, &dd, &capacity};
    launch(k.rope_kv_write, static_cast<unsigned>(heads_q + 2 * heads_kv), static_cast<unsigned>(rows), static_cast<unsigned>(d / 2), x, args);
    *q_out = new at::Tensor(std::move(q));
    return 0;
  } catch (const std::exception& e) {
    return kernel_fail(e.what());
  }
}

// A quantized weight as bf16 [O, in_features], as a new tensor: packed uint8 [O, K] (scheme 1, int8 + 128, scales fp16
// [O]) or [O, K/2] (scheme 2, two int4 + 8 a byte, scales fp16 [O, K/128]), the layouts of lem_gemv.
int lem_dequantize(void* packed, void* scales, int scheme, long long in_features, void** out) {
  try {
    const auto& w = *static_cast<const at::Tensor*>(packed);
    const auto& s = *static_cast<const at::Tensor*>(scales);
    require(scheme == 1 || scheme == 2, "dequantize takes scheme 1 (int8) or 2 (int4)");
    require(w.get_device() >= 0 && w.scalar_type() == at::kByte && w.dim() == 2 && w.is_contiguous() && w.size(0) > 0,
            "dequantize takes a contiguous 2-D uint8 weight on a CUDA device");
    require(reinterpret_cast<uintptr_t>(w.data_ptr()) % 16 == 0, "dequantize reads the weight 16 bytes at a time: it must start on 16 bytes");
    const int64_t O = w.size(0), K = in_features;
    require(K > 0 && K % (scheme == 1 ? 16 : 128) == 0, "dequantize takes in-features that are a multiple of 16 (int8) or 128 (int4)");
    require(w.size(1) == (scheme == 1 ? K : K / 2), "dequantize: the weight and in-features disagree");
    require(s.scalar_type() == at::kHalf && s.is_contiguous() && s.numel() == (scheme == 1 ? O : O * (K / 128)) && s.get_device() == w.get_device(),
            "dequantize needs fp16 scales that match the weight, on its device");
    const auto& k = ready_kernels(w);
    auto y = at::empty({O, K}, w.options().dtype(at::kBFloat16));
    long long vectors = w.numel() / 16, k64 = K;
    int ischeme = scheme;
    const void* pw = w.data_ptr();
    const void* ps = s.data_ptr();
    void* py = y.data_ptr();
    void* args[] = {&pw, &ps, &py, &ischeme, &k64, &vectors};
    launch(k.dequantize, static_cast<unsigned>((vectors + 255) / 256), 1, 256, w, args);
    *out = new at::Tensor(std::move(y));
    return 0;
  } catch (const std::exception& e) {
    return kernel_fail(e.what());
  }
}

// gate_up [..., 2 inter] contiguous bf16 -> silu(gate) * up [..., inter] as a new tensor.
int lem_silu_mul(void* gate_up, void** out) {
  try {
    const auto& x = *static_cast<const at::Tensor*>(gate_up);
    require(x.scalar_type() == at::kBFloat16 && x.is_contiguous() && x.size(-1) % 2 == 0, "silu_mul takes contiguous bf16 [..., 2 inter]");
    const auto& k = ready_kernels(x);
    auto sizes = x.sizes().vec();
    long long inter = sizes.back() / 2;
    sizes.back() = inter;
    auto y = at::empty(sizes, x.options());
    long long total = y.numel();
    const void* pg = x.data_ptr(); void* py = y.data_ptr();
    void* args[] = {&pg, &py, &inter, &total};
    const unsigned threads = 256;
    launch(k.silu_mul, static_cast<unsigned>((total + threads - 1) / threads), 1, threads, x, args);
    *out = new at::Tensor(std::move(y));
    return 0;
  } catch (const std::exception& e) {
    return kernel_fail(e.what());
  }
}


// The GEMV of lem_decode_kernels' source: y = W x for at most 64 rows of x (in chunks of 8, or 2 (or 1) to 32 rows at once on
// tensor cores where DecodeConfig.mma says so). x [..., K] contiguous bf16; weight [O, K]
// bf16 (scheme 0), [O, K] uint8 (scheme 1, int8 + 128, scales fp16 [O]) or [O, K/2] uint8 (scheme 2, two int4 + 8 per
// byte, scales fp16 [O, K/128]). norm (may be null): RMSNorm weight [K] applied to x first, with eps. bias (may be
// null): [O]. mode 0: returns y [..., O]; 1: residual [..., O] += y in place, returns nothing (*out = null); 2: returns
// silu(y[:, :O/2]) * y[:, O/2:] [..., O/2]; 3: returns y as fp32 [..., O].
int lem_gemv(void* x, void* weight, void* scales, int scheme, void* norm, double eps, void* bias, void* residual, int mode, void** out) {
  try {
    const auto& xt = *static_cast<const at::Tensor*>(x);
    const auto& wt = *static_cast<const at::Tensor*>(weight);
    require(mode >= 0 && mode <= 3, "gemv mode must be 0 to 3");
    require(xt.dim() >= 1 && xt.size(-1) > 0 && wt.dim() == 2, "gemv takes x [..., K] and a 2-D weight");
    const int64_t K = xt.size(-1), O = wt.size(0), rows = xt.numel() / K;
    auto sizes = xt.sizes().vec();
    at::Tensor result;
    void* out_bf = nullptr;
    void* out_f = nullptr;
    if (mode == 1) {
      auto* rt = static_cast<at::Tensor*>(residual);
      require(rt != nullptr && rt->scalar_type() == at::kBFloat16 && rt->is_contiguous() && rt->numel() == rows * O && rt->get_device() == xt.get_device(),
              "gemv residual must be contiguous bf16 [rows, out-features]");
      out_bf = rt->data_ptr();
    } else if (mode == 2) {
      require(O % 2 == 0, "gemv silu mode takes gate and up halves");
      sizes.back() = O / 2;
      result = at::empty(sizes, xt.options());
      out_bf = result.data_ptr();
    } else {
      sizes.back() = O;
      result = at::empty(sizes, mode == 3 ? xt.options().dtype(at::kFloat) : xt.options());
      (mode == 3 ? out_f : out_bf) = result.data_ptr();
    }
    run_gemv(xt, wt, static_cast<const at::Tensor*>(scales), scheme, static_cast<const at::Tensor*>(norm), eps,
             static_cast<const at::Tensor*>(bias), mode, out_bf, out_f, RopeOut{}, O / 2);
    *out = result.defined() ? new at::Tensor(std::move(result)) : nullptr;
    return 0;
  } catch (const std::exception& e) {
    return kernel_fail(e.what());
  }
}

// The fused q/k/v projection of a static decode step (mode 4 of the GEMV): x [rows, 1, K] times the fused weight
// [(heads_q + 2 heads_kv) d, K] (with norm and bias as lem_gemv), then RoPE and the KV-cache write as lem_rope_kv_write
// does them (cos, sin [rows, 1, 1, d]; index int64 [1]; caches [rows, heads_kv, capacity, d]). Returns the rotated
// queries [rows, 1, heads_q, d] as a new tensor.
int lem_gemv_rope(void* x, void* weight, void* scales, int scheme, void* norm, double eps, void* bias, void* cos, void* sin, void* index,
                  void* k_cache, void* v_cache, int heads_q, int heads_kv, void** q_out) {
  try {
    const auto& xt = *static_cast<const at::Tensor*>(x);
    const auto& wt = *static_cast<const at::Tensor*>(weight);
    const auto& c = *static_cast<const at::Tensor*>(cos);
    const auto& sn = *static_cast<const at::Tensor*>(sin);
    const auto& i = *static_cast<const at::Tensor*>(index);
    auto& kc = *static_cast<at::Tensor*>(k_cache);
    auto& vc = *static_cast<at::Tensor*>(v_cache);
    require(heads_q > 0 && heads_kv > 0, "gemv rope needs positive head counts");
    require(xt.dim() >= 1 && xt.size(-1) > 0 && wt.dim() == 2, "gemv rope takes x [..., K] and a 2-D weight");
    const int64_t K = xt.size(-1), O = wt.size(0), rows = xt.numel() / K;
    require(O % (heads_q + 2 * heads_kv) == 0, "gemv rope weight rows must be (heads_q + 2 heads_kv) head_dim");
    const int64_t d = O / (heads_q + 2 * heads_kv);
    require(d % 2 == 0 && d <= 2048, "head_dim must be even and at most 2048");
    require(c.scalar_type() == at::kBFloat16 && sn.scalar_type() == at::kBFloat16 && kc.scalar_type() == at::kBFloat16 &&
                vc.scalar_type() == at::kBFloat16, "gemv rope takes bf16 cos, sin and caches");
    require(i.scalar_type() == at::kLong && i.numel() == 1, "gemv rope takes a one-element int64 index");
    require(c.is_contiguous() && sn.is_contiguous() && kc.is_contiguous() && vc.is_contiguous(), "gemv rope takes contiguous tensors");
    require(c.numel() == rows * d && sn.numel() == rows * d, "cos and sin must hold one row of head_dim per batch row");
    require(kc.dim() == 4 && kc.size(0) == rows && kc.size(1) == heads_kv && kc.size(3) == d && vc.sizes() == kc.sizes(),
            "the caches must be [rows, heads_kv, capacity, head_dim]");
    const auto device = xt.get_device();
    require(c.get_device() == device && sn.get_device() == device && i.get_device() == device && kc.get_device() == device &&
                vc.get_device() == device, "gemv rope takes tensors on one device");
    auto q = at::empty({rows, 1, heads_q, d}, xt.options());
    const RopeOut rope{c.data_ptr(), sn.data_ptr(), i.data_ptr(), q.data_ptr(), kc.data_ptr(), vc.data_ptr(), heads_q, heads_kv,
                       static_cast<int>(d), kc.size(2)};
    run_gemv(xt, wt, static_cast<const at::Tensor*>(scales), scheme, static_cast<const at::Tensor*>(norm), eps,
             static_cast<const at::Tensor*>(bias), 4, nullptr, nullptr, rope, d / 2);
    *q_out = new at::Tensor(std::move(q));
    return 0;
  } catch (const std::exception& e) {
    return kernel_fail(e.what());
  }
}

// The end of a static decode step, one kernel (step_advance): with logits (fp32 [rows, vocab]) the greedy tokens into
// input, EOS ids held back where eos_hold says (eos_ids int64 and eos_hold fp32, [rows, 8] each; -inf at a held id, else
// 0); then positions (int64 [rows, 1]) one place on, write_index (int64 [1]) one place on but at most capacity - 1, and
// that column of mask ([rows, capacity], bf16) set to 0. Without logits only the advance.
int lem_step_advance(void* logits, void* eos_ids, void* eos_hold, void* input, void* positions, void* write_index, void* mask) {
  try {
    auto& in = *static_cast<at::Tensor*>(input);
    auto& pos = *static_cast<at::Tensor*>(positions);
    auto& wi = *static_cast<at::Tensor*>(write_index);
    auto& mk = *static_cast<at::Tensor*>(mask);
    require(in.scalar_type() == at::kLong && pos.scalar_type() == at::kLong && wi.scalar_type() == at::kLong, "step advance takes int64 input, positions and write index");
    require(in.is_contiguous() && pos.is_contiguous() && mk.is_contiguous(), "step advance takes contiguous tensors");
    const int64_t rows = in.numel();
    require(rows >= 1 && rows <= kStepAdvanceRows && pos.numel() == rows && wi.numel() == 1, "step advance takes 1 to 1024 rows of input and positions and a one-element write index");
    require(mk.dim() == 2 && mk.size(0) == rows && mk.size(1) >= 1, "step advance takes a mask [rows, capacity]");
    require(mk.scalar_type() == at::kBFloat16, "step advance takes a bf16 mask");
    const auto device = in.get_device();
    require(pos.get_device() == device && wi.get_device() == device && mk.get_device() == device, "step advance takes tensors on one device");
    const auto& k = ready_kernels(in);
    const void* pl = nullptr;
    const void* pe = nullptr;
    const void* ph = nullptr;
    long long vocab = 0;
    unsigned chunks = 1, grid_rows = 1;
    if (logits != nullptr) {
      const auto& lt = *static_cast<const at::Tensor*>(logits);
      const auto& et = *static_cast<const at::Tensor*>(eos_ids);
      const auto& ht = *static_cast<const at::Tensor*>(eos_hold);
      require(lt.scalar_type() == at::kFloat && lt.is_contiguous() && lt.dim() == 2 && lt.size(0) == rows, "step advance takes fp32 logits [rows, vocab]");
      require(lt.size(1) >= 1 && lt.size(1) < (1LL << 31), "step advance takes a vocabulary of 1 to 2^31 - 1 tokens");
      require(et.scalar_type() == at::kLong && et.is_contiguous() && et.numel() == rows * kStepAdvanceEos, "step advance takes EOS ids int64 [rows, 8]");
      require(ht.scalar_type() == at::kFloat && ht.is_contiguous() && ht.numel() == rows * kStepAdvanceEos, "step advance takes the EOS hold fp32 [rows, 8]");
      require(lt.get_device() == device && et.get_device() == device && ht.get_device() == device, "step advance takes tensors on one device");
      pl = lt.data_ptr();
      pe = et.data_ptr();
      ph = ht.data_ptr();
      vocab = lt.size(1);
      // at least 2048 logits a block, and about 4 blocks per multiprocessor over all rows
      const int64_t sms = at::cuda::getDeviceProperties(device)->multiProcessorCount;
      const int64_t by_size = (vocab + 2047) / 2048, by_device = std::max<int64_t>(1, 4 * sms / rows);
      chunks = static_cast<unsigned>(std::max<int64_t>(1, std::min(by_size, by_device)));
      grid_rows = static_cast<unsigned>(rows);
    }
    void* pin = in.data_ptr();
    void* ppos = pos.data_ptr();
    void* pwi = wi.data_ptr();
    void* pmask = mk.data_ptr();
    long long capacity = mk.size(1);
    int irows = static_cast<int>(rows);
    void* keys = k.step_keys;
    void* arrivals = k.step_keys + kStepAdvanceRows;
    void* args[] = {&pl, &vocab, &pe, &ph, &pin, &ppos, &pwi, &pmask, &capacity, &irows, &keys, &arrivals};
    launch(k.step_advance, chunks, grid_rows, 256, in, args);
    return 0;
  } catch (const std::exception& e) {
    return kernel_fail(e.what());
  }
}

// Attention of one query per row over the whole static cache: q [rows, 1, heads, d] contiguous bf16; k_cache,
// v_cache [rows, heads_kv, capacity, d]; mask: additive bf16 [rows, capacity] (0 or -inf). Returns [rows, 1, heads * d].
// The partial results of the position splits live in a temporary (in a graph, the graph's pool).
int lem_decode_attention(void* q, void* k_cache, void* v_cache, void* mask, int heads, int heads_kv, void** out) {
  try {
    const auto& qt = *static_cast<const at::Tensor*>(q);
    const auto& kc = *static_cast<const at::Tensor*>(k_cache);
    const auto& vc = *static_cast<const at::Tensor*>(v_cache);
    const auto& mt = *static_cast<const at::Tensor*>(mask);
    require(qt.scalar_type() == at::kBFloat16 && kc.scalar_type() == at::kBFloat16 && vc.scalar_type() == at::kBFloat16 &&
                mt.scalar_type() == at::kBFloat16, "decode attention takes bf16 tensors");
    require(qt.is_contiguous() && kc.is_contiguous() && vc.is_contiguous() && mt.is_contiguous(), "decode attention takes contiguous tensors");
    require(heads > 0 && heads_kv > 0 && heads % heads_kv == 0, "decode attention needs heads divisible by kv heads");
    require(qt.dim() == 4 && qt.size(1) == 1 && qt.size(2) == heads, "decode attention q must be [rows, 1, heads, head_dim]");
    const int64_t rows = qt.size(0), d = qt.size(3);
    require(d == 32 || d == 64 || d == 128 || d == 256, "decode attention head_dim must be 32, 64, 128 or 256");
    require(heads / heads_kv <= 16, "decode attention takes at most 16 query heads per KV head");
    require(rows * heads_kv <= kAttentionArrivals, "decode attention takes at most 65536 rows × KV heads");
    require(kc.dim() == 4 && kc.size(0) == rows && kc.size(1) == heads_kv && kc.size(3) == d && vc.sizes() == kc.sizes(),
            "decode attention caches must be [rows, heads_kv, capacity, head_dim]");
    const int64_t capacity = kc.size(2);
    require(capacity <= 8192, "decode attention takes at most 8192 cache positions");
    require(mt.numel() == rows * capacity, "decode attention mask must hold one value per row and cache position");
    const auto device = qt.get_device();
    require(kc.get_device() == device && vc.get_device() == device && mt.get_device() == device, "decode attention takes tensors on one device");
    const auto& k = ready_kernels(qt);
    auto o = at::empty({rows, 1, static_cast<int64_t>(heads) * d}, qt.options());
    const int64_t group = heads / heads_kv, splits = (capacity + kAttentionChunk - 1) / kAttentionChunk;
    auto partial = at::empty({rows * heads_kv * splits * group * (d + 2)}, qt.options().dtype(at::kFloat));
    const void* pq = qt.data_ptr(); const void* pk = kc.data_ptr(); const void* pv = vc.data_ptr(); const void* pm = mt.data_ptr();
    void* po = o.data_ptr();
    void* pp = partial.data_ptr();
    void* pa = k.attention_arrivals;
    int h = heads, hkv = heads_kv, dd = static_cast<int>(d);
    long long cap = capacity;
    float scale = 1.0f / std::sqrt(static_cast<float>(d));
    void* args[] = {&pq, &pk, &pv, &pm, &po, &pp, &pa, &h, &hkv, &dd, &cap, &scale};
    const unsigned shared = static_cast<unsigned>((group * d + group * kAttentionChunk + (256 / d) * group * d) * sizeof(float));
    launch(k.decode_attention, static_cast<unsigned>(heads_kv), static_cast<unsigned>(splits), 128, qt, args, shared, static_cast<unsigned>(rows));
    *out = new at::Tensor(std::move(o));
    return 0;
  } catch (const std::exception& e) {
    return kernel_fail(e.what());
  }
}

}  // extern "C"
