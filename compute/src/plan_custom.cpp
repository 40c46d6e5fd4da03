// The custom variant's plan: validate the reduction axes and channel groups, order the
// axes into the slice layout [batch if reduced] [kept] [channel part if reduced] [other
// reduced], and fill the stage's layout, statistics grid and parameter indexing.
#include "plan_checker.h"

#include <algorithm>
#include <optional>
#include <set>
#include <vector>

namespace normlab::detail {

namespace {

// The reduction axes (0 .. rank - 1) and the channel groups, once checked.
struct CustomAxes {
    std::set<int> reduce;
    bool grouped = false;    // channels split into groups (one group is no grouping)
    std::int64_t groups = 1; // G when grouped
    bool reduces(int axis) const { return reduce.count(axis) > 0; }
};

// The spec's reduce_axes and num_groups against the input, and num_features against its
// channels (a mismatch only warns without affine parameters or running statistics);
// nullopt once c has failed with the message.
std::optional<CustomAxes> checkCustomAxes(Checker& c) {
    const NormSpec& spec = c.spec;
    if (c.rank < 2) {
        c.fail("custom normalization needs an input with at least 2 dims (N, C, ...), got " +
               num(c.rank) + "D");
        return std::nullopt;
    }
    if (spec.reduceAxes.empty()) {
        c.fail("custom normalization needs reduce_axes");
        return std::nullopt;
    }
    CustomAxes axes;
    for (int a : spec.reduceAxes) {
        const int axis = a < 0 ? a + c.rank : a;
        if (axis < 0 || axis >= c.rank) {
            c.fail("reduce_axes: axis " + num(a) + " is out of range for a " + num(c.rank) +
                   "D input");
            return std::nullopt;
        }
        if (!axes.reduce.insert(axis).second) {
            c.fail("reduce_axes: axis " + num(a) + " is repeated");
            return std::nullopt;
        }
    }
    const std::int64_t C = c.channels();
    axes.grouped = spec.numGroups.has_value() && *spec.numGroups != 1;
    if (axes.grouped) {
        axes.groups = *spec.numGroups;
        if (axes.groups <= 0) {
            c.fail("num_groups must be positive, got " + num(axes.groups));
            return std::nullopt;
        }
        if (!axes.reduces(1)) {
            c.fail("num_groups splits the channel axis into groups to reduce over, so "
                   "reduce_axes must contain 1");
            return std::nullopt;
        }
        if (C % axes.groups != 0) {
            c.fail("Expected number of channels in input to be divisible by num_groups, but got "
                   "input of shape " +
                   shapeToString(c.shape) + " and num_groups=" + num(axes.groups));
            return std::nullopt;
        }
    }
    const std::int64_t nf = spec.numFeatures.value_or(C);
    if (nf != C) {
        if (spec.affine || spec.trackRunningStats) {
            c.fail(ConfigError::NumFeaturesMismatch, PyException::ValueError,
                   "expected input's size at dim=1 to match num_features (" + num(nf) +
                       "), but got: " + num(C) + ".");
            return std::nullopt;
        }
        c.mismatchWarning(nf, "custom");
    }
    return axes;
}

// The axes in layout order; the kept ones in that order (the statistics grid's, the
// channel's group last when grouped) and the reduced ones other than 0 and 1.
struct CustomOrder {
    std::vector<int> order, kept, rest;
};

CustomOrder customAxisOrder(const Checker& c, const CustomAxes& axes) {
    CustomOrder o;
    std::vector<int> keptSpatial;
    for (int a = 2; a < c.rank; ++a) (axes.reduces(a) ? o.rest : keptSpatial).push_back(a);
    const bool channelReduced = axes.reduces(1);
    if (axes.reduces(0)) o.order.push_back(0);
    if (!axes.reduces(0)) o.kept.push_back(0);
    if (!channelReduced) o.kept.push_back(1);
    o.kept.insert(o.kept.end(), keptSpatial.begin(), keptSpatial.end());
    if (axes.grouped) o.kept.push_back(1); // its group index; Cg follows as first reduced axis
    // Keep the channel's kept position in input order when it is not grouped.
    if (!channelReduced) std::sort(o.kept.begin(), o.kept.end());
    o.order.insert(o.order.end(), o.kept.begin(), o.kept.end());
    if (channelReduced && !axes.grouped) o.order.push_back(1);
    o.order.insert(o.order.end(), o.rest.begin(), o.rest.end());
    return o;
}

// The stage's layout (outer, slices, span, parameter indexing), statistics and running
// grids with their permutations to input order, and the input permutation.
void fillCustomStage(const Checker& c, const CustomAxes& axes, const CustomOrder& o, Stage& s) {
    const std::int64_t C = c.channels(), G = axes.groups;
    const bool channelReduced = axes.reduces(1);
    SliceLayout& L = s.layout;
    L.batch = c.batch();
    L.outer = axes.reduces(0) ? c.batch() : 1;
    L.batchPlace = axes.reduces(0) ? BatchPlace::Outer : BatchPlace::Slices;
    L.slices = 1;
    std::vector<int> keptInputOrder = o.kept;
    std::sort(keptInputOrder.begin(), keptInputOrder.end());
    for (int a : keptInputOrder) {
        const std::int64_t size = (a == 1 && axes.grouped) ? G : c.shape[std::size_t(a)];
        L.slices *= size;
        s.statsShape.push_back(size);
    }
    if (o.kept != keptInputOrder) {
        for (int a : o.kept)
            s.statsPermutation.push_back(
                int(std::find(keptInputOrder.begin(), keptInputOrder.end(), a) -
                    keptInputOrder.begin()));
        s.runningPermutation = s.statsPermutation;
        if (!axes.reduces(0)) { // the batch axis (first in both orders) is not in the running grid
            s.runningPermutation.erase(s.runningPermutation.begin());
            for (int& k : s.runningPermutation) --k;
        }
    }
    L.paramInner = channelReduced ? (axes.grouped ? C / G : C) : 1;
    L.span = 1;
    for (int a : o.rest) L.span *= c.shape[std::size_t(a)];
    if (channelReduced) {
        L.paramMod = axes.grouped ? G : 1;
        L.paramDiv = 1;
    } else {
        L.paramMod = C;
        std::int64_t after = 1;
        bool seen = false;
        for (int a : o.kept) {
            if (seen) after *= c.shape[std::size_t(a)];
            if (a == 1) seen = true;
        }
        L.paramDiv = after;
    }
    s.paramShape = {C};
    s.runningShape = s.statsShape;
    if (L.batchPlace == BatchPlace::Slices) s.runningShape.erase(s.runningShape.begin());
    if (s.runningShape.empty()) s.runningShape = {1};
    if (s.runningPermutation.empty() && !s.statsPermutation.empty()) s.runningPermutation = {0};
    if (!std::is_sorted(o.order.begin(), o.order.end())) s.permutation = o.order;
    const int last = c.rank - 1;
    setPrefix(s, c.shape, last >= 2 && !o.rest.empty() && o.rest.back() == last);
}

} // namespace

bool planCustom(Checker& c, StagePlan& sp) {
    const std::optional<CustomAxes> axes = checkCustomAxes(c);
    if (!axes) return false;
    fillCustomStage(c, *axes, customAxisOrder(c, *axes), sp.stage);
    const bool useBatchStats = c.spec.training || !c.spec.trackRunningStats;
    sp.source = useBatchStats ? StatsSource::Batch : StatsSource::Running;
    sp.updatesRunning = c.spec.training && c.spec.trackRunningStats;
    return true;
}

} // namespace normlab::detail
