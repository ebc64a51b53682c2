#include "ui/charts/chart_export.h"

#include "ui/charts/chart_compare.h"

#include "core/timeseries_io.h"

#include <qcustomplot.h>

#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QTemporaryDir>

#include <cstdio>

namespace mmsim::charts {

Format formatFromName(const QString& name, bool* ok) {
    static const QStringList names = formatNames();
    const int i = names.indexOf(name.toLower());
    if (ok) *ok = i >= 0;
    return i < 0 ? Format::Png : static_cast<Format>(i);
}

QString formatName(Format f) {
    return formatNames()[static_cast<int>(f)];
}

QStringList formatNames() {
    return {"png", "pdf", "svg", "csv", "json"};
}

namespace {

bool fail(QString* error, const QString& msg) {
    if (error) *error = msg;
    return false;
}

// Renders into an open QSaveFile and commits it.
bool renderTo(QCustomPlot* plot, const QString& title, Format f, QSaveFile& out, QSize size,
              QString* error) {
    const int w = size.width(), h = size.height();
    switch (f) {
    case Format::Png: {
        // Rendered at the requested size in device-independent pixels.
        QImage img = plot->toPixmap(w, h, 1.0).toImage();
        if (img.isNull() || !img.save(&out, "PNG")) return fail(error, "cannot render the PNG");
        break;
    }
    case Format::Pdf: {
        QPdfWriter pdf(&out);
        pdf.setTitle(title);
        pdf.setCreator(QStringLiteral("mmsim"));
        pdf.setResolution(96);
        pdf.setPageLayout(QPageLayout(QPageSize(QSizeF(w * 72.0 / 96, h * 72.0 / 96),
                                                QPageSize::Point, QString(), QPageSize::ExactMatch),
                                      QPageLayout::Portrait, QMarginsF(0, 0, 0, 0)));
        QCPPainter painter;
        if (!painter.begin(&pdf)) return fail(error, "cannot start the PDF");
        painter.setMode(QCPPainter::pmVectorized);
        painter.setMode(QCPPainter::pmNoCaching);
        plot->toPainter(&painter, w, h);
        painter.end();
        break;
    }
    case Format::Svg: {
        QSvgGenerator svg;
        svg.setOutputDevice(&out);
        svg.setSize(size);
        svg.setViewBox(QRect(0, 0, w, h));
        svg.setTitle(title);
        svg.setDescription(QStringLiteral("mmsim chart"));
        QCPPainter painter;
        if (!painter.begin(&svg)) return fail(error, "cannot start the SVG");
        painter.setMode(QCPPainter::pmVectorized);
        painter.setMode(QCPPainter::pmNoCaching);
        plot->toPainter(&painter, w, h);
        painter.end();
        break;
    }
    default:
        return fail(error, "not an image format");
    }
    return true;
}

} // namespace

bool exportPlot(QCustomPlot* plot, const QString& title, Format f, const QString& path, QSize size,
                QString* error) {
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly))
        return fail(error, QStringLiteral("cannot write %1: %2").arg(path, out.errorString()));
    if (!renderTo(plot, title, f, out, size, error)) {
        out.cancelWriting();
        return false;
    }
    if (!out.commit())
        return fail(error, QStringLiteral("cannot write %1: %2").arg(path, out.errorString()));
    return true;
}

bool writeAtomically(const QString& path, const QByteArray& bytes, QString* error) {
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly))
        return fail(error, QStringLiteral("cannot write %1: %2").arg(path, out.errorString()));
    if (out.write(bytes) != bytes.size()) {
        out.cancelWriting();
        return fail(error, QStringLiteral("cannot write %1: %2").arg(path, out.errorString()));
    }
    if (!out.commit())
        return fail(error, QStringLiteral("cannot write %1: %2").arg(path, out.errorString()));
    return true;
}

bool exportSeries(const TimeSeries& ts, Format f, const QString& path, QString* error) {
    if (f != Format::Csv && f != Format::Json) return fail(error, "not a series format");
    const std::string text = f == Format::Csv ? seriesToCsv(ts) : seriesToJson(ts);
    return writeAtomically(path, QByteArray::fromStdString(text), error);
}

bool exportStandardSet(const TimeSeries& ts, const QString& dir, const QList<Format>& formats,
                       XAxis x, QString* error, QStringList* written,
                       const std::vector<RunSummary>& compare) {
    if (!QDir().mkpath(dir))
        return fail(error, QStringLiteral("cannot create the directory %1").arg(dir));
    const QFileInfo di(dir);
    if (!di.isDir() || !di.isWritable())
        return fail(error, QStringLiteral("%1 is not a writable directory").arg(dir));
    // Stage everything in a temporary directory inside 'dir' (same file
    // system: the final renames are atomic).
    QTemporaryDir stage(QDir(dir).filePath(QStringLiteral(".mmsim-export-XXXXXX")));
    if (!stage.isValid())
        return fail(error, QStringLiteral("cannot write in %1: %2").arg(dir, stage.errorString()));
    QList<QPair<QString, QString>> moves; // staged -> final
    QCustomPlot plot;
    plot.resize(kExportSize);
    QList<Format> done;
    for (Format f : formats) {
        if (done.contains(f)) continue;
        done.push_back(f);
        const QString ext = formatName(f);
        if (f == Format::Csv || f == Format::Json) {
            const QString name = QStringLiteral("series.%1").arg(ext);
            if (!exportSeries(ts, f, stage.filePath(name), error)) return false;
            moves.push_back({stage.filePath(name), QDir(dir).filePath(name)});
            if (!compare.empty()) {
                const QString cname = QStringLiteral("compare.%1").arg(ext);
                const std::string text =
                    f == Format::Csv ? comparisonToCsv(compare) : comparisonToJson(compare);
                if (!writeAtomically(stage.filePath(cname), QByteArray::fromStdString(text), error))
                    return false;
                moves.push_back({stage.filePath(cname), QDir(dir).filePath(cname)});
            }
            continue;
        }
        for (const ChartSpec& spec : standardCharts()) {
            buildChart(&plot, ts, spec.kind, x);
            const QString name =
                QStringLiteral("%1.%2").arg(QString::fromLatin1(spec.file_stem), ext);
            if (!exportPlot(&plot, chartTitle(ts, spec.kind), f, stage.filePath(name), kExportSize,
                            error))
                return false;
            moves.push_back({stage.filePath(name), QDir(dir).filePath(name)});
        }
        if (!compare.empty()) {
            buildComparison(&plot, compare, x);
            const QString cname = QStringLiteral("compare.%1").arg(ext);
            if (!exportPlot(&plot, comparisonTitle(compare), f, stage.filePath(cname), kExportSize,
                            error))
                return false;
            moves.push_back({stage.filePath(cname), QDir(dir).filePath(cname)});
        }
    }
    // A target that cannot be replaced by a file (a directory) fails the
    // whole export before anything is moved into place.
    for (const auto& [from, to] : moves)
        if (QFileInfo(to).isDir())
            return fail(error, QStringLiteral("cannot replace %1: it is a directory").arg(to));
    for (const auto& [from, to] : moves) {
        // rename(2) replaces the target atomically.
        if (std::rename(QFile::encodeName(from).constData(), QFile::encodeName(to).constData()) !=
            0)
            return fail(error, QStringLiteral("cannot replace %1").arg(to));
        if (written) written->push_back(to);
    }
    return true;
}

} // namespace mmsim::charts
