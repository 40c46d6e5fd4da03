#include "input_panel.h"
#include "workbench_limits.h"

#include "normlab/npy.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace normlab::ui {

InputPanel::InputPanel(QWidget* parent)
    : QWidget(parent) {
    auto* form = new QFormLayout(this);
    rank_ = new QSpinBox(this);
    rank_->setRange(1, 5);
    rank_->setValue(3);
    form->addRow(tr("Rank"), rank_);
    const char* names[5] = {QT_TR_NOOP("N (batch)"), QT_TR_NOOP("C (channels)"), QT_TR_NOOP("D1"),
                            QT_TR_NOOP("D2"), QT_TR_NOOP("D3")};
    const int defaults[5] = {4, 8, 16, 8, 8};
    for (int i = 0; i < 5; ++i) {
        sizes_[i] = new QSpinBox(this);
        sizes_[i]->setRange(1, int(kMaxEditorSize));
        sizes_[i]->setValue(defaults[i]);
        sizes_[i]->setObjectName(QStringLiteral("size%1").arg(i));
        sizeLabels_[i] = new QLabel(tr(names[i]), this);
        form->addRow(sizeLabels_[i], sizes_[i]);
        connect(sizes_[i], &QSpinBox::valueChanged, this, [this] {
            if (updating_) return;
            emit shapeChanged(shape());
            emit changed();
        });
    }
    generator_ = new QComboBox(this);
    for (Generator g : kAllGenerators)
        generator_->addItem(QString::fromStdString(std::string(generatorName(g))), int(g));
    form->addRow(tr("Generator"), generator_);
    mean_ = new QDoubleSpinBox(this);
    mean_->setRange(-kMaxAbsMean, kMaxAbsMean);
    mean_->setDecimals(3);
    form->addRow(tr("Mean / value"), mean_);
    spread_ = new QDoubleSpinBox(this);
    spread_->setRange(0, kMaxSpread);
    spread_->setDecimals(3);
    spread_->setValue(1.0);
    form->addRow(tr("Spread (std)"), spread_);
    seed_ = new QSpinBox(this);
    seed_->setRange(0, int(kMaxSeed));
    seed_->setValue(1);
    seed_->setObjectName("seed");
    form->addRow(tr("Seed"), seed_);
    dtype_ = new QComboBox(this);
    dtype_->addItem("float32", int(DType::Float32));
    dtype_->addItem("float64", int(DType::Float64));
    form->addRow(tr("dtype"), dtype_);
    lengths_ = new QLineEdit(this);
    lengths_->setObjectName("lengths");
    lengths_->setPlaceholderText(tr("e.g. 16, 9, 1, 0 (one per sample; empty: no mask)"));
    form->addRow(tr("Lengths"), lengths_);
    auto* maskRow = new QHBoxLayout;
    maskStatus_ = new QLabel(this);
    maskStatus_->setObjectName("maskStatus");
    maskStatus_->setWordWrap(true);
    maskStatus_->setToolTip(tr("Paint a mask on the Slices view: choose a brush above its plot "
                               "and drag over the cells."));
    clearMask_ = new QToolButton(this);
    clearMask_->setObjectName("clearMask");
    clearMask_->setText(tr("Clear"));
    clearMask_->setToolTip(tr("Remove the painted mask (every element valid)"));
    maskRow->addWidget(maskStatus_, 1);
    maskRow->addWidget(clearMask_);
    form->addRow(tr("Mask"), maskRow);
    connect(clearMask_, &QToolButton::clicked, this, [this] { setPaintedMask(nullptr); });
    sliderBox_ = new QWidget(this);
    new QVBoxLayout(sliderBox_);
    sliderBox_->layout()->setContentsMargins(0, 0, 0, 0);
    form->addRow(QString(), sliderBox_);
    auto* load = new QPushButton(tr("Load .npy..."), this);
    auto* recent = new QToolButton(this);
    recent->setObjectName("recentNpy");
    recent->setText(tr("Recent"));
    recent->setToolTip(tr("Activations loaded before"));
    recent->setPopupMode(QToolButton::InstantPopup);
    recentMenu_ = new QMenu(recent);
    recent->setMenu(recentMenu_);
    recentNpy_.fillMenu(recentMenu_, [this](const QString& p) {
        if (const QString error = loadNpyFile(p); !error.isEmpty()) showNpyError(p, error);
    });
    auto* loadRow = new QHBoxLayout;
    loadRow->addWidget(load);
    loadRow->addWidget(recent);
    loaded_ = new QLabel(this);
    loaded_->setWordWrap(true);
    form->addRow(loadRow);
    form->addRow(loaded_);

    connect(rank_, &QSpinBox::valueChanged, this, [this] {
        updateSizeEditors();
        if (updating_) return;
        emit shapeChanged(shape());
        emit changed();
    });
    for (QObject* w : std::initializer_list<QObject*>{generator_, dtype_})
        connect(static_cast<QComboBox*>(w), &QComboBox::currentIndexChanged, this,
                &InputPanel::changed);
    for (QDoubleSpinBox* w : {mean_, spread_})
        connect(w, &QDoubleSpinBox::valueChanged, this, &InputPanel::changed);
    connect(seed_, &QSpinBox::valueChanged, this, &InputPanel::changed);
    // Typing lengths replaces a painted mask; a new shape or input drops it. (Connected
    // before `changed` so that the state written for that edit has no mask.)
    connect(lengths_, &QLineEdit::textChanged, this, [this] {
        if (updating_) return;
        paintedMask_.reset();
        updateMaskStatus();
    });
    connect(this, &InputPanel::shapeChanged, this, [this] {
        paintedMask_.reset();
        updateMaskStatus();
    });
    connect(lengths_, &QLineEdit::textChanged, this, &InputPanel::changed);
    connect(load, &QPushButton::clicked, this, &InputPanel::loadNpy);
    connect(this, &InputPanel::shapeChanged, this, &InputPanel::rebuildSliders);
    connect(lengths_, &QLineEdit::textChanged, this, &InputPanel::slidersFromText);
    updateSizeEditors();
    updateMaskStatus();
    rebuildSliders();
}

void InputPanel::setPaintedMask(std::shared_ptr<const Tensor> mask) {
    paintedMask_ = std::move(mask);
    if (paintedMask_) {
        const QSignalBlocker quiet(lengths_); // one edit, not two
        lengths_->setText({});
        slidersFromText();
    }
    updateMaskStatus();
    emit changed();
}

void InputPanel::updateMaskStatus() {
    clearMask_->setEnabled(bool(paintedMask_));
    if (!paintedMask_) {
        maskStatus_->setText(tr("none painted"));
        return;
    }
    std::int64_t masked = 0;
    for (std::int64_t i = 0; i < paintedMask_->size(); ++i) masked += paintedMask_->at(i) == 0;
    maskStatus_->setText(tr("%1 of %2 masked out").arg(masked).arg(paintedMask_->size()));
}

Shape InputPanel::shape() const {
    if (loadedInput_) return loadedInput_->shape();
    Shape s;
    for (int i = 0; i < rank_->value(); ++i) s.push_back(sizes_[i]->value());
    return s;
}

void InputPanel::updateSizeEditors() {
    for (int i = 0; i < 5; ++i) {
        const bool on = i < rank_->value();
        sizes_[i]->setVisible(on);
        sizeLabels_[i]->setVisible(on);
        sizes_[i]->setEnabled(!loadedInput_);
    }
}

void InputPanel::writeTo(WorkbenchState& state) const {
    state.recipe.shape = shape();
    state.recipe.generator = Generator(generator_->currentData().toInt());
    state.recipe.mean = mean_->value();
    state.recipe.spread = spread_->value();
    state.recipe.seed = std::uint64_t(seed_->value());
    state.recipe.dtype = DType(dtype_->currentData().toInt());
    state.loadedInput = loadedInput_;
    state.source = loadedInput_ ? source_ : QString();
    state.mask =
        paintedMask_ && paintedMask_->shape() == state.recipe.shape ? paintedMask_ : nullptr;
    state.lengths.clear();
    lengthsError_.clear();
    for (const QString& part : lengthTokens()) {
        bool ok = false;
        const qlonglong v = part.toLongLong(&ok);
        if (!ok || v < 0) {
            lengthsError_ = tr("'%1' is not a length (a non-negative integer)").arg(part);
            state.lengths.clear();
            return;
        }
        state.lengths.push_back(v);
    }
}

void InputPanel::readFrom(const WorkbenchState& state) {
    updating_ = true;
    rank_->setValue(int(state.recipe.shape.size()));
    for (int i = 0; i < int(state.recipe.shape.size()) && i < 5; ++i)
        sizes_[i]->setValue(int(state.recipe.shape[std::size_t(i)]));
    generator_->setCurrentIndex(generator_->findData(int(state.recipe.generator)));
    mean_->setValue(state.recipe.mean);
    spread_->setValue(state.recipe.spread);
    seed_->setValue(int(state.recipe.seed));
    dtype_->setCurrentIndex(dtype_->findData(int(state.recipe.dtype)));
    QStringList lengths;
    for (auto l : state.lengths) lengths << QString::number(l);
    lengths_->setText(lengths.join(", "));
    loadedInput_ = state.loadedInput;
    source_ = state.source;
    if (loadedInput_ && !source_.isEmpty())
        loaded_->setText(
            tr("%1 %2").arg(source_, QString::fromStdString(shapeToString(loadedInput_->shape()))));
    paintedMask_ = state.mask;
    updating_ = false;
    updateSizeEditors();
    updateMaskStatus();
}

QStringList InputPanel::lengthTokens() const {
    static const QRegularExpression separators("[,\\s]+");
    return lengths_->text().split(separators, Qt::SkipEmptyParts);
}

void InputPanel::rebuildSliders() {
    qDeleteAll(sliders_);
    sliders_.clear();
    const Shape s = shape();
    const std::int64_t samples = s.empty() ? 0 : s[0];
    if (samples > kMaxSliders || s.size() < 2) {
        sliderBox_->setToolTip(
            tr("sliders are shown for batches of up to %1 samples").arg(kMaxSliders));
        return;
    }
    for (std::int64_t n = 0; n < samples; ++n) {
        auto* slider = new QSlider(Qt::Horizontal, sliderBox_);
        slider->setRange(0, int(s.back()));
        slider->setToolTip(tr("valid length of sample %1").arg(n));
        slider->setObjectName(QStringLiteral("lengthSlider%1").arg(n));
        sliderBox_->layout()->addWidget(slider);
        connect(slider, &QSlider::valueChanged, this, &InputPanel::textFromSliders);
        sliders_ << slider;
    }
    slidersFromText();
}

void InputPanel::slidersFromText() {
    if (syncing_) return;
    syncing_ = true;
    const QStringList parts = lengthTokens();
    for (int n = 0; n < sliders_.size(); ++n)
        // No lengths: every sample full.
        sliders_[n]->setValue(parts.isEmpty() ? sliders_[n]->maximum() : parts.value(n).toInt());
    syncing_ = false;
}

void InputPanel::textFromSliders() {
    if (syncing_) return;
    syncing_ = true;
    QStringList parts;
    for (QSlider* slider : sliders_) parts << QString::number(slider->value());
    lengths_->setText(parts.join(", ")); // emits changed()
    syncing_ = false;
}

void InputPanel::loadNpy() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Load an activation"), {},
                                                      tr("NumPy arrays (*.npy)"));
    if (path.isEmpty()) return;
    if (const QString error = loadNpyFile(path); !error.isEmpty()) showNpyError(path, error);
}

void InputPanel::showNpyError(const QString& path, const QString& error) {
    QMessageBox::warning(this, tr("Cannot load %1").arg(path), error);
}

QString InputPanel::loadNpyFile(const QString& path) {
    NpyReadResult r = readNpy(path.toStdString());
    if (r.ok() && !isFloating(r.tensor.dtype()))
        r.error = "the array holds " + std::string(dtypeName(r.tensor.dtype())) +
                  " values; an input must be float32 or float64";
    if (r.ok() && r.tensor.rank() < 1)
        r.error = "the array is a scalar; an input needs at least one dimension";
    if (!r.ok()) return QString::fromStdString(r.error); // the current work stays as it is
    if (const QString why = inputSizeRefusal(r.tensor.shape(), r.tensor.dtype()); !why.isEmpty())
        return why;
    loadedInput_ = std::make_shared<const Tensor>(std::move(r.tensor));
    source_.clear();
    loaded_->setText(tr("%1 %2").arg(QFileInfo(path).fileName(),
                                     QString::fromStdString(shapeToString(loadedInput_->shape()))));
    updating_ = true;
    rank_->setValue(loadedInput_->rank());
    for (int i = 0; i < loadedInput_->rank(); ++i)
        sizes_[i]->setValue(int(loadedInput_->shape()[std::size_t(i)]));
    updating_ = false;
    updateSizeEditors();
    recentNpy_.remember(path);
    recentNpy_.fillMenu(recentMenu_, [this](const QString& p) {
        if (const QString error = loadNpyFile(p); !error.isEmpty()) showNpyError(p, error);
    });
    emit shapeChanged(shape());
    emit changed();
    return {};
}

} // namespace normlab::ui
