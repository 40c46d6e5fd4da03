// The CPU backend: dispatches on dtype to the templated kernels.
#include "cpu_kernels.h"
#include "thread_pool.h"

#include "normlab/backend.h"

namespace normlab {

namespace {

template <class F> void dispatchFloating(DType type, F&& f) {
    if (type == DType::Float64)
        f(double{});
    else
        f(float{});
}

class CpuBackend final : public Backend {
  public:
    BackendKind kind() const override { return BackendKind::Cpu; }
    std::string unavailableReason() const override { return {}; }
    int parallelism() const override { return cpu::ThreadPool::instance().threads(); }

    void sliceStats(const KernelView& view, const void* x, bool centered, double* mean, double* var,
                    std::int64_t* count) override {
        dispatchFloating(view.dtype, [&](auto tag) {
            using T = decltype(tag);
            cpu::sliceStats<T>(view, static_cast<const T*>(x), centered, mean, var, count);
        });
    }
    void forward(const KernelView& view, const void* x, const double* mean, const double* rstd,
                 const double* weight, const double* bias, void* y) override {
        dispatchFloating(view.dtype, [&](auto tag) {
            using T = decltype(tag);
            cpu::forward<T>(view, static_cast<const T*>(x), mean, rstd, weight, bias,
                            static_cast<T*>(y));
        });
    }
    void forwardWithBatchStats(const KernelView& view, const void* x, bool centered, double eps,
                               const double* weight, const double* bias, double* mean, double* var,
                               std::int64_t* count, void* y) override {
        dispatchFloating(view.dtype, [&](auto tag) {
            using T = decltype(tag);
            cpu::forwardWithBatchStats<T>(view, static_cast<const T*>(x), centered, eps, weight,
                                          bias, mean, var, count, static_cast<T*>(y));
        });
    }
    void backward(const KernelView& view, const void* x, const void* dy, const double* mean,
                  const double* rstd, const std::int64_t* count, const double* weight,
                  bool centered, bool trainingGraph, void* dx, double* dweight,
                  double* dbias) override {
        dispatchFloating(view.dtype, [&](auto tag) {
            using T = decltype(tag);
            cpu::backward<T>(view, static_cast<const T*>(x), static_cast<const T*>(dy), mean, rstd,
                             count, weight, centered, trainingGraph, static_cast<T*>(dx), dweight,
                             dbias);
        });
    }
    void inverse(const KernelView& view, const void* y, const double* mean, const double* scale,
                 const double* weight, const double* bias, void* x) override {
        dispatchFloating(view.dtype, [&](auto tag) {
            using T = decltype(tag);
            cpu::inverse<T>(view, static_cast<const T*>(y), mean, scale, weight, bias,
                            static_cast<T*>(x));
        });
    }
};

} // namespace

Backend& cpuBackend() {
    static CpuBackend backend;
    return backend;
}

} // namespace normlab
