// Upstream gradients a learner can choose, and a finite-difference spot check of the
// backward pass that the Gradients view shows next to the gradients.
#pragma once

#include "normlab/backend.h"
#include "normlab/normalize.h"

#include <array>
#include <atomic>
#include <optional>
#include <string_view>

namespace normlab {

// The loss whose gradient flows back:
//   ones     L = sum(y)                    dy = 1
//   random   L = sum(r * y), r ~ N(0, 1)   dy = r (seeded)
//   channel  L = sum of channel c's y      dy = 1 on channel c, 0 elsewhere
//   mse      L = mean(y^2) (target 0)      dy = 2 y / numel
enum class Upstream { Ones, Random, Channel, Mse };
inline constexpr std::array<Upstream, 4> kAllUpstreams = {Upstream::Ones, Upstream::Random,
                                                          Upstream::Channel, Upstream::Mse};
std::string_view upstreamName(Upstream u); // "ones", "random", "channel", "mse"

// dy for `input`'s shape and dtype; `output` is needed for mse (y), ignored otherwise.
// random draws in seeded chunks as generateInput does; a null tensor where `cancel` (may
// be null) was set meanwhile.
Tensor upstreamGradient(Upstream kind, const Tensor& input, const Tensor& output,
                        std::uint64_t seed = 1, std::int64_t channel = 0,
                        const std::atomic<bool>* cancel = nullptr);

struct GradientCheck {
    int checked = 0;        // elements of x perturbed
    double maxAbsError = 0; // max |analytic - numeric| over them
    double maxRelError = 0; // same, relative to max(1, |numeric|)
};

// Central differences in float64 (h = 1e-6) of L = sum(dy * y) with respect to `samples`
// evenly spaced elements of x, against grad_input from `analytic` (a run of the same spec
// and inputs with grad_output = dy). The statistics are recomputed for each perturbation,
// so the check covers the training graph.
GradientCheck checkGradient(const NormSpec& spec, const NormInputs& inputs,
                            const NormResult& analytic, Backend& backend, int samples = 8);

} // namespace normlab
