// Benchmarks of the timeline (issue 5): on a scenario of one million steps
// (a workload on a 2 GiB, 2-node machine), seek to any step (goal: 50 ms),
// step back (goal: 5 ms), and the memory the checkpoints hold (reported as
// the heap growth of a timeline that has run to the end, counter
// "heap_MiB", with "checkpoints" and "interval"). Figures go into the issue
// notes; no test asserts on time.
#include "core/scenario.h"
#include "core/timeline.h"

#include "tests/bench/bench_workloads.h"

#include <benchmark/benchmark.h>

#include <malloc.h>

#include <memory>
#include <random>

using namespace mmsim;

namespace {

using bench::millionSteps;

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
        // mallinfo2: small blocks (uordblks) and mmapped ones (hblkhd).
        const auto heap = [] {
            const auto m = mallinfo2();
            return m.uordblks + m.hblkhd;
        };
        const std::size_t heap0 = heap();
        Timeline tl(p);
        tl.seek(tl.length());
        state.counters["heap_MiB"] = double(heap() - heap0) / (1 << 20);
        const std::size_t heap1 = heap();
        auto one = std::make_unique<Simulation::Snapshot>(tl.sim().snapshot());
        state.counters["snapshot_MiB"] = double(heap() - heap1) / (1 << 20);
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
