// The PyTorch snippet of a workbench setup (normlab/pytorch_code.h) and the files it reads,
// written together into one folder so that `python3 normlab_snippet.py` there reproduces
// the workbench's output.
#pragma once

#include "recompute_controller.h"

#include "normlab/pytorch_code.h"

#include <QString>

namespace normlab::ui {

inline constexpr char kSnippetFileName[] = "normlab_snippet.py";

SnippetSetup snippetSetupOf(const WorkbenchState& state);

// Writes normlab_snippet.py for `outcome`'s state, its exact input as input.npy, the painted
// mask as mask.npy and non-default affine parameters as weight.npy, bias.npy (channel_*.npy
// for batch_channel_norm) into `folder`, which must exist. Returns why not, or empty.
QString writeSnippetFolder(const QString& folder, const ComputeOutcome& outcome);

} // namespace normlab::ui
