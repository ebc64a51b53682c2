#include "ui/charts_dock.h"

#include "ui/charts/chart_parts.h"
#include "ui/theme.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QTabWidget>
#include <QToolTip>
#include <QVBoxLayout>

#include <cmath>

namespace mmsim::ui {

using charts::ChartKind;
using charts::Format;

ChartsDock::ChartsDock(QWidget* parent) : QWidget(parent) {
    setObjectName("charts");
    setMinimumHeight(260);
    auto* top = new QHBoxLayout;
    top->setContentsMargins(4, 2, 4, 2);
    top->addWidget(new QLabel(tr("x axis:"), this));
    x_box_ = new QComboBox(this);
    x_box_->setObjectName("charts-x-axis");
    x_box_->addItem(tr("steps"));
    x_box_->addItem(tr("cycles"));
    x_box_->setToolTip(
        tr("Plot the time charts against executed steps or the simulated cycle clock"));
    top->addWidget(x_box_);
    info_ = new QLabel(this);
    info_->setObjectName("charts-info");
    top->addWidget(info_, 1);
    tabs_ = new QTabWidget(this);
    tabs_->setObjectName("charts-tabs");
    tabs_->setDocumentMode(true);
    for (const charts::ChartSpec& spec : charts::standardCharts()) {
        auto* p = new QCustomPlot(tabs_);
        p->setObjectName(QString::fromLatin1(spec.file_stem));
        p->setMinimumSize(320, 200);
        p->setContextMenuPolicy(Qt::CustomContextMenu);
        p->setMouseTracking(true); // hover values without a button pressed
        p->setToolTip(tr("Hover for values; right-click to export"));
        const int index = static_cast<int>(plots_.size());
        connect(p, &QCustomPlot::mouseMove, this,
                [this, index](QMouseEvent* ev) { onHover(index, ev); });
        connect(p, &QWidget::customContextMenuRequested, this,
                [this, index](const QPoint& pos) { contextMenu(index, pos); });
        p->installEventFilter(this); // resizes refit the legend
        plots_.push_back(p);
        tracers_.push_back(nullptr);
        stale_.push_back(true);
        tabs_->addTab(p, tr(spec.tab));
    }
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(0, 0, 0, 0);
    lay->setSpacing(0);
    lay->addLayout(top);
    lay->addWidget(tabs_, 1);
    connect(x_box_, &QComboBox::currentIndexChanged, this,
            [this](int i) { setXAxis(i == 1 ? charts::XAxis::Cycles : charts::XAxis::Steps); });
    connect(tabs_, &QTabWidget::currentChanged, this, [this](int i) {
        if (i >= 0 && stale_[static_cast<std::size_t>(i)]) rebuild(i);
    });
    rebuild(0);
}

void ChartsDock::setSeries(std::shared_ptr<const TimeSeries> ts) {
    if (ts == series_) return;
    series_ = std::move(ts);
    std::fill(stale_.begin(), stale_.end(), true);
    if (series_)
        info_->setText(tr("%1 rows, every %2 step(s)").arg(series_->rows()).arg(series_->stride));
    else
        info_->clear();
    rebuild(tabs_->currentIndex());
}

void ChartsDock::setXAxis(charts::XAxis x) {
    if (x == x_) return;
    x_ = x;
    const QSignalBlocker block(x_box_);
    x_box_->setCurrentIndex(x == charts::XAxis::Cycles ? 1 : 0);
    std::fill(stale_.begin(), stale_.end(), true);
    rebuild(tabs_->currentIndex());
}

void ChartsDock::showChart(ChartKind k) {
    tabs_->setCurrentIndex(static_cast<int>(k));
}

ChartKind ChartsDock::currentChart() const {
    return static_cast<ChartKind>(std::max(tabs_->currentIndex(), 0));
}

void ChartsDock::rebuild(int index) {
    if (index < 0) return;
    const auto i = static_cast<std::size_t>(index);
    QCustomPlot* p = plots_[i];
    static const TimeSeries empty;
    const charts::ChartStyle style =
        charts::screenStyle(std::max(font().pointSize(), 8), isDark(this));
    charts::buildChart(p, series_ ? *series_ : empty, static_cast<ChartKind>(index), x_, style);
    // The hover crosshair follows the first plottable's data.
    tracers_[i] = nullptr;
    if (p->graphCount() > 0) {
        auto* t = new QCPItemTracer(p);
        t->setGraph(p->graph(0));
        t->setStyle(QCPItemTracer::tsCrosshair);
        t->setPen(QPen(QColor(128, 128, 128, 160), 1, Qt::DashLine));
        t->setClipAxisRect(p->axisRect());
        t->setVisible(false);
        tracers_[i] = t;
    }
    stale_[i] = false;
    charts::fitLegendToHeight(p);
    p->replot(QCustomPlot::rpQueuedReplot);
}

bool ChartsDock::eventFilter(QObject* watched, QEvent* e) {
    if (e->type() == QEvent::Resize)
        if (auto* p = qobject_cast<QCustomPlot*>(watched)) {
            charts::fitLegendToHeight(p);
            p->replot(QCustomPlot::rpQueuedReplot);
        }
    return QWidget::eventFilter(watched, e);
}

QString ChartsDock::valuesAt(ChartKind k, double key) const {
    QCustomPlot* p = plots_[static_cast<std::size_t>(k)];
    QStringList lines;
    if (k == ChartKind::CycleHistogram) {
        const int bucket = static_cast<int>(std::lround(key));
        lines << tr("%1 – %2 cycles")
                     .arg(bucket == 0 ? 0.0 : std::ldexp(1.0, bucket))
                     .arg(std::ldexp(1.0, bucket + 1) - 1);
        for (int i = 0; i < p->plottableCount(); ++i) {
            auto* bars = qobject_cast<QCPBars*>(p->plottable(i));
            if (!bars) continue;
            auto it = bars->data()->findBegin(bucket - 0.5, false);
            if (it == bars->data()->constEnd() || std::abs(it->key - bucket) > 0.01) continue;
            lines << QStringLiteral("%1: %2").arg(bars->name().section(' ', 0, 0)).arg(it->value);
        }
        return lines.join('\n');
    }
    if (p->graphCount() == 0) return {};
    // The row nearest the key, values per layer (a stacked layer minus the one below).
    const QCPGraph* g0 = p->graph(0);
    auto it = g0->data()->findBegin(key, true);
    if (it == g0->data()->constEnd()) return {};
    auto next = it + 1;
    if (next != g0->data()->constEnd() && std::abs(next->key - key) < std::abs(it->key - key))
        it = next;
    const int row = static_cast<int>(it - g0->data()->constBegin());
    lines << (x_ == charts::XAxis::Steps ? tr("step %1").arg(it->key, 0, 'f', 0)
                                         : tr("cycle %1").arg(it->key, 0, 'f', 0));
    for (int i = 0; i < p->graphCount(); ++i) {
        const QCPGraph* g = p->graph(i);
        if (row >= g->dataCount()) continue;
        double v = (g->data()->constBegin() + row)->value;
        if (const QCPGraph* below = g->channelFillGraph(); below && row < below->dataCount())
            v -= (below->data()->constBegin() + row)->value;
        if (std::isnan(v)) continue;
        lines << QStringLiteral("%1: %2").arg(g->name()).arg(v, 0, 'g', 6);
    }
    return lines.join('\n');
}

void ChartsDock::onHover(int index, QMouseEvent* ev) {
    QCustomPlot* p = plots_[static_cast<std::size_t>(index)];
    if (!p->axisRect() || !p->axisRect()->rect().contains(ev->pos())) {
        if (auto* t = tracers_[static_cast<std::size_t>(index)]) t->setVisible(false);
        QToolTip::hideText();
        p->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const double key = p->axisRect()->axis(QCPAxis::atBottom)->pixelToCoord(ev->position().x());
    if (auto* t = tracers_[static_cast<std::size_t>(index)]) {
        t->setGraphKey(key);
        t->setVisible(true);
    }
    const QString text = valuesAt(static_cast<ChartKind>(index), key);
    if (!text.isEmpty()) QToolTip::showText(ev->globalPosition().toPoint(), text, p);
    p->replot(QCustomPlot::rpQueuedReplot);
}

void ChartsDock::contextMenu(int index, const QPoint& pos) {
    QMenu menu(this);
    for (Format f : {Format::Png, Format::Pdf, Format::Svg})
        menu.addAction(tr("Export chart as %1…").arg(charts::formatName(f).toUpper()), this,
                       [this, index, f] { exportOneDialog(index, f); });
    menu.addSeparator();
    for (Format f : {Format::Csv, Format::Json})
        menu.addAction(tr("Export series as %1…").arg(charts::formatName(f).toUpper()), this,
                       [this, index, f] { exportOneDialog(index, f); });
    menu.addSeparator();
    menu.addAction(tr("Export all charts…"), this, &ChartsDock::exportDialog);
    menu.exec(plots_[static_cast<std::size_t>(index)]->mapToGlobal(pos));
}

bool ChartsDock::exportChart(ChartKind k, Format f, const QString& path, QString* error) {
    static const TimeSeries empty;
    const TimeSeries& ts = series_ ? *series_ : empty;
    if (f == Format::Csv || f == Format::Json) return charts::exportSeries(ts, f, path, error);
    // Rendered for print (export fonts, light), not as the dock shows it.
    QCustomPlot plot;
    plot.resize(charts::kExportSize);
    charts::buildChart(&plot, ts, k, x_);
    return charts::exportPlot(&plot, charts::chartTitle(ts, k), f, path, charts::kExportSize,
                              error);
}

bool ChartsDock::exportAll(const QString& dir, const QList<Format>& formats, QString* error) {
    static const TimeSeries empty;
    return charts::exportStandardSet(series_ ? *series_ : empty, dir, formats, x_, error);
}

void ChartsDock::exportOneDialog(int index, Format f) {
    const QString ext = charts::formatName(f);
    const QString stem =
        f == Format::Csv || f == Format::Json
            ? QStringLiteral("series")
            : QString::fromLatin1(
                  charts::standardCharts()[static_cast<std::size_t>(index)].file_stem);
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export"), stem + "." + ext, tr("%1 files (*.%2)").arg(ext.toUpper(), ext));
    if (path.isEmpty()) return;
    QString error;
    if (!exportChart(static_cast<ChartKind>(index), f, path, &error))
        QMessageBox::warning(this, tr("Export failed"), error);
}

void ChartsDock::exportDialog() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export charts into"));
    if (dir.isEmpty()) return;
    QString error;
    if (!exportAll(dir, {Format::Png, Format::Pdf, Format::Svg, Format::Csv, Format::Json}, &error))
        QMessageBox::warning(this, tr("Export failed"), error);
}

} // namespace mmsim::ui
