#include "ui/charts/chart_compare.h"

#include "ui/charts/chart_parts.h"

#include <qcustomplot.h>

#include <algorithm>

namespace mmsim::charts {

namespace {

QVector<double> xsOf(const RunSummary& r, XAxis x) {
    QVector<double> v;
    v.reserve(static_cast<int>(r.rows()));
    for (std::size_t i = 0; i < r.rows(); ++i)
        v.push_back(static_cast<double>(x == XAxis::Steps ? r.step[i] : r.cycle[i]));
    return v;
}

QVector<double> vec(const std::vector<double>& v) {
    return QVector<double>(v.begin(), v.end());
}

std::vector<QColor> runPalette() {
    return {kBlue, kVermillion, kGreen, kPurple, kOrange, kSky};
}

} // namespace

QString comparisonTitle(const std::vector<RunSummary>& runs) {
    const int order = runs.empty() ? 3 : runs.front().frag_order;
    return QStringLiteral("Comparing %1 runs: contiguous free memory at order %2 (%3)")
        .arg(runs.size())
        .arg(order)
        .arg(order < 8 ? QStringLiteral("%1 KiB").arg(4 << order)
                       : QStringLiteral("%1 MiB").arg(4 << (order - 8)));
}

void buildComparison(QCustomPlot* p, const std::vector<RunSummary>& runs, XAxis xa,
                     const ChartStyle& st) {
    const int order = runs.empty() ? 3 : runs.front().frag_order;
    QCPLayoutGrid* body = beginFrame(
        p, comparisonTitle(runs),
        QStringLiteral("all zones of each machine added together; dashed: fragmentation index "
                       "(−1: an order-%1 request would succeed)")
            .arg(order),
        st);
    bool any_mixed = false;
    for (const RunSummary& r : runs)
        any_mixed = any_mixed || maxOf(vec(r.mixed)) > 0;
    // The panels, top to bottom: a legend row, then the axis rects.
    enum Panel { Largest, Unusable, Suitable, Mixed };
    std::vector<Panel> panels = {Largest, Unusable, Suitable};
    if (any_mixed) panels.push_back(Mixed);
    const Colours c = coloursOf(st);
    auto* legend = new QCPLegend;
    body->addElement(0, 0, legend);
    body->setRowStretchFactor(0, 0.001);
    legend->setLayer("legend");
    legend->setFont(font(st.legend_pt));
    legend->setTextColor(c.fg);
    legend->setBrush(c.bg);
    legend->setBorderPen(Qt::NoPen);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    legend->setWrap(2);
    legend->setColumnSpacing(24);
    legend->setMargins(QMargins(8, 2, 8, 2));
    p->legend = legend;

    std::vector<QCPAxisRect*> rects;
    auto* margins = new QCPMarginGroup(p);
    for (std::size_t i = 0; i < panels.size(); ++i) {
        auto* rect = new QCPAxisRect(p);
        body->addElement(static_cast<int>(i) + 1, 0, rect);
        styleAxes(rect, st);
        rect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
        QString label;
        switch (panels[i]) {
        case Largest:
            label = QStringLiteral("largest free order");
            break;
        case Unusable:
            label = QStringLiteral("unusable index\nat order %1").arg(order);
            break;
        case Suitable:
            label = QStringLiteral("order-%1 blocks\nfree").arg(order);
            break;
        case Mixed:
            label = QStringLiteral("mixed\npageblocks");
            break;
        }
        rect->axis(QCPAxis::atLeft)->setLabel(label);
        if (i + 1 < panels.size()) rect->axis(QCPAxis::atBottom)->setTickLabels(false);
        rects.push_back(rect);
    }
    rects.back()->axis(QCPAxis::atBottom)->setLabel(xLabel(xa));

    if (runs.empty() ||
        std::all_of(runs.begin(), runs.end(), [](const RunSummary& r) { return r.rows() == 0; })) {
        emptyState(p, rects[1],
                   QStringLiteral("No data: the runs end before memblock_free_all hands memory "
                                  "to the buddy allocator."),
                   st);
        return;
    }
    const auto pal = runPalette();
    double xlo = 0, xhi = 1;
    std::vector<double> top(panels.size(), 0.0);
    bool first = true;
    for (std::size_t k = 0; k < runs.size(); ++k) {
        const RunSummary& r = runs[k];
        if (!r.rows()) continue;
        const QColor colour = pal[k % pal.size()];
        const QVector<double> x = xsOf(r, xa);
        xlo = first ? x.front() : std::min(xlo, x.front());
        xhi = first ? x.back() : std::max(xhi, x.back());
        first = false;
        const QString name = QString::fromStdString(r.label);
        for (std::size_t i = 0; i < panels.size(); ++i) {
            QVector<double> y;
            switch (panels[i]) {
            case Largest:
                y = vec(r.largest_order);
                break;
            case Unusable:
                y = vec(r.unusable);
                line(p, rects[i], name, x, vec(r.extfrag), QPen(colour, 1.5, Qt::DashLine))
                    ->removeFromLegend();
                break;
            case Suitable:
                y = vec(r.suitable);
                break;
            case Mixed:
                y = vec(r.mixed);
                break;
            }
            QCPGraph* g = line(p, rects[i], name, x, y, QPen(colour, 2.5));
            if (panels[i] != Unusable) g->setLineStyle(QCPGraph::lsStepLeft);
            if (i > 0) g->removeFromLegend();
            top[i] = std::max(top[i], maxOf(y));
        }
    }
    for (std::size_t i = 0; i < panels.size(); ++i) {
        QCPAxis* x = rects[i]->axis(QCPAxis::atBottom);
        x->setRange(xlo, xhi > xlo ? xhi : xlo + 1);
        QCPAxis* y = rects[i]->axis(QCPAxis::atLeft);
        if (panels[i] == Unusable) {
            y->setRange(-1.08, 1.08);
            continue;
        }
        if (panels[i] == Largest)
            y->setRange(-1.5, NR_PAGE_ORDERS - 0.5);
        else
            y->setRange(0, top[i] > 0 ? top[i] * 1.15 : 1);
        // Whole numbers only: orders, blocks and pageblocks.
        QSharedPointer<QCPAxisTickerFixed> t(new QCPAxisTickerFixed);
        t->setTickStep(1.0);
        t->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        t->setTickCount(5);
        y->setTicker(t);
    }
}

} // namespace mmsim::charts
