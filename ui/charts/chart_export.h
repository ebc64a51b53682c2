// Writing charts and their series to files: PNG, PDF, SVG (QSvgGenerator)
// and the series as CSV or JSON. Every file is written through QSaveFile:
// a temporary file beside the target, renamed over it only when the whole
// file was written, so a failure leaves an existing file untouched.
#pragma once

#include "core/series_compare.h"
#include "ui/charts/chart_builder.h"

#include <QSize>
#include <QString>
#include <QStringList>

class QCustomPlot;

namespace mmsim::charts {

enum class Format { Png, Pdf, Svg, Csv, Json };
// "png", "pdf", "svg", "csv", "json"; ok = false for anything else.
Format formatFromName(const QString& name, bool* ok);
QString formatName(Format f);
QStringList formatNames();

constexpr QSize kExportSize(1600, 900);

// One rendered chart to 'path' at 'size' pixels (PNG), points (PDF) or
// user units (SVG). Returns false with a message on failure.
bool exportPlot(QCustomPlot* plot, const QString& title, Format f, const QString& path, QSize size,
                QString* error);
// The series itself (the CSV/JSON of core/timeseries_io.h).
bool exportSeries(const TimeSeries& ts, Format f, const QString& path, QString* error);
// Writes bytes atomically.
bool writeAtomically(const QString& path, const QByteArray& bytes, QString* error);

// The standard set into 'dir' (created if missing): for each image format
// one file per chart (<stem>.<ext>), for csv/json one series.<ext>. The
// files are first written as temporaries; only when every one succeeded are
// they renamed into place, so on failure nothing is left half-written and
// existing files stay as they were. The list of written files in *written.
// With runs to compare, also compare.<ext> (the comparison chart, or its
// values as CSV/JSON), staged and committed with the rest.
bool exportStandardSet(const TimeSeries& ts, const QString& dir, const QList<Format>& formats,
                       XAxis x, QString* error, QStringList* written = nullptr,
                       const std::vector<RunSummary>& compare = {});

} // namespace mmsim::charts
