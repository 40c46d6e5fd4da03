#include "normlab/gradient_check.h"

#include "seeded_fill.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace normlab {

std::string_view upstreamName(Upstream u) {
    switch (u) {
    case Upstream::Ones:
        return "ones";
    case Upstream::Random:
        return "random";
    case Upstream::Channel:
        return "channel";
    case Upstream::Mse:
        return "mse";
    }
    return "ones";
}

Tensor upstreamGradient(Upstream kind, const Tensor& input, const Tensor& output,
                        std::uint64_t seed, std::int64_t channel, const std::atomic<bool>* cancel) {
    const Shape& shape = input.shape();
    Tensor dy = kind == Upstream::Random ? Tensor::uninitialized(shape, input.dtype())
                                         : Tensor::zeros(shape, input.dtype());
    const std::int64_t n = dy.size();
    switch (kind) {
    case Upstream::Ones:
        for (std::int64_t i = 0; i < n; ++i) dy.set(i, 1.0);
        break;
    case Upstream::Random: {
        const auto chunk = [](std::int64_t begin, std::int64_t end, std::mt19937_64& rng,
                              auto store) {
            std::normal_distribution<double> normal(0.0, 1.0);
            for (std::int64_t i = begin; i < end; ++i) store(i, normal(rng));
        };
        if (!detail::fillSeeded(dy, seed, cancel, chunk)) return Tensor();
        break;
    }
    case Upstream::Channel: {
        const std::int64_t C = shape.size() >= 2 ? shape[1] : 1;
        const std::int64_t inner = shape.size() >= 2 ? n / shape[0] / C : 1;
        const std::int64_t c = std::clamp<std::int64_t>(channel, 0, C - 1);
        for (std::int64_t i = 0; i < n; ++i)
            if ((i / inner) % C == c) dy.set(i, 1.0);
        break;
    }
    case Upstream::Mse:
        for (std::int64_t i = 0; i < n && i < output.size(); ++i)
            dy.set(i, 2.0 * output.at(i) / double(n));
        break;
    }
    return dy;
}

GradientCheck checkGradient(const NormSpec& spec, const NormInputs& inputs,
                            const NormResult& analytic, Backend& backend, int samples) {
    GradientCheck check;
    if (!analytic.ok() || analytic.gradInput.isNull() || inputs.gradOutput.isNull()) return check;
    NormSpec spec64 = spec;
    spec64.dtype = DType::Float64;
    NormInputs probe = inputs;
    probe.input = inputs.input.castTo(DType::Float64);
    const Tensor dy = inputs.gradOutput.castTo(DType::Float64);
    probe.gradOutput = Tensor();
    auto loss = [&] {
        const NormResult r = normalize(spec64, probe, backend, RunOptions{false});
        double sum = 0;
        for (std::int64_t i = 0; i < r.output.size(); ++i) sum += dy.at(i) * r.output.at(i);
        return sum;
    };
    const std::int64_t n = probe.input.size();
    const int count = int(std::min<std::int64_t>(samples, n));
    const double h = 1e-6;
    for (int k = 0; k < count; ++k) {
        const std::int64_t i = (n * k) / count + (n / count) / 2;
        const double keep = probe.input.at(i);
        probe.input.set(i, keep + h);
        const double up = loss();
        probe.input.set(i, keep - h);
        const double down = loss();
        probe.input.set(i, keep);
        const double numeric = (up - down) / (2 * h);
        const double error = std::fabs(analytic.gradInput.at(i) - numeric);
        check.maxAbsError = std::max(check.maxAbsError, error);
        check.maxRelError = std::max(check.maxRelError, error / std::max(1.0, std::fabs(numeric)));
        ++check.checked;
    }
    return check;
}

} // namespace normlab
