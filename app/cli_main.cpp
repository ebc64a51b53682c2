// mmsim-cli: the headless front end. A thin program over core: it loads a
// scenario, moves along its timeline and prints the kernel's views. Exit
// codes: 0 ok, 1 a failed expect, 2 bad input (the message names
// file:line:col and the JSON pointer of the bad value).
#include "app/atomic_file.h"
#include "app/cli_export.h"
#include "core/breakpoint.h"
#include "core/import_dmesg.h"
#include "core/report.h"
#include "core/scenario.h"
#include "core/simulation.h"
#include "core/timeline.h"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

namespace {

struct RunOptions {
    std::string scenario;
    long steps = -1;   // --steps N
    std::string until; // --until LABEL
    long back = 0;     // --back K
    std::vector<std::string> views;
    std::string trace;               // --trace FILE
    std::vector<std::string> breaks; // --break SPEC
    mmsim::cli::ExportOptions exp;   // --export DIR: charts of the run up to where it stopped
};

// A progress bar on stderr for long runs, only when stderr is a terminal.
class Progress {
  public:
    explicit Progress(std::size_t total) : total_(total), on_(total >= 20000 && isatty(2)) {}
    void update(std::size_t done) {
        if (!on_) return;
        const int width = 40, filled = static_cast<int>(width * done / total_);
        std::cerr << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
                  << std::string(static_cast<std::size_t>(width - filled), ' ') << "] "
                  << (100 * done / total_) << "% " << done << "/" << total_ << " steps"
                  << std::flush;
    }
    ~Progress() {
        if (on_) std::cerr << "\r" << std::string(72, ' ') << "\r" << std::flush;
    }

  private:
    std::size_t total_;
    bool on_;
};

std::string formatPrediction(const mmsim::Prediction& p) {
    std::ostringstream out;
    out << "predict (step " << p.step + 1 << "): " << p.question << "\n";
    for (std::size_t i = 0; i < p.choices.size(); ++i)
        out << "  " << (static_cast<int>(i) == p.correct ? "*" : " ") << " " << i + 1 << ") "
            << p.choices[i] << "\n";
    out << "  answer: " << p.answer << "\n";
    if (!p.explanation.empty()) out << "  " << p.explanation << "\n";
    return out.str();
}

int runCommand(const RunOptions& o, int argc, char** argv) {
    mmsim::BreakpointSet bps;
    for (const std::string& b : o.breaks) {
        try {
            bps.add(mmsim::parseBreakpoint(b));
        } catch (const std::invalid_argument& e) {
            std::cerr << "mmsim-cli: --break " << b << ": " << e.what() << "\n";
            return 2;
        }
    }
    mmsim::Timeline tl(mmsim::loadScenarioFile(o.scenario));
    std::size_t target = tl.length();
    if (o.steps >= 0) target = std::min(target, static_cast<std::size_t>(o.steps));
    if (!o.until.empty()) {
        auto p = tl.labelPosition(o.until);
        if (!p) {
            std::cerr << "mmsim-cli: --until " << o.until << ": no step is labelled so\n";
            return 2;
        }
        target = *p;
    }
    // The trace: every event of every step, stamped with the cycle clock;
    // trace_len[i] is its length after i steps (to cut it on --back).
    std::string text = o.trace.empty() ? std::string() : mmsim::traceHeader();
    std::vector<std::size_t> trace_len{text.size()};
    // The predictions met, by the position after their step: printed at the
    // end, only those the final position has passed (--back undoes them).
    std::vector<std::pair<std::size_t, std::string>> predictions;
    for (const mmsim::Breakpoint& b : bps.list())
        if (b.kind == mmsim::Breakpoint::Label && !tl.labelPosition(b.name)) {
            std::cerr << "mmsim-cli: --break " << b.spec << ": no step is labelled " << b.name
                      << "\n";
            return 2;
        }
    Progress progress(target);
    bps.prime(tl.sim());
    bool stopped = false;
    while (tl.position() < target) {
        tl.step();
        const mmsim::Simulation& sim = tl.sim();
        if (!o.trace.empty()) {
            if (!sim.lastEvents().empty())
                text += mmsim::traceLines(sim.lastEvents(), sim.lastEventCycles(),
                                          sim.lastStep()->start, sim.lastStep()->cpu,
                                          sim.state().mm.profile);
            trace_len.push_back(text.size());
        }
        if (sim.lastPrediction())
            predictions.emplace_back(tl.position(), formatPrediction(*sim.lastPrediction()));
        if ((tl.position() & 4095) == 0) progress.update(tl.position());
        if (!bps.empty()) {
            if (auto hit = bps.check(sim)) {
                std::cerr << "mmsim-cli: stopped after step " << tl.position() << ": " << hit->what
                          << "\n";
                stopped = true;
                break;
            }
        }
    }
    // A run that no breakpoint stopped says which of them never could.
    if (!stopped)
        for (const mmsim::Breakpoint& b : bps.list())
            if (const std::string why = mmsim::breakpointProblem(b, tl.sim(), tl.length());
                !why.empty())
                std::cerr << "mmsim-cli: warning: --break " << b.spec << " can never hit: " << why
                          << "\n";
    for (long k = 0; k < o.back && tl.stepBack(); ++k) {
    }
    if (!o.exp.out.empty()) { // charts first: a failed export prints nothing
        mmsim::cli::ExportOptions e = o.exp;
        e.steps = static_cast<long>(tl.position());
        e.quiet = true;
        if (const int rc = mmsim::cli::exportCharts(o.scenario, e, argc, argv)) return rc;
    }
    for (const auto& [pos, text] : predictions)
        if (pos <= tl.position()) std::cout << text;
    for (const std::string& v : o.views) {
        try {
            std::cout << mmsim::renderView(tl.sim(), v);
        } catch (const std::logic_error& e) {
            // Asking for a view the state does not have yet is a bad request.
            std::cerr << "mmsim-cli: " << v << ": " << e.what() << "\n";
            return 2;
        }
    }
    if (!o.trace.empty()) {
        text.resize(trace_len[std::min(tl.position(), trace_len.size() - 1)]);
        mmsim::writeFileAtomically(o.trace, text);
    }
    return 0;
}

int checkCommand(const std::string& path) {
    mmsim::Simulation sim(mmsim::loadScenarioFile(path));
    Progress progress(sim.totalOps());
    while (!sim.done()) {
        sim.step();
        if (sim.lastPrediction()) std::cout << formatPrediction(*sim.lastPrediction());
        if ((sim.executed() & 4095) == 0) progress.update(sim.executed());
    }
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
    if (out.empty() || out == "-")
        std::cout << text;
    else
        mmsim::writeFileAtomically(out, text);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"mmsim-cli: run Linux physical memory management scenarios headless"};
    app.require_subcommand(1);

    RunOptions ro;
    std::string scenario, log, out;

    auto* run = app.add_subcommand("run", "run a scenario and print views");
    run->add_option("SCENARIO", ro.scenario, "scenario JSON file")->required();
    auto* steps = run->add_option("--steps", ro.steps, "run only the first N steps")
                      ->check(CLI::NonNegativeNumber);
    run->add_option("--until", ro.until, "run up to and including the step labelled LABEL")
        ->excludes(steps);
    run->add_option("--back", ro.back, "then step back K steps")->check(CLI::NonNegativeNumber);
    run->add_option("--print", ro.views, "view to print (repeatable)")
        ->check(CLI::IsMember(mmsim::viewNames()));
    run->add_option("--trace", ro.trace,
                    "write the run's events to FILE (ftrace text, cycle timestamps)");
    run->add_option("--break", ro.breaks,
                    "stop at a breakpoint (repeatable): event:KIND, label:NAME, step:N, "
                    "zone:ZONE:NAME<V (e.g. zone:Normal:free_pages<low), cache:NAME:VALUE<V, "
                    "value:NAME<V");

    mmsim::cli::ExportOptions charts_opts;
    run->add_option("--export", ro.exp.out, "write the run's charts and series into DIR");
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
        if (*run) return runCommand(ro, argc, argv);
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
