// Built when NORMLAB_ENABLE_CUDA is OFF: there is no CUDA backend to hand out.
#include "normlab/backend.h"

namespace normlab {

Backend* cudaBackend(std::string* why) {
    if (why) *why = "CUDA support was not compiled in (configure with -DNORMLAB_ENABLE_CUDA=ON)";
    return nullptr;
}

} // namespace normlab
