#include "normlab/jacobian.h"

#include "plan.h"

#include <Eigen/Dense>
#include <Eigen/SVD>

#include <algorithm>
#include <cmath>
#include <limits>

namespace normlab {

SliceJacobian sliceJacobian(const NormSpec& spec, const NormInputs& inputs,
                            const NormResult& result, std::int64_t slice, std::int64_t maxElements,
                            const SliceIndexer* givenSlices) {
    SliceJacobian out;
    out.slice = slice;
    if (!result.ok()) {
        out.error = result.error;
        return out;
    }
    const detail::Plan plan = detail::makePlan(spec, inputs);
    if (!plan.error.empty()) {
        out.error = plan.error;
        return out;
    }
    if (plan.stages.size() != 1) {
        out.error = "The Jacobian view covers normalizations with one set of statistics; "
                    "Batch-Channel Norm's output depends on two.";
        return out;
    }
    if (slice < 0 || slice >= result.mean.size()) {
        out.error = "There is no slice " + std::to_string(slice) + " (slices 0 to " +
                    std::to_string(result.mean.size() - 1) + ").";
        return out;
    }
    SliceIndexer own;
    if (!givenSlices || !givenSlices->valid() || givenSlices->shape() != inputs.input.shape())
        own = SliceIndexer(spec, inputs);
    const SliceIndexer& slices = own.valid() ? own : *givenSlices;
    std::vector<std::int64_t> members;
    for (std::int64_t e = 0; e < slices.size(); ++e)
        if (slices.sliceOf(e) == slice) members.push_back(e);
    out.validElements = std::int64_t(members.size());
    if (members.empty()) {
        out.error = "Slice " + std::to_string(slice) + " has no valid element.";
        return out;
    }
    const std::int64_t n = out.validElements;
    const std::int64_t k = std::min(n, std::max<std::int64_t>(1, maxElements));
    out.sampled = k < n;
    out.elements.resize(std::size_t(k));
    for (std::int64_t i = 0; i < k; ++i)
        out.elements[std::size_t(i)] = members[std::size_t(i * n / k)];

    const detail::StagePlan& stage = plan.stages[0];
    out.fixedStatistics = stage.source != detail::StatsSource::Batch;
    out.centered = stage.stage.centered;
    out.eps = plan.eps;
    // The values the run used: x rounded to the run's dtype, element by element.
    const auto valueOf = [&](std::int64_t e) {
        const double v = inputs.input.at(e);
        return plan.dtype == DType::Float32 ? double(float(v)) : v;
    };
    if (out.fixedStatistics) { // the running statistics, as given
        out.mean = result.mean.at(slice);
        out.var = result.var.at(slice);
    } else { // as the kernels: two passes in float64 over every valid element of the slice
        double sum = 0, squares = 0;
        for (std::int64_t e : members) sum += out.centered ? valueOf(e) : 0.0;
        out.mean = sum / double(n);
        for (std::int64_t e : members) squares += (valueOf(e) - out.mean) * (valueOf(e) - out.mean);
        out.var = squares / double(n);
    }
    out.rstd = 1.0 / std::sqrt(out.var + out.eps);
    std::vector<double> gamma(std::size_t(k), 1.0), xhat(std::size_t(k), 0.0);
    const bool weighted = spec.affine && !inputs.weight.isNull();
    const std::vector<std::int64_t> params =
        weighted ? parameterIndicesOf(spec, inputs, out.elements) : std::vector<std::int64_t>{};
    for (std::int64_t i = 0; i < k; ++i) {
        const std::int64_t e = out.elements[std::size_t(i)];
        if (weighted) gamma[std::size_t(i)] = inputs.weight.at(params[std::size_t(i)]);
        xhat[std::size_t(i)] = (valueOf(e) - out.mean) * out.rstd;
    }
    Eigen::MatrixXd J = Eigen::MatrixXd::Zero(k, k);
    const double c = out.centered ? 1.0 : 0.0;
    for (std::int64_t i = 0; i < k; ++i)
        for (std::int64_t j = 0; j < k; ++j) {
            const double g = gamma[std::size_t(i)] * out.rstd;
            const double delta = i == j ? 1.0 : 0.0;
            J(i, j) = out.fixedStatistics
                          ? g * delta
                          : g * (delta - c / double(n) -
                                 xhat[std::size_t(i)] * xhat[std::size_t(j)] / double(n));
        }
    out.matrix.resize(std::size_t(k * k));
    for (std::int64_t i = 0; i < k; ++i)
        for (std::int64_t j = 0; j < k; ++j) out.matrix[std::size_t(i * k + j)] = J(i, j);

    const Eigen::BDCSVD<Eigen::MatrixXd> svd(J);
    const Eigen::VectorXd sigma = svd.singularValues();
    out.singularValues.assign(sigma.data(), sigma.data() + sigma.size());
    std::sort(out.singularValues.rbegin(), out.singularValues.rend());
    out.symmetric =
        std::all_of(gamma.begin(), gamma.end(), [&](double g) { return g == gamma.front(); });
    if (out.symmetric) {
        const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(J, Eigen::EigenvaluesOnly);
        out.eigenvalues.assign(eigen.eigenvalues().data(),
                               eigen.eigenvalues().data() + eigen.eigenvalues().size());
    }
    const double largest = out.singularValues.empty() ? 0.0 : out.singularValues.front();
    out.rankTolerance = largest * double(k) * std::numeric_limits<double>::epsilon();
    out.rank = std::count_if(out.singularValues.begin(), out.singularValues.end(),
                             [&](double s) { return s > out.rankTolerance; });
    return out;
}

} // namespace normlab
