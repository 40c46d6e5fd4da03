// Turning the user's lengths or mask into what kernels read (normlab::Validity), and
// counting valid elements per run without touching the data.
#pragma once

#include "normlab/backend.h"
#include "normlab/normalize.h"

#include <cstdint>
#include <vector>

namespace normlab::detail {

// Everything a stage needs to describe its valid elements. Owns the storage that the
// Validity points into; keep it alive while kernels run.
class StageValidity {
  public:
    StageValidity() = default;
    // `lengthsArePrefix` / `chunk` come from the stage; `permutation` as in Stage.
    StageValidity(const NormInputs& inputs, const Stage& stage);
    StageValidity(const StageValidity&) = delete;
    StageValidity& operator=(const StageValidity&) = delete;

    const Validity& validity() const { return validity_; }
    bool masked() const { return validity_.mask || validity_.lengths; }
    // Valid elements in the run (o, m, p) of `layout`.
    std::int64_t validInRun(const SliceLayout& layout, std::int64_t o, std::int64_t m,
                            std::int64_t p) const;

  private:
    std::vector<std::int64_t> lengths_;
    Tensor layoutMask_; // uint8, layout order
    Validity validity_;
};

// 1 where the element is valid, in input order (uint8); null tensor when nothing is masked.
Tensor inputOrderMask(const NormInputs& inputs);

} // namespace normlab::detail
