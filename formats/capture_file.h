// Captures written by `normlab_trace.py --activations DIR` (docs/capture.md): DIR/capture.json
// lists the normalization layers, each with its configuration and its tensors as .npy files.
// Opening a capture reads the manifest only; a layer's tensors are read when it is loaded,
// memory-mapped (readNpy), so a capture of any size opens at once.
//
// A manifest that is not such a file, names a file outside DIR, or describes a configuration
// PyTorch would not build is refused whole, with the reason. A layer whose files are missing or
// disagree with the manifest (shapes, dtypes) is refused when it is loaded, with the reason;
// nothing is loaded halfway.
#pragma once

#include "normlab/layer_health.h"
#include "normlab/spec.h"
#include "normlab/tensor.h"

#include <QString>

#include <optional>
#include <vector>

namespace normlab::formats {

struct CapturedLayer {
    QString name, type, kind, repr; // dotted path, class, "batch_norm", the module's line
    NormSpec spec;                  // configuration and training flag, as captured
    Shape inputShape;               // of the whole call
    std::int64_t capturedSamples = 0;
    QString dtype; // the activation's dtype in the model ("float16" is saved as float32)
    std::int64_t numBatchesTracked = 0;
    // Absolute paths; empty when not captured.
    QString input, output, weight, bias, runningMean, runningVar;
};

struct Capture {
    QString directory;
    QString torchVersion, modelClass;
    Shape modelInputShape;
    QString lengths, mask; // absolute paths, or empty
    // How the inputs were made when they are not the user's data ("normal"); empty: real data.
    QString generated;
    std::vector<CapturedLayer> layers;
};

// Empty on success, else why `directory` does not hold a capture.
QString readCapture(const QString& directory, Capture& out);

// A layer's tensors, ready for the health check or the workbench: the input and PyTorch's
// output of the captured samples, the parameters and running statistics, and the valid-element
// mask when the capture has lengths or a mask and the layer's time axis can be told (`why`
// says when it cannot).
struct LoadedLayer {
    LayerHealthInput health;
    QString paddingNote; // how the padding was placed on this layer, or why it was not
};
QString loadCapturedLayer(const Capture& capture, std::size_t index, LoadedLayer& out);

} // namespace normlab::formats
