// The CUDA backend: the Backend interface (normlab/backend.h) on a CUDA device. The
// interface hands over host arrays, so each call copies its inputs to device buffers
// (kept between calls, grown as needed), runs the kernels of cuda_kernels.cuh and copies
// the results back. The time of the kernels alone, between CUDA events, is summed for
// `normlab-cli bench --backend cuda` (deviceMs). One call runs at a time (a mutex):
// the GUI may compute on two worker threads.
#include "cuda_kernels.cuh"

#include "normlab/backend.h"

#include <cuda_runtime.h>

#include <array>
#include <mutex>
#include <string>

namespace normlab {

namespace {

void check(cudaError_t status, const char* what) {
    if (status != cudaSuccess)
        throw BackendFailure(std::string("CUDA error in ") + what + ": " +
                             cudaGetErrorString(status));
}

// A device allocation that grows to the largest size asked for.
class DeviceBuffer {
  public:
    DeviceBuffer() = default;
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    ~DeviceBuffer() {
        if (data_) cudaFree(data_);
    }
    void* reserve(std::size_t bytes) {
        if (bytes > capacity_) {
            if (data_) cudaFree(data_);
            data_ = nullptr;
            capacity_ = 0;
            check(cudaMalloc(&data_, bytes), "cudaMalloc");
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
    explicit CudaBackend(int smCount)
        : smCount_(smCount) {
        check(cudaStreamCreate(&stream_), "cudaStreamCreate");
        check(cudaEventCreate(&start_), "cudaEventCreate");
        check(cudaEventCreate(&stop_), "cudaEventCreate");
    }

    BackendKind kind() const override { return BackendKind::Cuda; }
    std::string unavailableReason() const override { return {}; }
    int parallelism() const override { return smCount_; }
    double deviceMs() const override { return totalMs_; }

    void sliceStats(const KernelView& view, const void* x, bool centered, double* mean, double* var,
                    std::int64_t* count) override {
        std::lock_guard lock(mutex_);
        const cuda::DeviceView v = upload(view);
        const void* dx = toDevice(kX, x, bytesOf(view));
        const std::int64_t S = view.layout.slices;
        auto* dMean = deviceArray<double>(kMean, S);
        auto* dVar = deviceArray<double>(kVar, S);
        auto* dCount = deviceArray<std::int64_t>(kCount, S);
        const std::int64_t chunks = cuda::statsPiecesFor(v, smCount_);
        auto* dParts = deviceArray<double>(kPartials, 3 * S * chunks);
        timed([&] {
            dispatch(view.dtype, [&](auto tag) {
                using T = decltype(tag);
                cuda::launchSliceStats<T>(v, static_cast<const T*>(dx), centered, chunks, dParts,
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
        const cuda::DeviceView v = upload(view);
        const void* dx = toDevice(kX, x, bytesOf(view));
        const std::int64_t S = view.layout.slices, P = view.layout.numParams();
        auto* dMean = deviceArray<double>(kMean, S);
        auto* dVar = deviceArray<double>(kVar, S);
        auto* dRstd = deviceArray<double>(kRstd, S);
        auto* dCount = deviceArray<std::int64_t>(kCount, S);
        const std::int64_t chunks = cuda::statsPiecesFor(v, smCount_);
        auto* dParts = deviceArray<double>(kPartials, 3 * S * chunks);
        const auto* dW = static_cast<const double*>(toDevice(kWeight, weight, P * 8));
        const auto* dB = static_cast<const double*>(toDevice(kBias, bias, P * 8));
        void* dy = buffers_[kY].reserve(bytesOf(view));
        timed([&] {
            dispatch(view.dtype, [&](auto tag) {
                using T = decltype(tag);
                cuda::launchForwardWithBatchStats<T>(v, static_cast<const T*>(dx), centered, eps,
                                                     chunks, dParts, dW, dB, dMean, dVar, dRstd,
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
        const std::int64_t chunks = cuda::runChunks(v, 4 * std::int64_t(smCount_), 4096);
        double* dSums = deviceArray<double>(kSums, cuda::backwardScratch(v, chunks));
        timed([&] {
            dispatch(view.dtype, [&](auto tag) {
                using T = decltype(tag);
                cuda::launchBackward<T>(v, static_cast<const T*>(dX), static_cast<const T*>(dDy),
                                        dMean, dRstd, dCount, dW, centered, trainingGraph,
                                        static_cast<T*>(dDx), dDw, dDb, chunks, dSums, stream_);
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
        check(cudaGetLastError(), "a kernel launch");
        check(cudaEventRecord(stop_, stream_), "cudaEventRecord");
    }

    void finish() {
        check(cudaStreamSynchronize(stream_), "the kernels");
        float ms = 0;
        check(cudaEventElapsedTime(&ms, start_, stop_), "cudaEventElapsedTime");
        totalMs_ += ms;
    }

    int smCount_;
    cudaStream_t stream_ = nullptr;
    cudaEvent_t start_ = nullptr, stop_ = nullptr;
    std::array<DeviceBuffer, kSlots> buffers_;
    std::mutex mutex_;
    double totalMs_ = 0;
};

} // namespace

Backend* cudaBackend(std::string* why) {
    static std::once_flag once;
    static CudaBackend* backend = nullptr;
    static std::string reason;
    std::call_once(once, [] {
        int devices = 0;
        const cudaError_t status = cudaGetDeviceCount(&devices);
        if (status != cudaSuccess || devices == 0) {
            reason = std::string("CUDA backend unavailable: no CUDA device found (") +
                     (status != cudaSuccess ? cudaGetErrorString(status) : "0 devices") + ")";
            return;
        }
        try {
            int sms = 0;
            check(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0),
                  "cudaDeviceGetAttribute");
            backend = new CudaBackend(sms); // lives as long as the process
        } catch (const BackendFailure& e) {
            reason = std::string("CUDA backend unavailable: ") + e.what();
        }
    });
    if (!backend && why) *why = reason;
    return backend;
}

} // namespace normlab
