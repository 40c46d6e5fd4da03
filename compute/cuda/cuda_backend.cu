// Built when NORMLAB_ENABLE_CUDA is ON. The device kernels are the CUDA-backend issue's
// work; until they land, this reports why no CUDA backend can be handed out: no device
// (with the runtime's own words), or a device but no kernels yet.
#include "normlab/backend.h"

#include <cuda_runtime.h>

#include <string>

namespace normlab {

Backend* cudaBackend(std::string* why) {
    int devices = 0;
    const cudaError_t status = cudaGetDeviceCount(&devices);
    if (status != cudaSuccess || devices == 0) {
        if (why)
            *why = std::string("CUDA backend unavailable: no CUDA device found (") +
                   (status != cudaSuccess ? cudaGetErrorString(status) : "0 devices") + ")";
        return nullptr;
    }
    if (why)
        *why = "CUDA backend unavailable: a CUDA device is present but the CUDA kernels are not "
               "implemented in this build yet";
    return nullptr;
}

} // namespace normlab
