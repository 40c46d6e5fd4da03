// PyTorch's running-statistics update:
//   running = (1 - f) * running + f * batch_stat,  f = momentum, or 1 / num_batches_tracked
//   (after incrementing it) when momentum is null (cumulative average).
// running_var takes the unbiased variance var * n / (n - 1) (BatchNorm, InstanceNorm), or
// the biased one (batch_channel_norm's estimate mode). When the batch axis is kept
// (InstanceNorm) each instance updates its own copy and the buffers become the mean of the
// copies over N, which is the update with the mean over N of the instance statistics.
// Slices with too few valid elements (n <= 1 unbiased, n == 0 biased) are left out.
#pragma once

#include "normlab/layout.h"

#include <cstdint>
#include <vector>

namespace normlab::detail {

struct RunningUpdate {
    std::int64_t skippedSlices = 0;    // left out for having too few valid elements
    std::int64_t untouchedEntries = 0; // running entries no slice contributed to
};

RunningUpdate updateRunningStats(const SliceLayout& layout, const std::vector<double>& mean,
                                 const std::vector<double>& biasedVar,
                                 const std::vector<std::int64_t>& count, double factor,
                                 bool unbiased, std::vector<double>& runningMean,
                                 std::vector<double>& runningVar);

} // namespace normlab::detail
