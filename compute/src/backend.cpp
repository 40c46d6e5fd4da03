#include "normlab/backend.h"

namespace normlab {

std::string_view backendName(BackendKind kind) {
    return kind == BackendKind::Cuda ? "cuda" : "cpu";
}

std::optional<BackendKind> backendFromName(std::string_view name) {
    if (name == "cpu") return BackendKind::Cpu;
    if (name == "cuda") return BackendKind::Cuda;
    return std::nullopt;
}

Backend* backendFor(BackendKind kind, std::string* why) {
    if (kind == BackendKind::Cpu) return &cpuBackend();
    return cudaBackend(why);
}

} // namespace normlab
