// The drawing parts every chart is made of: the palette beside the
// migratetype colours, the title/subtitle frame with its legend column,
// axis styling, lines and stacked areas. Internal to ui/charts: the chart
// builders (chart_builder.cpp, chart_compare.cpp) share them so that every
// exported figure has the same look.
#pragma once

#include "ui/charts/chart_builder.h"

#include <QColor>
#include <QFont>
#include <QPen>
#include <QString>
#include <QVector>

#include <string>
#include <utility>
#include <vector>

class QCustomPlot;
class QCPAxis;
class QCPAxisRect;
class QCPGraph;
class QCPLayoutGrid;
class QCPLegend;

namespace mmsim::charts {

// Okabe–Ito hues beside the migratetype ones, for zones, runs and paths.
extern const QColor kOrange, kSky, kGreen, kBlue, kVermillion, kPurple, kYellow, kGrey;

struct Colours {
    QColor bg, fg, grid, sub, ink;
};
Colours coloursOf(const ChartStyle& s);
QFont font(int pt, bool bold = false);

QVector<double> xsOf(const TimeSeries& ts, XAxis x);
QString xLabel(XAxis x);

// Clears the plot and lays out the title and optional subtitle; returns the
// grid below them for the axis rects.
QCPLayoutGrid* beginFrame(QCustomPlot* p, const QString& title, const QString& subtitle,
                          const ChartStyle& st);
// A legend at the top of 'column' of 'body' (which has 'rows' rows of axis
// rects to its left); it becomes the plot's legend.
QCPLegend* addSideLegend(QCustomPlot* p, QCPLayoutGrid* body, int column, int rows,
                         const ChartStyle& st);
// Lays a side legend out in as many columns as it needs to fit the plot's
// height (a short dock would otherwise squeeze the title off the top).
void fitLegendToHeight(QCustomPlot* p);
void styleAxes(QCPAxisRect* rect, const ChartStyle& st);

// Title, optional subtitle, then one axis rect with its legend at the right.
struct Frame {
    QCPAxisRect* rect;
    QCPLegend* legend;
};
Frame setupFrame(QCustomPlot* p, const QString& title, const QString& subtitle,
                 const ChartStyle& st);

void emptyState(QCustomPlot* p, QCPAxisRect* rect, const QString& text, const ChartStyle& st);
QCPGraph* line(QCustomPlot* p, QCPAxisRect* r, const QString& name, const QVector<double>& x,
               const QVector<double>& y, const QPen& pen);
// Stacked areas, first layer at the bottom; the legend lists the top first.
void stacked(QCustomPlot* p, QCPAxisRect* r, const QVector<double>& x,
             const std::vector<std::pair<QString, QVector<double>>>& layers,
             const std::vector<QColor>& colours, double fill_alpha);
double maxOf(const QVector<double>& v);
void fitX(QCPAxisRect* r, const QVector<double>& x);
void integerTicks(QCPAxis* a);
QVector<double> columnVec(const TimeSeries& ts, int c);
// "n0.Normal" -> "node 0 Normal".
QString zoneLabel(const std::string& group);
std::vector<QColor> zonePalette();

} // namespace mmsim::charts
