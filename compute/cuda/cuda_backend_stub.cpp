// Built when NORMLAB_ENABLE_CUDA is OFF: there is no CUDA backend to hand out.
#include "normlab/backend.h"

namespace normlab {

Backend* cudaBackend(std::string* why) {
    if (why) *why = "CUDA support was not compiled in (configure with -DNORMLAB_ENABLE_CUDA=ON)";
    return nullptr;
}

int cudaDeviceCount() {
    return 0;
}

bool selectCudaDevice(int index, std::string* why) {
    return cudaBackend(why) != nullptr && index == 0;
}

bool resetCudaBackend(std::string* why) {
    return cudaBackend(why) != nullptr;
}

void setCudaAllocationLimitForTesting(std::size_t) {}

} // namespace normlab
