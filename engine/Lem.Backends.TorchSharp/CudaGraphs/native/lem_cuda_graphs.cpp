// lem_cuda_graphs: capture and replay CUDA graphs over the libtorch that TorchSharp uses.
//
// TorchSharp exposes no CUDA stream or graph API. Between lem_cg_begin and lem_cg_end every ordinary
// TorchSharp call of the calling thread runs on a side stream that this helper made current, and is captured
// into an at::cuda::CUDAGraph instead of running. lem_cg_replay launches the captured kernels again on the
// current stream. Tensors allocated during capture live in the graph's private memory pool and keep their
// addresses, so outputs created during capture hold the results of every replay.
//
// Built on the user's machine by `lem` (g++ against the detected PyTorch/libtorch headers and libraries),
// cached per libtorch version. Every entry point returns a status and never lets a C++ exception escape.

#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/version.h>
#include <cuda_runtime_api.h>

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace {

thread_local std::string last_error;

struct LemGraph {
  explicit LemGraph(int device) : stream(c10::cuda::getStreamFromPool(false, static_cast<c10::DeviceIndex>(device))) {}
  at::cuda::CUDAGraph graph;
  c10::cuda::CUDAStream stream;
  std::optional<c10::cuda::CUDAStreamGuard> guard;
};

int fail(const std::exception& e) {
  last_error = e.what();
  return 1;
}

}  // namespace

extern "C" {

// The message of the last failure on this thread.
const char* lem_cg_last_error() { return last_error.c_str(); }

// The libtorch version this helper was compiled against, for the cache key and a mismatch check.
const char* lem_cg_torch_version() { return TORCH_VERSION; }

// Starts capturing on a side stream of `device`. `pool_from` (may be null) is an earlier graph whose memory pool
// the new graph shares, so captures for several batch sizes do not each reserve their own memory.
int lem_cg_begin(int device, void* pool_from, void** out_graph) {
  try {
    {
      c10::cuda::CUDAGuard on_device(static_cast<c10::DeviceIndex>(device));
      c10::cuda::device_synchronize();  // all work queued on this device before the capture is finished
    }
    auto g = std::make_unique<LemGraph>(device);
    g->guard.emplace(g->stream);
    using Pool = decltype(std::declval<at::cuda::CUDAGraph&>().pool());
    const Pool pool = pool_from != nullptr ? static_cast<LemGraph*>(pool_from)->graph.pool() : Pool{0, 0};
    try {
#if LEM_CAPTURE_THREAD_LOCAL
      // Thread-local capture mode: other threads (data-parallel workers on other GPUs) may allocate and synchronise
      // while this thread captures. The builder falls back to the default (global) mode where libtorch lacks it.
      g->graph.capture_begin(pool, cudaStreamCaptureModeThreadLocal);
#else
      g->graph.capture_begin(pool);
#endif
    } catch (...) {
      g->guard.reset();
      throw;
    }
    *out_graph = g.release();
    return 0;
  } catch (const std::exception& e) {
    return fail(e);
  }
}

int lem_cg_end(void* graph) {
  auto* g = static_cast<LemGraph*>(graph);
  try {
    g->graph.capture_end();
    g->guard.reset();  // the thread's previous current stream is current again
    return 0;
  } catch (const std::exception& e) {
    g->guard.reset();
    return fail(e);
  }
}

int lem_cg_replay(void* graph) {
  try {
    static_cast<LemGraph*>(graph)->graph.replay();
    return 0;
  } catch (const std::exception& e) {
    return fail(e);
  }
}

void lem_cg_destroy(void* graph) { delete static_cast<LemGraph*>(graph); }

// Events let the host wait for one point of the current stream (a step's token copy) while later work queued behind
// it (the next decode step) keeps running: the only way to read a step's tokens without draining the stream.
int lem_event_create(void** out_event) {
  cudaEvent_t event = nullptr;
  const cudaError_t status = cudaEventCreateWithFlags(&event, cudaEventDisableTiming);
  if (status != cudaSuccess) {
    last_error = std::string("cudaEventCreateWithFlags: ") + cudaGetErrorString(status);
    return 1;
  }
  *out_event = event;
  return 0;
}

// Records the event on `device`'s current stream (where TorchSharp's operators of this thread run).
int lem_event_record(void* event, int device) {
  try {
    const auto stream = c10::cuda::getCurrentCUDAStream(static_cast<c10::DeviceIndex>(device));
    const cudaError_t status = cudaEventRecord(static_cast<cudaEvent_t>(event), stream.stream());
    if (status != cudaSuccess) {
      last_error = std::string("cudaEventRecord: ") + cudaGetErrorString(status);
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    return fail(e);
  }
}

// Blocks until the work recorded before the event has finished.
int lem_event_synchronize(void* event) {
  const cudaError_t status = cudaEventSynchronize(static_cast<cudaEvent_t>(event));
  if (status != cudaSuccess) {
    last_error = std::string("cudaEventSynchronize: ") + cudaGetErrorString(status);
    return 1;
  }
  return 0;
}

void lem_event_destroy(void* event) { cudaEventDestroy(static_cast<cudaEvent_t>(event)); }

}  // extern "C"
