// The CUDA backend: the Backend interface (normlab/backend.h) on a CUDA device. The
// interface hands over host arrays, so each call copies its inputs to device buffers
// (kept between calls, grown as needed), runs the kernels of cuda_kernels.cuh and copies
// the results back. The time of the kernels alone, between CUDA events, is summed for
// `normlab-cli bench --backend cuda` (deviceMs). One call runs at a time (a mutex):
// the GUI may compute on two worker threads.
//
// Errors: every CUDA call is checked where it is made, and a failed one's error is cleared
// then, so it is never reported again by a later call. Each call selects its device first
// (cudaSetDevice: the runtime's current device is per host thread). A kernel fault leaves
// the context unusable ("sticky"): the backend then refuses every call with that reason until
// resetCudaBackend() resets the device.
#include "cuda_kernels.cuh"

#include "normlab/backend.h"
#include "normlab/cuda_availability.h"

#include <cuda_runtime.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>

namespace normlab {

namespace {

#ifndef NORMLAB_CUDA_ARCHITECTURES
#define NORMLAB_CUDA_ARCHITECTURES ""
#endif

// Errors that leave the CUDA context unusable until the device is reset.
bool isSticky(cudaError_t status) {
    switch (status) {
    case cudaErrorIllegalAddress:
    case cudaErrorLaunchFailure:
    case cudaErrorHardwareStackError:
    case cudaErrorIllegalInstruction:
    case cudaErrorMisalignedAddress:
    case cudaErrorInvalidAddressSpace:
    case cudaErrorInvalidPc:
    case cudaErrorAssert:
    case cudaErrorECCUncorrectable:
    case cudaErrorLaunchTimeout:
        return true;
    default:
        return false;
    }
}

// Thrown by check() for a sticky error: the backend marks itself broken.
struct StickyFailure : BackendFailure {
    using BackendFailure::BackendFailure;
};

// Throws when `status` is an error, after clearing it from the runtime's last-error state
// (so the next call does not report it again).
void check(cudaError_t status, const char* what) {
    if (status == cudaSuccess) return;
    (void)cudaGetLastError();
    const std::string message =
        std::string("CUDA error in ") + what + ": " + cudaGetErrorString(status);
    if (isSticky(status)) throw StickyFailure(message);
    throw BackendFailure(message);
}

// What the runtime says about `device`.
CudaProbe probeDevice(int device) {
    CudaProbe p;
    p.device = device;
    p.builtArchitectures = NORMLAB_CUDA_ARCHITECTURES;
    cudaRuntimeGetVersion(&p.runtimeVersion);
    cudaDriverGetVersion(&p.driverVersion);
    const cudaError_t status = cudaGetDeviceCount(&p.devices);
    (void)cudaGetLastError();
    if (status == cudaErrorInsufficientDriver) {
        (p.driverVersion == 0 ? p.driverMissing : p.driverTooOld) = true;
        return p;
    }
    if (status == cudaErrorNoDevice)
        p.devices = 0;
    else if (status != cudaSuccess)
        p.countError = cudaGetErrorString(status);
    if (status != cudaSuccess || device < 0 || device >= p.devices) return p;
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, device) == cudaSuccess) {
        p.name = prop.name;
        p.major = prop.major;
        p.minor = prop.minor;
        p.multiprocessors = prop.multiProcessorCount;
    }
    p.kernelImageLoads =
        cudaSetDevice(device) == cudaSuccess && cuda::probeKernelImage() == cudaSuccess;
    (void)cudaGetLastError();
    return p;
}

std::atomic<std::size_t> allocationLimit{0}; // setCudaAllocationLimitForTesting

// A device allocation that grows to the largest size asked for.
class DeviceBuffer {
  public:
    DeviceBuffer() = default;
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    ~DeviceBuffer() { release(); }
    void release() {
        if (data_) cudaFree(data_);
        data_ = nullptr;
        capacity_ = 0;
    }
    void* reserve(std::size_t bytes) {
        if (bytes > capacity_) {
            if (data_) cudaFree(data_);
            data_ = nullptr;
            capacity_ = 0;
            const std::size_t limit = allocationLimit.load();
            // Beyond a test's limit, ask for more than any device has: a real failure.
            const std::size_t asked = limit && bytes > limit ? (std::size_t(1) << 62) : bytes;
            check(cudaMalloc(&data_, asked), "cudaMalloc");
            capacity_ = bytes;
        }
        return data_;
    }

  private:
    void* data_ = nullptr;
    std::size_t capacity_ = 0;
};

enum Slot {
    kX,
    kY,
    kDy,
    kDx,
    kMask,
    kLengths,
    kMean,
    kVar,
    kRstd,
    kCount,
    kWeight,
    kBias,
    kDWeight,
    kDBias,
    kSums,
    kPartials,
    kSlots
};

std::size_t elementSize(DType t) {
    return t == DType::Float64 ? 8 : 4;
}

class CudaBackend final : public Backend {
  public:
    // On a device that probeDevice() found usable.
    explicit CudaBackend(const CudaProbe& probe) { start(probe); }
    ~CudaBackend() override { stop(); }

    BackendKind kind() const override { return BackendKind::Cuda; }
    std::string unavailableReason() const override {
        std::lock_guard lock(mutex_);
        return broken_;
    }
    int parallelism() const override { return smCount_; }
    double deviceMs() const override {
        std::lock_guard lock(mutex_);
        return totalMs_;
    }
    std::string deviceDescription() const override {
        std::lock_guard lock(mutex_);
        return description_;
    }
    int device() const {
        std::lock_guard lock(mutex_);
        return device_;
    }

    // Moves to `probe`'s device (or restarts on the same one, after a fault): frees this
    // context's buffers, stream and events, resets the device, starts again.
    void restart(const CudaProbe& probe) {
        std::lock_guard lock(mutex_);
        stop();
        (void)cudaSetDevice(device_);
        (void)cudaDeviceReset();
        (void)cudaGetLastError();
        try {
            start(probe);
        } catch (const BackendFailure& e) {
            broken_ = std::string("the CUDA backend could not restart: ") + e.what();
            throw;
        }
    }

    void sliceStats(const KernelView& view, const void* x, bool centered, double* mean, double* var,
                    std::int64_t* count) override {
        std::lock_guard lock(mutex_);
        const Guard guard(*this);
        const cuda::DeviceView v = upload(view);
        const void* dx = toDevice(kX, x, bytesOf(view));
        const std::int64_t S = view.layout.slices;
        auto* dMean = deviceArray<double>(kMean, S);
        auto* dVar = deviceArray<double>(kVar, S);
        auto* dCount = deviceArray<std::int64_t>(kCount, S);
        const cuda::LaunchPlan plan = planOf(view.dtype, v);
        auto* dParts = deviceArray<double>(kPartials, 3 * S * plan.stats.count);
        timed([&] {
            dispatch(view.dtype, [&](auto tag) {
                using T = decltype(tag);
                cuda::launchSliceStats<T>(v, plan, static_cast<const T*>(dx), centered, dParts,
                                          dMean, dVar, dCount, stream_);
            });
        });
        toHost(mean, dMean, S);
        toHost(var, dVar, S);
        toHost(count, dCount, S);
        finish();
    }

    void forward(const KernelView& view, const void* x, const double* mean, const double* rstd,
                 const double* weight, const double* bias, void* y) override {
        map(view, cuda::MapKind::Forward, x, mean, rstd, weight, bias, y);
    }

    void forwardWithBatchStats(const KernelView& view, const void* x, bool centered, double eps,
                               const double* weight, const double* bias, double* mean, double* var,
                               std::int64_t* count, void* y) override {
        std::lock_guard lock(mutex_);
        const Guard guard(*this);
        const cuda::DeviceView v = upload(view);
        const void* dx = toDevice(kX, x, bytesOf(view));
        const std::int64_t S = view.layout.slices, P = view.layout.numParams();
        auto* dMean = deviceArray<double>(kMean, S);
        auto* dVar = deviceArray<double>(kVar, S);
        auto* dRstd = deviceArray<double>(kRstd, S);
        auto* dCount = deviceArray<std::int64_t>(kCount, S);
        const cuda::LaunchPlan plan = planOf(view.dtype, v);
        auto* dParts = deviceArray<double>(kPartials, 3 * S * plan.stats.count);
        const auto* dW = static_cast<const double*>(toDevice(kWeight, weight, P * 8));
        const auto* dB = static_cast<const double*>(toDevice(kBias, bias, P * 8));
        void* dy = buffers_[kY].reserve(bytesOf(view));
        timed([&] {
            dispatch(view.dtype, [&](auto tag) {
                using T = decltype(tag);
                cuda::launchForwardWithBatchStats<T>(v, plan, static_cast<const T*>(dx), centered,
                                                     eps, dParts, dW, dB, dMean, dVar, dRstd,
                                                     dCount, static_cast<T*>(dy), stream_);
            });
        });
        toHost(mean, dMean, S);
        toHost(var, dVar, S);
        toHost(count, dCount, S);
        check(cudaMemcpyAsync(y, dy, bytesOf(view), cudaMemcpyDeviceToHost, stream_), "copy y");
        finish();
    }

    void backward(const KernelView& view, const void* x, const void* dy, const double* mean,
                  const double* rstd, const std::int64_t* count, const double* weight,
                  bool centered, bool trainingGraph, void* dx, double* dweight,
                  double* dbias) override {
        std::lock_guard lock(mutex_);
        const Guard guard(*this);
        const cuda::DeviceView v = upload(view);
        const std::int64_t S = view.layout.slices, P = view.layout.numParams();
        const void* dX = toDevice(kX, x, bytesOf(view));
        const void* dDy = toDevice(kDy, dy, bytesOf(view));
        const auto* dMean = static_cast<const double*>(toDevice(kMean, mean, S * 8));
        const auto* dRstd = static_cast<const double*>(toDevice(kRstd, rstd, S * 8));
        const auto* dCount = static_cast<const std::int64_t*>(toDevice(kCount, count, S * 8));
        const auto* dW = static_cast<const double*>(toDevice(kWeight, weight, P * 8));
        void* dDx = buffers_[kDx].reserve(bytesOf(view));
        double* dDw = dweight ? deviceArray<double>(kDWeight, P) : nullptr;
        double* dDb = dbias ? deviceArray<double>(kDBias, P) : nullptr;
        const cuda::LaunchPlan plan = planOf(view.dtype, v);
        double* dSums = deviceArray<double>(kSums, cuda::backwardScratch(v, plan));
        timed([&] {
            dispatch(view.dtype, [&](auto tag) {
                using T = decltype(tag);
                cuda::launchBackward<T>(v, plan, static_cast<const T*>(dX),
                                        static_cast<const T*>(dDy), dMean, dRstd, dCount, dW,
                                        centered, trainingGraph, static_cast<T*>(dDx), dDw, dDb,
                                        dSums, stream_);
            });
        });
        check(cudaMemcpyAsync(dx, dDx, bytesOf(view), cudaMemcpyDeviceToHost, stream_), "copy dx");
        if (dweight) toHost(dweight, dDw, P);
        if (dbias) toHost(dbias, dDb, P);
        finish();
    }

    void inverse(const KernelView& view, const void* y, const double* mean, const double* scale,
                 const double* weight, const double* bias, void* x) override {
        map(view, cuda::MapKind::Inverse, y, mean, scale, weight, bias, x);
    }

  private:
    // How this device splits the work of `v` (launch_plan.h).
    cuda::LaunchPlan planOf(DType type, const cuda::DeviceView& v) const {
        return type == DType::Float64 ? cuda::launchPlan<double>(v, smCount_)
                                      : cuda::launchPlan<float>(v, smCount_);
    }

    // Per call, under the mutex: refuses to run on a broken context, selects the device, and
    // clears any error left over; marks the context broken when the call ends in a sticky
    // error (seen by the destructor through std::uncaught_exceptions and recorded by check's
    // callers via `noteFailure`).
    struct Guard {
        explicit Guard(CudaBackend& b)
            : backend(b)
            , exceptions(std::uncaught_exceptions()) {
            if (!b.broken_.empty()) throw BackendFailure(b.broken_);
            check(cudaSetDevice(b.device_), "cudaSetDevice");
            (void)cudaGetLastError();
        }
        ~Guard() {
            if (std::uncaught_exceptions() > exceptions && cudaPeekAtLastError() != cudaSuccess &&
                isSticky(cudaPeekAtLastError()))
                backend.broken_ = stickyReason(cudaPeekAtLastError());
        }
        CudaBackend& backend;
        int exceptions;
    };
    static std::string stickyReason(cudaError_t status) {
        return std::string("the CUDA context is unusable after a kernel fault (") +
               cudaGetErrorString(status) +
               "): reset the CUDA backend (resetCudaBackend, or restart NormLab)";
    }

    void start(const CudaProbe& probe) {
        device_ = probe.device;
        smCount_ = probe.multiprocessors > 0 ? probe.multiprocessors : 1;
        description_ = cudaDeviceDescription(probe);
        broken_.clear();
        check(cudaSetDevice(device_), "cudaSetDevice");
        check(cudaStreamCreate(&stream_), "cudaStreamCreate");
        check(cudaEventCreate(&start_), "cudaEventCreate");
        check(cudaEventCreate(&stop_), "cudaEventCreate");
    }

    void stop() {
        (void)cudaSetDevice(device_);
        for (auto& b : buffers_) b.release();
        if (start_) cudaEventDestroy(start_);
        if (stop_) cudaEventDestroy(stop_);
        if (stream_) cudaStreamDestroy(stream_);
        start_ = stop_ = nullptr;
        stream_ = nullptr;
        (void)cudaGetLastError();
    }

    template <class F> static void dispatch(DType type, F&& f) {
        if (type == DType::Float64)
            f(double{});
        else
            f(float{});
    }

    static std::size_t bytesOf(const KernelView& view) {
        return std::size_t(view.layout.elements()) * elementSize(view.dtype);
    }

    const void* toDevice(Slot slot, const void* host, std::size_t bytes) {
        void* device = buffers_[slot].reserve(bytes > 0 ? bytes : 1);
        if (bytes)
            check(cudaMemcpyAsync(device, host, bytes, cudaMemcpyHostToDevice, stream_),
                  "copy to the device");
        return device;
    }

    template <class T> T* deviceArray(Slot slot, std::int64_t count) {
        return static_cast<T*>(
            buffers_[slot].reserve(std::size_t(count > 0 ? count : 1) * sizeof(T)));
    }

    template <class T> void toHost(T* host, const T* device, std::int64_t count) {
        if (count > 0)
            check(cudaMemcpyAsync(host, device, std::size_t(count) * sizeof(T),
                                  cudaMemcpyDeviceToHost, stream_),
                  "copy to the host");
    }

    // The layout for the device, with the mask or lengths copied over.
    cuda::DeviceView upload(const KernelView& view) {
        cuda::DeviceView v = cuda::deviceViewOf(view, nullptr, nullptr);
        if (view.validity.mask)
            v.mask = static_cast<const std::uint8_t*>(
                toDevice(kMask, view.validity.mask, std::size_t(view.layout.elements())));
        else if (view.validity.lengths)
            v.lengths = static_cast<const std::int64_t*>(
                toDevice(kLengths, view.validity.lengths, std::size_t(view.layout.batch) * 8));
        return v;
    }

    void map(const KernelView& view, cuda::MapKind kind, const void* in, const double* mean,
             const double* perSlice, const double* weight, const double* bias, void* out) {
        std::lock_guard lock(mutex_);
        const Guard guard(*this);
        const cuda::DeviceView v = upload(view);
        const std::int64_t S = view.layout.slices, P = view.layout.numParams();
        const void* dIn = toDevice(kX, in, bytesOf(view));
        const auto* dMean = static_cast<const double*>(toDevice(kMean, mean, S * 8));
        const auto* dPer = static_cast<const double*>(toDevice(kRstd, perSlice, S * 8));
        const auto* dW = static_cast<const double*>(toDevice(kWeight, weight, P * 8));
        const auto* dB = static_cast<const double*>(toDevice(kBias, bias, P * 8));
        void* dOut = buffers_[kY].reserve(bytesOf(view));
        timed([&] {
            dispatch(view.dtype, [&](auto tag) {
                using T = decltype(tag);
                cuda::launchAffineMap<T>(v, kind, static_cast<const T*>(dIn), dMean, dPer, dW, dB,
                                         static_cast<T*>(dOut), stream_);
            });
        });
        check(cudaMemcpyAsync(out, dOut, bytesOf(view), cudaMemcpyDeviceToHost, stream_),
              "copy to the host");
        finish();
    }

    template <class Launch> void timed(Launch&& launch) {
        check(cudaEventRecord(start_, stream_), "cudaEventRecord");
        launch();
        check(cudaGetLastError(),
              "a kernel launch"); // errors before it were cleared where they happened
        check(cudaEventRecord(stop_, stream_), "cudaEventRecord");
    }

    void finish() {
        check(cudaStreamSynchronize(stream_), "the kernels");
        float ms = 0;
        check(cudaEventElapsedTime(&ms, start_, stop_), "cudaEventElapsedTime");
        totalMs_ += ms;
    }

    int device_ = 0;
    int smCount_ = 1;
    std::string description_;
    std::string broken_; // why the context is unusable; empty while it works
    cudaStream_t stream_ = nullptr;
    cudaEvent_t start_ = nullptr, stop_ = nullptr;
    std::array<DeviceBuffer, kSlots> buffers_;
    mutable std::mutex mutex_;
    double totalMs_ = 0;
};

// The backend, created on first use on the selected device; kept for the process's life
// (the GUI's workers hold its pointer), moved or restarted in place.
struct CudaHolder {
    std::mutex mutex;
    std::unique_ptr<CudaBackend> backend;
    std::string reason;
    bool probed = false;
    int device = 0;
};

CudaHolder& holder() {
    static CudaHolder* h = [] {
        auto* made = new CudaHolder; // never destroyed: no CUDA calls during static teardown
        if (const char* env = std::getenv("NORMLAB_CUDA_DEVICE")) made->device = std::atoi(env);
        return made;
    }();
    return *h;
}

// Under holder().mutex.
void ensureProbed(CudaHolder& h) {
    if (h.probed) return;
    h.probed = true;
    const CudaProbe probe = probeDevice(h.device);
    h.reason = cudaUnavailableReason(probe);
    if (!h.reason.empty()) return;
    try {
        h.backend = std::make_unique<CudaBackend>(probe);
    } catch (const BackendFailure& e) {
        h.reason = std::string("CUDA backend unavailable: ") + e.what();
    }
}

} // namespace

Backend* cudaBackend(std::string* why) {
    CudaHolder& h = holder();
    std::lock_guard lock(h.mutex);
    ensureProbed(h);
    if (!h.backend && why) *why = h.reason;
    return h.backend.get();
}

int cudaDeviceCount() {
    int devices = 0;
    if (cudaGetDeviceCount(&devices) != cudaSuccess) devices = 0;
    (void)cudaGetLastError();
    return devices;
}

bool selectCudaDevice(int index, std::string* why) {
    CudaHolder& h = holder();
    std::lock_guard lock(h.mutex);
    if (!h.probed) {
        h.device = index;
        ensureProbed(h);
        if (!h.backend && why) *why = h.reason;
        return h.backend != nullptr;
    }
    const CudaProbe probe = probeDevice(index);
    if (std::string reason = cudaUnavailableReason(probe); !reason.empty()) {
        if (why) *why = reason;
        return false;
    }
    try {
        if (h.backend)
            h.backend->restart(probe);
        else
            h.backend = std::make_unique<CudaBackend>(probe);
    } catch (const BackendFailure& e) {
        if (why) *why = e.what();
        return false;
    }
    h.device = index;
    return true;
}

void setCudaAllocationLimitForTesting(std::size_t bytes) {
    allocationLimit = bytes;
}

bool resetCudaBackend(std::string* why) {
    CudaHolder& h = holder();
    std::lock_guard lock(h.mutex);
    ensureProbed(h);
    if (!h.backend) {
        if (why) *why = h.reason;
        return false;
    }
    try {
        h.backend->restart(probeDevice(h.backend->device()));
    } catch (const BackendFailure& e) {
        if (why) *why = e.what();
        return false;
    }
    return true;
}

} // namespace normlab
