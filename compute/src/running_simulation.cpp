#include "normlab/running_simulation.h"

#include "normlab/normalize.h"

#include <algorithm>
#include <cmath>

namespace normlab {

RunningSimulation simulateRunningStats(const NormSpec& spec, const InputRecipe& recipe, int steps,
                                       const std::function<bool(int)>& progress) {
    RunningSimulation sim;
    if (steps < 1 || steps > 100000) {
        sim.error = "the number of steps must be between 1 and 100000";
        return sim;
    }
    if (!spec.trackRunningStats) {
        sim.error = std::string(variantName(spec.variant)) +
                    " as configured keeps no running statistics (track_running_stats is false)";
        return sim;
    }
    switch (recipe.generator) {
    case Generator::Normal:
        sim.populationMean = recipe.mean;
        sim.populationVar = recipe.spread * recipe.spread;
        break;
    case Generator::Uniform:
        sim.populationMean = recipe.mean;
        sim.populationVar = recipe.spread * recipe.spread / 3.0;
        break;
    case Generator::Constant:
        sim.populationMean = recipe.mean;
        sim.populationVar = 0.0;
        break;
    default:
        break;
    }
    NormSpec train = spec;
    train.training = true;
    NormInputs in;
    std::int64_t batches = 0;
    InputRecipe r = recipe;
    for (int step = 0; step < steps; ++step) {
        r.seed = recipe.seed + std::uint64_t(step) + 1;
        in.input = generateInput(r, &sim.error);
        if (in.input.isNull()) return sim;
        in.numBatchesTracked = batches;
        const NormResult result = normalize(train, in, cpuBackend(), RunOptions{false});
        if (!result.ok()) {
            sim.error = result.error;
            return sim;
        }
        in.runningMean = result.runningMean;
        in.runningVar = result.runningVar;
        batches = result.numBatchesTracked;
        sim.runningMean.push_back(result.runningMean.toVector());
        sim.runningVar.push_back(result.runningVar.toVector());
        sim.stepsDone = step + 1;
        if (progress && !progress(step + 1)) {
            sim.cancelled = true;
            return sim;
        }
    }
    r.seed = recipe.seed + std::uint64_t(steps) + 1;
    in.input = generateInput(r, &sim.error);
    in.numBatchesTracked = batches;
    NormSpec eval = spec;
    eval.training = false;
    const NormResult yTrain = normalize(train, in, cpuBackend(), RunOptions{false});
    const NormResult yEval = normalize(eval, in, cpuBackend(), RunOptions{false});
    if (!yTrain.ok() || !yEval.ok()) {
        sim.error = yTrain.ok() ? yEval.error : yTrain.error;
        return sim;
    }
    for (std::int64_t i = 0; i < yTrain.output.size(); ++i)
        sim.trainEvalGap =
            std::max(sim.trainEvalGap, std::fabs(yTrain.output.at(i) - yEval.output.at(i)));
    return sim;
}

} // namespace normlab
