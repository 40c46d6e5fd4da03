#include "workbench_state.h"

namespace normlab::ui {

NormSpec specFittingShape(Variant variant, const Shape& shape) {
    NormSpec spec = NormSpec::defaultsFor(variant);
    const std::int64_t C = shape.size() >= 2 ? shape[1] : 1;
    spec.numFeatures = C;
    spec.normalizedShape = {shape.empty() ? 1 : shape.back()};
    std::int64_t groups = 1;
    for (std::int64_t g : {32, 16, 8, 4, 2})
        if (C % g == 0 && g < C) {
            groups = g;
            break;
        }
    if (variant == Variant::GroupNorm || variant == Variant::BatchChannelNorm ||
        variant == Variant::Custom)
        spec.numGroups =
            variant == Variant::Custom ? std::nullopt : std::optional<std::int64_t>(groups);
    if (variant == Variant::Custom) {
        spec.reduceAxes.clear();
        for (int a = 0; a < int(shape.size()); ++a)
            if (a != 1) spec.reduceAxes.push_back(a);
    }
    return spec;
}

} // namespace normlab::ui
