#include "cube_view.h"

#include "image_file.h"

#include "plot_series.h"
#include "recompute_controller.h"

#include <QComboBox>
#include <QContextMenuEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QMouseEvent>
#include <QPainter>
#include <QPdfWriter>
#include <QVBoxLayout>

#include <cmath>

namespace normlab::ui {

namespace {

const QColor kHighlight(60, 120, 215);
const QColor kOther(250, 250, 250);

// The Slices view's hue per slice id, lighter.
QColor sliceColour(std::int64_t id) {
    return QColor::fromHsvF(sliceHue(id), 0.55, 0.95);
}

QString describe(const NormSpec& spec) {
    switch (spec.variant) {
    case Variant::BatchNorm:
        return CubeView::tr("BatchNorm: one mean/variance per channel, over N and the positions");
    case Variant::InstanceNorm:
        return CubeView::tr("InstanceNorm: one per sample and channel, over the positions");
    case Variant::LayerNorm:
        return CubeView::tr("LayerNorm: one per leading index, over normalized_shape");
    case Variant::GroupNorm:
        return CubeView::tr("GroupNorm: one per sample and group of channels, over the group "
                            "and the positions");
    case Variant::RmsNorm:
        return CubeView::tr("RMSNorm: one root mean square per leading index");
    case Variant::BatchChannelNorm:
        return CubeView::tr("Batch-Channel Norm, batch stage: one per channel (as BatchNorm)");
    case Variant::Custom:
        return CubeView::tr("Custom: one per index of the kept axes");
    }
    return {};
}

} // namespace

std::int64_t CubeView::Axis::index(int k) const {
    if (cells >= size) return k;
    return std::min<std::int64_t>(size - 1, std::int64_t((k + 0.5) * double(size) / cells));
}

CubeView::CubeView(QWidget* parent)
    : OutcomeView(parent) {
    setWindowTitle(tr("Cube"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Colour"), this));
    colouring_ = new QComboBox(this);
    colouring_->setObjectName("cubeColouring");
    colouring_->addItem(tr("the highlighted slice (as in the Group Norm paper)"));
    colouring_->addItem(tr("every slice in its own colour"));
    row->addWidget(colouring_);
    row->addStretch(1);
    layout->addLayout(row);
    canvas_ = new QWidget(this);
    canvas_->setAttribute(Qt::WA_TransparentForMouseEvents);
    canvas_->setMinimumSize(200, 160);
    layout->addWidget(canvas_, 1);
    readout_ = new QLabel(this);
    readout_->setWordWrap(true);
    readout_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    readout_->setMinimumHeight(readout_->fontMetrics().height() * 2);
    layout->addWidget(readout_);
    setMouseTracking(true);
    connect(colouring_, &QComboBox::currentIndexChanged, this, [this] { update(); });
}

void CubeView::showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) {
    outcome_ = outcome;
    const Shape& shape = outcome->slices.shape();
    auto axis = [](std::int64_t size) {
        return Axis{size, int(std::min<std::int64_t>(size, kMaxCubeCells))};
    };
    n_ = axis(shape.size() >= 2 ? shape[0] : 1);
    c_ = axis(shape.size() >= 2 ? shape[1] : shape[0]);
    std::int64_t positions = 1;
    QStringList names;
    for (std::size_t a = 2; a < shape.size(); ++a) {
        positions *= shape[a];
        names << QStringLiteral("D%1").arg(a - 1);
    }
    s_ = axis(positions);
    spatialName_ = shape.size() == 3   ? tr("L")
                   : shape.size() == 4 ? tr("H·W")
                   : shape.size() == 5 ? tr("D·H·W")
                                       : tr("(none)");
    if (highlighted_ >= outcome->result.mean.size()) highlighted_ = 0;
    layoutCube();
    updateReadout();
    update();
}

void CubeView::highlightSlice(std::int64_t slice) {
    if (slice == highlighted_) return;
    highlighted_ = slice;
    updateReadout();
    update();
}

void CubeView::layoutCube() {
    // The front face and a depth of 35% of its width running up and right at 35°, fitted
    // into the canvas with room for the axis labels.
    constexpr double kDepthShare = 0.35, kAngle = 0.61;
    const QRectF box = QRectF(canvas_->geometry()).adjusted(130, 50, -30, -50);
    const double width = box.width() / (1 + kDepthShare * std::cos(kAngle));
    const double rise = kDepthShare * width * std::sin(kAngle);
    const double height = std::max(1.0, box.height() - rise);
    across_ = QPointF(width / n_.cells, 0);
    down_ = QPointF(0, height / s_.cells);
    depth_ = QPointF(kDepthShare * width * std::cos(kAngle), -rise) / c_.cells;
    origin_ = QPointF(box.left(), box.top() + rise);
}

QPointF CubeView::at(double n, double c, double s) const {
    return origin_ + n * across_ + c * depth_ + s * down_;
}

int CubeView::cellsAcross(Face face) const {
    return face == Face::Side ? c_.cells : n_.cells;
}

int CubeView::cellsDown(Face face) const {
    return face == Face::Top ? c_.cells : s_.cells;
}

std::int64_t CubeView::cellElement(Face face, int i, int j) const {
    std::int64_t n = 0, c = 0, s = 0;
    switch (face) {
    case Face::Front:
        n = n_.index(i), s = s_.index(j);
        break;
    case Face::Top:
        n = n_.index(i), c = c_.index(j);
        break;
    case Face::Side:
        n = n_.size - 1, c = c_.index(i), s = s_.index(j);
        break;
    }
    return (n * c_.size + c) * s_.size + s;
}

std::int64_t CubeView::cellSlice(Face face, int i, int j) const {
    if (!outcome_) return -1;
    return outcome_->slices.sliceOf(cellElement(face, i, j));
}

bool CubeView::cellHighlighted(Face face, int i, int j) const {
    const std::int64_t slice = cellSlice(face, i, j);
    return slice >= 0 && slice == highlighted_;
}

QPolygonF CubeView::cellQuad(Face face, int i, int j) const {
    switch (face) {
    case Face::Front:
        return QPolygonF({at(i, 0, j), at(i + 1, 0, j), at(i + 1, 0, j + 1), at(i, 0, j + 1)});
    case Face::Top: // the depth row j = c
        return QPolygonF({at(i, j, 0), at(i + 1, j, 0), at(i + 1, j + 1, 0), at(i, j + 1, 0)});
    case Face::Side:
        return QPolygonF({at(n_.cells, i, j), at(n_.cells, i + 1, j), at(n_.cells, i + 1, j + 1),
                          at(n_.cells, i, j + 1)});
    }
    return {};
}

QPointF CubeView::cellCentre(Face face, int i, int j) const {
    return cellQuad(face, i, j).boundingRect().center();
}

void CubeView::resizeEvent(QResizeEvent* event) {
    OutcomeView::resizeEvent(event);
    layoutCube();
}

void CubeView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    layoutCube();
    paint(painter);
}

void CubeView::paint(QPainter& painter) {
    if (!outcome_) return;
    painter.setRenderHint(QPainter::Antialiasing);
    const bool everySlice = colouring_->currentIndex() == 1;
    QPen grid(QColor(90, 90, 90), 1);
    for (Face face : {Face::Front, Face::Top, Face::Side}) {
        // A side face is seen at an angle: a little darker, as lit from the front.
        const int shade = face == Face::Front ? 100 : face == Face::Top ? 112 : 125;
        for (int i = 0; i < cellsAcross(face); ++i)
            for (int j = 0; j < cellsDown(face); ++j) {
                const QPolygonF quad = cellQuad(face, i, j);
                const std::int64_t slice = cellSlice(face, i, j);
                QBrush brush;
                if (slice < 0)
                    brush = QBrush(QColor(120, 120, 120), Qt::BDiagPattern);
                else if (everySlice)
                    brush = sliceColour(slice).darker(shade);
                else
                    brush = (slice == highlighted_ ? kHighlight : kOther).darker(shade);
                painter.setPen(grid);
                painter.setBrush(slice < 0 ? QBrush(QColor(235, 235, 235)) : brush);
                painter.drawPolygon(quad);
                if (slice < 0) {
                    painter.setBrush(brush);
                    painter.drawPolygon(quad);
                }
                if (everySlice && slice == highlighted_ && slice >= 0) {
                    painter.setPen(QPen(Qt::black, 2.5));
                    painter.setBrush(Qt::NoBrush);
                    painter.drawPolygon(quad);
                }
            }
    }
    // The cube's edges, thick for a projector, and the axis names with their sizes.
    painter.setPen(QPen(Qt::black, 2.5));
    painter.setBrush(Qt::NoBrush);
    const double N = n_.cells, C = c_.cells, S = s_.cells;
    painter.drawPolygon(QPolygonF({at(0, 0, 0), at(N, 0, 0), at(N, 0, S), at(0, 0, S)}));
    painter.drawPolyline(
        QPolygonF({at(0, 0, 0), at(0, C, 0), at(N, C, 0), at(N, C, S), at(N, 0, S)}));
    painter.drawLine(at(N, 0, 0), at(N, C, 0));
    QFont font = painter.font();
    font.setPointSizeF(font.pointSizeF() * 1.3);
    font.setBold(true);
    painter.setFont(font);
    const QFontMetricsF metrics(font);
    auto label = [&](const QString& text, QPointF where, Qt::Alignment align) {
        const QSizeF size = metrics.size(0, text);
        QPointF corner = where;
        if (align & Qt::AlignHCenter) corner.rx() -= size.width() / 2;
        if (align & Qt::AlignRight) corner.rx() -= size.width();
        if (align & Qt::AlignVCenter) corner.ry() -= size.height() / 2;
        painter.drawText(QRectF(corner, size), Qt::AlignRight, text);
    };
    auto sized = [](const QString& name, const Axis& axis) {
        return axis.cells < axis.size
                   ? tr("%1 = %2\n(%3 drawn)").arg(name).arg(axis.size).arg(axis.cells)
                   : tr("%1 = %2").arg(name).arg(axis.size);
    };
    label(sized("N", n_), at(N / 2, 0, S) + QPointF(0, 8), Qt::AlignHCenter);
    label(sized("C", c_), at(0, C / 2, 0) + QPointF(-24, -2 * metrics.height()), Qt::AlignRight);
    label(sized(spatialName_, s_), at(0, 0, S / 2) + QPointF(-8, 0),
          Qt::AlignRight | Qt::AlignVCenter);
    font.setBold(false);
    font.setPointSizeF(font.pointSizeF() / 1.15);
    painter.setFont(font);
    painter.drawText(QRectF(canvas_->geometry()).adjusted(4, 2, 0, 0), Qt::AlignLeft | Qt::AlignTop,
                     describe(outcome_->state.spec));
}

void CubeView::mouseMoveEvent(QMouseEvent* event) {
    for (Face face : {Face::Front, Face::Top, Face::Side})
        for (int i = 0; i < cellsAcross(face); ++i)
            for (int j = 0; j < cellsDown(face); ++j)
                if (cellQuad(face, i, j).containsPoint(event->position(), Qt::OddEvenFill)) {
                    const std::int64_t slice = cellSlice(face, i, j);
                    if (slice >= 0) {
                        highlightSlice(slice);
                        emit sliceHovered(slice);
                    }
                    return;
                }
}

void CubeView::updateReadout() {
    if (!outcome_ || highlighted_ < 0 || highlighted_ >= outcome_->result.mean.size()) {
        readout_->setText(tr("Hover a cell to highlight the elements that share its statistics."));
        return;
    }
    const NormResult& r = outcome_->result;
    readout_->setText(tr("slice %1: %2 valid elements share μ = %3, σ² = %4 (hover a cell here or "
                         "in the Slices view)")
                          .arg(highlighted_)
                          .arg(r.count.at(highlighted_))
                          .arg(r.mean.at(highlighted_), 0, 'g', 5)
                          .arg(r.var.at(highlighted_), 0, 'g', 5));
}

bool CubeView::exportImage(const QString& path) {
    if (path.endsWith(".pdf", Qt::CaseInsensitive)) {
        QPdfWriter pdf(path);
        pdf.setPageSize(QPageSize(QSizeF(size()) * 0.75, QPageSize::Point));
        pdf.setResolution(96);
        QPainter painter;
        if (!painter.begin(&pdf)) return false;
        paint(painter);
        return true;
    }
    return writeImageFile(grab().toImage(), path).isEmpty();
}

void CubeView::contextMenuEvent(QContextMenuEvent* event) {
    QMenu menu(this);
    menu.addAction(tr("Export picture (PNG, PDF)..."), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export the cube"), "cube.png",
                                                          tr("Images (*.png *.pdf)"));
        if (!path.isEmpty() && !exportImage(path))
            QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1.").arg(path));
    });
    menu.exec(event->globalPos());
}

} // namespace normlab::ui
