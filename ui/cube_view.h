// The Group Normalization paper's picture for the current shape and variant: the input as
// a cube with N across, C in depth and the spatial dims (flattened) down, each visible cell
// coloured by whether it shares the highlighted slice's mean/variance (or every slice in
// its own colour). Hovering a cell here, or a cell of the Slices view, highlights its slice.
// Axes longer than kMaxCubeCells are drawn with kMaxCubeCells evenly spaced cells.
#pragma once

#include "outcome_view.h"

#include <QPolygonF>

#include <cstdint>

class QComboBox;
class QLabel;
class QPainter;

namespace normlab::ui {

inline constexpr int kMaxCubeCells = 24;

class CubeView : public OutcomeView {
    Q_OBJECT
  public:
    // The three visible faces: front (c = 0; n across, position down), top (position 0;
    // n across, c in depth), right side (n = N - 1; c in depth, position down).
    enum class Face { Front, Top, Side };

    explicit CubeView(QWidget* parent = nullptr);
    void showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) override;
    // Highlights the slice with this index in the statistics grid (-1: none).
    void highlightSlice(std::int64_t slice);
    std::int64_t highlightedSlice() const { return highlighted_; }
    // Cells drawn along the face's horizontal (i) and vertical (j) direction.
    int cellsAcross(Face face) const;
    int cellsDown(Face face) const;
    // The input element a cell shows (flat index), its slice (-1 masked out), whether it is
    // highlighted, and its centre in widget pixels.
    std::int64_t cellElement(Face face, int i, int j) const;
    std::int64_t cellSlice(Face face, int i, int j) const;
    bool cellHighlighted(Face face, int i, int j) const;
    QPointF cellCentre(Face face, int i, int j) const;
    bool exportImage(const QString& path);

  signals:
    // The mouse is over a cell of this slice (the Jacobian view follows it).
    void sliceHovered(std::int64_t slice);

  protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

  private:
    struct Axis {
        std::int64_t size = 1;
        int cells = 1;
        // The element index along the axis that cell k shows.
        std::int64_t index(int k) const;
    };
    void layoutCube();
    QPolygonF cellQuad(Face face, int i, int j) const;
    // Point of the cube at (n across, c in depth, s down), in cell units of each axis.
    QPointF at(double n, double c, double s) const;
    void paint(QPainter& painter);
    void updateReadout();

    Axis n_, c_, s_;
    QString spatialName_;
    std::int64_t highlighted_ = 0;
    QComboBox* colouring_;
    QLabel* readout_;
    QWidget* canvas_;
    QPointF origin_, across_, down_, depth_; // per cell
};

} // namespace normlab::ui
