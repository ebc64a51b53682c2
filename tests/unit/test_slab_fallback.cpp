// SLUB's allocate_slab() fallback to the minimum order, worked by hand on a
// machine fragmented so that no block of order 2 or more is free while
// order-1 blocks are: the preferred order fails, the minimum order serves,
// the slab holds fewer objects, slabinfo counts each slab's own objects,
// the event stream and the cache's stat mark it. Classic SLAB has no
// fallback: the same request just fails.
#include "core/cost.h"
#include "core/report.h"
#include "core/scenario.h"
#include "core/simulation.h"
#include "core/slab.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace mmsim {
namespace {

// 64 MiB, 2 CPUs, no per-CPU page lists (every free reaches the buddy lists).
std::string smallMachine(const std::string& version, const std::string& slab,
                         const std::string& steps = "[]") {
    return R"({"format": "mmsim-scenario/1", "machine": {"cpus": 2, "e820": [
        {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
        {"addr": "0x100000", "size": "0x3f00000", "type": "usable"}],
        "kernel": {"version": ")" +
           version + R"(", "slab": ")" + slab + R"(", "pcp": false}}, "steps": )" + steps + "}";
}

std::uint64_t freeAtOrLeast(const MmModel& mm, int order) {
    std::uint64_t n = 0;
    for (const Node& nd : mm.nodes)
        for (const Zone& z : nd.zones)
            for (int o = order; o < NR_PAGE_ORDERS; ++o)
                n += z.free_area.nrFree(o);
    return n;
}

// Takes every free page (order 0, ignoring watermarks), then gives back the
// first two pages of every aligned group of four: free order-1 blocks whose
// buddies stay allocated, so nothing of order 2 or more can form. Returns
// the pages still held.
std::vector<pfn_t> fragment(Simulation& sim) {
    MmModel& mm = sim.state().mm;
    const KernelProfile& prof = sim.scenario().machine.profile;
    AllocRequest req;
    req.gfp = *parseGfp("GFP_KERNEL | __GFP_MEMALLOC", prof, nullptr);
    req.order = 0;
    std::vector<pfn_t> held;
    for (;;) {
        const AllocOutcome o = allocPages(mm, req);
        if (!o.ok) break;
        held.push_back(o.pfn);
    }
    std::sort(held.begin(), held.end());
    std::vector<pfn_t> keep;
    for (pfn_t p : held) {
        const bool pair = (p & 3) < 2 && std::binary_search(held.begin(), held.end(), p ^ 1);
        if (pair)
            EXPECT_TRUE(freePages(mm, p, 0).ok);
        else
            keep.push_back(p);
    }
    return keep;
}

int countKind(const EventSink& ev, std::uint8_t kind) {
    return static_cast<int>(
        std::count_if(ev.begin(), ev.end(), [&](const BuddyEvent& e) { return e.kind == kind; }));
}

void checkAll(const Simulation& sim) {
    ASSERT_EQ(checkSlabInvariants(sim.state().slab, sim.state().mm), "");
    ASSERT_EQ(checkBuddyInvariants(sim.state().mm), "");
}

// The slabinfo line of one cache.
std::string slabinfoLine(const SlabState& s, const std::string& name) {
    const std::string v = viewSlabinfo(s);
    std::size_t at = 0;
    while ((at = v.find('\n', at)) != std::string::npos) {
        ++at;
        if (v.compare(at, name.size() + 1, name + " ") == 0)
            return v.substr(at, v.find('\n', at) - at);
    }
    return {};
}

// kmalloc-2k under SLUB with 2 CPUs: min_objects = 4 * (fls(2) + 1) = 12,
// 12 * 2048 = 24 KiB -> order 3 (16 objects, nothing wasted). Its minimum
// order is get_order(2048) = 0, holding 4096 / 2048 = 2 objects.
void fallbackWorkedExample(const std::string& version) {
    SCOPED_TRACE(version);
    Simulation sim(loadScenario(smallMachine(version, "slub"), "<fallback>"));
    sim.runAll();
    SlabState& s = sim.state().slab;
    MmModel& mm = sim.state().mm;
    slabInit(s, mm, SlabPolicy::Slub, 2);
    const gfp_t kernel = *parseGfp("GFP_KERNEL", sim.scenario().machine.profile, nullptr);
    const int k2 = kmallocCache(s, 2048, kernel);
    ASSERT_GE(k2, 0);
    const KmemCache& c = s.caches[static_cast<std::size_t>(k2)];
    ASSERT_EQ(c.name, "kmalloc-2k");
    ASSERT_EQ(c.geo.order, 3u);
    ASSERT_EQ(c.geo.objects, 16u);
    ASSERT_EQ(c.geo.min_order, 0u);
    ASSERT_EQ(c.geo.min_objects, 2u);

    std::vector<pfn_t> held = fragment(sim);
    ASSERT_EQ(freeAtOrLeast(mm, 2), 0u);
    ASSERT_GT(freeAtOrLeast(mm, 1), 100u);
    checkAll(sim);

    // First object: the order-3 request fails, the order-0 one serves.
    EventSink ev;
    SlabObj a, b, d;
    ASSERT_TRUE(kmemCacheAlloc(s, mm, k2, 0, kernel, &a, &ev));
    EXPECT_EQ(countKind(ev, slabev::order_fallback), 1);
    EXPECT_EQ(countKind(ev, BuddyEvent::alloc_fail), 1); // the quiet first try
    auto nsl = std::find_if(ev.begin(), ev.end(), [](const BuddyEvent& e) {
        return static_cast<std::uint8_t>(e.kind) == slabev::new_slab;
    });
    ASSERT_NE(nsl, ev.end());
    EXPECT_EQ(nsl->order, 0);
    auto fb = std::find_if(ev.begin(), ev.end(), [](const BuddyEvent& e) {
        return static_cast<std::uint8_t>(e.kind) == slabev::order_fallback;
    });
    EXPECT_LT(fb - ev.begin(), nsl - ev.begin()); // marked before the slab is set up
    EXPECT_EQ(std::string(eventKindName(static_cast<BuddyEvent::Kind>(fb->kind))),
              "order_fallback");
    EXPECT_EQ(s.caches[static_cast<std::size_t>(k2)].order_fallback, 1u);
    checkAll(sim);
    // The kernel prints oo's object count and pages per slab, but counts the
    // objects the slabs really have: one slab of 2 (the CPU slab, all active).
    EXPECT_EQ(slabinfoLine(s, "kmalloc-2k"),
              "kmalloc-2k             2      2   2048   16    8 : tunables    0    0    0 : "
              "slabdata      1      1      0");

    // Two more: the second fills the slab; the third needs another slab,
    // again of order 0.
    ASSERT_TRUE(kmemCacheAlloc(s, mm, k2, 0, kernel, &b, &ev));
    ev.clear();
    ASSERT_TRUE(kmemCacheAlloc(s, mm, k2, 0, kernel, &d, &ev));
    EXPECT_EQ(countKind(ev, slabev::order_fallback), 1);
    EXPECT_EQ(s.caches[static_cast<std::size_t>(k2)].order_fallback, 2u);
    checkAll(sim);
    EXPECT_EQ(slabinfoLine(s, "kmalloc-2k"),
              "kmalloc-2k             4      4   2048   16    8 : tunables    0    0    0 : "
              "slabdata      2      2      0");
    {
        const CacheDetail det = cacheDetail(s, k2);
        ASSERT_EQ(det.slabs.size(), 2u);
        for (const SlabDetail& x : det.slabs) {
            EXPECT_EQ(x.order, 0);
            EXPECT_EQ(x.objects, 2u);
            EXPECT_TRUE(x.fallback);
        }
        EXPECT_EQ(det.order_fallback, 2u);
    }

    // Memory comes back: the next slab gets the preferred order again.
    for (pfn_t p : held)
        ASSERT_TRUE(freePages(mm, p, 0).ok);
    ASSERT_GT(freeAtOrLeast(mm, 3), 0u);
    SlabObj e;
    ASSERT_TRUE(kmemCacheAlloc(s, mm, k2, 0, kernel, &e, &ev)); // fills the second slab
    ev.clear();
    SlabObj f;
    ASSERT_TRUE(kmemCacheAlloc(s, mm, k2, 0, kernel, &f, &ev)); // a new order-3 slab
    EXPECT_EQ(countKind(ev, slabev::order_fallback), 0);
    nsl = std::find_if(ev.begin(), ev.end(), [](const BuddyEvent& x) {
        return static_cast<std::uint8_t>(x.kind) == slabev::new_slab;
    });
    ASSERT_NE(nsl, ev.end());
    EXPECT_EQ(nsl->order, 3);
    checkAll(sim);
    // 2 + 2 + 16 objects in 3 slabs.
    EXPECT_EQ(slabinfoLine(s, "kmalloc-2k"),
              "kmalloc-2k            20     20   2048   16    8 : tunables    0    0    0 : "
              "slabdata      3      3      0");

    // Free everything on CPU 1 (slow path, list moves), then shrink: every
    // slab, of either order, goes back to the buddy allocator whole.
    for (SlabObj o : {a, b, d, e, f}) {
        kmemCacheFree(s, mm, k2, o, 1, &ev);
        checkAll(sim);
    }
    kmemCacheShrink(s, mm, k2, &ev);
    checkAll(sim);
    EXPECT_EQ(slabInfoRow(s, k2).num_objs, 0u);
    EXPECT_EQ(slabInfoRow(s, k2).num_slabs, 0u);
}

TEST(SlabFallback, Slub612MinOrderSlab) {
    fallbackWorkedExample("6.12");
}
TEST(SlabFallback, Slub61MinOrderSlab) {
    fallbackWorkedExample("6.1");
}

// A slab on the node partial list counts its own free objects: one
// fallback slab of 2 with 1 in use after its CPU slab is flushed shows
// active 1 of 2, not 1 of 16.
TEST(SlabFallback, PartialFreeCountsPerSlabObjects) {
    Simulation sim(loadScenario(smallMachine("6.12", "slub"), "<fallback>"));
    sim.runAll();
    SlabState& s = sim.state().slab;
    MmModel& mm = sim.state().mm;
    slabInit(s, mm, SlabPolicy::Slub, 2);
    const gfp_t kernel = *parseGfp("GFP_KERNEL", sim.scenario().machine.profile, nullptr);
    const int k2 = kmallocCache(s, 2048, kernel);
    fragment(sim);
    EventSink ev;
    SlabObj a, b;
    ASSERT_TRUE(kmemCacheAlloc(s, mm, k2, 0, kernel, &a, &ev));
    ASSERT_TRUE(kmemCacheAlloc(s, mm, k2, 0, kernel, &b, &ev));
    // The full fallback slab stays CPU 0's slab when CPU 1 frees into it;
    // shrink flushes it to the node partial list (it keeps object a, so it
    // is not discarded).
    kmemCacheFree(s, mm, k2, b, 1, &ev);
    kmemCacheShrink(s, mm, k2, &ev);
    checkAll(sim);
    const SlabInfoRow r = slabInfoRow(s, k2);
    EXPECT_EQ(r.num_slabs, 1u);
    EXPECT_EQ(r.num_objs, 2u);
    EXPECT_EQ(r.active_objs, 1u);
    EXPECT_EQ(r.objperslab, 16u);
    EXPECT_EQ(r.pagesperslab, 8u);
}

// Classic SLAB (6.1): one gfporder per cache, kmem_getpages() has no
// smaller order to try, so on the same fragmented machine a cache of order
// 2 or more cannot grow at all.
TEST(SlabFallback, ClassicSlabHasNoFallback) {
    Simulation sim(loadScenario(smallMachine("6.1", "slab"), "<fallback>"));
    sim.runAll();
    SlabState& s = sim.state().slab;
    MmModel& mm = sim.state().mm;
    slabInit(s, mm, SlabPolicy::Slab, 2);
    std::string err;
    // 12000 bytes: no object fits order 0 or 1; order 2 holds one and
    // slab_max_order (1 above 32 MiB) stops the search there.
    const int c = kmemCacheCreate(s, "big", 12000, 0, 0, &err);
    ASSERT_GE(c, 0) << err;
    const SlabGeometry& g = s.caches[static_cast<std::size_t>(c)].geo;
    ASSERT_EQ(g.order, 2u);
    EXPECT_EQ(g.min_order, g.order);
    const gfp_t kernel = *parseGfp("GFP_KERNEL", sim.scenario().machine.profile, nullptr);
    fragment(sim);
    ASSERT_EQ(freeAtOrLeast(mm, 2), 0u);
    EventSink ev;
    SlabObj o;
    EXPECT_FALSE(kmemCacheAlloc(s, mm, c, 0, kernel, &o, &ev));
    EXPECT_EQ(countKind(ev, slabev::order_fallback), 0);
    EXPECT_EQ(s.caches[static_cast<std::size_t>(c)].order_fallback, 0u);
    checkAll(sim);
}

// The fallback is charged by the cost model at its own entry; the kernel log
// stays quiet (the first try has __GFP_NOWARN, the second succeeds).
TEST(SlabFallback, ChargedAndQuiet) {
    Simulation sim(loadScenario(smallMachine("6.12", "slub"), "<fallback>"));
    sim.runAll();
    fragment(sim);
    CostModel m;
    EXPECT_EQ(m.order_fallback, 30u);
    ASSERT_NE(m.find("order_fallback"), nullptr);
    CycleClock clock(m);
    SlabState& s = sim.state().slab;
    MmModel& mm = sim.state().mm;
    slabInit(s, mm, SlabPolicy::Slub, 2);
    const gfp_t kernel = *parseGfp("GFP_KERNEL", sim.scenario().machine.profile, nullptr);
    EventSink ev;
    SlabObj o;
    const std::size_t log_before = sim.kernelLog().size();
    ASSERT_TRUE(kmemCacheAlloc(s, mm, kmallocCache(s, 2048, kernel), 0, kernel, &o, &ev));
    EXPECT_EQ(sim.kernelLog().size(), log_before);
    clock.charge("kmalloc", 0, ev, mm);
    const auto& cyc = clock.lastEventCycles();
    bool charged = false;
    for (std::size_t i = 0; i < ev.size(); ++i)
        if (static_cast<std::uint8_t>(ev[i].kind) == slabev::order_fallback) charged = cyc[i] == 30;
    EXPECT_TRUE(charged);
    CostModel m2;
    *m2.find("order_fallback") = 1234;
    CycleClock clock2(m2);
    clock2.charge("kmalloc", 0, ev, mm);
    EXPECT_EQ(clock2.stats().now - clock.stats().now, 1234u - 30u);
}

} // namespace
} // namespace mmsim
