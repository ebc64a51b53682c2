// Benchmarks of the page allocator's hot paths with the event stream
// recorded, and of the cycle accounting (Google Benchmark). Targets
// (issue 3): 20M order-0 alloc+free pairs per second, 5M mixed-order pairs.
// Figures go into the issue notes; no test asserts on time.
#include "core/cost.h"
#include "core/page_alloc.h"
#include "core/scenario.h"
#include "core/simulation.h"
#include "core/strfmt.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <random>

using namespace mmsim;

namespace {

// One node, 2 CPUs, 4 GiB; pcp as the allocator has it (the scenario's
// default, "pcp": true: per-CPU lists once that layer exists).
std::unique_ptr<Simulation> booted() {
    const std::string text = R"({"format": "mmsim-scenario/1", "machine": {"cpus": 2, "e820": [
        {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
        {"addr": "0x100000", "size": "0xbff00000", "type": "usable"},
        {"addr": "0x100000000", "size": "0x40000000", "type": "usable"}]}})";
    auto sim = std::make_unique<Simulation>(loadScenario(text, "bench.json"));
    sim->runAll();
    return sim;
}

AllocRequest request(int order) {
    AllocRequest r;
    r.gfp = *parseGfp("GFP_KERNEL", KernelProfile{});
    r.order = order;
    r.cpu = 0;
    return r;
}

void BM_Order0Pairs(benchmark::State& state) {
    auto sim = booted();
    MmModel& mm = sim->state().mm;
    const AllocRequest req = request(0);
    EventSink ev;
    ev.reserve(64);
    std::size_t events = 0;
    for (auto _ : state) {
        ev.clear();
        const AllocOutcome o = allocPages(mm, req, &ev);
        freePages(mm, o.pfn, 0, &ev);
        events += ev.size();
        benchmark::DoNotOptimize(ev.data());
    }
    state.counters["events/pair"] = static_cast<double>(events) /
                                    static_cast<double>(std::max<benchmark::IterationCount>(
                                        state.iterations(), 1));
    state.SetItemsProcessed(state.iterations());
    state.SetLabel("pairs; events recorded");
}
BENCHMARK(BM_Order0Pairs);

// Orders 0..10 at random; a ring of 256 live blocks: each iteration
// allocates one and frees the oldest.
void BM_MixedPairs(benchmark::State& state) {
    auto sim = booted();
    MmModel& mm = sim->state().mm;
    std::mt19937 rng(1);
    std::vector<AllocRequest> reqs;
    for (int i = 0; i < 4096; ++i)
        reqs.push_back(request(static_cast<int>(rng() % 11)));
    std::vector<std::pair<pfn_t, int>> ring(256, {NO_PFN, 0});
    EventSink ev;
    ev.reserve(256);
    std::size_t i = 0, events = 0;
    for (auto _ : state) {
        ev.clear();
        const AllocRequest& r = reqs[i % reqs.size()];
        auto& slot = ring[i % ring.size()];
        if (slot.first != NO_PFN) freePages(mm, slot.first, slot.second, &ev);
        const AllocOutcome o = allocPages(mm, r, &ev);
        slot = {o.ok ? o.pfn : NO_PFN, r.order};
        ++i;
        events += ev.size();
        benchmark::DoNotOptimize(ev.data());
    }
    state.counters["events/pair"] =
        static_cast<double>(events) / static_cast<double>(std::max<std::size_t>(i, 1));
    state.SetItemsProcessed(state.iterations());
    state.SetLabel("pairs; events recorded");
}
BENCHMARK(BM_MixedPairs);

// Order-0 pairs with every pair's events charged by the clock.
void BM_Order0PairsCharged(benchmark::State& state) {
    auto sim = booted();
    MmModel& mm = sim->state().mm;
    const AllocRequest req = request(0);
    CycleClock clock;
    EventSink ev;
    ev.reserve(64);
    const std::string op = "alloc_pages";
    for (auto _ : state) {
        ev.clear();
        const AllocOutcome o = allocPages(mm, req, &ev);
        freePages(mm, o.pfn, 0, &ev);
        clock.charge(op, 0, ev, mm);
    }
    benchmark::DoNotOptimize(clock.now());
    state.SetItemsProcessed(state.iterations());
    state.SetLabel("pairs; events recorded and charged");
}
BENCHMARK(BM_Order0PairsCharged);

// The accounting alone: charging one recorded order-0 pair's events.
void BM_ChargeOnly(benchmark::State& state) {
    auto sim = booted();
    MmModel& mm = sim->state().mm;
    EventSink ev;
    const AllocOutcome o = allocPages(mm, request(0), &ev);
    freePages(mm, o.pfn, 0, &ev);
    CycleClock clock;
    const std::string op = "alloc_pages";
    for (auto _ : state)
        clock.charge(op, 0, ev, mm);
    benchmark::DoNotOptimize(clock.now());
    state.SetItemsProcessed(state.iterations());
    state.SetLabel(strprintf("steps of %zu events", ev.size()));
}
BENCHMARK(BM_ChargeOnly);

} // namespace
