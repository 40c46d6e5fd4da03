// The Normalization dock: variant, module arguments (prefilled from the input's shape but
// freely editable, so that mismatches can be made on purpose), mode and backend.
#pragma once

#include "workbench_state.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace normlab::ui {

class NormalizationPanel : public QWidget {
    Q_OBJECT
  public:
    explicit NormalizationPanel(QWidget* parent = nullptr);
    void writeTo(WorkbenchState& state) const;
    void readFrom(const WorkbenchState& state);
    // Prefills the sizes for a new input shape.
    void fitShape(const Shape& shape);
    QComboBox* variantBox() const { return variant_; }

  signals:
    void changed();

  private:
    void variantChanged();
    void updateEnabled();
    void loadParameters();

    QComboBox* variant_;
    QSpinBox* numFeatures_;
    QSpinBox* numGroups_;
    QLineEdit* normalizedShape_;
    QCheckBox* reduceAxes_[5]; // custom: one per input axis, shown up to the input's rank
    QLineEdit* eps_;
    QDoubleSpinBox* momentum_;
    QCheckBox* cumulative_;
    QCheckBox* affine_;
    QCheckBox* track_;
    QCheckBox* training_;
    QCheckBox* estimate_;
    QComboBox* backend_;
    QCheckBox* reestimate_;
    QComboBox* affineInit_;
    QSpinBox* affineSeed_;
    std::shared_ptr<const Tensor> loadedWeight_, loadedBias_;
    std::shared_ptr<const Tensor> loadedRunningMean_, loadedRunningVar_; // a captured layer's
    std::int64_t loadedNumBatchesTracked_ = 0;
    Shape shape_{4, 8, 16};
    bool updating_ = false;
};

} // namespace normlab::ui
