// The device seam (docs/architecture.md, rule 2): every kernel is declared once here and
// implemented by the CPU backend (cpu/, the oracle) and the CUDA backend (cuda/) with this
// signature.
//
// Kernels assume validated, contiguous input in layout order (normlab/layout.h). Element
// pointers (x, y, dy, dx) have the dtype of the view; statistics are float64 arrays of one
// entry per slice; weight and bias are float64 arrays of layout.numParams() entries, never
// null (the caller fills 1 and 0). Invalid (masked-out) elements take part in no statistic
// and are written as 0.
#pragma once

#include "normlab/dtype.h"
#include "normlab/layout.h"

#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace normlab {

enum class BackendKind { Cpu, Cuda };

// A backend that cannot complete a kernel (a CUDA error, device memory exhausted) throws
// this; normalize() reports its message as the result's error.
struct BackendFailure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// rstd of a slice: 1 / sqrt(var + eps), eps inside the square root (PyTorch).
inline double inverseStd(double var, double eps) {
    return 1.0 / std::sqrt(var + eps);
}
std::string_view backendName(BackendKind kind); // "cpu", "cuda"
std::optional<BackendKind> backendFromName(std::string_view name);

// Which elements are valid, in layout order. At most one form is set; none = all valid.
struct Validity {
    // One byte per element, nonzero = valid.
    const std::uint8_t* mask = nullptr;
    // Per sample n: within every run, each consecutive `chunk` elements hold a valid
    // prefix of lengths[n] (0 <= lengths[n] <= chunk) elements. Needs span % chunk == 0.
    const std::int64_t* lengths = nullptr;
    std::int64_t chunk = 1;
};

struct KernelView {
    SliceLayout layout;
    DType dtype = DType::Float32;
    Validity validity;
};

class Backend {
  public:
    virtual ~Backend() = default;
    virtual BackendKind kind() const = 0;
    // Empty when usable, otherwise a sentence saying why not.
    virtual std::string unavailableReason() const = 0;
    // CPU: worker threads; CUDA: streaming multiprocessors.
    virtual int parallelism() const = 0;
    // Milliseconds the device has spent in kernels since the backend started, timed with
    // CUDA events around each call's kernels (transfers excluded); -1 where not measured
    // (CPU). Differences of two readings time the calls in between.
    virtual double deviceMs() const { return -1; }
    // The device computing: "cuda:0 NVIDIA H200 (compute capability 9.0, ...)"; empty for
    // the CPU.
    virtual std::string deviceDescription() const { return {}; }

    // Per slice: count of valid elements, mean and biased variance (two-pass, float64
    // accumulation). centered=false (RMSNorm): mean = 0, var = mean(x^2).
    // A slice without valid elements gets count 0 and NaN statistics.
    virtual void sliceStats(const KernelView& view, const void* x, bool centered, double* mean,
                            double* var, std::int64_t* count) = 0;

    // y = (x - mean[m]) * rstd[m] * w[param] + b[param].
    virtual void forward(const KernelView& view, const void* x, const double* mean,
                         const double* rstd, const double* weight, const double* bias, void* y) = 0;

    // sliceStats then forward with those statistics (rstd = inverseStd(var, eps)), fused
    // so that each slice is read from memory once.
    virtual void forwardWithBatchStats(const KernelView& view, const void* x, bool centered,
                                       double eps, const double* weight, const double* bias,
                                       double* mean, double* var, std::int64_t* count, void* y) = 0;

    // Gradients of sum(dy * y). trainingGraph: mean/rstd are functions of x (mean only
    // when centered); otherwise constants. With g = dy * w and xhat = (x - mean) * rstd,
    //   dx = rstd * (g - mean(g) - xhat * mean(g * xhat))   (training)
    //   dx = rstd * g                                        (constant statistics)
    // means over the valid elements of the slice (mean(g) only when centered; for
    // RMSNorm mean = 0). dweight/dbias (float64, numParams
    // entries each, may be null) receive sum(dy * xhat) and sum(dy) per parameter.
    virtual void backward(const KernelView& view, const void* x, const void* dy, const double* mean,
                          const double* rstd, const std::int64_t* count, const double* weight,
                          bool centered, bool trainingGraph, void* dx, double* dweight,
                          double* dbias) = 0;

    // x = (y - b[param]) / w[param] * scale[m] + mean[m]  (scale = sqrt(var + eps)).
    virtual void inverse(const KernelView& view, const void* y, const double* mean,
                         const double* scale, const double* weight, const double* bias,
                         void* x) = 0;
};

Backend& cpuBackend();
// The CUDA backend if compiled in and a device is present; otherwise nullptr and `why`
// says which of the two is missing.
Backend* cudaBackend(std::string* why);
// Either of the above by kind.
Backend* backendFor(BackendKind kind, std::string* why);
// CUDA devices present (0 without CUDA or a driver).
int cudaDeviceCount();
// Makes device `index` the one the CUDA backend computes on (default 0, or the environment
// variable NORMLAB_CUDA_DEVICE); a backend already started moves to it. False, with `why`,
// when that device cannot run it (the backend then stays where it was).
bool selectCudaDevice(int index, std::string* why);
// A kernel fault (an illegal address, a failed launch) leaves the CUDA context unusable:
// every later call fails and says so. This resets the device and the backend; false, with
// `why`, when there is no backend to reset.
bool resetCudaBackend(std::string* why);
// For tests: CUDA allocations above `bytes` fail as a real failed cudaMalloc does (0: no
// limit), to check that an out-of-memory call leaves the next one unharmed.
void setCudaAllocationLimitForTesting(std::size_t bytes);

} // namespace normlab
