// lem_decode_kernels: two small CUDA kernels for decode steps, compiled at run time with NVRTC and launched through the
// CUDA driver API on the current stream, so that CUDA-graph captures record them like any ATen kernel.
//
//   lem_rope_kv_write: one static-shape decode step's RoPE on queries and keys plus the KV-cache write, reading the
//     fused q/k/v projection; replaces roll, multiply, multiply-add and two index_copy kernels per layer.
//   lem_silu_mul: silu(gate) * up over the fused gate/up projection; replaces two kernels per layer.
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

#include <array>
#include <cstddef>
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

// grid (heads_q + 2 heads_kv, rows), d/2 threads: thread i rotates the pair (i, i + d/2) of one head of one row.
// cos and sin are [rows, d]; sin carries rotate-half's sign (-sin on the first half).
extern "C" __global__ void rope_kv_write(const bf16* qkv, const bf16* cos, const bf16* sin, const long long* index,
                                        bf16* q_out, bf16* k_cache, bf16* v_cache,
                                        int heads_q, int heads_kv, int d, long long capacity) {
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
  const long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= total) return;
  const long long r = t / inter, j = t - r * inter;
  const float g = load(gate_up, 2 * inter * r + j), u = load(gate_up, 2 * inter * r + inter + j);
  out[t] = round_bf16(g / (1.0f + expf(-g)) * u);
}
)CUDA";

// The few NVRTC and driver API entry points used, declared here so that no CUDA toolkit header is needed.
using nvrtc_result = int;
using nvrtc_program = struct nvrtc_program_opaque*;
using cu_result = int;
using cu_module = struct cu_module_opaque*;
using cu_function = struct cu_function_opaque*;

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
    } catch (const std::exception& e) {
      a.error = e.what();
    }
    return a;
  }();
  if (!loaded.error.empty()) throw std::runtime_error(loaded.error);
  return loaded;
}

struct DeviceKernels {
  bool tried = false;
  std::string error;
  cu_function rope_kv_write = nullptr;
  cu_function silu_mul = nullptr;
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
    const char* options[] = {arch.c_str(), "--std=c++17"};
    const nvrtc_result compiled = a.nvrtcCompileProgram(program, 2, options);
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

void launch(cu_function fn, unsigned grid_x, unsigned grid_y, unsigned block, const at::Tensor& on, void** args) {
  const Api& a = api();
  // The driver API launches in the thread's current context: make it the tensor's device's (ATen only switches
  // devices around its own launches), or a kernel loaded on cuda:1 fails on cuda:0's context.
  c10::cuda::CUDAGuard on_device(static_cast<c10::DeviceIndex>(on.get_device()));
  const auto stream = at::cuda::getCurrentCUDAStream(on.get_device());
  check_cu(a, a.cuLaunchKernel(fn, grid_x, grid_y, 1, block, 1, 1, 0, stream.stream(), args, nullptr), "cuLaunchKernel");
}

}  // namespace

extern "C" {

// The message of the last failure of a decode kernel on this thread.
const char* lem_kernels_last_error() { return last_kernel_error.c_str(); }

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

}  // extern "C"
