// The slab layer: hand-worked geometry (1, 4, 8, 64 CPUs; both profiles;
// classic SLAB; debug flags), kmalloc's size classes, list moves under both
// policies, the step errors, shrink/destroy, and a random workload with the
// invariant checker after every step.
#include "core/report.h"
#include "core/scenario.h"
#include "core/simulation.h"
#include "core/slab.h"

#include <gtest/gtest.h>

#include <random>

namespace mmsim {
namespace {

std::string machine(int cpus, const std::string& version, const std::string& slab,
                    const std::string& steps) {
    return R"({"format": "mmsim-scenario/1", "machine": {"cpus": )" + std::to_string(cpus) +
           R"(, "e820": [
        {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
        {"addr": "0x100000", "size": "0xff00000", "type": "usable"}],
        "kernel": {"version": ")" +
           version + R"(", "slab": ")" + slab + R"("}}, "steps": )" + steps + "}";
}

// Runs step by step, checking the slab and buddy invariants after each.
void runChecked(Simulation& sim) {
    while (!sim.done()) {
        sim.step();
        ASSERT_EQ(checkSlabInvariants(sim.state().slab, sim.state().mm), "")
            << "after step " << sim.executed();
        ASSERT_EQ(checkBuddyInvariants(sim.state().mm), "") << "after step " << sim.executed();
    }
}

SlabGeometry slub(unsigned size, unsigned cpus, bool v61 = false, std::uint32_t flags = 0,
                  unsigned align = 0) {
    GeometryParams p;
    p.object_size = size;
    p.nr_cpus = cpus;
    p.v61 = v61;
    p.flags = flags;
    p.align = align;
    return computeGeometry(p);
}

SlabGeometry classic(unsigned size, std::uint32_t flags = 0, unsigned align = 0,
                     unsigned cpus = 2) {
    GeometryParams p;
    p.policy = SlabPolicy::Slab;
    p.v61 = true;
    p.object_size = size;
    p.flags = flags;
    p.align = align;
    p.nr_cpus = cpus;
    return computeGeometry(p);
}

// ---- geometry, worked by hand ----

// min_objects = 4 * (fls(cpus) + 1): 8, 16, 20, 32 for 1, 4, 8, 64 CPUs.
// 1024-byte objects: the order is the first whose slab holds min_objects
// (get_order(min_objects * 1024)) when that wastes nothing: 1, 2, 3, 3 (the
// last capped by slub_max_order: 32 objects fit in order 3).
TEST(SlabGeometry, Slub1024ByCpuCount) {
    const unsigned cpus[] = {1, 4, 8, 64}, order[] = {1, 2, 3, 3}, objs[] = {8, 16, 32, 32};
    for (int i = 0; i < 4; ++i)
        for (bool v61 : {false, true}) {
            const SlabGeometry g = slub(1024, cpus[i], v61);
            EXPECT_EQ(g.order, order[i]) << cpus[i] << " CPUs";
            EXPECT_EQ(g.objects, objs[i]) << cpus[i] << " CPUs";
        }
}

// 256 bytes: 8 and 16 objects fit in one page (order 0); 20 and 32 need two.
TEST(SlabGeometry, Slub256ByCpuCount) {
    const unsigned cpus[] = {1, 4, 8, 64}, order[] = {0, 0, 1, 1};
    for (int i = 0; i < 4; ++i)
        EXPECT_EQ(slub(256, cpus[i]).order, order[i]) << cpus[i];
}

// 700 bytes -> slot 704. With 4 CPUs, 16 * 704 = 11264 needs order 2;
// 16384 % 704 = 192 <= 16384 / 16: order 2, 23 objects. With 64 CPUs
// min_objects is 32, but only 46 fit in order 3: 32 * 704 = 22528 -> order
// 3, 32768 % 704 = 384 <= 2048: 46 objects.
TEST(SlabGeometry, Slub700) {
    SlabGeometry g = slub(700, 4);
    EXPECT_EQ(g.size, 704u);
    EXPECT_EQ(g.order, 2u);
    EXPECT_EQ(g.objects, 23u);
    g = slub(700, 64);
    EXPECT_EQ(g.order, 3u);
    EXPECT_EQ(g.objects, 46u);
}

// min_partial = clamp(ilog2(size) / 2, 5, 10); cpu_partial by size band,
// cpu_partial_slabs = DIV_ROUND_UP(2 * cpu_partial, objects).
TEST(SlabGeometry, SlubTunables) {
    SlabGeometry g = slub(256, 2); // 16 objects, order 0
    EXPECT_EQ(g.min_partial, 5u);
    EXPECT_EQ(g.cpu_partial, 52u);
    EXPECT_EQ(g.cpu_partial_slabs, 7u); // 104 / 16 rounded up
    g = slub(8192, 2);                  // 4 objects, order 3
    EXPECT_EQ(g.min_partial, 6u);
    EXPECT_EQ(g.cpu_partial, 6u);
    EXPECT_EQ(g.cpu_partial_slabs, 3u);
    g = slub(64, 2, false, slabflag::STORE_USER); // debug: no per-CPU partial lists
    EXPECT_EQ(g.cpu_partial_slabs, 0u);
}

// Debug layouts (64-byte object, 6.12): red zone adds a word after the
// object... the object fills its words, so a word is added (72); the free
// pointer stays inside (offset 32); STORE_USER adds two 32-byte tracks
// (136); the red zone adds a trailing word and a left pad of one word
// (152); aligned to 8: 152.
TEST(SlabGeometry, SlubDebugFlags) {
    SlabGeometry g = slub(64, 2, false, slabflag::RED_ZONE | slabflag::STORE_USER);
    EXPECT_EQ(g.inuse, 72u);
    EXPECT_EQ(g.offset, 32u);
    EXPECT_EQ(g.red_left_pad, 8u);
    EXPECT_EQ(g.size, 152u);
    // Poison moves the free pointer out of the object: 64 + 8.
    g = slub(64, 2, false, slabflag::POISON);
    EXPECT_EQ(g.offset, 64u);
    EXPECT_EQ(g.size, 72u);
    // RCU likewise; HWCACHE_ALIGN then rounds 72 up to 128 (64 > 32: line size).
    g = slub(64, 2, false, slabflag::TYPESAFE_BY_RCU | slabflag::HWCACHE_ALIGN);
    EXPECT_EQ(g.align, 64u);
    EXPECT_EQ(g.size, 128u);
    // HWCACHE_ALIGN on a 20-byte object: 64 halves to 32 (20 <= 32), not to
    // 16 (20 > 16): slot 32.
    EXPECT_EQ(slub(20, 2, false, slabflag::HWCACHE_ALIGN).size, 32u);
    // kmalloc + STORE_USER keeps the request size: 8 bytes in 6.12, 4 in 6.1.
    EXPECT_EQ(slub(64, 2, false, slabflag::STORE_USER | slabflag::KMALLOC).size, 64u + 64 + 8);
    EXPECT_EQ(slub(64, 2, true, slabflag::STORE_USER | slabflag::KMALLOC).size, 64u + 64 + 8);
    EXPECT_EQ(slub(60, 2, true, slabflag::STORE_USER | slabflag::KMALLOC).size, 64u + 64 + 8);
    EXPECT_EQ(slub(60, 2, false, slabflag::STORE_USER | slabflag::KMALLOC).size, 64u + 64 + 8);
}

// Classic SLAB (cache_estimate): kmalloc-32 cannot keep its 128-byte
// freelist in a 32-byte object nor off-slab (kmalloc-128 is more than half
// the object): on-slab, 4096 / 33 = 124 objects. 64-byte objects: the 64
// one-byte indices fit in a free object (OBJFREELIST): 64 per page. 8 KiB:
// one object in an order-1 slab (slab_max_order 1).
TEST(SlabGeometry, ClassicSlab) {
    SlabGeometry g = classic(32, slabflag::HWCACHE_ALIGN | slabflag::KMALLOC, 32);
    EXPECT_EQ(g.size, 32u);
    EXPECT_EQ(g.objects, 124u);
    EXPECT_FALSE(g.objfreelist);
    EXPECT_FALSE(g.off_slab);
    g = classic(64, slabflag::HWCACHE_ALIGN, 64);
    EXPECT_EQ(g.objects, 64u);
    EXPECT_TRUE(g.objfreelist);
    g = classic(96, slabflag::HWCACHE_ALIGN); // kmalloc-96 under SLAB: 128-byte slots
    EXPECT_EQ(g.size, 128u);
    EXPECT_EQ(g.objects, 32u);
    g = classic(8192, slabflag::HWCACHE_ALIGN, 8192);
    EXPECT_EQ(g.objects, 1u);
    EXPECT_EQ(g.order, 1u);
    EXPECT_EQ(g.limit, 8u);
    EXPECT_EQ(g.batchcount, 4u);
    EXPECT_EQ(g.shared, 0u);
    g = classic(4096, 0, 4096);
    EXPECT_EQ(g.objects, 1u);
    EXPECT_EQ(g.order, 0u);
    EXPECT_EQ(g.limit, 24u);
    EXPECT_EQ(g.batchcount, 12u);
    EXPECT_EQ(g.shared, 8u);
    EXPECT_EQ(classic(4096, 0, 4096, 1).shared, 0u); // one CPU: no shared array
    // Debug flags are masked without CONFIG_DEBUG_SLAB.
    EXPECT_EQ(classic(64, slabflag::RED_ZONE | slabflag::STORE_USER).size, 64u);
    // 16-byte objects: 256 per page exceed the one-byte index: on-slab 240.
    g = classic(16);
    EXPECT_EQ(g.objects, 240u);
    // 1000 bytes: order 0 leaves 96 of 4096 (4 objects, within 1/8): order 0.
    g = classic(1000);
    EXPECT_EQ(g.size, 1000u);
    EXPECT_EQ(g.objects, 4u);
    EXPECT_EQ(g.order, 0u);
    // 1200 bytes: order 0 leaves 496 > 512? no: 4096 - 3*1200 = 496 <= 512: order 0.
    EXPECT_EQ(classic(1200).order, 0u);
    // 1400: order 0 leaves 1296 > 512; order 1 (max) wins: 5 objects.
    g = classic(1400);
    EXPECT_EQ(g.order, 1u);
    EXPECT_EQ(g.objects, 5u);
    // A reclaimable cache stops at the first order that fits.
    EXPECT_EQ(classic(1400, slabflag::RECLAIM_ACCOUNT).order, 0u);
}

// ---- kmalloc ----

TEST(Kmalloc, SizeClasses) {
    Simulation sim(loadScenario(machine(2, "6.12", "slub", "[]"), "<t>"));
    sim.runAll();
    SlabState s;
    slabInit(s, sim.state().mm, SlabPolicy::Slub, 2);
    auto name = [&](std::size_t size, gfp_t gfp = 0) {
        const int c = kmallocCache(s, size, gfp);
        return c < 0 ? std::string("pages") : s.caches[static_cast<std::size_t>(c)].name;
    };
    EXPECT_EQ(name(1), "kmalloc-8");
    EXPECT_EQ(name(8), "kmalloc-8");
    EXPECT_EQ(name(9), "kmalloc-16");
    EXPECT_EQ(name(24), "kmalloc-32");
    EXPECT_EQ(name(65), "kmalloc-96");
    EXPECT_EQ(name(96), "kmalloc-96");
    EXPECT_EQ(name(97), "kmalloc-128");
    EXPECT_EQ(name(129), "kmalloc-192");
    EXPECT_EQ(name(193), "kmalloc-256");
    EXPECT_EQ(name(1025), "kmalloc-2k");
    EXPECT_EQ(name(8192), "kmalloc-8k");
    EXPECT_EQ(name(8193), "pages");
    EXPECT_EQ(name(100, gfpbit::RECLAIMABLE), "kmalloc-rcl-128");
    EXPECT_EQ(name(100, gfpbit::DMA | gfpbit::RECLAIMABLE), "dma-kmalloc-128");
    EXPECT_EQ(name(100, gfpbit::ACCOUNT), "kmalloc-cg-128");
    // Every kmalloc cache's geometry is the capture's (objsize 96: 42 per page).
    EXPECT_EQ(s.caches[static_cast<std::size_t>(kmallocCache(s, 96, 0))].geo.objects, 42u);
    EXPECT_EQ(s.caches[static_cast<std::size_t>(kmallocCache(s, 8192, 0))].geo.order, 3u);
    // Classic SLAB: the smallest class is 32.
    SlabState c;
    slabInit(c, sim.state().mm, SlabPolicy::Slab, 2);
    EXPECT_EQ(c.caches[static_cast<std::size_t>(kmallocCache(c, 8, 0))].name, "kmalloc-32");
    EXPECT_EQ(c.caches[static_cast<std::size_t>(kmallocCache(c, 70, 0))].geo.size, 128u);
}

// The kmalloc caches at boot print in the kernel's order and geometry:
// compare with the capture's kmalloc rows (counts aside).
TEST(Kmalloc, SlabinfoOrderMatchesCaptures) {
    for (const char* v : {"6.12", "6.1"}) {
        Simulation sim(loadScenario(machine(2, v, "slub", "[]"), "<t>"));
        sim.runAll();
        const std::string text = renderView(sim, "slabinfo");
        std::vector<std::string> names;
        std::istringstream in(text);
        std::string line;
        while (std::getline(in, line))
            if (line.find("kmalloc") != std::string::npos)
                names.push_back(line.substr(0, line.find(' ')));
        ASSERT_EQ(names.size(), 4u * 13) << v;
        if (std::string(v) == "6.12") {
            EXPECT_EQ(names.front(), "kmalloc-cg-8k");
            EXPECT_EQ(names[11], "kmalloc-cg-192");
            EXPECT_EQ(names.back(), "kmalloc-96");
        } else {
            EXPECT_EQ(names.front(), "dma-kmalloc-8k");
            EXPECT_EQ(names[6], "dma-kmalloc-192");
            EXPECT_EQ(names[8], "dma-kmalloc-96");
            EXPECT_EQ(names.back(), "kmalloc-8");
        }
    }
}

// ---- list moves ----

// SLUB, 2 CPUs, 256-byte objects: 16 per order-0 slab.
TEST(SlabLists, SlubPartialFullAndBack) {
    const std::string scenario = machine(2, "6.12", "slub", R"([
        {"op": "kmem_cache_create", "name": "t", "size": 256},
        {"op": "kmem_cache_alloc", "cache": "t", "count": 16, "as": "a"},
        {"op": "kmem_cache_alloc", "cache": "t", "as": "b"},
        {"op": "kmem_cache_free", "ref": "b"},
        {"op": "kmem_cache_free", "ref": "a", "cpu": 1},
        {"op": "kmem_cache_shrink", "cache": "t"}])");
    Simulation sim(loadScenario(scenario, "<t>"));
    auto detail = [&] { return cacheDetail(sim.state().slab, findCache(sim.state().slab, "t")); };
    runChecked(sim); // all steps with invariants
    // Replay step by step for the list checks.
    Simulation s2(loadScenario(scenario, "<t>"));
    auto d2 = [&] { return cacheDetail(s2.state().slab, findCache(s2.state().slab, "t")); };
    s2.step(); // auto boot
    s2.step(); // create
    EXPECT_TRUE(d2().slabs.empty());
    s2.step(); // 16 objects: one slab, the CPU's, in use 16/16
    ASSERT_EQ(d2().slabs.size(), 1u);
    EXPECT_EQ(d2().slabs[0].list, SlabList::CpuSlab);
    EXPECT_EQ(d2().slabs[0].inuse, 16u);
    s2.step(); // one more: the first slab is full, a new one is the CPU's
    ASSERT_EQ(d2().slabs.size(), 2u);
    EXPECT_EQ(d2().slabs[0].list, SlabList::Full);
    EXPECT_EQ(d2().slabs[1].list, SlabList::CpuSlab);
    EXPECT_EQ(d2().nodes[0].nr_full, 1u);
    s2.step(); // free b on CPU 0: fast path into the CPU slab
    EXPECT_EQ(d2().slabs[1].inuse, 0u);
    EXPECT_EQ(d2().slabs[1].list, SlabList::CpuSlab);
    s2.step(); // free a on CPU 1: the full slab becomes CPU 1's partial slab
    EXPECT_EQ(d2().slabs[0].list, SlabList::CpuPartial);
    EXPECT_EQ(d2().slabs[0].cpu, 1);
    EXPECT_EQ(d2().slabs[0].inuse, 0u);
    EXPECT_EQ(d2().cpus[1].partial.size(), 1u);
    // slabinfo: SLUB counts free objects only on node partial lists: all 32 active.
    SlabInfoRow r = slabInfoRow(s2.state().slab, findCache(s2.state().slab, "t"));
    EXPECT_EQ(r.num_objs, 32u);
    EXPECT_EQ(r.active_objs, 32u);
    s2.step(); // shrink: both empty slabs flushed and discarded
    EXPECT_TRUE(d2().slabs.empty());
    r = slabInfoRow(s2.state().slab, findCache(s2.state().slab, "t"));
    EXPECT_EQ(r.num_slabs, 0u);
    (void)detail;
}

// A debug cache keeps node lists only: partial -> full -> partial, and an
// empty slab is discarded only once the node has min_partial partial slabs.
TEST(SlabLists, SlubDebugCacheNodeLists) {
    Simulation sim(loadScenario(machine(2, "6.12", "slub", R"([
        {"op": "kmem_cache_create", "name": "d", "size": 1000, "flags": ["SLAB_STORE_USER"]},
        {"op": "kmem_cache_alloc", "cache": "d", "as": "one"},
        {"op": "kmem_cache_alloc", "cache": "d", "count": 100, "as": "many"},
        {"op": "kmem_cache_free", "ref": "one"},
        {"op": "kmem_cache_free", "ref": "many"}])"),
                                "<t>"));
    auto d = [&] { return cacheDetail(sim.state().slab, findCache(sim.state().slab, "d")); };
    sim.step();
    sim.step();
    sim.step(); // one object: a new slab on the node's partial list
    const unsigned per = d().geo.objects;
    ASSERT_EQ(d().slabs.size(), 1u);
    EXPECT_EQ(d().slabs[0].list, SlabList::Partial);
    sim.step(); // 100 more: the first fills (-> full)
    EXPECT_EQ(d().slabs[0].list, SlabList::Full);
    const std::size_t nslabs = d().slabs.size();
    EXPECT_EQ(nslabs, (101 + per - 1) / per);
    sim.step(); // free one: full -> partial (tail)
    EXPECT_EQ(d().slabs[0].list, SlabList::Partial);
    sim.step(); // free all: a slab that empties while the node already has
                // min_partial partial slabs (itself included) is discarded
    ASSERT_EQ(checkSlabInvariants(sim.state().slab, sim.state().mm), "");
    EXPECT_EQ(d().nodes[0].nr_partial, d().geo.min_partial - 1);
    EXPECT_EQ(d().slabs.size(), d().geo.min_partial - 1);
    for (const SlabDetail& x : d().slabs)
        EXPECT_EQ(x.inuse, 0u);
}

// Classic SLAB: a refill moves a batch into the CPU's array cache (the slab
// counts them in use), frees fill the array, a flush moves a batch to the
// shared array, shrink drains everything and frees the free slabs.
TEST(SlabLists, ClassicFullPartialFree) {
    Simulation sim(loadScenario(machine(2, "6.1", "slab", R"([
        {"op": "kmem_cache_create", "name": "c", "size": 1000},
        {"op": "kmem_cache_alloc", "cache": "c", "as": "a"},
        {"op": "kmem_cache_alloc", "cache": "c", "count": 3, "as": "b"},
        {"op": "kmem_cache_free", "ref": "a"},
        {"op": "kmem_cache_free", "ref": "b"},
        {"op": "kmem_cache_shrink", "cache": "c"}])"),
                                "<t>"));
    auto d = [&] { return cacheDetail(sim.state().slab, findCache(sim.state().slab, "c")); };
    sim.step();
    sim.step();
    EXPECT_EQ(d().geo.objects, 4u);
    EXPECT_EQ(d().geo.limit, 54u);
    EXPECT_EQ(d().geo.batchcount, 27u);
    sim.step(); // refill: batch min(27, 16) = 16 but the new slab has 4: all 4 to the array
    ASSERT_EQ(d().slabs.size(), 1u);
    EXPECT_EQ(d().slabs[0].list, SlabList::Full);
    EXPECT_EQ(d().slabs[0].inuse, 4u);
    EXPECT_EQ(d().cpus[0].avail, 3u);
    SlabInfoRow r = slabInfoRow(sim.state().slab, findCache(sim.state().slab, "c"));
    EXPECT_EQ(r.active_objs, 4u); // objects in the array count as active
    EXPECT_EQ(r.limit, 54u);
    sim.step(); // three more from the array: fast path
    EXPECT_EQ(d().cpus[0].avail, 0u);
    EXPECT_EQ(sim.cycles().paths[static_cast<int>(CostPath::slab_fast)].count, 3u);
    sim.step(); // free a into the array
    EXPECT_EQ(d().cpus[0].avail, 1u);
    sim.step();
    EXPECT_EQ(d().cpus[0].avail, 4u);
    EXPECT_EQ(d().slabs[0].list, SlabList::Full); // still counted in use
    sim.step(); // shrink: array drained (slab -> free), free slab released
    EXPECT_EQ(d().cpus[0].avail, 0u);
    EXPECT_TRUE(d().slabs.empty());
    ASSERT_EQ(checkSlabInvariants(sim.state().slab, sim.state().mm), "");
}

// A flush when the array is full: batchcount objects go to the shared array
// while it has room, then back into their slabs (free_block), where free
// slabs beyond free_limit are released.
TEST(SlabLists, ClassicFlushAndFreeLimit) {
    Simulation sim(loadScenario(machine(2, "6.1", "slab", R"([
        {"op": "kmem_cache_create", "name": "c", "size": 4096},
        {"op": "kmem_cache_alloc", "cache": "c", "count": 400, "as": "a"},
        {"op": "kmem_cache_free", "ref": "a"}])"),
                                "<t>"));
    runChecked(sim);
    const CacheDetail d = cacheDetail(sim.state().slab, findCache(sim.state().slab, "c"));
    // limit 24, batch 12, shared 8 * 12 = 96; free_limit (1 + 2) * 12 + 1 = 37.
    // One object per slab: each allocation grows the cache. The frees fill
    // the array (24), then every 12th free flushes 12: frees 25, 37, ...,
    // 397 flush (32 flushes), leaving 12 + 4 in the array; the first 8
    // flushes fill the shared array, the other 24 go back to their slabs.
    EXPECT_EQ(d.cpus[0].avail, 16u);
    EXPECT_EQ(d.nodes[0].shared_avail, 96u);
    EXPECT_EQ(d.nodes[0].free_limit, 37u);
    EXPECT_EQ(d.nodes[0].nr_free, 37u); // the rest went back to the page allocator
    EXPECT_EQ(d.slabs.size(), 16u + 96 + 37);
}

// The same workload under both policies ends with different lists and
// slabinfo columns.
TEST(SlabLists, SlubVersusSlabSameWorkload) {
    const char* steps = R"([
        {"op": "kmalloc", "size": 100, "count": 500, "as": "a"},
        {"op": "kmalloc", "size": 100, "count": 500, "as": "b"},
        {"op": "kfree", "ref": "a"}])";
    Simulation u(loadScenario(machine(2, "6.1", "slub", steps), "<t>"));
    Simulation c(loadScenario(machine(2, "6.1", "slab", steps), "<t>"));
    runChecked(u);
    runChecked(c);
    const SlabInfoRow ru = slabInfoRow(u.state().slab, kmallocCache(u.state().slab, 100, 0));
    const SlabInfoRow rc = slabInfoRow(c.state().slab, kmallocCache(c.state().slab, 100, 0));
    EXPECT_EQ(ru.name, "kmalloc-128");
    EXPECT_EQ(ru.objperslab, 32u);
    EXPECT_EQ(rc.objperslab, 32u); // 128-byte slots, objfreelist
    EXPECT_EQ(ru.limit, 0u);
    EXPECT_EQ(rc.limit, 120u);
    EXPECT_EQ(rc.batchcount, 60u);
    EXPECT_EQ(rc.shared, 8u);
    EXPECT_GE(ru.active_objs, 500u);
    EXPECT_GE(rc.active_objs, 500u);
    const std::string su = renderView(u, "slabinfo"), sc = renderView(c, "slabinfo");
    EXPECT_NE(su.find("kmalloc-128          "), std::string::npos);
    EXPECT_NE(sc.find(" : tunables  120   60    8 : slabdata"), std::string::npos);
}

// ---- errors: refused steps leave the state unchanged ----

void expectRefused(const std::string& steps, const std::string& what, const char* version = "6.12",
                   const char* slab = "slub") {
    Simulation sim(loadScenario(machine(2, version, slab, steps), "<t>"));
    std::string before;
    try {
        while (!sim.done()) {
            before = sim.state().mm.buddy_ready
                         ? renderView(sim, "buddyinfo") + renderView(sim, "slabinfo")
                         : "";
            sim.step();
        }
        FAIL() << "no step was refused";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
        EXPECT_EQ(renderView(sim, "buddyinfo") + renderView(sim, "slabinfo"), before);
        EXPECT_EQ(checkSlabInvariants(sim.state().slab, sim.state().mm), "");
    }
}

TEST(SlabErrors, DoubleKfree) {
    expectRefused(R"([{"op": "kmalloc", "size": 64, "count": 3, "as": "x"},
                      {"op": "kfree", "ref": "x"}, {"op": "kfree", "ref": "x"}])",
                  "kfree: double free of 'x'");
}
TEST(SlabErrors, KfreeUnknownRef) {
    expectRefused(R"([{"op": "kmalloc", "size": 64, "as": "x"}, {"op": "kfree", "ref": "y"}])",
                  "kfree: no live slab object is named 'y'");
}
TEST(SlabErrors, WrongCache) {
    expectRefused(R"([{"op": "kmem_cache_create", "name": "a", "size": 64},
                      {"op": "kmem_cache_create", "name": "b", "size": 64},
                      {"op": "kmem_cache_alloc", "cache": "a", "count": 5, "as": "x"},
                      {"op": "kmem_cache_free", "cache": "b", "ref": "x"}])",
                  "Wrong slab cache. b but object is from a");
}
TEST(SlabErrors, AllocFromDestroyedCache) {
    expectRefused(R"([{"op": "kmem_cache_create", "name": "a", "size": 64},
                      {"op": "kmem_cache_alloc", "cache": "a", "as": "x"},
                      {"op": "kmem_cache_free", "ref": "x"},
                      {"op": "kmem_cache_destroy", "cache": "a"},
                      {"op": "kmem_cache_alloc", "cache": "a"}])",
                  "cache 'a' has been destroyed", "6.1", "slab");
}
TEST(SlabErrors, UnknownCacheAndBadCpu) {
    expectRefused(R"([{"op": "kmem_cache_alloc", "cache": "nope"}])", "no slab cache named 'nope'");
    expectRefused(R"([{"op": "kmalloc", "size": 8, "cpu": 5}])", "cpu 5 does not exist");
    expectRefused(R"([{"op": "kmem_cache_create", "name": "a", "size": 8},
                      {"op": "kmem_cache_create", "name": "a", "size": 8}])",
                  "exists already");
}

// ---- shrink and destroy ----

TEST(SlabDestroy, ComplainsWhenObjectsRemain) {
    Simulation sim(loadScenario(machine(2, "6.12", "slub", R"([
        {"op": "kmem_cache_create", "name": "leaky", "size": 512},
        {"op": "kmem_cache_alloc", "cache": "leaky", "count": 20, "as": "x"},
        {"op": "kmem_cache_free", "ref": "x"},
        {"op": "kmem_cache_alloc", "cache": "leaky", "count": 3, "as": "y"},
        {"op": "kmem_cache_destroy", "cache": "leaky"}])"),
                                "<t>"));
    runChecked(sim);
    std::string log;
    for (const std::string& l : sim.kernelLog())
        log += l + "\n";
    EXPECT_NE(log.find("BUG leaky (Not tainted): Objects remaining on __kmem_cache_shutdown()"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("kmem_cache_destroy leaky: Slab cache still has objects when called from"),
              std::string::npos);
    EXPECT_EQ(renderView(sim, "slabinfo").find("leaky"), std::string::npos); // unlinked
}

TEST(SlabDestroy, CleanDestroyReturnsEveryPage) {
    for (const char* slab : {"slub", "slab"}) {
        Simulation sim(loadScenario(machine(2, "6.1", slab, R"([
            {"op": "kmem_cache_create", "name": "t", "size": 200, "flags": ["SLAB_HWCACHE_ALIGN"]},
            {"op": "kmem_cache_alloc", "cache": "t", "count": 1000, "as": "x", "cpu": 1},
            {"op": "kmem_cache_free", "ref": "x"},
            {"op": "kmem_cache_destroy", "cache": "t"}])"),
                                    "<t>"));
        sim.step();
        const std::string buddy = renderView(sim, "buddyinfo");
        runChecked(sim);
        for (const std::string& l : sim.kernelLog())
            EXPECT_EQ(l.find("BUG"), std::string::npos) << l;
        std::uint64_t pages = 0;
        const KmemCache& c = sim.state().slab.caches.back();
        EXPECT_TRUE(c.destroyed);
        for (const Slab& s : c.slabs)
            pages += s.live;
        EXPECT_EQ(pages, 0u) << slab;
        (void)buddy;
    }
}

TEST(SlabShrink, SlubPromotesFullestPartialSlabs) {
    Simulation sim(loadScenario(machine(1, "6.12", "slub", R"([
        {"op": "kmem_cache_create", "name": "t", "size": 512, "flags": ["SLAB_RED_ZONE"]},
        {"op": "kmem_cache_alloc", "cache": "t", "count": 40, "as": "a"},
        {"op": "kmem_cache_alloc", "cache": "t", "count": 1, "as": "b"},
        {"op": "kmem_cache_free", "ref": "a"},
        {"op": "kmem_cache_shrink", "cache": "t"}])"),
                                "<t>"));
    runChecked(sim);
    const CacheDetail d = cacheDetail(sim.state().slab, findCache(sim.state().slab, "t"));
    // Only the slab holding b survives the shrink.
    ASSERT_EQ(d.slabs.size(), 1u);
    EXPECT_EQ(d.slabs[0].inuse, 1u);
    EXPECT_EQ(d.slabs[0].list, SlabList::Partial);
}

// ---- events and costs ----

TEST(SlabCost, FastPathFarCheaperThanNewSlab) {
    Simulation sim(loadScenario(machine(2, "6.12", "slub", R"([
        {"op": "kmem_cache_create", "name": "t", "size": 128},
        {"op": "kmem_cache_alloc", "cache": "t", "as": "first"},
        {"op": "kmem_cache_alloc", "cache": "t", "as": "second"}])"),
                                "<t>"));
    sim.runAll();
    const auto& st = sim.cycles().steps;
    ASSERT_GE(st.size(), 2u);
    const std::uint64_t first = st[st.size() - 2].cycles, second = st.back().cycles;
    EXPECT_GT(first, 20 * second) << first << " vs " << second;
    EXPECT_EQ(sim.cycles().paths[static_cast<int>(CostPath::slab_new)].count, 1u);
    EXPECT_EQ(sim.cycles().paths[static_cast<int>(CostPath::slab_fast)].count, 1u);
}

TEST(SlabPages, ReclaimableCacheUsesReclaimablePageblocks) {
    Simulation sim(loadScenario(machine(2, "6.12", "slub", R"([
        {"op": "kmalloc", "size": 64, "gfp": "GFP_KERNEL | __GFP_RECLAIMABLE", "as": "r"},
        {"op": "kmalloc", "size": 20000, "as": "big"},
        {"op": "kfree", "ref": "big"}])"),
                                "<t>"));
    runChecked(sim);
    const SlabState& s = sim.state().slab;
    const int id = kmallocCache(s, 64, gfpbit::RECLAIMABLE);
    EXPECT_EQ(s.caches[static_cast<std::size_t>(id)].name, "kmalloc-rcl-64");
    const CacheDetail d = cacheDetail(s, id);
    ASSERT_EQ(d.slabs.size(), 1u);
    const Zone* z = nullptr;
    for (const Node& n : sim.state().mm.nodes)
        for (const Zone& zz : n.zones)
            if (zz.spanned_pages && zz.spans(d.slabs[0].pfn)) z = &zz;
    ASSERT_NE(z, nullptr);
    EXPECT_EQ(z->allocated.get(d.slabs[0].pfn).mt, MIGRATE_RECLAIMABLE);
}

// ---- a random mixed workload with the invariants after every step ----

TEST(SlabRandom, MixedWorkloadBothPolicies) {
    for (const char* slab : {"slub", "slab"}) {
        for (unsigned seed = 1; seed <= 3; ++seed) {
            std::mt19937 rng(seed);
            std::string steps = R"([{"op": "kmem_cache_create", "name": "obj", "size": 300},
                                    {"op": "kmem_cache_create", "name": "dbg", "size": 64, "flags": ["SLAB_POISON"]})";
            std::vector<std::pair<std::string, bool>> live; // name, kmalloc
            int n = 0;
            for (int i = 0; i < 250; ++i) {
                const unsigned r = rng() % 10;
                const int cpu = static_cast<int>(rng() % 4);
                if (r < 4 || live.empty()) {
                    const std::string name = "o" + std::to_string(n++);
                    const unsigned size = 8u << (rng() % 12); // 8 B .. 16 KiB
                    steps +=
                        ", {\"op\": \"kmalloc\", \"size\": " + std::to_string(size - rng() % 7) +
                        ", \"count\": " + std::to_string(1 + rng() % 40) +
                        ", \"cpu\": " + std::to_string(cpu) + ", \"as\": \"" + name + "\"}";
                    live.emplace_back(name, true);
                } else if (r < 6) {
                    const std::string name = "o" + std::to_string(n++);
                    steps += std::string(", {\"op\": \"kmem_cache_alloc\", \"cache\": \"") +
                             (rng() % 2 ? "obj" : "dbg") +
                             "\", \"count\": " + std::to_string(1 + rng() % 30) +
                             ", \"cpu\": " + std::to_string(cpu) + ", \"as\": \"" + name + "\"}";
                    live.emplace_back(name, false);
                } else if (r < 9) {
                    const std::size_t k = rng() % live.size();
                    steps += std::string(", {\"op\": \"") +
                             (live[k].second ? "kfree" : "kmem_cache_free") + "\", \"ref\": \"" +
                             live[k].first + "\", \"cpu\": " + std::to_string(cpu) + "}";
                    live.erase(live.begin() + static_cast<long>(k));
                } else {
                    steps += std::string(", {\"op\": \"kmem_cache_shrink\", \"cache\": \"") +
                             (rng() % 2 ? "obj" : "kmalloc-64") + "\"}";
                }
            }
            steps += "]";
            Simulation sim(loadScenario(machine(4, "6.1", slab, steps), "<t>"));
            runChecked(sim);
        }
    }
}

} // namespace
} // namespace mmsim
