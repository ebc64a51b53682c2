// The comparison chart: several runs (core/series_compare.h) on one figure
// of three panels sharing the x axis — the largest free order, the unusable
// free space index at the chosen order (with the fragmentation index
// dashed), and the mixed pageblocks — one colour per run. Used by
// `mmsim-cli export-charts A --compare B` (compare.png/pdf/svg/csv).
#pragma once

#include "core/series_compare.h"
#include "ui/charts/chart_builder.h"

#include <QString>

#include <vector>

class QCustomPlot;

namespace mmsim::charts {

QString comparisonTitle(const std::vector<RunSummary>& runs);
void buildComparison(QCustomPlot* plot, const std::vector<RunSummary>& runs, XAxis x,
                     const ChartStyle& style = {});

} // namespace mmsim::charts
