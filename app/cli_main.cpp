// mmsim-cli: the headless front end. A thin program over core: it loads a
// scenario, runs it and prints the kernel's views. Exit codes: 0 ok,
// 1 a failed expect, 2 bad input (the message names file:line:col and the
// JSON pointer of the bad value).
#include "app/atomic_file.h"
#include "app/cli_export.h"
#include "core/import_dmesg.h"
#include "core/report.h"
#include "core/scenario.h"
#include "core/simulation.h"

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

namespace {

int runCommand(const std::string& path, long steps, const std::vector<std::string>& views,
               const std::string& trace) {
    mmsim::Simulation sim(mmsim::loadScenarioFile(path));
    // The trace: every event of every step, stamped with the cycle clock.
    std::string text = trace.empty() ? std::string() : mmsim::traceHeader();
    for (long i = 0; (steps < 0 || i < steps) && !sim.done(); ++i) {
        sim.step();
        if (!trace.empty() && !sim.lastEvents().empty())
            text += mmsim::traceLines(sim.lastEvents(), sim.lastEventCycles(),
                                      sim.lastStep()->start, sim.lastStep()->cpu,
                                      sim.state().mm.profile);
    }
    for (const std::string& v : views) {
        try {
            std::cout << mmsim::renderView(sim, v);
        } catch (const std::logic_error& e) {
            // Asking for a view the state does not have yet is a bad request.
            std::cerr << "mmsim-cli: " << v << ": " << e.what() << "\n";
            return 2;
        }
    }
    if (!trace.empty()) mmsim::writeFileAtomically(trace, text);
    return 0;
}

int checkCommand(const std::string& path) {
    mmsim::Simulation sim(mmsim::loadScenarioFile(path));
    sim.runAll();
    for (const auto& f : sim.failedExpects())
        std::cerr << f.where << ": expect failed: " << f.what << "\n  expected: " << f.expected
                  << "\n  actual:   " << f.actual << "\n";
    if (!sim.failedExpects().empty()) return 1;
    std::cout << path << ": ok (" << sim.executed() << " steps)\n";
    return 0;
}

int importCommand(const std::string& log, const std::string& out) {
    std::ifstream in(log, std::ios::binary);
    if (!in) throw mmsim::InputError({log, 0, 0}, "", "cannot open the log file");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = mmsim::importDmesg(ss.str(), log).dump(2) + "\n";
    if (out.empty() || out == "-") std::cout << text;
    else mmsim::writeFileAtomically(out, text);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"mmsim-cli: run Linux physical memory management scenarios headless"};
    app.require_subcommand(1);

    std::string scenario, log, out, trace;
    long steps = -1;
    std::vector<std::string> views;

    auto* run = app.add_subcommand("run", "run a scenario and print views");
    run->add_option("SCENARIO", scenario, "scenario JSON file")->required();
    run->add_option("--steps", steps, "run only the first N steps");
    run->add_option("--print", views, "view to print (repeatable)")
        ->check(CLI::IsMember(mmsim::viewNames()));
    run->add_option("--trace", trace, "write the run's events to FILE (ftrace text, cycle timestamps)");

    mmsim::cli::ExportOptions run_export, charts_opts;
    run->add_option("--export", run_export.out, "write the run's charts and series into DIR");
    auto* charts = mmsim::cli::addExportChartsCommand(app, scenario, charts_opts);

    auto* check = app.add_subcommand("check", "run a scenario and evaluate every expect");
    check->add_option("SCENARIO", scenario, "scenario JSON file")->required();

    auto* imp = app.add_subcommand("import-dmesg", "turn a real boot log into a scenario");
    imp->add_option("LOG", log, "dmesg text")->required();
    imp->add_option("-o,--output", out, "scenario file to write (default: stdout)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    }
    try {
        if (*charts) return mmsim::cli::exportCharts(scenario, charts_opts, argc, argv);
        if (*run && !run_export.out.empty()) { // charts first: a failed export prints nothing
            run_export.steps = steps;
            run_export.quiet = true;
            if (const int rc = mmsim::cli::exportCharts(scenario, run_export, argc, argv)) return rc;
        }
        if (*run) return runCommand(scenario, steps, views, trace);
        if (*check) return checkCommand(scenario);
        if (*imp) return importCommand(log, out);
    } catch (const mmsim::InputError& e) {
        std::cerr << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "mmsim-cli: " << e.what() << "\n";
        return 2;
    }
    return 0;
}
