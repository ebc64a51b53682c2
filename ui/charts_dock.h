// The charts dock: the standard charts of the run (ui/charts/chart_builder)
// as tabs, fed with the TimeSeries the simulation thread records and hands
// over in each snapshot. Hovering shows the values under the cursor (a
// crosshair tracer and a tooltip), the x axis switches between steps and
// cycles, and a context menu (and File > Export charts…) exports PNG, PDF,
// SVG, CSV or JSON.
#pragma once

#include "ui/charts/chart_builder.h"
#include "ui/charts/chart_export.h"

#include <QWidget>

#include <memory>
#include <vector>

class QComboBox;
class QCustomPlot;
class QCPItemTracer;
class QLabel;
class QMouseEvent;
class QTabWidget;

namespace mmsim::ui {

class ChartsDock : public QWidget {
    Q_OBJECT
  public:
    explicit ChartsDock(QWidget* parent = nullptr);
    bool eventFilter(QObject* watched, QEvent* e) override;

    // A new series (same pointer: nothing to do). Only the visible chart is
    // redrawn at once; the others when they are shown.
    void setSeries(std::shared_ptr<const mmsim::TimeSeries> ts);
    std::shared_ptr<const mmsim::TimeSeries> series() const { return series_; }

    void setXAxis(charts::XAxis x);
    charts::XAxis xAxis() const { return x_; }
    void showChart(charts::ChartKind k);
    charts::ChartKind currentChart() const;
    QCustomPlot* plot(charts::ChartKind k) const { return plots_[static_cast<std::size_t>(k)]; }

    // The text the hover tooltip shows at a key (step or cycle) of a chart.
    QString valuesAt(charts::ChartKind k, double key) const;

    // Exports one chart (image formats) or the series (csv, json).
    bool exportChart(charts::ChartKind k, charts::Format f, const QString& path, QString* error);
    // The standard set into a directory (like mmsim-cli export-charts).
    bool exportAll(const QString& dir, const QList<charts::Format>& formats, QString* error);

  public slots:
    // File > Export charts…: asks for a directory and writes every format.
    void exportDialog();

  private:
    void rebuild(int index);
    void onHover(int index, QMouseEvent* ev);
    void contextMenu(int index, const QPoint& pos);
    void exportOneDialog(int index, charts::Format f);

    QTabWidget* tabs_ = nullptr;
    QComboBox* x_box_ = nullptr;
    QLabel* info_ = nullptr;
    std::vector<QCustomPlot*> plots_;
    std::vector<QCPItemTracer*> tracers_;
    std::vector<bool> stale_;
    std::shared_ptr<const mmsim::TimeSeries> series_;
    charts::XAxis x_ = charts::XAxis::Steps;
};

} // namespace mmsim::ui
