#include "normlab/cuda_availability.h"

namespace normlab {

std::string cudaVersionText(int version) {
    return std::to_string(version / 1000) + "." + std::to_string((version % 1000) / 10);
}

std::string cudaUnavailableReason(const CudaProbe& p) {
    const std::string prefix = "CUDA backend unavailable: ";
    if (p.driverMissing)
        return prefix + "no NVIDIA driver is installed (this build needs one for CUDA " +
               cudaVersionText(p.runtimeVersion) + ")";
    if (p.driverTooOld)
        return prefix + "the NVIDIA driver is too old: it supports CUDA " +
               cudaVersionText(p.driverVersion) + ", this build needs CUDA " +
               cudaVersionText(p.runtimeVersion) + " (update the driver)";
    if (!p.countError.empty()) return prefix + "cannot list CUDA devices (" + p.countError + ")";
    if (p.devices <= 0) return prefix + "no CUDA device found";
    if (p.device < 0 || p.device >= p.devices)
        return prefix + "there is no CUDA device " + std::to_string(p.device) + " (devices 0 to " +
               std::to_string(p.devices - 1) + ")";
    if (!p.kernelImageLoads)
        return prefix + "device " + std::to_string(p.device) + " (" + p.name +
               ") has compute capability " + std::to_string(p.major) + "." +
               std::to_string(p.minor) + ", and this build carries kernels for architectures " +
               (p.builtArchitectures.empty() ? "?" : p.builtArchitectures) +
               " only (rebuild with -DCMAKE_CUDA_ARCHITECTURES=" + std::to_string(p.major) +
               std::to_string(p.minor) + ")";
    return {};
}

std::string cudaDeviceDescription(const CudaProbe& p) {
    return "cuda:" + std::to_string(p.device) + " " + p.name + " (compute capability " +
           std::to_string(p.major) + "." + std::to_string(p.minor) + ", " +
           std::to_string(p.multiprocessors) + " multiprocessors)";
}

} // namespace normlab
