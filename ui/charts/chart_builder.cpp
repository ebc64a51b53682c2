#include "ui/charts/chart_builder.h"

#include "core/free_area.h"
#include "core/types.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace mmsim::charts {

namespace {

// Okabe–Ito hues beside the migratetype ones, for zones and paths.
const QColor kOrange("#E69F00"), kSky("#56B4E9"), kGreen("#009E73"), kBlue("#0072B2"),
    kVermillion("#D55E00"), kPurple("#CC79A7"), kYellow("#F0E442"), kGrey("#999999");

struct Colours {
    QColor bg, fg, grid, sub, ink;
};
Colours coloursOf(const ChartStyle& s) {
    if (s.dark)
        return {QColor("#1e1f22"), QColor("#e8e8e8"), QColor("#3a3c40"), QColor("#a8a8a8"),
                QColor("#f0f0f0")};
    return {Qt::white, QColor("#202020"), QColor("#dcdcdc"), QColor("#555555"), QColor("#000000")};
}

QFont font(int pt, bool bold = false) {
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

// Title, optional subtitle, then the axis rect with its legend at the right.
struct Frame {
    QCPAxisRect* rect;
    QCPLegend* legend;
};

Frame setupFrame(QCustomPlot* p, const QString& title, const QString& subtitle,
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

    auto* rect = new QCPAxisRect(p);
    body->addElement(0, 0, rect);
    // The legend at the top of a side column, as tall as its entries.
    auto* side = new QCPLayoutGrid;
    body->addElement(0, 1, side);
    body->setColumnStretchFactor(0, 1);
    body->setColumnStretchFactor(1, 0.001);
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

// ---- the charts ----

void freePages(QCustomPlot* p, const TimeSeries& ts, XAxis xa, const ChartStyle& st) {
    const Frame f =
        setupFrame(p, chartTitle(ts, ChartKind::FreePages),
                   QStringLiteral("free pages held in blocks of each order, all zones stacked "
                                  "(nr_free × 2^order, as /proc/buddyinfo counts them)"),
                   st);
    const QVector<double> x = xsOf(ts, xa);
    std::vector<std::pair<QString, QVector<double>>> layers;
    std::vector<QColor> colours;
    for (int o = 0; o < NR_PAGE_ORDERS; ++o) {
        QVector<double> y(x.size(), 0.0);
        for (int c : ts.columnsOf(SeriesSet::nr_free)) {
            if (ts.columns[static_cast<std::size_t>(c)].order != o) continue;
            const auto& v = ts.col(c);
            for (int i = 0; i < y.size(); ++i)
                y[i] += v[static_cast<std::size_t>(i)] * double(1u << o);
        }
        layers.push_back(
            {QStringLiteral("order %1 (%2)")
                 .arg(o)
                 .arg(o < 8 ? QString("%1 KiB").arg(4 << o) : QString("%1 MiB").arg(4 << (o - 8))),
             y});
        colours.push_back(orderColour(o));
    }
    stacked(p, f.rect, x, layers, colours, 0.85);
    double top = 0;
    for (int i = 0; i < x.size(); ++i) {
        double s = 0;
        for (auto& l : layers)
            s += l.second[i];
        top = std::max(top, s);
    }
    fitX(f.rect, x);
    f.rect->axis(QCPAxis::atLeft)->setRange(0, top > 0 ? top * 1.05 : 1);
    f.rect->axis(QCPAxis::atLeft)->setLabel(QStringLiteral("free pages (4 KiB each)"));
    integerTicks(f.rect->axis(QCPAxis::atLeft));
}

void fragmentation(QCustomPlot* p, const TimeSeries& ts, XAxis xa, const ChartStyle& st) {
    const Frame f = setupFrame(
        p, chartTitle(ts, ChartKind::Fragmentation),
        QStringLiteral(
            "solid: unusable free space index (share of free memory in blocks smaller than "
            "order %1); dashed: fragmentation index (−1: the allocation would succeed, "
            "toward 1: it fails for fragmentation)")
            .arg(ts.frag_order),
        st);
    const QVector<double> x = xsOf(ts, xa);
    const auto pal = zonePalette();
    int zi = 0;
    for (const std::string& g : ts.zoneGroups()) {
        const QColor c = pal[static_cast<std::size_t>(zi++) % pal.size()];
        const QString zone = zoneLabel(g);
        for (int col : ts.columnsOf(SeriesSet::unusable))
            if (ts.columns[static_cast<std::size_t>(col)].group == g)
                line(p, f.rect, QStringLiteral("%1 unusable").arg(zone), x, columnVec(ts, col),
                     QPen(c, 2.5));
        for (int col : ts.columnsOf(SeriesSet::extfrag))
            if (ts.columns[static_cast<std::size_t>(col)].group == g)
                line(p, f.rect, QStringLiteral("%1 fragmentation").arg(zone), x, columnVec(ts, col),
                     QPen(c, 2.5, Qt::DashLine));
    }
    fitX(f.rect, x);
    QCPAxis* y = f.rect->axis(QCPAxis::atLeft);
    y->setRange(-1.08, 1.08);
    y->setLabel(QStringLiteral("index (kernel's value / 1000)"));
}

// Core's migratetype order, drawn MOVABLE first (the bulk) at the bottom.
constexpr int kMtDrawOrder[] = {MIGRATE_MOVABLE, MIGRATE_UNMOVABLE, MIGRATE_RECLAIMABLE,
                                MIGRATE_HIGHATOMIC, MIGRATE_ISOLATE};

void pageblocks(QCustomPlot* p, const TimeSeries& ts, XAxis xa, const ChartStyle& st) {
    const Frame f =
        setupFrame(p, chartTitle(ts, ChartKind::Pageblocks),
                   QStringLiteral("pageblocks (512 pages, 2 MiB) of each migratetype, all zones "
                                  "stacked; line: mixed pageblocks holding pages of another type"),
                   st);
    const QVector<double> x = xsOf(ts, xa);
    std::vector<std::pair<QString, QVector<double>>> layers;
    std::vector<QColor> colours;
    double top = 0;
    for (int mt : kMtDrawOrder) {
        QVector<double> y(x.size(), 0.0);
        for (int c : ts.columnsOf(SeriesSet::pageblocks)) {
            if (ts.columns[static_cast<std::size_t>(c)].mt != mt) continue;
            const auto& v = ts.col(c);
            for (int i = 0; i < y.size(); ++i)
                y[i] += v[static_cast<std::size_t>(i)];
        }
        if (maxOf(y) == 0 && mt >= MIGRATE_HIGHATOMIC) continue;
        layers.push_back({QString::fromLatin1(migratetypeName(mt)), y});
        colours.push_back(migratetypeColour(mt));
    }
    stacked(p, f.rect, x, layers, colours, 0.55);
    for (int i = 0; i < x.size(); ++i) {
        double s = 0;
        for (auto& l : layers)
            s += l.second[i];
        top = std::max(top, s);
    }
    QVector<double> mixed(x.size(), 0.0);
    for (int c : ts.columnsOf(SeriesSet::mixed)) {
        const auto& v = ts.col(c);
        for (int i = 0; i < mixed.size(); ++i)
            mixed[i] += v[static_cast<std::size_t>(i)];
    }
    // Mixed pageblocks are few beside the totals: their own scale at the right.
    QCPAxis* y2 = f.rect->axis(QCPAxis::atRight);
    y2->setVisible(true);
    y2->setLabel(QStringLiteral("mixed pageblocks (line)"));
    y2->setRange(0, std::max(maxOf(mixed) * 1.2, 4.0));
    integerTicks(y2);
    QCPGraph* m = p->addGraph(f.rect->axis(QCPAxis::atBottom), y2);
    m->setName(QStringLiteral("mixed pageblocks (right axis)"));
    m->setPen(QPen(coloursOf(st).ink, 3));
    m->setData(x, mixed, true);
    fitX(f.rect, x);
    f.rect->axis(QCPAxis::atLeft)->setRange(0, top > 0 ? top * 1.05 : 1);
    f.rect->axis(QCPAxis::atLeft)->setLabel(QStringLiteral("pageblocks"));
    integerTicks(f.rect->axis(QCPAxis::atLeft));
}

void events(QCustomPlot* p, const TimeSeries& ts, XAxis xa, const ChartStyle& st) {
    const Frame f =
        setupFrame(p, chartTitle(ts, ChartKind::Events),
                   QStringLiteral("running totals since the buddy allocator started"), st);
    const QVector<double> x = xsOf(ts, xa);
    struct L {
        const char* col;
        const char* name;
        QColor c;
    } ls[] = {{"extfrag_fallbacks", "migratetype fallbacks (mm_page_alloc_extfrag)", kOrange},
              {"pageblock_steals", "pageblock steals", kVermillion},
              {"alloc_failures", "allocation failures", coloursOf(st).ink}};
    double top = 0;
    for (const L& l : ls) {
        const int c = ts.column(l.col);
        if (c < 0) continue;
        QVector<double> y = columnVec(ts, c);
        for (int i = 1; i < y.size(); ++i)
            y[i] += y[i - 1];
        top = std::max(top, maxOf(y));
        line(p, f.rect, QString::fromLatin1(l.name), x, y, QPen(l.c, 2.5))
            ->setLineStyle(QCPGraph::lsStepLeft);
    }
    fitX(f.rect, x);
    f.rect->axis(QCPAxis::atLeft)->setRange(0, top > 0 ? top * 1.1 : 1);
    f.rect->axis(QCPAxis::atLeft)->setLabel(QStringLiteral("events (cumulative)"));
    integerTicks(f.rect->axis(QCPAxis::atLeft));
}

// Bucket bounds are powers of two: exact up to 65536, then in Ki/Mi units.
QString cyclesText(double v) {
    if (v >= 1048576) return QStringLiteral("%1 Mi").arg(v / 1048576);
    if (v > 65536) return QStringLiteral("%1 Ki").arg(v / 1024);
    return QString::number(v, 'f', 0);
}

void cycleHistogram(QCustomPlot* p, const TimeSeries& ts, const ChartStyle& st) {
    const Frame f =
        setupFrame(p, chartTitle(ts, ChartKind::CycleHistogram),
                   QStringLiteral("operations by the simulated cycles they cost, per path "
                                  "(log₂ buckets: a bar at N counts costs from N to 2N−1)"),
                   st);
    const QColor colours[NR_COST_PATHS] = {kGreen, kBlue,  kVermillion, kOrange, coloursOf(st).ink,
                                           kSky,   kPurple};
    int lo = LatencyHistogram::NR_BUCKETS, hi = -1;
    std::uint64_t total = 0;
    for (const LatencyHistogram& h : ts.paths) {
        total += h.count;
        for (int b = 0; b < LatencyHistogram::NR_BUCKETS; ++b)
            if (h.buckets[static_cast<std::size_t>(b)]) {
                lo = std::min(lo, b);
                hi = std::max(hi, b);
            }
    }
    if (!total) {
        emptyState(p, f.rect, QStringLiteral("No allocations or frees yet"), st);
        return;
    }
    auto* group = new QCPBarsGroup(p);
    group->setSpacingType(QCPBarsGroup::stAbsolute);
    group->setSpacing(1);
    int used = 0;
    for (const LatencyHistogram& h : ts.paths)
        used += h.count > 0;
    const double width = 0.8 / std::max(used, 1);
    double top = 0;
    for (int path = 0; path < NR_COST_PATHS; ++path) {
        const LatencyHistogram& h = ts.paths[static_cast<std::size_t>(path)];
        if (!h.count) continue;
        auto* bars = new QCPBars(f.rect->axis(QCPAxis::atBottom), f.rect->axis(QCPAxis::atLeft));
        bars->setName(QStringLiteral("%1 (%2 ops, mean %3 cycles)")
                          .arg(QString::fromLatin1(costPathName(static_cast<CostPath>(path))))
                          .arg(h.count)
                          .arg(h.count ? h.sum / h.count : 0));
        QColor c = colours[path];
        bars->setPen(QPen(c.darker(130), 1));
        QColor fill = c;
        fill.setAlphaF(0.85);
        bars->setBrush(fill);
        bars->setWidth(width);
        bars->setBarsGroup(group);
        for (int b = lo; b <= hi; ++b) {
            const double n = static_cast<double>(h.buckets[static_cast<std::size_t>(b)]);
            bars->addData(b, n);
            top = std::max(top, n);
        }
    }
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int b = lo; b <= hi; ++b)
        ticker->addTick(b, cyclesText(b == 0 ? 0 : std::ldexp(1.0, b)));
    QCPAxis* xa = f.rect->axis(QCPAxis::atBottom);
    xa->setTicker(ticker);
    xa->setRange(lo - 0.6, hi + 0.6);
    xa->setLabel(QStringLiteral("cycles per operation (bucket lower bound)"));
    xa->grid()->setVisible(false);
    QCPAxis* y = f.rect->axis(QCPAxis::atLeft);
    y->setRange(0, top * 1.1);
    y->setLabel(QStringLiteral("operations"));
    integerTicks(y);
}

void slab(QCustomPlot* p, const TimeSeries& ts, XAxis xa, const ChartStyle& st) {
    const Frame f =
        setupFrame(p, chartTitle(ts, ChartKind::Slab),
                   QStringLiteral("objects and slabs of the slab caches over time"), st);
    std::vector<int> cols;
    for (std::size_t i = 0; i < ts.columns.size(); ++i)
        if (ts.columns[i].set == SeriesSet::provider && ts.columns[i].group.rfind("slab", 0) == 0)
            cols.push_back(static_cast<int>(i));
    if (cols.empty() || ts.rows() == 0) {
        emptyState(
            p, f.rect,
            QStringLiteral("No slab data in this run.\nSlab series appear here once the slab "
                           "allocator records its caches\n(active/total objects, slabs per list)."),
            st);
        return;
    }
    const QVector<double> x = xsOf(ts, xa);
    const auto pal = zonePalette();
    double top = 0;
    for (std::size_t k = 0; k < cols.size(); ++k) {
        const SeriesColumn& c = ts.columns[static_cast<std::size_t>(cols[k])];
        QVector<double> y = columnVec(ts, cols[k]);
        top = std::max(top, maxOf(y));
        QString name = QString::fromStdString(c.name);
        if (name.startsWith("slab.")) name = name.mid(5);
        if (!c.unit.empty()) name += QStringLiteral(" (%1)").arg(QString::fromStdString(c.unit));
        line(p, f.rect, name, x, y,
             QPen(pal[k % pal.size()], 2.5, k < pal.size() ? Qt::SolidLine : Qt::DashLine));
    }
    fitX(f.rect, x);
    f.rect->axis(QCPAxis::atLeft)->setRange(0, top > 0 ? top * 1.1 : 1);
    f.rect->axis(QCPAxis::atLeft)->setLabel(QStringLiteral("count"));
    integerTicks(f.rect->axis(QCPAxis::atLeft));
}

} // namespace

XAxis xAxisFromName(const QString& name, bool* ok) {
    if (ok) *ok = name == "steps" || name == "cycles";
    return name == "cycles" ? XAxis::Cycles : XAxis::Steps;
}

const std::vector<ChartSpec>& standardCharts() {
    static const std::vector<ChartSpec> v = {
        {ChartKind::FreePages, "free_pages", "Free pages"},
        {ChartKind::Fragmentation, "fragmentation", "Fragmentation"},
        {ChartKind::Pageblocks, "pageblocks", "Pageblocks"},
        {ChartKind::Events, "events", "Events"},
        {ChartKind::CycleHistogram, "cycles_histogram", "Cycles per op"},
        {ChartKind::Slab, "slab", "Slab"},
    };
    return v;
}

const ChartSpec& chartSpec(ChartKind k) {
    return standardCharts()[static_cast<std::size_t>(k)];
}

ChartStyle screenStyle(int base_pt, bool dark) {
    ChartStyle s;
    s.dark = dark;
    s.title_pt = base_pt + 3;
    s.label_pt = base_pt;
    s.tick_pt = std::max(base_pt - 1, 7);
    s.legend_pt = std::max(base_pt - 1, 7);
    return s;
}

QString chartTitle(const TimeSeries& ts, ChartKind kind) {
    switch (kind) {
    case ChartKind::FreePages:
        return QStringLiteral("Free pages by order");
    case ChartKind::Fragmentation:
        return QStringLiteral("Fragmentation indices at order %1 (%2 KiB requests)")
            .arg(ts.frag_order)
            .arg(4 << ts.frag_order);
    case ChartKind::Pageblocks:
        return QStringLiteral("Pageblocks by migratetype");
    case ChartKind::Events:
        return QStringLiteral("Fallbacks, pageblock steals and allocation failures");
    case ChartKind::CycleHistogram: {
        std::uint64_t n = 0;
        for (const auto& h : ts.paths)
            n += h.count;
        return QStringLiteral("Cycles per operation (%1 operations)").arg(n);
    }
    case ChartKind::Slab:
        return QStringLiteral("Slab utilisation");
    }
    return {};
}

// Room below each legend entry: an item clips to its own rectangle, which
// otherwise cuts the underscores of kernel names.
static void padLegend(QCustomPlot* plot) {
    if (!plot->legend) return;
    for (int i = 0; i < plot->legend->itemCount(); ++i)
        if (QCPAbstractLegendItem* it = plot->legend->item(i)) it->setMargins(QMargins(6, 1, 6, 4));
}

void buildChart(QCustomPlot* plot, const TimeSeries& ts, ChartKind kind, XAxis x,
                const ChartStyle& style) {
    if (ts.rows() == 0 && kind != ChartKind::CycleHistogram) {
        const Frame f = setupFrame(plot, chartTitle(ts, kind), QString(), style);
        emptyState(
            plot, f.rect,
            QStringLiteral("No data yet: the series start when memblock_free_all\nhands memory "
                           "to the buddy allocator."),
            style);
        return;
    }
    switch (kind) {
    case ChartKind::FreePages:
        freePages(plot, ts, x, style);
        break;
    case ChartKind::Fragmentation:
        fragmentation(plot, ts, x, style);
        break;
    case ChartKind::Pageblocks:
        pageblocks(plot, ts, x, style);
        break;
    case ChartKind::Events:
        events(plot, ts, x, style);
        break;
    case ChartKind::CycleHistogram:
        cycleHistogram(plot, ts, style);
        break;
    case ChartKind::Slab:
        slab(plot, ts, x, style);
        break;
    }
    if (kind != ChartKind::CycleHistogram && !plot->axisRects().isEmpty())
        plot->axisRect()->axis(QCPAxis::atBottom)->setLabel(xLabel(x));
    if (x == XAxis::Cycles && kind != ChartKind::CycleHistogram)
        integerTicks(plot->axisRect()->axis(QCPAxis::atBottom));
    padLegend(plot);
}

QColor migratetypeColour(int mt) {
    switch (mt) {
    case MIGRATE_UNMOVABLE:
        return kVermillion;
    case MIGRATE_MOVABLE:
        return kBlue;
    case MIGRATE_RECLAIMABLE:
        return kGreen;
    case MIGRATE_HIGHATOMIC:
        return kPurple;
    case MIGRATE_ISOLATE:
        return kGrey;
    default:
        return kYellow; // CMA
    }
}

QColor orderColour(int order) {
    // A viridis-like ramp: dark blue (order 0) through green to yellow (order 10).
    static const QColor ramp[NR_PAGE_ORDERS] = {
        QColor("#440154"), QColor("#482475"), QColor("#414487"), QColor("#355f8d"),
        QColor("#2a788e"), QColor("#21918c"), QColor("#22a884"), QColor("#44bf70"),
        QColor("#7ad151"), QColor("#bddf26"), QColor("#fde725")};
    return ramp[std::clamp(order, 0, NR_PAGE_ORDERS - 1)];
}

} // namespace mmsim::charts
