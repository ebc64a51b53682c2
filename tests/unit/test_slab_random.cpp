// Long random mixed workloads of the slab layer and the page allocator,
// driven through the core API (not scenario JSON, so a million operations
// stay cheap), with the slab and buddy invariant checkers on. CI runs a
// reduced size; MMSIM_SLAB_FULL=1 runs the issue's 1 million operations x
// 10 seeds per policy, MMSIM_SLAB_OPS / MMSIM_SLAB_SEEDS set other sizes.
// The pressure runs (SLUB's order fallback) take MMSIM_SLAB_PRESSURE_OPS.
#include "core/scenario.h"
#include "core/simulation.h"
#include "core/slab.h"
#include "core/slab_series.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace mmsim {
namespace {

long envLong(const char* name, long dflt) {
    const char* v = std::getenv(name);
    return v && *v ? std::strtol(v, nullptr, 10) : dflt;
}

std::string scenarioText(const char* version, const char* slab) {
    return std::string(R"({"format": "mmsim-scenario/1", "machine": {"cpus": 4, "e820": [
        {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
        {"addr": "0x100000", "size": "0x1ff00000", "type": "usable"}],
        "kernel": {"version": ")") +
           version + R"(", "slab": ")" + slab + R"("}}, "steps": [
        {"op": "kmem_cache_create", "name": "obj", "size": 300, "flags": ["SLAB_HWCACHE_ALIGN"]},
        {"op": "kmem_cache_create", "name": "rcl", "size": 72, "flags": ["SLAB_RECLAIM_ACCOUNT"]}]})";
}

struct Live {
    int cache = -1; // -1: a page block
    SlabObj obj;
    pfn_t pfn = NO_PFN;
    int order = 0;
};

// One seeded run: returns the number of allocations that failed (a full
// machine is a normal outcome, not an error).
void runMixed(const char* version, const char* slab, unsigned seed, long ops) {
    Simulation sim(loadScenario(scenarioText(version, slab), "<random>"));
    sim.runAll();
    SlabState& s = sim.state().slab;
    MmModel& mm = sim.state().mm;
    const KernelProfile& prof = sim.scenario().machine.profile;
    const gfp_t kernel = *parseGfp("GFP_KERNEL", prof, nullptr);
    const gfp_t movable = *parseGfp("GFP_HIGHUSER_MOVABLE", prof, nullptr);
    const int obj = findCache(s, "obj"), rcl = findCache(s, "rcl");
    ASSERT_GE(obj, 0);
    ASSERT_GE(rcl, 0);

    std::mt19937_64 rng(seed);
    std::vector<Live> live;
    std::vector<std::uint64_t> held(s.caches.size() + 64, 0); // objects we hold per cache
    EventSink ev;
    auto check = [&](long i) {
        ASSERT_EQ(checkSlabInvariants(s, mm), "") << "seed " << seed << " after op " << i;
        ASSERT_EQ(checkBuddyInvariants(mm), "") << "seed " << seed << " after op " << i;
        for (std::size_t c = 0; c < s.caches.size(); ++c)
            ASSERT_EQ(s.caches[c].objects_out, held[c])
                << s.caches[c].name << ", seed " << seed << " after op " << i;
    };
    for (long i = 0; i < ops; ++i) {
        ev.clear();
        const unsigned r = static_cast<unsigned>(rng() % 100);
        const int cpu = static_cast<int>(rng() % 4);
        if (live.size() > 20000 || (r >= 60 && r < 95 && !live.empty())) {
            const std::size_t k = static_cast<std::size_t>(rng() % live.size());
            const Live l = live[k];
            live[k] = live.back();
            live.pop_back();
            if (l.cache < 0) {
                ASSERT_TRUE(freePages(mm, l.pfn, l.order, &ev, cpu).ok);
            } else {
                ASSERT_TRUE(slabObjLive(s, l.cache, l.obj));
                kmemCacheFree(s, mm, l.cache, l.obj, cpu, &ev);
                --held[static_cast<std::size_t>(l.cache)];
            }
        } else if (r < 35) { // kmalloc of 8 B .. 16 KiB
            const std::size_t size = (std::size_t{8} << (rng() % 12)) - rng() % 7;
            const int c = kmallocCache(s, size, kernel);
            if (c < 0) {
                AllocRequest rq{kernel, static_cast<int>(getOrder(size)), cpu};
                const AllocOutcome o = allocPages(mm, rq, &ev);
                if (o.ok) live.push_back({-1, {}, o.pfn, rq.order});
            } else {
                SlabObj so;
                if (kmemCacheAlloc(s, mm, c, cpu, kernel, &so, &ev)) {
                    live.push_back({c, so});
                    ++held[static_cast<std::size_t>(c)];
                }
            }
        } else if (r < 55) { // a cache of our own
            const int c = rng() % 3 ? obj : rcl;
            SlabObj so;
            if (kmemCacheAlloc(s, mm, c, cpu, kernel, &so, &ev)) {
                live.push_back({c, so});
                ++held[static_cast<std::size_t>(c)];
            }
        } else if (r < 60) { // pages beside the slabs
            AllocRequest rq{movable, static_cast<int>(rng() % 4), cpu};
            const AllocOutcome o = allocPages(mm, rq, &ev);
            if (o.ok) live.push_back({-1, {}, o.pfn, rq.order});
        } else {
            kmemCacheShrink(s, mm, rng() % 2 ? obj : kmallocCache(s, 64, kernel), &ev);
        }
        if (i < 2000 || i % 5000 == 0) {
            check(i);
            if (::testing::Test::HasFatalFailure()) return;
        }
    }
    check(ops);
}

TEST(SlabRandomLong, MixedSlabAndPagesWithInvariants) {
    const bool full = std::getenv("MMSIM_SLAB_FULL") != nullptr;
    const long ops = envLong("MMSIM_SLAB_OPS", full ? 1000000 : 100000);
    const long seeds = envLong("MMSIM_SLAB_SEEDS", full ? 10 : 2);
    for (auto [version, slab] : {std::pair{"6.12", "slub"}, {"6.1", "slub"}, {"6.1", "slab"}})
        for (long seed = 1; seed <= seeds; ++seed) {
            SCOPED_TRACE(std::string(version) + " " + slab);
            runMixed(version, slab, static_cast<unsigned>(seed), ops);
            if (HasFatalFailure()) return;
        }
}

// A small machine (20 MiB) under pressure: page allocations fill memory with
// order-0 blocks and free them at random, so the order-3 slabs of the big
// kmalloc caches often cannot be had while single pages can: SLUB falls
// back to the minimum order (classic SLAB just fails). Invariants after
// every operation; over the seeds, fallbacks must actually happen.
std::uint64_t runPressure(const char* version, const char* slab, unsigned seed, long ops) {
    Simulation sim(loadScenario(std::string(R"({"format": "mmsim-scenario/1", "machine": {"cpus": 2,
        "e820": [{"addr": "0x0", "size": "0x9fc00", "type": "usable"},
                 {"addr": "0x100000", "size": "0x1300000", "type": "usable"}],
        "kernel": {"version": ")") + version +
                                    R"(", "slab": ")" + slab +
                                    R"("}}, "steps": [
        {"op": "kmem_cache_create", "name": "big", "size": 3000}]})",
                                "<pressure>"));
    sim.runAll();
    SlabState& s = sim.state().slab;
    MmModel& mm = sim.state().mm;
    const KernelProfile& prof = sim.scenario().machine.profile;
    const gfp_t kernel = *parseGfp("GFP_KERNEL", prof, nullptr);
    const gfp_t movable = *parseGfp("GFP_HIGHUSER_MOVABLE", prof, nullptr);
    const int big = findCache(s, "big");
    std::mt19937_64 rng(seed);
    std::vector<Live> live;
    EventSink ev;
    std::uint64_t fallback_events = 0;
    for (long i = 0; i < ops; ++i) {
        ev.clear();
        const unsigned r = static_cast<unsigned>(rng() % 100);
        const int cpu = static_cast<int>(rng() % 2);
        if (r < 30 && !live.empty()) {
            const std::size_t k = static_cast<std::size_t>(rng() % live.size());
            const Live l = live[k];
            live[k] = live.back();
            live.pop_back();
            if (l.cache < 0) {
                EXPECT_TRUE(freePages(mm, l.pfn, l.order, &ev, cpu).ok);
            } else {
                EXPECT_TRUE(slabObjLive(s, l.cache, l.obj));
                kmemCacheFree(s, mm, l.cache, l.obj, cpu, &ev);
            }
        } else if (r < 75) {
            AllocRequest rq{movable, 0, cpu};
            const AllocOutcome o = allocPages(mm, rq, &ev);
            if (o.ok) live.push_back({-1, {}, o.pfn, 0});
        } else {
            const int c = r < 90 ? kmallocCache(s, std::size_t{1024} << (rng() % 4), kernel) : big;
            SlabObj so;
            if (kmemCacheAlloc(s, mm, c, cpu, kernel, &so, &ev)) live.push_back({c, so});
        }
        for (const BuddyEvent& e : ev)
            fallback_events += static_cast<std::uint8_t>(e.kind) == slabev::order_fallback;
        if (i < 300 || i % 50 == 0 || i + 1 == ops) {
            const std::string bad = checkSlabInvariants(s, mm);
            EXPECT_EQ(bad, "") << "seed " << seed << " after op " << i;
            EXPECT_EQ(checkBuddyInvariants(mm), "") << "seed " << seed << " after op " << i;
            if (!bad.empty()) return fallback_events;
        }
    }
    std::uint64_t stat = 0;
    for (const KmemCache& c : s.caches)
        stat += c.order_fallback;
    EXPECT_EQ(stat, fallback_events); // the stat counts exactly the marked slabs
    // Give everything back: every slab, of either order, returns whole.
    for (const Live& l : live) {
        if (l.cache < 0)
            EXPECT_TRUE(freePages(mm, l.pfn, l.order, &ev, 0).ok);
        else
            kmemCacheFree(s, mm, l.cache, l.obj, 0, &ev);
    }
    for (std::size_t c = 0; c < s.caches.size(); ++c)
        kmemCacheShrink(s, mm, static_cast<int>(c), &ev);
    EXPECT_EQ(checkSlabInvariants(s, mm), "");
    for (const KmemCache& c : s.caches)
        for (const SlabNode& n : c.nodes)
            EXPECT_EQ(n.nr_slabs, 0u) << c.name;
    return fallback_events;
}

TEST(SlabRandomLong, FallbacksUnderPressureWithInvariants) {
    const long ops = envLong("MMSIM_SLAB_PRESSURE_OPS", 12000);
    for (auto [version, slab] : {std::pair{"6.12", "slub"}, {"6.1", "slub"}, {"6.1", "slab"}}) {
        SCOPED_TRACE(std::string(version) + " " + slab);
        std::uint64_t fallbacks = 0;
        for (unsigned seed = 1; seed <= 3; ++seed)
            fallbacks += runPressure(version, slab, seed, ops);
        if (std::string(slab) == "slub")
            EXPECT_GT(fallbacks, 0u);
        else
            EXPECT_EQ(fallbacks, 0u);
    }
}

} // namespace
} // namespace mmsim

namespace mmsim {
namespace {

// The slab columns of the time series follow slabinfo's counts, row by row.
TEST(SlabSeries, ColumnsFollowSlabinfo) {
    Simulation sim(
        loadScenario(std::string(R"({"format": "mmsim-scenario/1", "machine": {"cpus": 2, "e820": [
        {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
        {"addr": "0x100000", "size": "0xff00000", "type": "usable"}]}, "steps": [
        {"op": "kmem_cache_create", "name": "obj", "size": 300},
        {"op": "kmem_cache_alloc", "cache": "obj", "count": 40, "as": "a"},
        {"op": "kmem_cache_alloc", "cache": "obj", "count": 7, "as": "b"},
        {"op": "kmem_cache_free", "ref": "a"},
        {"op": "kmem_cache_shrink", "cache": "obj"}]})"),
                     "<series>"));
    SeriesRecorder rec;
    rec.addProvider(makeSlabSeriesProvider());
    std::vector<std::pair<std::uint64_t, std::uint64_t>> want; // active, total after each step
    while (!sim.done()) {
        sim.step();
        rec.sample(sim);
        const int c = findCache(sim.state().slab, "obj");
        if (c >= 0) {
            const SlabInfoRow r = slabInfoRow(sim.state().slab, c);
            want.emplace_back(r.active_objs, r.num_objs);
        }
    }
    const TimeSeries ts = rec.series(sim);
    const int act = ts.column("slab.obj.active_objs"), tot = ts.column("slab.obj.num_objs");
    ASSERT_GE(act, 0);
    ASSERT_GE(tot, 0);
    // The cache has columns from its first slab on; rows before read NaN.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> got;
    for (std::size_t r = 0; r < ts.rows(); ++r)
        if (!std::isnan(ts.col(act)[r]))
            got.emplace_back(static_cast<std::uint64_t>(ts.col(act)[r]),
                             static_cast<std::uint64_t>(ts.col(tot)[r]));
    ASSERT_FALSE(got.empty());
    EXPECT_EQ(got.back(), want.back());
    // Every row, from the cache's first slab on, is slabinfo's pair then.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> from_first;
    for (const auto& w : want)
        if (w.second > 0 || !from_first.empty()) from_first.push_back(w);
    EXPECT_EQ(got, from_first);
    // Empty kmalloc caches get no columns.
    EXPECT_LT(ts.column("slab.kmalloc-8.active_objs"), 0);
}

// Slabs per list in the series: each row's counts equal the lists' own
// counters (the CPUs' active slabs and partial lists, the nodes' partial,
// full and free counts), read through a different path than the per-slab
// list field the provider counts; under SLUB and classic SLAB.
TEST(SlabSeries, SlabsPerListFollowTheLists) {
    for (const char* file : {"12-slub-percpu-partial.json", "11-slab-lifecycle.json",
                             "13a-same-workload-slab-6.1.json"}) {
        SCOPED_TRACE(file);
        Simulation sim(loadScenarioFile(std::string(MMSIM_SCENARIOS "/") + file));
        SeriesRecorder rec(100000);
        rec.addProvider(makeSlabSeriesProvider());
        int checked = 0;
        while (!sim.done()) {
            sim.step();
            rec.sample(sim);
            const SlabState& st = sim.state().slab;
            const bool classic = st.policy != SlabPolicy::Slub;
            const TimeSeries ts = rec.series(sim);
            for (std::size_t c = 0; c < st.caches.size(); ++c) {
                const CacheDetail d = cacheDetail(st, static_cast<int>(c));
                const int col0 = ts.column("slab." + d.name + ".slabs.partial");
                if (col0 < 0) continue;
                double cpu = 0, cpu_partial = 0, partial = 0, full = 0, free = 0;
                for (const auto& k : d.cpus) {
                    cpu += k.slab != SLAB_NIL ? 1 : 0;
                    cpu_partial += static_cast<double>(k.partial.size());
                }
                for (const auto& n : d.nodes) {
                    partial += static_cast<double>(n.nr_partial);
                    full += static_cast<double>(n.nr_full);
                    free += static_cast<double>(n.nr_free);
                }
                auto at = [&](const char* list) {
                    const int i = ts.column("slab." + d.name + ".slabs." + list);
                    EXPECT_GE(i, 0) << list;
                    return i < 0 ? -1.0 : ts.col(i).back();
                };
                SCOPED_TRACE(d.name + " at step " + std::to_string(sim.executed()));
                EXPECT_EQ(at("cpu_slab"), cpu);
                EXPECT_EQ(at("partial"), partial);
                EXPECT_EQ(at("full"), full);
                if (classic) {
                    EXPECT_EQ(at("free"), free);
                    EXPECT_LT(ts.column("slab." + d.name + ".slabs.cpu_partial"), 0);
                } else {
                    EXPECT_EQ(at("cpu_partial"), cpu_partial);
                    EXPECT_LT(ts.column("slab." + d.name + ".slabs.free"), 0);
                }
                ++checked;
            }
        }
        EXPECT_GT(checked, 3);
    }
}

} // namespace
} // namespace mmsim
