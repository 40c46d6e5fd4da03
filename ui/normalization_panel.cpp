#include "normalization_panel.h"

#include "normlab/npy.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSpinBox>
#include <QStandardItemModel>

#include <algorithm>
#include <cmath>

namespace normlab::ui {

namespace {
QString joined(const auto& values) {
    QStringList parts;
    for (auto v : values) parts << QString::number(v);
    return parts.join(", ");
}
template <class T> std::vector<T> parsedList(const QString& text) {
    std::vector<T> out;
    for (const QString& part :
         text.split(QRegularExpression("[,\\s\\[\\]()]+"), Qt::SkipEmptyParts)) {
        bool ok = false;
        const qlonglong v = part.toLongLong(&ok);
        if (ok) out.push_back(T(v));
    }
    return out;
}
} // namespace

NormalizationPanel::NormalizationPanel(QWidget* parent)
    : QWidget(parent) {
    auto* form = new QFormLayout(this);
    variant_ = new QComboBox(this);
    variant_->setObjectName("variant");
    for (Variant v : kAllVariants)
        variant_->addItem(QString::fromStdString(std::string(variantName(v))), int(v));
    form->addRow(tr("Variant"), variant_);
    numFeatures_ = new QSpinBox(this);
    numFeatures_->setRange(1, 1 << 20);
    numFeatures_->setToolTip(
        tr("The module's num_features; make it differ from C to see what PyTorch does."));
    form->addRow(tr("num_features"), numFeatures_);
    numGroups_ = new QSpinBox(this);
    numGroups_->setRange(1, 1 << 20);
    form->addRow(tr("num_groups"), numGroups_);
    normalizedShape_ = new QLineEdit(this);
    normalizedShape_->setObjectName("normalizedShape");
    form->addRow(tr("normalized_shape"), normalizedShape_);
    auto* axes = new QWidget(this);
    auto* axesRow = new QHBoxLayout(axes);
    axesRow->setContentsMargins(0, 0, 0, 0);
    const char* axisNames[5] = {"N", "C", "D1", "D2", "D3"};
    for (int a = 0; a < 5; ++a) {
        reduceAxes_[a] = new QCheckBox(QString::fromLatin1(axisNames[a]), axes);
        reduceAxes_[a]->setObjectName(QStringLiteral("reduceAxis%1").arg(a));
        reduceAxes_[a]->setToolTip(
            tr("custom: reduce over axis %1 (one mean/variance across it)").arg(a));
        axesRow->addWidget(reduceAxes_[a]);
        connect(reduceAxes_[a], &QCheckBox::toggled, this, [this] {
            if (!updating_) emit changed();
        });
    }
    axesRow->addStretch(1);
    form->addRow(tr("reduce axes"), axes);
    eps_ = new QLineEdit("1e-05", this);
    eps_->setObjectName("eps");
    eps_->setToolTip(tr("A number; empty means None (machine epsilon; rms_norm only)."));
    form->addRow(tr("eps"), eps_);
    momentum_ = new QDoubleSpinBox(this);
    momentum_->setRange(0, 1);
    momentum_->setDecimals(3);
    momentum_->setSingleStep(0.05);
    momentum_->setValue(0.1);
    cumulative_ = new QCheckBox(tr("none (cumulative average)"), this);
    form->addRow(tr("momentum"), momentum_);
    form->addRow(QString(), cumulative_);
    affine_ = new QCheckBox(tr("affine (γ, β)"), this);
    track_ = new QCheckBox(tr("track_running_stats"), this);
    training_ = new QCheckBox(tr("training mode"), this);
    training_->setChecked(true);
    estimate_ = new QCheckBox(tr("estimate (BCN)"), this);
    for (QCheckBox* b : {affine_, track_, training_, estimate_}) form->addRow(QString(), b);
    affineInit_ = new QComboBox(this);
    affineInit_->setObjectName("affineInit");
    affineInit_->addItem(tr("γ = 1, β = 0 (PyTorch's start)"), int(AffineInit::Identity));
    affineInit_->addItem(tr("random: γ ~ N(1, 0.5²), β ~ N(0, 0.5²)"), int(AffineInit::Random));
    affineInit_->addItem(tr("from .npy files..."), int(AffineInit::Loaded));
    form->addRow(tr("γ, β"), affineInit_);
    affineSeed_ = new QSpinBox(this);
    affineSeed_->setRange(0, 1 << 30);
    affineSeed_->setValue(7);
    form->addRow(tr("  seed"), affineSeed_);
    backend_ = new QComboBox(this);
    backend_->addItem("CPU", int(BackendKind::Cpu));
    backend_->addItem("CUDA", int(BackendKind::Cuda));
    std::string why;
    if (Backend* cuda = cudaBackend(&why)) {
        backend_->setItemData(1, QString::fromStdString(cuda->deviceDescription()),
                              Qt::ToolTipRole);
    } else {
        auto* model = qobject_cast<QStandardItemModel*>(backend_->model());
        model->item(1)->setEnabled(false);
        model->item(1)->setToolTip(QString::fromStdString(why));
        backend_->setItemText(1, tr("CUDA (unavailable)"));
        backend_->setToolTip(QString::fromStdString(why));
    }
    form->addRow(tr("Backend"), backend_);
    reestimate_ = new QCheckBox(tr("invert with statistics re-estimated from y (flow bug)"), this);
    reestimate_->setObjectName("reestimate");
    form->addRow(QString(), reestimate_);

    connect(variant_, &QComboBox::currentIndexChanged, this, &NormalizationPanel::variantChanged);
    for (QSpinBox* w : {numFeatures_, numGroups_})
        connect(w, &QSpinBox::valueChanged, this, [this] {
            if (!updating_) emit changed();
        });
    for (QLineEdit* w : {normalizedShape_, eps_})
        connect(w, &QLineEdit::textChanged, this, [this] {
            if (!updating_) emit changed();
        });
    connect(momentum_, &QDoubleSpinBox::valueChanged, this, [this] {
        if (!updating_) emit changed();
    });
    for (QCheckBox* b : {cumulative_, affine_, track_, training_, estimate_})
        connect(b, &QCheckBox::toggled, this, [this] {
            updateEnabled();
            if (!updating_) emit changed();
        });
    connect(affineInit_, &QComboBox::activated, this, [this] {
        if (AffineInit(affineInit_->currentData().toInt()) == AffineInit::Loaded) loadParameters();
    });
    connect(affineSeed_, &QSpinBox::valueChanged, this, [this] {
        if (!updating_) emit changed();
    });
    for (QComboBox* box : {backend_, affineInit_})
        connect(box, &QComboBox::currentIndexChanged, this, [this] {
            updateEnabled();
            if (!updating_) emit changed();
        });
    connect(reestimate_, &QCheckBox::toggled, this, [this] {
        if (!updating_) emit changed();
    });
    WorkbenchState initial;
    initial.spec = specFittingShape(Variant::BatchNorm, shape_);
    readFrom(initial);
}

void NormalizationPanel::variantChanged() {
    if (updating_) return;
    WorkbenchState s;
    writeTo(s);
    // A new variant starts from its PyTorch defaults, fitted to the input.
    s.spec = specFittingShape(Variant(variant_->currentData().toInt()), shape_);
    readFrom(s);
    emit changed();
}

void NormalizationPanel::fitShape(const Shape& shape) {
    shape_ = shape;
    WorkbenchState s;
    writeTo(s);
    const NormSpec fitted = specFittingShape(s.spec.variant, shape);
    s.spec.numFeatures = fitted.numFeatures;
    s.spec.normalizedShape = fitted.normalizedShape;
    if (s.spec.numGroups) s.spec.numGroups = fitted.numGroups;
    if (s.spec.variant == Variant::Custom) s.spec.reduceAxes = fitted.reduceAxes;
    readFrom(s);
}

void NormalizationPanel::loadParameters() {
    auto load = [this](const QString& what, std::shared_ptr<const Tensor>& into) {
        const QString path = QFileDialog::getOpenFileName(this, tr("Load %1").arg(what), {},
                                                          tr("NumPy arrays (*.npy)"));
        if (path.isEmpty()) return false;
        NpyReadResult r = readNpy(path.toStdString());
        if (r.ok() && !isFloating(r.tensor.dtype())) r.error = "γ and β must be float32 or float64";
        if (!r.ok()) {
            QMessageBox::warning(this, tr("Cannot load %1").arg(what),
                                 QString::fromStdString(r.error));
            return false;
        }
        into = std::make_shared<const Tensor>(std::move(r.tensor));
        return true;
    };
    std::shared_ptr<const Tensor> weight, bias;
    if (!load(tr("γ (weight)"), weight)) { // nothing changes
        updating_ = true;
        affineInit_->setCurrentIndex(
            affineInit_->findData(int(loadedWeight_ ? AffineInit::Loaded : AffineInit::Identity)));
        updating_ = false;
        return;
    }
    load(tr("β (bias; cancel for none)"), bias);
    loadedWeight_ = weight;
    loadedBias_ = bias;
    updateEnabled();
    emit changed();
}

void NormalizationPanel::updateEnabled() {
    const Variant v = Variant(variant_->currentData().toInt());
    const bool hasRunning = v == Variant::BatchNorm || v == Variant::InstanceNorm ||
                            v == Variant::BatchChannelNorm || v == Variant::Custom;
    numGroups_->setEnabled(v == Variant::GroupNorm || v == Variant::BatchChannelNorm ||
                           v == Variant::Custom);
    normalizedShape_->setEnabled(v == Variant::LayerNorm || v == Variant::RmsNorm);
    for (int a = 0; a < 5; ++a) {
        reduceAxes_[a]->setVisible(a < int(shape_.size()));
        reduceAxes_[a]->setEnabled(v == Variant::Custom);
    }
    track_->setEnabled(hasRunning);
    momentum_->setEnabled(hasRunning && !cumulative_->isChecked());
    cumulative_->setEnabled(hasRunning);
    estimate_->setEnabled(v == Variant::BatchChannelNorm);
    affineInit_->setEnabled(affine_->isChecked());
    affineSeed_->setEnabled(affine_->isChecked() &&
                            AffineInit(affineInit_->currentData().toInt()) == AffineInit::Random);
}

void NormalizationPanel::writeTo(WorkbenchState& state) const {
    NormSpec& s = state.spec;
    s = NormSpec::defaultsFor(Variant(variant_->currentData().toInt()));
    s.numFeatures = numFeatures_->value();
    if (numGroups_->isEnabled()) s.numGroups = numGroups_->value();
    s.normalizedShape = parsedList<std::int64_t>(normalizedShape_->text());
    s.reduceAxes.clear();
    for (int a = 0; a < int(shape_.size()) && a < 5; ++a)
        if (reduceAxes_[a]->isChecked()) s.reduceAxes.push_back(a);
    bool ok = false;
    const double eps = eps_->text().trimmed().toDouble(&ok);
    s.eps = ok ? std::optional<double>(eps) : std::nullopt;
    s.momentum =
        cumulative_->isChecked() ? std::nullopt : std::optional<double>(momentum_->value());
    s.affine = affine_->isChecked();
    s.trackRunningStats = track_->isEnabled() && track_->isChecked();
    s.training = training_->isChecked();
    s.estimate = estimate_->isChecked();
    s.dtype = state.recipe.dtype;
    state.backend = BackendKind(backend_->currentData().toInt());
    state.reestimateInverse = reestimate_->isChecked();
    state.affineInit = AffineInit(affineInit_->currentData().toInt());
    state.affineSeed = std::uint64_t(affineSeed_->value());
    state.loadedWeight = loadedWeight_;
    state.loadedBias = loadedBias_;
    state.loadedRunningMean = loadedRunningMean_;
    state.loadedRunningVar = loadedRunningVar_;
    state.loadedNumBatchesTracked = loadedNumBatchesTracked_;
}

void NormalizationPanel::readFrom(const WorkbenchState& state) {
    updating_ = true;
    const NormSpec& s = state.spec;
    variant_->setCurrentIndex(variant_->findData(int(s.variant)));
    numFeatures_->setValue(int(s.numFeatures.value_or(shape_.size() >= 2 ? shape_[1] : 1)));
    numGroups_->setValue(int(s.numGroups.value_or(1)));
    normalizedShape_->setText(joined(s.normalizedShape));
    for (int a = 0; a < 5; ++a) {
        const int rank = int(shape_.size());
        reduceAxes_[a]->setChecked(
            std::any_of(s.reduceAxes.begin(), s.reduceAxes.end(),
                        [&](int axis) { return (axis < 0 ? axis + rank : axis) == a; }));
    }
    eps_->setText(s.eps ? QString::number(*s.eps, 'g', 6) : QString());
    cumulative_->setChecked(!s.momentum);
    if (s.momentum) momentum_->setValue(*s.momentum);
    affine_->setChecked(s.affine);
    track_->setChecked(s.trackRunningStats);
    training_->setChecked(s.training);
    estimate_->setChecked(s.estimate);
    backend_->setCurrentIndex(backend_->findData(int(state.backend)));
    reestimate_->setChecked(state.reestimateInverse);
    loadedWeight_ = state.loadedWeight;
    loadedBias_ = state.loadedBias;
    loadedRunningMean_ = state.loadedRunningMean;
    loadedRunningVar_ = state.loadedRunningVar;
    loadedNumBatchesTracked_ = state.loadedNumBatchesTracked;
    affineInit_->setCurrentIndex(affineInit_->findData(int(state.affineInit)));
    affineSeed_->setValue(int(state.affineSeed));
    updating_ = false;
    updateEnabled();
}

} // namespace normlab::ui
