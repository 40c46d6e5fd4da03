// Why the CUDA backend can or cannot run, worded from what the CUDA runtime reported when it
// started (a probe of the driver, the devices and the kernel image). Plain C++, no CUDA
// headers: the wording is tested on machines without a GPU.
#pragma once

#include <string>

namespace normlab {

struct CudaProbe {
    // cudaGetDeviceCount
    bool driverMissing = false; // no NVIDIA driver at all (cudaDriverGetVersion gave 0)
    bool driverTooOld = false;  // cudaErrorInsufficientDriver with a driver present
    std::string countError;     // any other failure of cudaGetDeviceCount
    int driverVersion = 0;      // e.g. 12040 for CUDA 12.4
    int runtimeVersion = 0;     // this build's runtime, e.g. 13000
    int devices = 0;
    // The device asked for and what it is.
    int device = 0;
    std::string name;
    int major = 0, minor = 0; // compute capability
    int multiprocessors = 0;
    bool kernelImageLoads = false;  // a kernel of this build could be loaded on it
    std::string builtArchitectures; // "80 90": the CUDA_ARCHITECTURES compiled in
};

// Empty when the backend can run on `probe.device`; otherwise one sentence that says why,
// naming an old driver as such, a missing driver, no device, a device index out of range,
// or a GPU this build has no kernels for.
std::string cudaUnavailableReason(const CudaProbe& probe);

// "cuda:0 NVIDIA H200 (compute capability 9.0, 132 multiprocessors)".
std::string cudaDeviceDescription(const CudaProbe& probe);

// "12.4" from 12040.
std::string cudaVersionText(int version);

} // namespace normlab
