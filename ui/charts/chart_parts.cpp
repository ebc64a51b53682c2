// Shared drawing parts of the charts (see chart_parts.h).
#include "ui/charts/chart_parts.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace mmsim::charts {

const QColor kOrange("#E69F00"), kSky("#56B4E9"), kGreen("#009E73"), kBlue("#0072B2"),
    kVermillion("#D55E00"), kPurple("#CC79A7"), kYellow("#F0E442"), kGrey("#999999");

Colours coloursOf(const ChartStyle& s) {
    if (s.dark)
        return {QColor("#1e1f22"), QColor("#e8e8e8"), QColor("#3a3c40"), QColor("#a8a8a8"),
                QColor("#f0f0f0")};
    return {Qt::white, QColor("#202020"), QColor("#dcdcdc"), QColor("#555555"), QColor("#000000")};
}

QFont font(int pt, bool bold) {
    QFont f("DejaVu Sans");
    f.setPointSize(pt);
    f.setBold(bold);
    return f;
}

QVector<double> xsOf(const TimeSeries& ts, XAxis x) {
    QVector<double> v;
    v.reserve(static_cast<int>(ts.rows()));
    for (std::size_t r = 0; r < ts.rows(); ++r)
        v.push_back(static_cast<double>(x == XAxis::Steps ? ts.step[r] : ts.cycle[r]));
    return v;
}

QString xLabel(XAxis x) {
    return x == XAxis::Steps ? QStringLiteral("step (operations executed)")
                             : QStringLiteral("simulated CPU cycles");
}

QCPLayoutGrid* beginFrame(QCustomPlot* p, const QString& title, const QString& subtitle,
                          const ChartStyle& st) {
    const Colours c = coloursOf(st);
    p->clearPlottables();
    p->clearItems();
    p->plotLayout()->clear(); // deletes the default axis rect and legend's place
    p->setBackground(c.bg);
    p->legend = nullptr;

    int row = 0;
    auto* t = new QCPTextElement(p, title, font(st.title_pt, true));
    t->setTextColor(c.fg);
    t->setMargins(QMargins(0, 8, 0, 2));
    p->plotLayout()->addElement(row++, 0, t);
    if (!subtitle.isEmpty()) {
        auto* s = new QCPTextElement(p, subtitle, font(st.legend_pt));
        s->setTextColor(c.sub);
        s->setMargins(QMargins(0, 0, 0, 4));
        p->plotLayout()->addElement(row++, 0, s);
    }
    auto* body = new QCPLayoutGrid;
    p->plotLayout()->addElement(row, 0, body);
    for (int i = 0; i < row; ++i)
        p->plotLayout()->setRowStretchFactor(i, 0.001);
    p->plotLayout()->setRowStretchFactor(row, 1);
    return body;
}

QCPLegend* addSideLegend(QCustomPlot* p, QCPLayoutGrid* body, int column, int rows,
                         const ChartStyle& st) {
    const Colours c = coloursOf(st);
    // The legend at the top of a side column, as tall as its entries.
    auto* side = new QCPLayoutGrid;
    body->addElement(0, column, side);
    for (int r = 1; r < rows; ++r)
        body->addElement(r, column, new QCPLayoutElement(p));
    for (int col = 0; col < column; ++col)
        body->setColumnStretchFactor(col, 1);
    body->setColumnStretchFactor(column, 0.001);
    auto* legend = new QCPLegend;
    side->addElement(0, 0, legend);
    side->addElement(1, 0, new QCPLayoutElement(p));
    side->setRowStretchFactor(0, 0.001);
    side->setRowStretchFactor(1, 1);
    side->setMargins(QMargins(0, 0, 0, 0));
    legend->setLayer("legend");
    legend->setFont(font(st.legend_pt));
    legend->setTextColor(c.fg);
    legend->setBrush(c.bg);
    legend->setBorderPen(QPen(c.grid));
    legend->setRowSpacing(2);
    legend->setMargins(QMargins(8, 6, 8, 6));
    legend->setMaximumSize(360, QWIDGETSIZE_MAX);
    p->legend = legend;
    return legend;
}

void fitLegendToHeight(QCustomPlot* p) {
    QCPLegend* legend = p->legend;
    if (!legend || legend->itemCount() == 0) return;
    // What stays above and around the legend: the title rows of the frame
    // and the legend's own margins.
    int fixed = legend->margins().top() + legend->margins().bottom() + 8;
    for (int r = 0; r + 1 < p->plotLayout()->rowCount(); ++r)
        if (QCPLayoutElement* e = p->plotLayout()->element(r, 0))
            fixed += e->minimumOuterSizeHint().height();
    const int item = legend->item(0)->minimumOuterSizeHint().height() + legend->rowSpacing();
    const int rows = std::max(1, (p->height() - fixed) / std::max(item, 1));
    if (legend->wrap() == rows && legend->fillOrder() == QCPLayoutGrid::foRowsFirst) return;
    legend->setWrap(rows);
    legend->setFillOrder(QCPLayoutGrid::foRowsFirst, true);
}

void styleAxes(QCPAxisRect* rect, const ChartStyle& st) {
    const Colours c = coloursOf(st);
    for (QCPAxis* a : rect->axes()) {
        a->setBasePen(QPen(c.fg, 1));
        a->setTickPen(QPen(c.fg, 1));
        a->setSubTickPen(QPen(c.fg, 1));
        a->setTickLabelColor(c.fg);
        a->setLabelColor(c.fg);
        a->setTickLabelFont(font(st.tick_pt));
        a->setLabelFont(font(st.label_pt));
        a->grid()->setPen(QPen(c.grid, 1, Qt::DotLine));
        a->grid()->setZeroLinePen(Qt::NoPen);
    }
    rect->axis(QCPAxis::atBottom)->grid()->setVisible(true);
    rect->axis(QCPAxis::atLeft)->grid()->setVisible(true);
}

Frame setupFrame(QCustomPlot* p, const QString& title, const QString& subtitle,
                 const ChartStyle& st) {
    QCPLayoutGrid* body = beginFrame(p, title, subtitle, st);
    auto* rect = new QCPAxisRect(p);
    body->addElement(0, 0, rect);
    QCPLegend* legend = addSideLegend(p, body, 1, 1, st);
    styleAxes(rect, st);
    return {rect, legend};
}

void emptyState(QCustomPlot* p, QCPAxisRect* rect, const QString& text, const ChartStyle& st) {
    auto* item = new QCPItemText(p);
    item->setClipAxisRect(rect);
    item->position->setAxisRect(rect);
    item->position->setType(QCPItemPosition::ptAxisRectRatio);
    item->position->setCoords(0.5, 0.5);
    item->setPositionAlignment(Qt::AlignCenter);
    item->setTextAlignment(Qt::AlignCenter);
    item->setText(text);
    item->setFont(font(st.label_pt));
    item->setColor(coloursOf(st).sub);
    rect->axis(QCPAxis::atBottom)->setRange(0, 1);
    rect->axis(QCPAxis::atLeft)->setRange(0, 1);
    rect->axis(QCPAxis::atBottom)->setTickLabels(false);
    rect->axis(QCPAxis::atLeft)->setTickLabels(false);
    if (p->legend) p->legend->setVisible(false);
}

QCPGraph* line(QCustomPlot* p, QCPAxisRect* r, const QString& name, const QVector<double>& x,
               const QVector<double>& y, const QPen& pen) {
    QCPGraph* g = p->addGraph(r->axis(QCPAxis::atBottom), r->axis(QCPAxis::atLeft));
    g->setName(name);
    g->setPen(pen);
    g->setData(x, y, true);
    return g;
}

// Stacked areas, first layer at the bottom; the legend lists the top first.
void stacked(QCustomPlot* p, QCPAxisRect* r, const QVector<double>& x,
             const std::vector<std::pair<QString, QVector<double>>>& layers,
             const std::vector<QColor>& colours, double fill_alpha) {
    const int n = static_cast<int>(layers.size());
    std::vector<QVector<double>> cum(static_cast<std::size_t>(n));
    for (int k = 0; k < n; ++k) {
        cum[static_cast<std::size_t>(k)] = layers[static_cast<std::size_t>(k)].second;
        if (k)
            for (int i = 0; i < cum[static_cast<std::size_t>(k)].size(); ++i)
                cum[static_cast<std::size_t>(k)][i] += cum[static_cast<std::size_t>(k - 1)][i];
    }
    std::vector<QCPGraph*> g(static_cast<std::size_t>(n));
    for (int k = n - 1; k >= 0; --k) {
        QColor c = colours[static_cast<std::size_t>(k)];
        QColor fill = c;
        fill.setAlphaF(fill_alpha);
        g[static_cast<std::size_t>(k)] =
            line(p, r, layers[static_cast<std::size_t>(k)].first, x,
                 cum[static_cast<std::size_t>(k)], QPen(c.darker(115), 1.5));
        g[static_cast<std::size_t>(k)]->setBrush(fill);
    }
    for (int k = 1; k < n; ++k)
        g[static_cast<std::size_t>(k)]->setChannelFillGraph(g[static_cast<std::size_t>(k - 1)]);
}

double maxOf(const QVector<double>& v) {
    double m = 0;
    for (double x : v)
        if (!std::isnan(x)) m = std::max(m, x);
    return m;
}

void fitX(QCPAxisRect* r, const QVector<double>& x) {
    QCPAxis* a = r->axis(QCPAxis::atBottom);
    if (x.isEmpty()) return;
    const double lo = x.front(), hi = x.back();
    a->setRange(lo, hi > lo ? hi : lo + 1);
}

void integerTicks(QCPAxis* a) {
    a->ticker()->setTickStepStrategy(QCPAxisTicker::tssReadability);
    a->setNumberFormat("gb");
    a->setNumberPrecision(6);
}

QVector<double> columnVec(const TimeSeries& ts, int c) {
    const auto& v = ts.col(c);
    return QVector<double>(v.begin(), v.end());
}

// "n0.Normal" -> "node 0 Normal".
QString zoneLabel(const std::string& group) {
    const QString g = QString::fromStdString(group);
    const int dot = g.indexOf('.');
    if (!g.startsWith('n') || dot < 0) return g;
    return QStringLiteral("node %1 %2").arg(g.mid(1, dot - 1), g.mid(dot + 1));
}

std::vector<QColor> zonePalette() {
    return {kOrange, kSky, kGreen, kPurple, kVermillion, kBlue, kGrey};
}

} // namespace mmsim::charts
