// mmsim-cli export-charts and run --export: the standard charts of a run
// (ui/charts) rendered offscreen, and the series as CSV/JSON.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace mmsim::cli {

struct ExportOptions {
    std::string out;                  // directory
    std::vector<std::string> formats; // png pdf svg csv json; empty: all of them
    std::string x = "steps";          // steps | cycles
    int frag_order = 3;
    long steps = -1;    // run only the first N steps (-1: all)
    bool quiet = false; // do not list the written files on stdout
    // Other scenarios run the same way and drawn against this one
    // (compare.<ext>); export-charts --compare.
    std::vector<std::string> compare;
};

// Adds export-charts with its options; returns the subcommand.
CLI::App* addExportChartsCommand(CLI::App& app, std::string& scenario, ExportOptions& opts);
// Runs the scenario (opts.steps operations, or all), records the series and
// writes the standard set. Exit code: 0, or 2 on bad input / unwritable
// output (message on stderr, nothing written).
int exportCharts(const std::string& scenario, const ExportOptions& opts, int argc, char** argv);

} // namespace mmsim::cli
