// The standard charts of a run, drawn with QCustomPlot from a TimeSeries
// (core/timeseries.h): free pages by order, fragmentation indices,
// pageblocks by migratetype (stacked, with the mixed ones), cumulative
// steal/fallback/failure events, the cycles-per-operation histogram and
// slab utilisation. The same builder feeds the GUI's charts dock and the
// headless export (chart_export.h), so what a student sees is what a
// report prints. Colours: Okabe–Ito for migratetypes (DESIGN.md), a
// sequential palette for orders.
#pragma once

#include "core/timeseries.h"

#include <QColor>
#include <QString>

#include <vector>

class QCustomPlot;

namespace mmsim::charts {

enum class XAxis { Steps, Cycles };
XAxis xAxisFromName(const QString& name, bool* ok = nullptr); // "steps" / "cycles"

enum class ChartKind { FreePages, Fragmentation, Pageblocks, Events, CycleHistogram, Slab };
constexpr int kNrChartKinds = 6;

struct ChartSpec {
    ChartKind kind;
    const char* file_stem; // "free_pages", ...
    const char* tab;       // short name for a tab
};
// The standard set, in order.
const std::vector<ChartSpec>& standardCharts();
const ChartSpec& chartSpec(ChartKind k);

struct ChartStyle {
    bool dark = false;
    // Point sizes for a 1600x900 image; the dock uses its widget font.
    int title_pt = 20, label_pt = 14, tick_pt = 12, legend_pt = 12;
};
// Point sizes scaled to the widget font (dock) rather than print.
ChartStyle screenStyle(int base_pt, bool dark);

// Clears 'plot' and draws chart 'kind' of 'ts'. The title names what is
// shown and the axes their units.
void buildChart(QCustomPlot* plot, const TimeSeries& ts, ChartKind kind, XAxis x,
                const ChartStyle& style = {});
QString chartTitle(const TimeSeries& ts, ChartKind kind);

// Okabe–Ito colour of a core migratetype (MIGRATE_UNMOVABLE.. ISOLATE).
QColor migratetypeColour(int mt);
// Colour of a buddy order 0..10 (dark blue to yellow).
QColor orderColour(int order);

} // namespace mmsim::charts
