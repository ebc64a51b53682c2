// Charts: mmsim-cli export-charts with no display at all (the program picks
// the offscreen platform itself), the files it writes checked as a reader
// would (PNG decodes at 1600x900 with real content, SVG parses and carries
// the chart title, PDF has a page, CSV columns match the series), failed
// exports that leave existing files untouched, and the GUI's charts dock
// fed by a run (values, hover, x axis, export).
#include "core/series_compare.h"
#include "core/simulation.h"
#include "core/timeseries_io.h"
#include "ui/charts/chart_builder.h"
#include "ui/charts_dock.h"
#include "ui/main_window.h"

#include <qcustomplot.h>

#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <nlohmann/json.hpp>

using namespace mmsim;

namespace {

const QString kScenario = QStringLiteral(MMSIM_FIXTURES "/charts/alloc_free.json");

struct Run {
    int code = -1;
    QString out, err;
};

// mmsim-cli with DISPLAY, WAYLAND_DISPLAY and QT_QPA_PLATFORM removed.
Run cli(const QStringList& args) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove("DISPLAY");
    env.remove("WAYLAND_DISPLAY");
    env.remove("QT_QPA_PLATFORM");
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(MMSIM_CLI_BINARY), args);
    p.waitForFinished(120000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// All character data of an SVG, or a null string when it does not parse.
QString svgText(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    QXmlStreamReader xml(&f);
    QString text;
    bool svg_root = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement() && xml.name() == QLatin1String("svg")) svg_root = true;
        if (xml.isCharacters()) text += xml.text().toString() + QLatin1Char('\n');
    }
    if (xml.hasError() || !svg_root) return {};
    return text;
}

int distinctColours(const QImage& img) {
    QSet<QRgb> c;
    for (int y = 0; y < img.height(); y += 3)
        for (int x = 0; x < img.width(); x += 3)
            c.insert(img.pixel(x, y));
    return c.size();
}

} // namespace

class ChartsTest : public QObject {
    Q_OBJECT
  private slots:
    void exportWithoutDisplay();
    void runExport();
    void failedExportLeavesFilesUntouched();
    void badFormatWritesNothing();
    void compareRuns();
    void dockFollowsTheRun();
};

void ChartsTest::exportWithoutDisplay() {
    QTemporaryDir tmp;
    const QString out = tmp.filePath("charts");
    const Run r = cli({"export-charts", kScenario, "--out", out});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    // The series as the CLI recorded it: titles and columns to compare with.
    const TimeSeries ts = seriesFromJson(readAll(out + "/series.json").toStdString());
    QVERIFY(ts.rows() >= 10);
    for (const charts::ChartSpec& spec : charts::standardCharts()) {
        const QString stem = out + "/" + spec.file_stem;
        const QString title = charts::chartTitle(ts, spec.kind);
        QImage png(stem + ".png");
        QVERIFY2(!png.isNull(), qPrintable(stem));
        QCOMPARE(png.size(), QSize(1600, 900));
        QVERIFY2(distinctColours(png) > 20, qPrintable(stem)); // text, lines, fills
        const QString svg = svgText(stem + ".svg");
        QVERIFY2(!svg.isNull(), qPrintable(stem + ".svg does not parse"));
        QVERIFY2(svg.contains(title), qPrintable(stem + ".svg lacks " + title));
        const QByteArray pdf = readAll(stem + ".pdf");
        QVERIFY(pdf.startsWith("%PDF-"));
        QVERIFY(QRegularExpression("/Type\\s*/Page\\b").match(QString::fromLatin1(pdf)).hasMatch());
        QVERIFY(pdf.size() > 2000);
    }
    // CSV columns are the series' columns.
    const QList<QByteArray> csv = readAll(out + "/series.csv").split('\n');
    QStringList header = QString::fromUtf8(csv[0]).split(',');
    QCOMPARE(header.takeFirst(), QStringLiteral("step"));
    QCOMPARE(header.takeFirst(), QStringLiteral("cycle"));
    QCOMPARE(header.size(), static_cast<qsizetype>(ts.columns.size()));
    for (int i = 0; i < header.size(); ++i)
        QCOMPARE(header[i].toStdString(), ts.columns[static_cast<std::size_t>(i)].name);
    QCOMPARE(csv.size(), static_cast<qsizetype>(ts.rows() + 2)); // header, rows, final newline
    // No staging directory left behind.
    QCOMPARE(QDir(out).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).size(),
             static_cast<qsizetype>(charts::standardCharts().size() * 3 + 2));

    // Cycles on the x axis: a different picture of the same run.
    const Run c = cli({"export-charts", kScenario, "--out", tmp.filePath("cycles"), "--format",
                       "png", "--x", "cycles"});
    QVERIFY2(c.code == 0, qPrintable(c.err));
    QVERIFY(QImage(tmp.filePath("cycles/free_pages.png")) != QImage(out + "/free_pages.png"));
}

void ChartsTest::runExport() {
    QTemporaryDir tmp;
    const Run r = cli({"run", kScenario, "--print", "buddyinfo", "--export", tmp.filePath("x")});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(r.out.startsWith("Node 0, zone")); // the view, and nothing else
    QVERIFY(!r.out.contains("free_pages.png"));
    QCOMPARE(QImage(tmp.filePath("x/pageblocks.png")).size(), QSize(1600, 900));
    QVERIFY(QFile::exists(tmp.filePath("x/series.json")));
    // --steps N: the charts stop where the run stops.
    const Run s = cli({"run", kScenario, "--steps", "4", "--export", tmp.filePath("y")});
    QVERIFY2(s.code == 0, qPrintable(s.err));
    const TimeSeries ts = seriesFromJson(readAll(tmp.filePath("y/series.json")).toStdString());
    QCOMPARE(ts.step.back(), 4u);
}

void ChartsTest::failedExportLeavesFilesUntouched() {
    QTemporaryDir tmp;
    const QString out = tmp.filePath("out");
    QVERIFY(QDir().mkpath(out + "/fragmentation.png")); // cannot be replaced by a file
    {
        QFile old(out + "/free_pages.png");
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write("OLD");
    }
    const Run r = cli({"export-charts", kScenario, "--out", out, "--format", "png"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("fragmentation.png"), qPrintable(r.err));
    QCOMPARE(readAll(out + "/free_pages.png"), QByteArray("OLD"));
    QStringList left = QDir(out).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
    left.sort();
    QCOMPARE(left, QStringList({"fragmentation.png", "free_pages.png"}));

    // --out naming an existing file: refused, the file unchanged.
    const QString file = tmp.filePath("a-file");
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("KEEP");
    }
    const Run f = cli({"export-charts", kScenario, "--out", file});
    QCOMPARE(f.code, 2);
    QVERIFY(!f.err.isEmpty());
    QCOMPARE(readAll(file), QByteArray("KEEP"));
}

void ChartsTest::badFormatWritesNothing() {
    QTemporaryDir tmp;
    const Run r = cli({"export-charts", kScenario, "--out", tmp.filePath("o"), "--format", "gif"});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("gif"));
    QVERIFY(!QFileInfo::exists(tmp.filePath("o")));
    const Run x = cli({"export-charts", kScenario, "--out", tmp.filePath("o"), "--x", "time"});
    QCOMPARE(x.code, 2);
    QVERIFY(!QFileInfo::exists(tmp.filePath("o")));
    const Run b =
        cli({"export-charts", MMSIM_FIXTURES "/charts/no-such.json", "--out", tmp.filePath("o")});
    QCOMPARE(b.code, 2);
    QVERIFY(!QFileInfo::exists(tmp.filePath("o")));
}

// export-charts A --compare B: compare.<ext> beside A's standard set; the
// comparison's first run is A's own series summarised; a broken --compare
// scenario writes nothing.
void ChartsTest::compareRuns() {
    QTemporaryDir tmp;
    const QString out = tmp.filePath("cmp");
    const QString on = QStringLiteral(MMSIM_SCENARIOS "/09-mobility-grouping-on.json");
    const QString off = QStringLiteral(MMSIM_SCENARIOS "/10-mobility-grouping-off.json");
    const Run r = cli({"export-charts", on, "--compare", off, "--frag-order", "9", "--out", out});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QImage png(out + "/compare.png");
    QCOMPARE(png.size(), QSize(1600, 900));
    QVERIFY(distinctColours(png) > 20);
    const QString svg = svgText(out + "/compare.svg");
    QVERIFY2(!svg.isNull(), "compare.svg does not parse");
    QVERIFY(svg.contains(QStringLiteral("Comparing 2 runs")));
    QVERIFY(readAll(out + "/compare.pdf").startsWith("%PDF-"));

    const TimeSeries ts = seriesFromJson(readAll(out + "/series.json").toStdString());
    QCOMPARE(ts.frag_order, 9);
    const RunSummary mine = summarizeRun(ts, "x");
    const QList<QByteArray> lines = readAll(out + "/compare.csv").trimmed().split('\n');
    QVERIFY(lines[0].startsWith("run,step,cycle,free_pages,largest_order,unusable_o9"));
    QStringList labels;
    std::size_t first_rows = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QString label = QString::fromUtf8(lines[i]).section(',', 0, 0);
        if (!labels.contains(label)) labels << label;
        if (label != labels.front()) continue;
        const QStringList f = QString::fromUtf8(lines[i]).split(',');
        QCOMPARE(f[1].toULongLong(), mine.step[first_rows]);
        QCOMPARE(f[4].toDouble(), mine.largest_order[first_rows]);
        ++first_rows;
    }
    QCOMPARE(labels.size(), 2);
    QVERIFY(labels[0].startsWith("Fragmentation avoidance on"));
    QVERIFY(labels[1].startsWith("Fragmentation avoidance off"));
    QCOMPARE(first_rows, mine.rows());
    // What the lesson shows: without grouping the machine ends with no
    // order-9 block free, with grouping it has some.
    const nlohmann::json j = nlohmann::json::parse(readAll(out + "/compare.json").toStdString());
    QVERIFY(j["runs"][0]["suitable_blocks"].back().get<double>() > 0);
    QCOMPARE(j["runs"][1]["suitable_blocks"].back().get<double>(), 0.0);

    const Run b = cli({"export-charts", on, "--compare", MMSIM_FIXTURES "/charts/no-such.json",
                       "--out", tmp.filePath("bad")});
    QCOMPARE(b.code, 2);
    QVERIFY(!QFileInfo::exists(tmp.filePath("bad")));
}

void ChartsTest::dockFollowsTheRun() {
    ui::MainWindow w;
    w.resize(1400, 900);
    QVERIFY(w.openScenario(kScenario, false));
    QVERIFY(w.showView("charts"));
    w.show();
    w.runToEnd();
    QVERIFY(w.waitIdle());
    ui::ChartsDock* dock = w.chartsDock();
    QVERIFY(dock->isVisible());
    auto ts = dock->series();
    QVERIFY(ts);
    const Simulation* sim = w.simulation();
    QCOMPARE(ts->step.back(), static_cast<std::uint64_t>(sim->executed()));
    QCOMPARE(ts->cycle.back(), sim->clock().now());

    // Free pages: one stacked layer per order; the top layer's last point is
    // the machine's free pages in the buddy lists.
    dock->showChart(charts::ChartKind::FreePages);
    QCustomPlot* p = dock->plot(charts::ChartKind::FreePages);
    QCOMPARE(p->graphCount(), 11);
    double free_pages = 0;
    sim->state().mm.forEachZone(
        [&](const Zone& z) { free_pages += static_cast<double>(z.free_area.freePages()); });
    QCOMPARE((p->graph(0)->data()->constEnd() - 1)->value,
             free_pages); // graph 0: order 10, the top
    const double last_step = static_cast<double>(sim->executed());
    const QString hover = dock->valuesAt(charts::ChartKind::FreePages, last_step);
    QVERIFY2(hover.startsWith(QStringLiteral("step %1").arg(sim->executed())), qPrintable(hover));
    QVERIFY(hover.contains("order 0 (4 KiB): "));

    // The hover crosshair follows the mouse inside the plot.
    p->setFixedSize(900, 500);
    p->replot();
    const QPointF at = p->axisRect()->rect().center();
    QMouseEvent move(QEvent::MouseMove, at, p->mapToGlobal(at), Qt::NoButton, Qt::NoButton,
                     Qt::NoModifier);
    QApplication::sendEvent(p, &move);
    bool tracer_visible = false;
    for (int i = 0; i < p->itemCount(); ++i)
        if (auto* t = qobject_cast<QCPItemTracer*>(p->item(i))) tracer_visible |= t->visible();
    QVERIFY(tracer_visible);

    // Cycles on the x axis.
    dock->setXAxis(charts::XAxis::Cycles);
    QCOMPARE(p->axisRect()->axis(QCPAxis::atBottom)->range().upper,
             static_cast<double>(sim->clock().now()));
    QVERIFY(p->axisRect()->axis(QCPAxis::atBottom)->label().contains("cycles"));
    dock->setXAxis(charts::XAxis::Steps);
    QCOMPARE(p->axisRect()->axis(QCPAxis::atBottom)->range().upper, last_step);

    // Histogram: bars for the paths the run took.
    dock->showChart(charts::ChartKind::CycleHistogram);
    QVERIFY(dock->plot(charts::ChartKind::CycleHistogram)->plottableCount() >= 2);

    // Exports from the dock.
    QTemporaryDir tmp;
    QString error;
    QVERIFY2(dock->exportChart(charts::ChartKind::Pageblocks, charts::Format::Png,
                               tmp.filePath("pb.png"), &error),
             qPrintable(error));
    QCOMPARE(QImage(tmp.filePath("pb.png")).size(), QSize(1600, 900));
    QVERIFY(dock->exportChart(charts::ChartKind::Pageblocks, charts::Format::Csv,
                              tmp.filePath("s.csv"), &error));
    QVERIFY(readAll(tmp.filePath("s.csv")).startsWith("step,cycle,nr_free."));
    QVERIFY(dock->exportAll(tmp.filePath("all"), {charts::Format::Svg}, &error));
    QVERIFY(!svgText(tmp.filePath("all/events.svg")).isNull());

    // Reset: a new series from the start.
    w.resetScenario();
    QVERIFY(w.waitIdle());
    QVERIFY(!dock->series() || dock->series()->rows() == 0);
    w.stepForward();
    QVERIFY(w.waitIdle());
    QVERIFY(dock->series());
    QCOMPARE(dock->series()->rows(), 1u); // the boot: the first row
}

QTEST_MAIN(ChartsTest)
#include "test_charts.moc"
