#include "ui/charts/chart_builder.h"

#include "ui/charts/chart_parts.h"

#include "core/free_area.h"
#include "core/types.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace mmsim::charts {

namespace {

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
                                MIGRATE_HIGHATOMIC, MIGRATE_CMA, MIGRATE_ISOLATE};

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
    const Frame f = setupFrame(
        p, chartTitle(ts, ChartKind::Slab),
        QStringLiteral("active and total objects of each slab cache with slabs over time"), st);
    std::vector<int> cols;
    for (std::size_t i = 0; i < ts.columns.size(); ++i)
        // Objects only: the slabs-per-list columns (unit "slabs") are in the
        // series files; on one axis with objects they would crowd the chart.
        if (ts.columns[i].set == SeriesSet::provider && ts.columns[i].group.rfind("slab", 0) == 0 &&
            ts.columns[i].unit != "slabs")
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
