#include "running_stats.h"

namespace normlab::detail {

RunningUpdate updateRunningStats(const SliceLayout& layout, const std::vector<double>& mean,
                                 const std::vector<double>& biasedVar,
                                 const std::vector<std::int64_t>& count, double factor,
                                 bool unbiased, std::vector<double>& runningMean,
                                 std::vector<double>& runningVar) {
    const std::int64_t entries = layout.runningSize();
    std::vector<double> sumMean(std::size_t(entries), 0.0), sumVar(sumMean.size(), 0.0);
    std::vector<std::int64_t> contributors(sumMean.size(), 0);
    RunningUpdate update;
    for (std::int64_t m = 0; m < layout.slices; ++m) {
        const std::int64_t n = count[std::size_t(m)];
        if (n <= (unbiased ? 1 : 0)) {
            ++update.skippedSlices;
            continue;
        }
        const std::size_t r = std::size_t(layout.runningIndex(m));
        sumMean[r] += mean[std::size_t(m)];
        sumVar[r] += unbiased ? biasedVar[std::size_t(m)] * double(n) / double(n - 1)
                              : biasedVar[std::size_t(m)];
        ++contributors[r];
    }
    for (std::size_t r = 0; r < sumMean.size(); ++r) {
        if (contributors[r] == 0) {
            ++update.untouchedEntries;
            continue;
        }
        const double k = double(contributors[r]);
        runningMean[r] = (1 - factor) * runningMean[r] + factor * sumMean[r] / k;
        runningVar[r] = (1 - factor) * runningVar[r] + factor * sumVar[r] / k;
    }
    return update;
}

} // namespace normlab::detail
