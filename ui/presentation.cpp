#include "presentation.h"

#include "plot_view.h"

#include <QApplication>
#include <QPalette>
#include <qcustomplot.h>

#include <optional>

namespace normlab::ui {

namespace {

struct Normal {
    QFont font;
    QPalette palette;
};
std::optional<Normal> normal; // the look before presentation mode, while it is on

QPalette highContrast() {
    QPalette p;
    for (auto role : {QPalette::Window, QPalette::Base, QPalette::Button, QPalette::AlternateBase})
        p.setColor(role, Qt::white);
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(role, Qt::black);
    p.setColor(QPalette::Highlight, QColor(0, 70, 200));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(110, 110, 110));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(110, 110, 110));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(110, 110, 110));
    return p;
}

// Scales a pen's width from the one it had before presentation mode (kept on first use).
QPen scaledPen(QObject* owner, const char* key, QPen pen, double scale) {
    if (!owner->property(key).isValid()) owner->setProperty(key, pen.widthF());
    pen.setWidthF(std::max(1.0, owner->property(key).toDouble()) * scale);
    return pen;
}

void scalePlot(QCustomPlot* plot, const QFont& font, double scale) {
    QFont big = font;
    QFont labels = font;
    labels.setBold(scale > 1);
    for (QCPAxisRect* rect : plot->axisRects())
        for (QCPAxis* axis : rect->axes()) {
            axis->setTickLabelFont(big);
            axis->setLabelFont(labels);
            axis->setBasePen(scaledPen(axis, "normlabBasePen", axis->basePen(), scale));
            axis->setTickPen(scaledPen(axis, "normlabTickPen", axis->tickPen(), scale));
        }
    for (int i = 0; i < plot->plottableCount(); ++i) {
        QCPAbstractPlottable* p = plot->plottable(i);
        p->setPen(scaledPen(p, "normlabPen", p->pen(), scale));
    }
    if (plot->legend) plot->legend->setFont(big);
    for (int i = 0; i < plot->plotLayout()->elementCount(); ++i)
        if (auto* text = qobject_cast<QCPTextElement*>(plot->plotLayout()->elementAt(i)))
            text->setFont(labels);
    plot->replot();
}

} // namespace

bool presentationMode() {
    return normal.has_value();
}

void setPresentationMode(QWidget* root, bool on) {
    if (on == presentationMode()) return;
    if (on) {
        normal = Normal{QApplication::font(), QApplication::palette()};
        QFont font = normal->font;
        font.setPointSizeF(font.pointSizeF() * kPresentationScale);
        QApplication::setFont(font);
        QApplication::setPalette(highContrast());
    } else {
        QApplication::setFont(normal->font);
        QApplication::setPalette(normal->palette);
        normal.reset();
    }
    const double scale = on ? kPresentationScale : 1.0;
    for (PlotView* view : root->findChildren<PlotView*>())
        scalePlot(view->plot(), QApplication::font(), scale);
}

} // namespace normlab::ui
