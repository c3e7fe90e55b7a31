// lem_fused_ops: single-kernel libtorch operators that TorchSharp 0.107 does not bind.
//
// at::rms_norm runs as one fused kernel on CUDA (aten::_fused_rms_norm) where TorchSharp would need eight
// (cast, square, mean, add, rsqrt, multiply, cast, multiply). At batch-1 decode those small kernels cost more
// than the norm's memory traffic, so lem calls it through this helper. Tensors cross the boundary as the
// at::Tensor* handles that TorchSharp uses; a result is a new at::Tensor* that TorchSharp takes ownership of.
// Built together with lem_cuda_graphs.cpp and lem_decode_kernels.cpp into one library; every entry point returns a status and never lets a
// C++ exception escape.

#include <ATen/ATen.h>

#include <exception>
#include <optional>
#include <string>
#include <utility>

namespace {
thread_local std::string last_ops_error;
}  // namespace

extern "C" {

// The message of the last failure of a fused operator on this thread.
const char* lem_ops_last_error() { return last_ops_error.c_str(); }

// y = x / sqrt(mean(x^2 over the last dimension) + eps) * weight, accumulated in fp32, returned in x's dtype.
int lem_rms_norm(void* x, void* weight, double eps, void** out) {
  try {
    const auto& input = *static_cast<const at::Tensor*>(x);
    const auto& w = *static_cast<const at::Tensor*>(weight);
    const int64_t size = input.size(-1);
    *out = new at::Tensor(at::rms_norm(input, at::IntArrayRef(&size, 1), w, eps));
    return 0;
  } catch (const std::exception& e) {
    last_ops_error = e.what();
    return 1;
  }
}

}  // extern "C"
