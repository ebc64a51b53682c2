// The cost of recording time series (issue 5: under 10% of run time).
// Pairs of benchmarks run the same work with and without a SeriesRecorder:
//  - Sim*: Simulation::step() over a seeded alloc/free scenario (the run
//    the CLI and GUI do), one iteration = the whole run;
//  - Raw*: allocPages/freePages straight on the model (no per-step state
//    copy, the cheapest possible step), one iteration = one alloc + free,
//    sampled as one operation.
// The recorder keeps the default cap (4096 rows): in long runs most steps
// only add their events to the pending interval. BM_SeriesRow is the cost
// of one full row (what every step costs while the stride is 1), and
// BM_SeriesSnapshot the copy handed to the GUI.
#include "core/gfp.h"
#include "core/page_alloc.h"
#include "core/scenario.h"
#include "core/simulation.h"
#include "core/strfmt.h"
#include "core/timeseries.h"

#include "tests/bench/bench_workloads.h"

#include <benchmark/benchmark.h>

#include <memory>
#include <random>

using namespace mmsim;

namespace {

// A 4 GiB, 2-CPU machine and n steps of seeded allocations (three
// migratetypes, orders 0..5) and frees.
std::string scenarioText(int n) {
    std::mt19937 rng(42);
    std::vector<int> live;
    std::string steps;
    static const char* gfps[] = {"GFP_KERNEL", "GFP_HIGHUSER_MOVABLE",
                                 "GFP_KERNEL | __GFP_RECLAIMABLE"};
    for (int i = 0; i < n; ++i) {
        if (!steps.empty()) steps += ",";
        if (live.size() > 64 || (!live.empty() && rng() % 2)) {
            const std::size_t k = rng() % live.size();
            steps += strprintf(R"({"op": "free_pages", "ref": "a%d"})", live[k]);
            live.erase(live.begin() + static_cast<long>(k));
        } else {
            steps += strprintf(R"({"op": "alloc_pages", "order": %d, "gfp": "%s", "as": "a%d"})",
                               static_cast<int>(rng() % 6), gfps[rng() % 3], i);
            live.push_back(i);
        }
    }
    return R"({"format": "mmsim-scenario/1", "machine": {"cpus": 2, "e820": [
        {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
        {"addr": "0x100000", "size": "0xbff00000", "type": "usable"},
        {"addr": "0x100000000", "size": "0x40000000", "type": "usable"}]}, "steps": [)" +
           steps + "]}";
}

const Scenario& scenario() {
    static const Scenario sc = loadScenario(scenarioText(5000), "bench.json");
    return sc;
}

// One iteration: the whole 5000-step scenario from a fresh Simulation
// (more steps than the default cap: one compaction), so both variants run
// exactly the same steps.
void simRun(benchmark::State& state, bool record, std::size_t cap = SeriesRecorder::kDefaultCap) {
    for (auto _ : state) {
        Simulation sim(scenario());
        SeriesRecorder rec(cap);
        while (!sim.done()) {
            sim.step();
            if (record) rec.sample(sim);
        }
        if (record) benchmark::DoNotOptimize(rec.series(sim).rows());
        benchmark::DoNotOptimize(sim.executed());
    }
    state.SetItemsProcessed(state.iterations() *
                            static_cast<std::int64_t>(scenario().steps.size()));
}
void BM_SimSteps(benchmark::State& state) {
    simRun(state, false);
}
void BM_SimStepsRecorded(benchmark::State& state) {
    simRun(state, true);
}
BENCHMARK(BM_SimSteps);
BENCHMARK(BM_SimStepsRecorded);
// A cap of 256 rows: the share of steps that read the state is then what a
// run 16 times longer has with the default cap.
void BM_SimStepsRecordedCap256(benchmark::State& state) {
    simRun(state, true, 256);
}
BENCHMARK(BM_SimStepsRecordedCap256);

std::unique_ptr<Simulation> booted() {
    auto sim = std::make_unique<Simulation>(loadScenario(scenarioText(0), "bench.json"));
    sim->runAll();
    return sim;
}

void rawRun(benchmark::State& state, bool record) {
    auto sim = booted();
    MmModel& mm = sim->state().mm;
    std::mt19937 rng(1);
    const KernelProfile& p = mm.profile;
    const gfp_t gfps[] = {*parseGfp("GFP_KERNEL", p), *parseGfp("GFP_HIGHUSER_MOVABLE", p),
                          *parseGfp("GFP_KERNEL | __GFP_RECLAIMABLE", p)};
    std::vector<AllocRequest> reqs;
    for (int i = 0; i < 4096; ++i) {
        AllocRequest r;
        r.gfp = gfps[rng() % 3];
        r.order = static_cast<int>(rng() % 6);
        reqs.push_back(r);
    }
    std::vector<std::pair<pfn_t, int>> ring(256, {NO_PFN, 0});
    EventSink ev;
    ev.reserve(256);
    SeriesRecorder rec;
    std::uint64_t step = 0;
    for (auto _ : state) {
        ev.clear();
        const AllocRequest& r = reqs[step % reqs.size()];
        auto& slot = ring[step % ring.size()];
        if (slot.first != NO_PFN) freePages(mm, slot.first, slot.second, &ev);
        const AllocOutcome o = allocPages(mm, r, &ev);
        slot = {o.ok ? o.pfn : NO_PFN, r.order};
        ++step;
        if (record) rec.sample(StepInput{mm, ev, step, step * 100, 100, nullptr});
        benchmark::DoNotOptimize(ev.data());
    }
    state.SetItemsProcessed(state.iterations());
}
void BM_RawAllocFree(benchmark::State& state) {
    rawRun(state, false);
}
void BM_RawAllocFreeRecorded(benchmark::State& state) {
    rawRun(state, true);
}
BENCHMARK(BM_RawAllocFree);
BENCHMARK(BM_RawAllocFreeRecorded);

// The issue's measure: a scenario of one million steps (the timeline
// benchmark's workload on a 2 GiB, 2-node machine), run plain and recorded
// with the default cap. One iteration each: compare their times.
using bench::millionSteps;

void millionRun(benchmark::State& state, bool record) {
    for (auto _ : state) {
        Simulation sim(millionSteps());
        SeriesRecorder rec;
        while (!sim.done()) {
            sim.step();
            if (record) rec.sample(sim);
        }
        if (record) benchmark::DoNotOptimize(rec.series(sim).rows());
        benchmark::DoNotOptimize(sim.executed());
    }
    state.SetItemsProcessed(state.iterations() * 1000000);
}
void BM_MillionSteps(benchmark::State& state) {
    millionRun(state, false);
}
void BM_MillionStepsRecorded(benchmark::State& state) {
    millionRun(state, true);
}
BENCHMARK(BM_MillionSteps)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3);
BENCHMARK(BM_MillionStepsRecorded)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3);

// One full row (stride 1: every operation of a short run costs this).
void BM_SeriesRow(benchmark::State& state) {
    auto sim = booted();
    SeriesRecorder rec(1u << 30);
    EventSink ev;
    std::uint64_t step = 0;
    for (auto _ : state)
        rec.sample(StepInput{sim->state().mm, ev, ++step, step, 0, nullptr});
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SeriesRow);

// The copy the GUI worker hands over (4096 rows, at most 4 per second).
void BM_SeriesSnapshot(benchmark::State& state) {
    auto sim = booted();
    SeriesRecorder rec;
    EventSink ev;
    for (std::uint64_t s = 1; s < 100000; ++s)
        rec.sample(StepInput{sim->state().mm, ev, s, s, 0, nullptr});
    for (auto _ : state)
        benchmark::DoNotOptimize(rec.series(*sim).rows());
    state.SetLabel(std::to_string(rec.series(*sim).rows()) + " rows");
}
BENCHMARK(BM_SeriesSnapshot);

} // namespace
