// Benchmarks of the timeline (issue 5): on a scenario of one million steps
// (a workload on a 2 GiB, 2-node machine), seek to any step (goal: 50 ms),
// step back (goal: 5 ms), and the memory the checkpoints hold (reported as
// the heap growth of a timeline that has run to the end, counter
// "heap_MiB", with "checkpoints" and "interval"). Figures go into the issue
// notes; no test asserts on time.
#include "core/scenario.h"
#include "core/timeline.h"

#include <benchmark/benchmark.h>

#include <malloc.h>

#include <memory>
#include <random>

using namespace mmsim;

namespace {

std::shared_ptr<const Program> millionSteps() {
    static std::shared_ptr<const Program> p = compileScenario(loadScenario(
        R"({"format": "mmsim-scenario/1", "seed": 5,
            "machine": {"cpus": 2, "e820": [
              {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
              {"addr": "0x100000", "size": "0x7fe00000", "type": "usable"}],
              "numa": {"nodes": [{"id": 0, "ranges": [["0x0", "0x3fffffff"]], "cpus": [0]},
                                 {"id": 1, "ranges": [["0x40000000", "0x7fffffff"]], "cpus": [1]}]}},
            "steps": [{"op": "workload", "count": 1000000,
              "mix": {"alloc_pages": 1, "free_pages": 1},
              "orders": {"0": 16, "1": 4, "2": 2, "3": 2, "5": 1, "9": 1},
              "gfp": {"GFP_KERNEL": 2, "GFP_HIGHUSER_MOVABLE": 3, "GFP_KERNEL | __GFP_RECLAIMABLE": 1},
              "cpus": [0, 1], "free_policy": "random", "max_live": 60000}]})",
        "bench.json"));
    return p;
}

// One timeline run to the end, shared by the benchmarks.
Timeline& ranTimeline() {
    static std::unique_ptr<Timeline> tl;
    if (!tl) {
        tl = std::make_unique<Timeline>(millionSteps());
        tl->seek(tl->length());
    }
    return *tl;
}

void BM_TimelineRunToEnd(benchmark::State& state) {
    auto p = millionSteps();
    for (auto _ : state) {
        const std::size_t heap0 = mallinfo2().uordblks;
        Timeline tl(p);
        tl.seek(tl.length());
        state.counters["heap_MiB"] = double(mallinfo2().uordblks - heap0) / (1 << 20);
        state.counters["checkpoints"] = double(tl.checkpointCount());
        state.counters["interval"] = double(tl.checkpointInterval());
        state.counters["steps"] = double(tl.position());
    }
}
BENCHMARK(BM_TimelineRunToEnd)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_PlainRunToEnd(benchmark::State& state) {
    auto p = millionSteps();
    for (auto _ : state) {
        Simulation sim(p);
        sim.runAll();
        benchmark::DoNotOptimize(sim.executed());
    }
}
BENCHMARK(BM_PlainRunToEnd)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_TimelineSeekRandom(benchmark::State& state) {
    Timeline& tl = ranTimeline();
    std::mt19937_64 rng(1);
    for (auto _ : state)
        tl.seek(rng() % (tl.length() + 1));
    state.counters["checkpoints"] = double(tl.checkpointCount());
}
BENCHMARK(BM_TimelineSeekRandom)->Unit(benchmark::kMillisecond)->Iterations(50);

// Step back from random places: the first step back into a stretch replays
// it (leaving finer checkpoints); the following ones are cheap. Measured:
// 20 consecutive steps back at each of several random places.
void BM_TimelineStepBack(benchmark::State& state) {
    Timeline& tl = ranTimeline();
    std::mt19937_64 rng(2);
    std::size_t n = 0;
    for (auto _ : state) {
        if (n++ % 20 == 0) {
            state.PauseTiming();
            tl.seek(1000 + rng() % (tl.length() - 1000));
            state.ResumeTiming();
        }
        tl.stepBack();
    }
}
BENCHMARK(BM_TimelineStepBack)->Unit(benchmark::kMillisecond)->Iterations(400);

// The same, counting only the steps back after the first at each place.
void BM_TimelineStepBackRepeated(benchmark::State& state) {
    Timeline& tl = ranTimeline();
    std::mt19937_64 rng(3);
    std::size_t n = 0;
    for (auto _ : state) {
        if (n++ % 20 == 0) {
            state.PauseTiming();
            tl.seek(1000 + rng() % (tl.length() - 1000));
            tl.stepBack();
            state.ResumeTiming();
        }
        tl.stepBack();
    }
}
BENCHMARK(BM_TimelineStepBackRepeated)->Unit(benchmark::kMillisecond)->Iterations(400);

} // namespace
