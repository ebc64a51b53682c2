// Benchmarks of the slab layer with the event stream recorded (Google
// Benchmark). Targets (issue 4): 30M kmem_cache_alloc+free pairs per second
// on the fast path; 1M mixed kmalloc/kfree of 8 B .. 16 KiB in under 0.5 s.
// Figures go into the issue notes; no test asserts on time.
#include "core/scenario.h"
#include "core/simulation.h"
#include "core/slab.h"

#include <benchmark/benchmark.h>

#include <memory>
#include <random>

using namespace mmsim;

namespace {

std::unique_ptr<Simulation> booted(const char* version, const char* slab) {
    const std::string text =
        std::string(R"({"format": "mmsim-scenario/1", "machine": {"cpus": 2, "e820": [
        {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
        {"addr": "0x100000", "size": "0xbff00000", "type": "usable"},
        {"addr": "0x100000000", "size": "0x40000000", "type": "usable"}],
        "kernel": {"version": ")") +
        version + R"(", "slab": ")" + slab + R"("}}})";
    auto sim = std::make_unique<Simulation>(loadScenario(text, "bench.json"));
    sim->runAll();
    slabInit(sim->state().slab, sim->state().mm,
             std::string(slab) == "slab" ? SlabPolicy::Slab : SlabPolicy::Slub, 2);
    return sim;
}

// One object allocated and freed on CPU 0, over and over: after the first
// pair, both are the fast path (SLUB: the CPU slab's freelist; SLAB: the
// array cache).
void fastPairs(benchmark::State& state, const char* version, const char* slab) {
    auto sim = booted(version, slab);
    SlabState& s = sim->state().slab;
    MmModel& mm = sim->state().mm;
    std::string err;
    const int cache = kmemCacheCreate(s, "bench", 128, 0, 0, &err);
    EventSink ev;
    ev.reserve(8192);
    const gfp_t gfp = *parseGfp("GFP_KERNEL", mm.profile);
    SlabObj o;
    std::size_t n = 0;
    for (auto _ : state) {
        if (ev.size() > 8000) ev.clear(); // a reusable buffer, as a step's sink
        kmemCacheAlloc(s, mm, cache, 0, gfp, &o, &ev);
        kmemCacheFree(s, mm, cache, o, 0, &ev);
        ++n;
    }
    benchmark::DoNotOptimize(ev.data());
    state.SetItemsProcessed(static_cast<std::int64_t>(n));
    state.SetLabel("alloc+free pairs; events recorded");
}
void BM_SlubFastPathPairs(benchmark::State& st) { fastPairs(st, "6.12", "slub"); }
void BM_SlabFastPathPairs(benchmark::State& st) { fastPairs(st, "6.1", "slab"); }
BENCHMARK(BM_SlubFastPathPairs);
BENCHMARK(BM_SlabFastPathPairs);

// 1M operations: kmalloc of 8 B .. 16 KiB (log-uniform) or kfree of a
// random live object, about half each, on 2 CPUs, with events recorded.
void mixed(benchmark::State& state, const char* version, const char* slab) {
    for (auto _ : state) {
        state.PauseTiming();
        auto sim = booted(version, slab);
        SlabState& s = sim->state().slab;
        MmModel& mm = sim->state().mm;
        const gfp_t gfp = *parseGfp("GFP_KERNEL", mm.profile);
        std::mt19937 rng(42);
        struct Live {
            int cache;
            SlabObj obj;
            pfn_t pfn;
            int order;
        };
        std::vector<Live> live;
        live.reserve(1 << 20);
        EventSink ev;
        ev.reserve(1 << 16);
        state.ResumeTiming();
        for (int i = 0; i < 1000000; ++i) {
            if (ev.size() > 60000) ev.clear();
            const unsigned r = rng();
            const int cpu = static_cast<int>(r & 1);
            if ((r & 2) || live.empty()) {
                const std::size_t size = (std::size_t(8) << ((r >> 2) % 12)) - ((r >> 8) % 7);
                const int cache = kmallocCache(s, size, gfp);
                if (cache >= 0) {
                    SlabObj o;
                    if (kmemCacheAlloc(s, mm, cache, cpu, gfp, &o, &ev)) live.push_back({cache, o, 0, 0});
                } else {
                    AllocRequest req;
                    req.gfp = gfp | gfpbit::COMP;
                    req.order = static_cast<int>(getOrder(size));
                    req.cpu = cpu;
                    const AllocOutcome o = allocPages(mm, req, &ev);
                    if (o.ok) live.push_back({-1, {}, o.pfn, o.order});
                }
            } else {
                const std::size_t k = (r >> 12) % live.size();
                const Live l = live[k];
                live[k] = live.back();
                live.pop_back();
                if (l.cache >= 0) kmemCacheFree(s, mm, l.cache, l.obj, cpu, &ev);
                else freePages(mm, l.pfn, l.order, &ev, cpu);
            }
        }
        benchmark::DoNotOptimize(ev.data());
        state.PauseTiming();
        sim.reset();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * 1000000);
    state.SetLabel("1M mixed kmalloc/kfree, 8 B .. 16 KiB");
}
void BM_SlubMixed1M(benchmark::State& st) { mixed(st, "6.12", "slub"); }
void BM_SlabMixed1M(benchmark::State& st) { mixed(st, "6.1", "slab"); }
BENCHMARK(BM_SlubMixed1M)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SlabMixed1M)->Unit(benchmark::kMillisecond);

} // namespace
