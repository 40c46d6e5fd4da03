// The Input dock: shape, generator, seed, dtype, per-sample lengths, or a .npy file.
#pragma once

#include "recent_files.h"

#include "workbench_state.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QMenu;
class QLineEdit;
class QSlider;
class QSpinBox;
class QToolButton;

namespace normlab::ui {

inline constexpr int kMaxSliders = 32;

class InputPanel : public QWidget {
    Q_OBJECT
  public:
    explicit InputPanel(QWidget* parent = nullptr);
    // Writes this panel's part of the state (recipe, loaded input, lengths).
    void writeTo(WorkbenchState& state) const;
    void readFrom(const WorkbenchState& state);
    // Parse problems of the lengths field; empty when fine.
    QString lengthsError() const { return lengthsError_; }
    // A mask painted on the Slices view (null clears it); clears the lengths. An edit.
    void setPaintedMask(std::shared_ptr<const Tensor> mask);
    // Loads a .npy activation as the input (its shape fills the editors) and remembers it
    // among the recent files. Returns why not (the current input then stays as it is).
    QString loadNpyFile(const QString& path);

  signals:
    void changed();
    // The shape changed (the normalization panel prefills its sizes from it).
    void shapeChanged(const normlab::Shape& shape);

  private:
    void loadNpy(); // asks for a file
    void showNpyError(const QString& path, const QString& error);
    // One slider per sample (up to kMaxSliders) mirroring the lengths field.
    void rebuildSliders();
    QStringList lengthTokens() const;
    void slidersFromText();
    void textFromSliders();
    void updateSizeEditors();
    void updateMaskStatus();
    Shape shape() const;

    QSpinBox* rank_;
    QSpinBox* sizes_[5];
    QLabel* sizeLabels_[5];
    QComboBox* generator_;
    QDoubleSpinBox* mean_;
    QDoubleSpinBox* spread_;
    QSpinBox* seed_;
    QComboBox* dtype_;
    QLineEdit* lengths_;
    QLabel* loaded_;
    QMenu* recentMenu_;
    RecentFiles recentNpy_{"recentNpy"};
    QWidget* sliderBox_;
    QList<QSlider*> sliders_;
    bool syncing_ = false;
    std::shared_ptr<const Tensor> loadedInput_;
    QString source_; // a captured layer's name, when the loaded input is one
    std::shared_ptr<const Tensor> paintedMask_;
    QLabel* maskStatus_;
    QToolButton* clearMask_;
    mutable QString lengthsError_;
    bool updating_ = false;
};

} // namespace normlab::ui
