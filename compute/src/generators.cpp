#include "normlab/generators.h"

#include "normlab/name_table.h"
#include "normlab/npy.h"

#include "seeded_fill.h"

#include <cmath>
#include <numbers>
#include <random>
#include <utility>

namespace normlab {

namespace {
constexpr NameTable<Generator, 7> kNames{{{
    {Generator::Normal, "normal"},
    {Generator::Uniform, "uniform"},
    {Generator::Constant, "constant"},
    {Generator::Ramp, "ramp"},
    {Generator::SinePerChannel, "sine"},
    {Generator::Outliers, "outliers"},
    {Generator::Checkerboard, "checkerboard"},
}}};
} // namespace

std::string_view generatorName(Generator g) {
    return kNames.nameOf(g, "normal");
}

std::optional<Generator> generatorFromName(std::string_view name) {
    return kNames.find(name);
}

Tensor generateInput(const InputRecipe& r, std::string* error, const std::atomic<bool>* cancel) {
    auto fail = [&](std::string message) {
        if (error) *error = std::move(message);
        return Tensor();
    };
    if (r.shape.empty() || int(r.shape.size()) > kMaxRank)
        return fail("the shape needs 1 to 5 dimensions");
    for (auto d : r.shape)
        if (d <= 0) return fail("every size must be at least 1, got " + shapeToString(r.shape));
    const std::int64_t n = numElements(r.shape);
    if (n > kMaxElements / 8)
        return fail("the shape " + shapeToString(r.shape) + " has " + std::to_string(n) +
                    " elements; NormLab builds inputs of at most 2^28");
    if (!isFloating(r.dtype)) return fail("the input dtype must be float32 or float64");
    Tensor t = Tensor::uninitialized(r.shape, r.dtype);
    const std::int64_t last = r.shape.back();
    const std::int64_t channels = r.shape.size() >= 2 ? r.shape[1] : 1;
    const std::int64_t perChannel = r.shape.size() >= 2 ? n / r.shape[0] / channels : n;
    std::mt19937_64 afterFirst;
    const auto chunk = [&](std::int64_t begin, std::int64_t end, std::mt19937_64& rng, auto store) {
        std::normal_distribution<double> normal(0.0, 1.0);
        std::uniform_real_distribution<double> uniform(-1.0, 1.0);
        for (std::int64_t i = begin; i < end; ++i) {
            double v = r.mean;
            switch (r.generator) {
            case Generator::Normal:
            case Generator::Outliers:
                v = r.mean + r.spread * normal(rng);
                break;
            case Generator::Uniform:
                v = r.mean + r.spread * uniform(rng);
                break;
            case Generator::Constant:
                break;
            case Generator::Ramp:
                v = r.mean + r.spread * (n > 1 ? 2.0 * double(i) / double(n - 1) - 1.0 : 0.0);
                break;
            case Generator::SinePerChannel: {
                const std::int64_t c = (i / perChannel) % channels;
                const double k = double(i % last);
                v = r.mean +
                    r.spread * std::sin(2 * std::numbers::pi * double(c + 1) * k / double(last));
                break;
            }
            case Generator::Checkerboard: {
                std::int64_t parity = 0, rest = i;
                for (std::size_t a = r.shape.size(); a-- > 0;) {
                    parity += rest % r.shape[a];
                    rest /= r.shape[a];
                }
                v = r.mean + (parity % 2 ? r.spread : -r.spread);
                break;
            }
            }
            store(i, v);
        }
    };
    if (!detail::fillSeeded(t, r.seed, cancel, chunk, &afterFirst)) return fail("cancelled");
    if (r.generator == Generator::Outliers) {
        // One chunk: the same engine goes on (as before the chunks); more: one of its own.
        std::mt19937_64 rng =
            n <= detail::kSeededChunk ? afterFirst : std::mt19937_64(detail::chunkSeed(r.seed, -1));
        const std::int64_t count = std::max<std::int64_t>(1, n / 100);
        std::uniform_int_distribution<std::int64_t> pick(0, n - 1);
        for (std::int64_t k = 0; k < count; ++k) t.set(pick(rng), r.mean + 20.0 * r.spread);
    }
    return t;
}

} // namespace normlab
