#include "app/cli_export.h"

#include "core/scenario.h"
#include "core/series_compare.h"
#include "core/simulation.h"
#include "core/slab_series.h"
#include "core/timeseries.h"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>

#ifdef MMSIM_WITH_CHARTS
#include "app/quiet_qt.h"
#include "ui/charts/chart_export.h"

#include <QApplication>
#else
#include "app/atomic_file.h"
#include "core/timeseries_io.h"

#include <filesystem>
#endif

namespace mmsim::cli {

CLI::App* addExportChartsCommand(CLI::App& app, std::string& scenario, ExportOptions& opts) {
    auto* cmd =
        app.add_subcommand("export-charts", "run a scenario and write its charts and series");
    cmd->add_option("SCENARIO", scenario, "scenario JSON file")->required();
    cmd->add_option("--out", opts.out, "output directory (created if missing)")->required();
    cmd->add_option("--format", opts.formats,
                    "png, pdf, svg, csv or json (repeatable; default: all)")
        ->check(CLI::IsMember({"png", "pdf", "svg", "csv", "json"}));
    cmd->add_option("--x", opts.x, "x axis of the time charts: steps or cycles")
        ->check(CLI::IsMember({"steps", "cycles"}));
    cmd->add_option("--frag-order", opts.frag_order, "order of the fragmentation indices (0..10)")
        ->check(CLI::Range(0, 10));
    cmd->add_option("--steps", opts.steps, "run only the first N steps");
    cmd->add_option("--compare", opts.compare,
                    "another scenario to run and draw against this one in compare.<ext> "
                    "(repeatable)");
    return cmd;
}

namespace {

// Runs a scenario (opts.steps operations, or all) recording its series;
// bad scenarios throw InputError (the caller exits 2).
TimeSeries recordRun(const std::string& path, const ExportOptions& opts, std::string* title) {
    Simulation sim(loadScenarioFile(path));
    if (title) *title = sim.scenario().title.empty() ? path : sim.scenario().title;
    SeriesRecorder rec(SeriesRecorder::kDefaultCap, opts.frag_order);
    rec.addProvider(makeSlabSeriesProvider());
    for (long i = 0; (opts.steps < 0 || i < opts.steps) && !sim.done(); ++i) {
        sim.step();
        rec.sample(sim);
    }
    return rec.series(sim);
}

} // namespace

int exportCharts(const std::string& scenario, const ExportOptions& opts, int argc, char** argv) {
    std::vector<std::string> formats = opts.formats;
    if (formats.empty()) formats = {"png", "pdf", "svg", "csv", "json"};
    for (const std::string& f : formats)
        if (f != "png" && f != "pdf" && f != "svg" && f != "csv" && f != "json") {
            std::cerr << "mmsim-cli: unknown chart format '" << f
                      << "' (png, pdf, svg, csv, json)\n";
            return 2;
        }
    if (opts.x != "steps" && opts.x != "cycles") {
        std::cerr << "mmsim-cli: --x must be steps or cycles\n";
        return 2;
    }
    // The runs (bad scenarios throw InputError: the caller exits 2) before
    // anything is written.
    std::string title;
    const TimeSeries ts = recordRun(scenario, opts, &title);
    std::vector<RunSummary> runs;
    if (!opts.compare.empty()) {
        runs.push_back(summarizeRun(ts, title));
        for (const std::string& other : opts.compare) {
            std::string t;
            const TimeSeries o = recordRun(other, opts, &t);
            runs.push_back(summarizeRun(o, t));
        }
    }

#ifdef MMSIM_WITH_CHARTS
    // Rendering needs a Qt platform; without a display, the offscreen one.
    if (!std::getenv("QT_QPA_PLATFORM") && !std::getenv("DISPLAY") &&
        !std::getenv("WAYLAND_DISPLAY"))
        setenv("QT_QPA_PLATFORM", "offscreen", 1);
    mmsim::app::quietOffscreenWarnings();
    int qargc = argc > 0 ? 1 : 0;
    QApplication qapp(qargc, argv);
    QList<charts::Format> fs;
    for (const std::string& f : formats)
        fs.push_back(charts::formatFromName(QString::fromStdString(f), nullptr));
    QString error;
    QStringList written;
    if (!charts::exportStandardSet(ts, QString::fromStdString(opts.out), fs,
                                   charts::xAxisFromName(QString::fromStdString(opts.x)), &error,
                                   &written, runs)) {
        std::cerr << "mmsim-cli: export-charts: " << error.toStdString() << "\n";
        return 2;
    }
    if (!opts.quiet)
        for (const QString& w : written)
            std::cout << w.toStdString() << "\n";
    return 0;
#else
    (void)argc;
    (void)argv;
    // Built without Qt: only the series formats.
    std::error_code ec;
    std::filesystem::create_directories(opts.out, ec);
    if (ec || !std::filesystem::is_directory(opts.out)) {
        std::cerr << "mmsim-cli: export-charts: cannot create the directory " << opts.out << "\n";
        return 2;
    }
    for (const std::string& f : formats)
        if (f != "csv" && f != "json") {
            std::cerr
                << "mmsim-cli: export-charts: this build has no chart rendering (only csv, json)\n";
            return 2;
        }
    for (const std::string& f : formats) {
        const std::string path = (std::filesystem::path(opts.out) / ("series." + f)).string();
        writeFileAtomically(path, f == "csv" ? seriesToCsv(ts) : seriesToJson(ts));
        if (!opts.quiet) std::cout << path << "\n";
        if (runs.empty()) continue;
        const std::string cpath = (std::filesystem::path(opts.out) / ("compare." + f)).string();
        writeFileAtomically(cpath, f == "csv" ? comparisonToCsv(runs) : comparisonToJson(runs));
        if (!opts.quiet) std::cout << cpath << "\n";
    }
    return 0;
#endif
}

} // namespace mmsim::cli
