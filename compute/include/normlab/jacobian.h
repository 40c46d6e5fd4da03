// The Jacobian dy/dx of one slice of a normalization: its valid elements share one mean
// and variance, so each output of the slice depends on every input of the slice and on
// nothing else (for BatchNorm a slice spans the samples of a batch: the backward pass
// couples them). Closed form, with r = 1 / sqrt(var + eps), x̂_i = (x_i - mean) * r over
// the slice's n valid elements and γ_i the weight element i is scaled by:
//   batch statistics:  J_ij = γ_i r (δ_ij - c / n - x̂_i x̂_j / n),   c = 1, RMSNorm 0
//   fixed statistics (eval with running statistics):  J = diag(γ_i r)
// With equal γ the matrix is symmetric: γ r (I - 1 1ᵀ / n - x̂ x̂ᵀ / n), whose eigenvalues
// are γ r (n - 2 times), 0 (the direction 1: a shift of the slice changes nothing) and
// γ r eps / (var + eps) (the direction x̂: a scaling changes the output only through eps),
// so without eps the rank is n - 2 (RMSNorm, which does not centre: n - 1); the output lies
// on a sphere of radius sqrt(n) in the plane Σ y = 0.
//
// The spectrum is computed with Eigen (BDCSVD singular values; SelfAdjointEigenSolver when
// symmetric). Slices of more than `maxElements` valid elements are sampled: every
// (n / maxElements)-th element, and the matrix and spectrum are those of the sampled block.
#pragma once

#include "normlab/normalize.h"
#include "normlab/slice_indexer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace normlab {

struct SliceJacobian {
    std::string error; // non-empty: nothing else is set
    std::int64_t slice = -1;
    std::int64_t validElements = 0;     // n: the slice's valid elements
    std::vector<std::int64_t> elements; // flat input indices of the rows (= columns)
    bool sampled = false;               // elements.size() < validElements
    bool fixedStatistics = false;       // eval with running statistics: diagonal
    bool centered = true;               // false for RMSNorm
    // The statistics: with batch statistics the slice's, recomputed in float64 from all its
    // valid elements (as the kernels hold them, before rounding to the dtype); else the
    // running statistics as given.
    double mean = 0, var = 0, rstd = 0, eps = 0;
    std::vector<double> matrix;         // k x k row-major, k = elements.size()
    std::vector<double> singularValues; // descending
    bool symmetric = false;             // every γ of the slice equal
    std::vector<double> eigenvalues;    // ascending, when symmetric
    double rankTolerance = 0;           // σ_max * k * 2^-52 (as numpy.linalg.matrix_rank)
    std::int64_t rank = 0;              // singular values above the tolerance
};

// The Jacobian of slice `slice` (its flat index in the statistics grid, as sliceIndexMap)
// of the run `result` of (spec, inputs). Refused with a message for Batch-Channel Norm
// (two stages of statistics), an invalid run, a slice out of range or without valid
// elements.
// `slices`, when given, is SliceIndexer(spec, inputs) made before (the workbench keeps one).
// Memory beyond the inputs: the slice's valid elements' indices and the k x k matrix.
SliceJacobian sliceJacobian(const NormSpec& spec, const NormInputs& inputs,
                            const NormResult& result, std::int64_t slice,
                            std::int64_t maxElements = 1024, const SliceIndexer* slices = nullptr);

} // namespace normlab
