// Running statistics over simulated training steps: K fresh batches from a recipe (seeds
// recipe.seed + 1 .. + K) pass through the module in training mode, each step starting
// from the previous step's running buffers. Then one more fresh batch is normalised in
// training and in eval mode, and the largest output difference is the train/eval gap.
#pragma once

#include "normlab/generators.h"
#include "normlab/spec.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace normlab {

struct RunningSimulation {
    std::string error; // empty on success
    int stepsDone = 0;
    bool cancelled = false;
    std::vector<std::vector<double>> runningMean; // [step][entry]
    std::vector<std::vector<double>> runningVar;
    // The values the running statistics estimate, where the generator defines them
    // (normal: mean, spread^2; uniform: mean, spread^2 / 3; constant: mean, 0).
    std::optional<double> populationMean, populationVar;
    double trainEvalGap = 0; // max |y_train - y_eval| on a fresh batch after the steps
};

// `progress(done)` is called after each step; returning false cancels.
RunningSimulation simulateRunningStats(const NormSpec& spec, const InputRecipe& recipe, int steps,
                                       const std::function<bool(int)>& progress = {});

} // namespace normlab
