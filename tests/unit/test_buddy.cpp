// The buddy allocator: hand-worked cases of the kernel algorithm, GFP
// parsing, watermarks, the HIGHATOMIC reserve, ALLOC_NOFRAGMENT, scenario
// steps and a terabyte boot.
#include "core/gfp.h"
#include "core/page_alloc.h"
#include "core/scenario.h"
#include "core/simulation.h"
#include "core/strfmt.h"

#include <gtest/gtest.h>

#include <set>

namespace mmsim {
namespace {

// The hand-worked cases here are of the buddy algorithm itself: per-CPU
// lists off (test_pcp.cpp has them on).
std::string machine(const std::string& version, const std::string& e820,
                    const std::string& boot = "\"auto\"", const std::string& steps = "[]") {
    return R"({"format": "mmsim-scenario/1", "machine": {"cpus": 2, "e820": [)" + e820 +
           R"(], "kernel": {"version": ")" + version + R"(", "pcp": false}}, "boot": )" + boot +
           R"(, "steps": )" + steps + "}";
}

const char* kE820_64M = R"({"addr": "0x0", "size": "0x9fc00", "type": "usable"},
                           {"addr": "0x100000", "size": "63M", "type": "usable"})";

// A machine whose only free memory is [32M, 32M + size): DMA32, one block.
std::string oneBlockMachine(const std::string& version, const std::string& size) {
    const std::string boot = R"([{"op": "memblock_add", "base": "0", "size": "64M"},
        {"op": "memblock_reserve", "base": "0", "size": "32M"},
        {"op": "memblock_reserve", "base": ")" +
                             std::string(size == "4M" ? "36M" : "34M") + R"(", "size": ")" +
                             std::string(size == "4M" ? "28M" : "30M") +
                             R"("},
        {"op": "memblock_free_all"}])";
    return machine(version, kE820_64M, boot);
}

Simulation boot(const std::string& text) {
    Simulation sim(loadScenario(text, "<test>"));
    sim.runAll();
    return sim;
}

Zone& dma32(Simulation& sim) {
    return sim.state().mm.zone(0, ZONE_DMA32);
}

std::vector<pfn_t> listOf(const Zone& z, int order, int mt) {
    std::vector<pfn_t> v;
    for (pfn_t p = z.free_area.first(order, mt); p != NO_PFN; p = z.free_area.next(p))
        v.push_back(p);
    return v;
}

AllocOutcome alloc(Simulation& sim, const std::string& gfp, int order, EventSink* ev = nullptr) {
    AllocRequest r;
    r.gfp = *parseGfp(gfp, sim.state().mm.profile);
    r.order = order;
    return allocPages(sim.state().mm, r, ev);
}

int count(const EventSink& ev, BuddyEvent::Kind k) {
    int n = 0;
    for (const BuddyEvent& e : ev)
        n += e.kind == k;
    return n;
}

class BuddyProfiles : public ::testing::TestWithParam<std::string> {};
INSTANTIATE_TEST_SUITE_P(Buddy, BuddyProfiles, ::testing::Values("6.12", "6.1"),
                         [](const auto& i) { return i.param == "6.1" ? "v6_1" : "v6_12"; });

TEST_P(BuddyProfiles, ExpandLeavesOneBlockPerOrderAndFreeMergesBack) {
    Simulation sim = boot(oneBlockMachine(GetParam(), "4M"));
    Zone& z = dma32(sim);
    ASSERT_EQ(z.free_area.freePages(), 1024u);
    ASSERT_EQ(listOf(z, 10, MIGRATE_MOVABLE), std::vector<pfn_t>{0x2000});
    EventSink ev;
    AllocOutcome o = alloc(sim, "GFP_HIGHUSER_MOVABLE", 0, &ev);
    ASSERT_TRUE(o.ok) << o.reason;
    EXPECT_EQ(o.pfn, 0x2000u);
    EXPECT_EQ(o.zone, ZONE_DMA32);
    for (int order = 0; order <= 9; ++order)
        EXPECT_EQ(listOf(z, order, MIGRATE_MOVABLE), std::vector<pfn_t>{0x2000 + (1ull << order)})
            << "order " << order;
    EXPECT_EQ(z.free_area.nrFree(10), 0u);
    EXPECT_EQ(count(ev, BuddyEvent::buddy_split), 10);
    EXPECT_EQ(checkBuddyInvariants(sim.state().mm), "");
    ev.clear();
    ASSERT_TRUE(freePages(sim.state().mm, o.pfn, 0, &ev).ok);
    EXPECT_EQ(count(ev, BuddyEvent::buddy_merge), 10);
    EXPECT_EQ(listOf(z, 10, MIGRATE_MOVABLE), std::vector<pfn_t>{0x2000});
    EXPECT_EQ(z.free_area.freePages(), 1024u);
    EXPECT_EQ(checkBuddyInvariants(sim.state().mm), "");
    // Freeing it again is refused and changes nothing.
    EXPECT_FALSE(freePages(sim.state().mm, o.pfn, 0).ok);
    EXPECT_EQ(z.free_area.freePages(), 1024u);
}

TEST_P(BuddyProfiles, UnmovableClaimsAWholeMovableBlock) {
    Simulation sim = boot(oneBlockMachine(GetParam(), "4M"));
    Zone& z = dma32(sim);
    EventSink ev;
    AllocOutcome o = alloc(sim, "GFP_KERNEL", 0, &ev);
    ASSERT_TRUE(o.ok) << o.reason;
    EXPECT_EQ(o.pfn, 0x2000u);
    EXPECT_EQ(o.migratetype, MIGRATE_UNMOVABLE);
    // Both pageblocks of the order-10 block now belong to UNMOVABLE, and the
    // split halves are on its lists.
    EXPECT_EQ(pageblockType(z, 0x2000), MIGRATE_UNMOVABLE);
    EXPECT_EQ(pageblockType(z, 0x2200), MIGRATE_UNMOVABLE);
    for (int order = 0; order <= 9; ++order)
        EXPECT_EQ(listOf(z, order, MIGRATE_UNMOVABLE),
                  std::vector<pfn_t>{0x2000 + (1ull << order)});
    ASSERT_EQ(count(ev, BuddyEvent::mm_page_alloc_extfrag), 1);
    for (const BuddyEvent& e : ev)
        if (e.kind == BuddyEvent::mm_page_alloc_extfrag) {
            EXPECT_EQ(e.from_order, 10);
            EXPECT_EQ(e.fallback_mt, MIGRATE_MOVABLE);
            EXPECT_TRUE(e.change_ownership);
            EXPECT_EQ(formatBuddyEvent(e, sim.state().mm.profile),
                      "mm_page_alloc_extfrag: page=ffffea0000080000 pfn=0x2000 alloc_order=0 "
                      "fallback_order=10 pageblock_order=9 alloc_migratetype=0 "
                      "fallback_migratetype=1 fragmenting=0 change_ownership=1");
        }
    EXPECT_EQ(checkBuddyInvariants(sim.state().mm), "");
}

// One free pageblock, 300 of its pages allocated movable: an UNMOVABLE
// request may not claim it (212 free + 0 alike < 256).
TEST_P(BuddyProfiles, UnmovableStealsWithoutClaimingAMostlyMovableBlock) {
    Simulation sim = boot(oneBlockMachine(GetParam(), "2M"));
    Zone& z = dma32(sim);
    ASSERT_EQ(z.free_area.freePages(), 512u);
    for (int i = 0; i < 300; ++i) {
        AllocOutcome o = alloc(sim, "GFP_HIGHUSER_MOVABLE", 0);
        ASSERT_TRUE(o.ok) << o.reason;
        ASSERT_EQ(o.pfn, 0x2000u + i);
    }
    EventSink ev;
    AllocOutcome o = alloc(sim, "GFP_KERNEL", 0, &ev);
    ASSERT_TRUE(o.ok) << o.reason;
    EXPECT_EQ(o.pfn, 0x212cu); // the smallest fallback block, order 2
    EXPECT_EQ(pageblockType(z, 0x2000), MIGRATE_MOVABLE);
    ASSERT_EQ(count(ev, BuddyEvent::mm_page_alloc_extfrag), 1);
    EXPECT_EQ(count(ev, BuddyEvent::pageblock_steal), 0);
    if (GetParam() == "6.12") {
        // __rmqueue_steal: the leftovers stay MOVABLE.
        EXPECT_EQ(listOf(z, 1, MIGRATE_MOVABLE), std::vector<pfn_t>{0x212e});
        EXPECT_EQ(listOf(z, 0, MIGRATE_MOVABLE), std::vector<pfn_t>{0x212d});
        EXPECT_EQ(listOf(z, 4, MIGRATE_MOVABLE), std::vector<pfn_t>{0x2130});
        EXPECT_EQ(z.free_area.freePagesOf(MIGRATE_UNMOVABLE), 0u);
    } else {
        // 6.1 moved every free page of the block to UNMOVABLE lists but kept
        // the block MOVABLE; the request then took the smallest of them.
        EXPECT_EQ(listOf(z, 1, MIGRATE_UNMOVABLE), std::vector<pfn_t>{0x212e});
        EXPECT_EQ(listOf(z, 0, MIGRATE_UNMOVABLE), std::vector<pfn_t>{0x212d});
        EXPECT_EQ(listOf(z, 4, MIGRATE_UNMOVABLE), std::vector<pfn_t>{0x2130});
        EXPECT_EQ(listOf(z, 7, MIGRATE_UNMOVABLE), std::vector<pfn_t>{0x2180});
        EXPECT_EQ(z.free_area.freePagesOf(MIGRATE_MOVABLE), 0u);
    }
    EXPECT_EQ(checkBuddyInvariants(sim.state().mm), "");
}

// With 200 movable pages only, the block is claimed (312 free >= 256).
TEST_P(BuddyProfiles, UnmovableClaimsAHalfFreeBlock) {
    Simulation sim = boot(oneBlockMachine(GetParam(), "2M"));
    Zone& z = dma32(sim);
    for (int i = 0; i < 200; ++i)
        ASSERT_TRUE(alloc(sim, "GFP_HIGHUSER_MOVABLE", 0).ok);
    EventSink ev;
    AllocOutcome o = alloc(sim, "GFP_KERNEL", 0, &ev);
    ASSERT_TRUE(o.ok);
    EXPECT_EQ(pageblockType(z, 0x2000), MIGRATE_UNMOVABLE);
    EXPECT_EQ(count(ev, BuddyEvent::pageblock_steal), 1);
    EXPECT_EQ(z.free_area.freePagesOf(MIGRATE_MOVABLE), 0u);
    // 6.12 takes the block of the largest order first (claim from the top):
    // after the move the smallest UNMOVABLE block, 0x20c8 (order 3), serves.
    EXPECT_EQ(o.pfn, 0x20c8u);
    EXPECT_EQ(checkBuddyInvariants(sim.state().mm), "");
}

TEST(BuddyGfp, ParsesNamesAndCombinations) {
    KernelProfile p612, p61;
    p61.version = KernelVersion::V6_1;
    EXPECT_EQ(*parseGfp("GFP_KERNEL", p612), 0xcc0u);
    EXPECT_EQ(*parseGfp("GFP_KERNEL | __GFP_ZERO", p612), 0xdc0u);
    EXPECT_EQ(*parseGfp("GFP_ATOMIC", p612), 0x820u);
    EXPECT_EQ(*parseGfp("GFP_ATOMIC", p61), 0xa20u);
    EXPECT_EQ(*parseGfp("GFP_NOWAIT", p612), 0x2800u);
    EXPECT_EQ(*parseGfp("GFP_NOWAIT", p61), 0x800u);
    EXPECT_EQ(*parseGfp("GFP_HIGHUSER_MOVABLE", p612), 0x100ccau);
    std::string err;
    EXPECT_FALSE(parseGfp("GFP_KERNAL", p612, &err));
    EXPECT_NE(err.find("GFP_KERNAL"), std::string::npos);
    EXPECT_FALSE(parseGfp("__GFP_ATOMIC", p612));
    EXPECT_EQ(formatGfp(*parseGfp("GFP_KERNEL|__GFP_COMP", p612), p612), "GFP_KERNEL|__GFP_COMP");
    EXPECT_EQ(formatGfp(*parseGfp("GFP_TRANSHUGE", p612), p612), "GFP_TRANSHUGE");
    EXPECT_EQ(formatGfp(0, p612), "none");
    EXPECT_EQ(*gfpZone(*parseGfp("GFP_KERNEL", p612)), ZONE_NORMAL);
    EXPECT_EQ(*gfpZone(*parseGfp("GFP_DMA32", p612)), ZONE_DMA32);
    EXPECT_EQ(*gfpZone(*parseGfp("GFP_DMA", p612)), ZONE_DMA);
    EXPECT_EQ(*gfpZone(*parseGfp("GFP_HIGHUSER_MOVABLE", p612)), ZONE_MOVABLE);
    EXPECT_EQ(*gfpZone(*parseGfp("GFP_KERNEL|__GFP_MOVABLE", p612)), ZONE_NORMAL);
    EXPECT_FALSE(gfpZone(*parseGfp("GFP_DMA|GFP_DMA32", p612)));
    EXPECT_FALSE(gfpZone(*parseGfp("__GFP_HIGHMEM|GFP_DMA32", p612)));
    EXPECT_EQ(gfpMigratetype(*parseGfp("GFP_USER|__GFP_RECLAIMABLE", p612), false), 2);
    EXPECT_EQ(gfpMigratetype(*parseGfp("GFP_HIGHUSER_MOVABLE", p612), true), 0);
    const unsigned atomic = gfpToAllocFlags(*parseGfp("GFP_ATOMIC", p612), 2);
    EXPECT_EQ(formatAllocFlags(atomic),
              "ALLOC_WMARK_MIN|ALLOC_NON_BLOCK|ALLOC_MIN_RESERVE|ALLOC_HIGHATOMIC|ALLOC_KSWAPD");
    EXPECT_EQ(formatAllocFlags(gfpToAllocFlags(*parseGfp("GFP_KERNEL", p612), 0)),
              "ALLOC_WMARK_MIN|ALLOC_CPUSET|ALLOC_KSWAPD");
    EXPECT_EQ(formatAllocFlags(gfpToAllocFlags(*parseGfp("GFP_NOWAIT", p612), 0)),
              "ALLOC_WMARK_MIN|ALLOC_NON_BLOCK|ALLOC_CPUSET|ALLOC_KSWAPD");
}

const char* kE820_384M = R"({"addr": "0x0", "size": "0x9fc00", "type": "usable"},
                            {"addr": "0x100000", "size": "383M", "type": "usable"})";

// Between the atomic reserve and the low mark (6.12 reserves nothing in a
// zone whose 1% is below a pageblock: DMA32 needs over 200 MiB), a high-order GFP_ATOMIC
// request gets through the slow path and reserves its pageblock.
TEST_P(BuddyProfiles, HighAtomicReserve) {
    Simulation sim =
        boot(machine(GetParam(), kE820_384M, "\"auto\"",
                     R"([{"op": "sysctl", "name": "vm.min_free_kbytes", "value": 400000}])"));
    MmModel& mm = sim.state().mm;
    Zone& z = dma32(sim);
    ASSERT_GT(z.lowWmark(), z.free_area.freePages()) << "the low mark must be out of reach";
    EventSink ev;
    AllocOutcome a = alloc(sim, "GFP_ATOMIC", 1, &ev);
    ASSERT_TRUE(a.ok) << a.reason;
    EXPECT_TRUE(a.kswapd_woken);
    EXPECT_EQ(a.zone, ZONE_DMA32);
    EXPECT_EQ(pageblockType(z, a.pfn), MIGRATE_HIGHATOMIC);
    EXPECT_EQ(z.nr_reserved_highatomic, PAGEBLOCK_NR_PAGES);
    EXPECT_EQ(count(ev, BuddyEvent::reserve_highatomic), 1);
    EXPECT_GT(z.free_area.freePagesOf(MIGRATE_HIGHATOMIC), 0u);
    // The next one comes from the reserve.
    AllocOutcome b = alloc(sim, "GFP_ATOMIC", 1);
    ASSERT_TRUE(b.ok);
    EXPECT_EQ(b.pfn & ~(PAGEBLOCK_NR_PAGES - 1), a.pfn & ~(PAGEBLOCK_NR_PAGES - 1));
    EXPECT_EQ(z.nr_reserved_highatomic, PAGEBLOCK_NR_PAGES);
    // A GFP_KERNEL request cannot get below min: it fails, and says why.
    AllocOutcome k = alloc(sim, "GFP_KERNEL", 0, &ev);
    EXPECT_FALSE(k.ok);
    EXPECT_TRUE(k.would_reclaim);
    EXPECT_NE(k.reason.find("min watermark"), std::string::npos) << k.reason;
    EXPECT_NE(k.reason.find("not modelled"), std::string::npos) << k.reason;
    EXPECT_EQ(checkBuddyInvariants(mm), "");
}

// Before the OOM killer the kernel gives HIGHATOMIC pageblocks back
// (unreserve_highatomic_pageblock with force): GFP_KERNEL order-0 requests
// that fail below min unreserve the block, retype it UNMOVABLE and succeed
// with the pages the reserve hid from the watermark check.
TEST_P(BuddyProfiles, HighAtomicUnreserveBeforeOom) {
    Simulation sim = boot(machine(GetParam(), kE820_384M));
    MmModel& mm = sim.state().mm;
    Zone& z = dma32(sim);
    // Down to the low watermark: GFP_KERNEL now wakes kswapd.
    int n = 0;
    for (AllocOutcome o; n < 200000; ++n) {
        o = alloc(sim, "GFP_KERNEL", 0);
        ASSERT_TRUE(o.ok) << o.reason;
        if (o.kswapd_woken) break;
    }
    ASSERT_LT(n, 200000);
    AllocOutcome a = alloc(sim, "GFP_ATOMIC", 1);
    ASSERT_TRUE(a.ok) << a.reason;
    ASSERT_EQ(a.zone, ZONE_DMA32);
    const pfn_t pb = a.pfn & ~(PAGEBLOCK_NR_PAGES - 1);
    ASSERT_EQ(pageblockType(z, pb), MIGRATE_HIGHATOMIC);
    ASSERT_EQ(z.nr_reserved_highatomic, PAGEBLOCK_NR_PAGES);
    // __GFP_NORETRY requests and costly orders give up without unreserving.
    EventSink ev;
    bool unreserved = false;
    for (n = 0; n < 200000 && !unreserved; ++n) {
        // Fallbacks boost the watermarks and only kswapd (not modelled)
        // would lower them again: keep the marks where they are, so that a
        // failure is the pages the reserve hides.
        z.watermark_boost = 0;
        ev.clear();
        AllocOutcome o = alloc(sim, "GFP_KERNEL | __GFP_NORETRY", 0, &ev);
        EXPECT_EQ(count(ev, BuddyEvent::unreserve_highatomic), 0);
        if (o.ok) continue;
        ev.clear();
        o = alloc(sim, "GFP_KERNEL", 4, &ev);
        EXPECT_FALSE(o.ok);
        EXPECT_EQ(count(ev, BuddyEvent::unreserve_highatomic), 0);
        ASSERT_EQ(pageblockType(z, pb), MIGRATE_HIGHATOMIC);
        ev.clear();
        o = alloc(sim, "GFP_KERNEL", 0, &ev);
        EXPECT_EQ(count(ev, BuddyEvent::unreserve_highatomic), 1);
        EXPECT_TRUE(o.ok) << o.reason;
        unreserved = true;
    }
    ASSERT_TRUE(unreserved);
    // The event comes after the direct reclaim point and before the retry.
    int reclaim_at = -1, unreserve_at = -1, alloc_at = -1;
    for (int i = 0; i < static_cast<int>(ev.size()); ++i) {
        const BuddyEvent& e = ev[static_cast<std::size_t>(i)];
        if (e.kind == BuddyEvent::direct_reclaim) reclaim_at = i;
        if (e.kind == BuddyEvent::unreserve_highatomic) {
            unreserve_at = i;
            EXPECT_EQ(e.pfn, pb);
            EXPECT_EQ(e.fallback_mt, MIGRATE_HIGHATOMIC);
            EXPECT_EQ(e.mt, MIGRATE_UNMOVABLE);
            EXPECT_GT(e.nr, 0u);
        }
        if (e.kind == BuddyEvent::mm_page_alloc) alloc_at = i;
    }
    EXPECT_LT(reclaim_at, unreserve_at);
    EXPECT_LT(unreserve_at, alloc_at);
    EXPECT_EQ(pageblockType(z, pb), MIGRATE_UNMOVABLE);
    EXPECT_EQ(z.nr_reserved_highatomic, 0u);
    EXPECT_EQ(z.free_area.freePagesOf(MIGRATE_HIGHATOMIC), 0u);
    // The trace names the kernel's reclaim tracepoints.
    for (const BuddyEvent& e : ev) {
        if (e.kind == BuddyEvent::direct_reclaim) {
            EXPECT_EQ(
                formatBuddyEvent(e, mm.profile)
                    .rfind("mm_vmscan_direct_reclaim_begin: order=0 gfp_flags=GFP_KERNEL ", 0),
                0u);
        }
        if (e.kind == BuddyEvent::kswapd_wake) {
            EXPECT_EQ(formatBuddyEvent(e, mm.profile)
                          .rfind("mm_vmscan_wakeup_kswapd: nid=0 order=0 gfp_flags=GFP_KERNEL ", 0),
                      0u);
        }
    }
    EXPECT_EQ(checkBuddyInvariants(mm), "");
}

// lowmem_reserve keeps a Normal request out of DMA32 although DMA32 has
// plenty free; a GFP_DMA32 request still gets it.
TEST_P(BuddyProfiles, LowmemReserveRefusesDma32WhilePagesAreFree) {
    const char* e820 = R"({"addr": "0x0", "size": "0x9fc00", "type": "usable"},
                          {"addr": "0x100000", "size": "511M", "type": "usable"},
                          {"addr": "0x100000000", "size": "1G", "type": "usable"})";
    Simulation sim = boot(machine(
        GetParam(), e820, "\"auto\"",
        R"([{"op": "sysctl", "name": "vm.lowmem_reserve_ratio", "value": [1, 1, 32, 0, 0]}])"));
    MmModel& mm = sim.state().mm;
    Zone& d32 = dma32(sim);
    ASSERT_GT(d32.lowmem_reserve[ZONE_NORMAL], d32.free_area.freePages());
    AllocOutcome o;
    int n = 0;
    do {
        o = alloc(sim, "GFP_KERNEL", 10);
        if (o.ok) {
            EXPECT_EQ(o.zone, ZONE_NORMAL);
        }
    } while (o.ok && ++n < 100000);
    ASSERT_FALSE(o.ok);
    EXPECT_GT(d32.free_area.freePages(), 100000u);
    EXPECT_NE(o.reason.find("DMA32: fast path: free"), std::string::npos) << o.reason;
    EXPECT_NE(o.reason.find("lowmem_reserve " + std::to_string(d32.lowmem_reserve[ZONE_NORMAL])),
              std::string::npos)
        << o.reason;
    AllocOutcome d = alloc(sim, "GFP_DMA32", 0);
    ASSERT_TRUE(d.ok) << d.reason;
    EXPECT_EQ(d.zone, ZONE_DMA32);
    EXPECT_EQ(checkBuddyInvariants(mm), "");
}

// ALLOC_NOFRAGMENT: with only small MOVABLE blocks left in Normal, an
// unmovable request takes a whole block from DMA32 instead of fragmenting
// a Normal pageblock.
TEST_P(BuddyProfiles, NoFragmentPrefersDma32) {
    const char* e820 = R"({"addr": "0x0", "size": "0x9fc00", "type": "usable"},
                          {"addr": "0x100000", "size": "511M", "type": "usable"},
                          {"addr": "0x100000000", "size": "256M", "type": "usable"})";
    Simulation sim =
        boot(machine(GetParam(), e820, "\"auto\"",
                     R"([{"op": "sysctl", "name": "vm.min_free_kbytes", "value": 128}])"));
    MmModel& mm = sim.state().mm;
    Zone& normal = mm.zone(0, ZONE_NORMAL);
    std::vector<pfn_t> got;
    for (;;) {
        AllocOutcome o = alloc(sim, "GFP_HIGHUSER_MOVABLE", 8);
        ASSERT_TRUE(o.ok) << o.reason;
        if (o.zone != ZONE_NORMAL) {
            ASSERT_TRUE(freePages(mm, o.pfn, 8).ok);
            break;
        }
        got.push_back(o.pfn);
    }
    for (std::size_t i = 0; i < got.size(); i += 2)
        ASSERT_TRUE(freePages(mm, got[i], 8).ok);
    ASSERT_GT(normal.free_area.freePages(), normal.highWmark() * 2);
    for (int o = PAGEBLOCK_ORDER; o <= MAX_PAGE_ORDER; ++o)
        ASSERT_EQ(normal.free_area.nrFree(o), 0u);
    EventSink ev;
    AllocOutcome k = alloc(sim, "GFP_KERNEL", 0, &ev);
    ASSERT_TRUE(k.ok) << k.reason;
    EXPECT_EQ(k.zone, ZONE_DMA32);
    for (const BuddyEvent& e : ev)
        if (e.kind == BuddyEvent::mm_page_alloc_extfrag) {
            EXPECT_GE(e.from_order, PAGEBLOCK_ORDER);
        }
    EXPECT_EQ(checkBuddyInvariants(mm), "");
}

TEST(BuddySteps, AllocFreeAndNames) {
    Simulation sim(loadScenario(machine("6.12", kE820_64M, "\"auto\"", R"([
        {"op": "alloc_pages", "order": 3, "gfp": "GFP_KERNEL", "as": "a"},
        {"op": "alloc_pages", "order": 0, "gfp": "GFP_USER | __GFP_ZERO", "count": 5, "as": "b"},
        {"op": "free_pages", "ref": "a"},
        {"op": "alloc_pages", "order": 1, "gfp": "GFP_ATOMIC", "as": "a"},
        {"op": "free_pages", "ref": "b"},
        {"op": "free_pages", "ref": "a"},
        {"op": "sysctl", "name": "vm.watermark_scale_factor", "value": 100},
        {"op": "free_pages", "ref": "a"}])"),
                                "<test>"));
    sim.step(); // boot
    const std::uint64_t free0 = sim.state().mm.zone(0, ZONE_DMA32).free_area.freePages();
    for (int i = 0; i < 7; ++i) {
        sim.step();
        EXPECT_EQ(checkBuddyInvariants(sim.state().mm), "") << "step " << i;
        if (i == 0) {
            ASSERT_EQ(sim.pageAllocations().at("a").blocks.size(), 1u);
            bool saw = false;
            for (const BuddyEvent& e : sim.lastEvents())
                if (e.kind == BuddyEvent::mm_page_alloc) {
                    saw = true;
                    EXPECT_NE(formatBuddyEvent(e, sim.state().mm.profile)
                                  .find("order=3 migratetype=0 gfp_flags=GFP_KERNEL"),
                              std::string::npos);
                }
            EXPECT_TRUE(saw);
        }
        if (i == 1) {
            EXPECT_EQ(sim.pageAllocations().at("b").blocks.size(), 5u);
        }
    }
    EXPECT_TRUE(sim.pageAllocations().empty());
    EXPECT_EQ(sim.state().mm.zone(0, ZONE_DMA32).free_area.freePages(), free0);
    const auto wlow = sim.state().mm.zone(0, ZONE_DMA32).watermark[WMARK_LOW];
    // Double free of "a": an error, the state unchanged.
    EXPECT_THROW(sim.step(), InputError);
    EXPECT_EQ(sim.state().mm.zone(0, ZONE_DMA32).watermark[WMARK_LOW], wlow);
}

TEST(BuddySteps, BadInputIsAnError) {
    for (const char* step :
         {R"({"op": "alloc_pages", "order": 0, "gfp": "GFP_KERNAL"})",
          R"({"op": "alloc_pages", "order": 0, "gfp": "GFP_DMA | GFP_DMA32"})",
          R"({"op": "alloc_pages", "order": 0, "gfp": "GFP_KERNEL", "cpu": 7})",
          R"({"op": "free_pages", "ref": "nobody"})",
          R"({"op": "sysctl", "name": "vm.watermark_scale_factor", "value": 0})"}) {
        Simulation sim(loadScenario(
            machine("6.12", kE820_64M, "\"auto\"", std::string("[") + step + "]"), "<test>"));
        sim.step();
        EXPECT_THROW(sim.step(), InputError) << step;
    }
    EXPECT_THROW(
        loadScenario(machine("6.12", kE820_64M, "\"auto\"",
                             R"([{"op": "alloc_pages", "order": 11, "gfp": "GFP_KERNEL"}])"),
                     "<test>"),
        InputError);
}

// A 1 TiB machine of 8 nodes boots with per-block state only.
TEST(BuddyScale, TerabyteEightNodes) {
    std::string nodes, dist;
    const std::uint64_t per = 128ull << 30;
    for (int n = 0; n < 8; ++n) {
        const std::uint64_t lo = n * per, hi = (n + 1) * per - 1;
        nodes += strprintf("%s{\"id\": %d, \"ranges\": [[\"%#llx\", \"%#llx\"]], \"cpus\": [%d]}",
                           n ? ", " : "", n, (unsigned long long)lo, (unsigned long long)hi, n);
        dist += n ? ", [" : "[";
        for (int m = 0; m < 8; ++m)
            dist += strprintf("%s%d", m ? ", " : "", m == n ? 10 : 20);
        dist += "]";
    }
    const std::string text =
        R"({"format": "mmsim-scenario/1", "machine": {"cpus": 8, "e820": [
        {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
        {"addr": "0x100000", "size": "0xbff00000", "type": "usable"},
        {"addr": "0x100000000", "size": "0xff00000000", "type": "usable"}],
        "numa": {"nodes": [)" +
        nodes + "], \"distance\": [" + dist + "]}}, \"boot\": \"auto\"}";
    Simulation sim(loadScenario(text, "<test>"));
    sim.runAll();
    MmModel& mm = sim.state().mm;
    std::uint64_t free = 0, blocks = 0;
    mm.forEachZone([&](const Zone& z) {
        free += z.free_area.freePages();
        blocks += z.free_area.blockCount();
    });
    EXPECT_GT(free, (1000ull << 30) >> PAGE_SHIFT);
    EXPECT_GT(mm.zone(5, ZONE_NORMAL).free_area.freePages(), (120ull << 30) >> PAGE_SHIFT);
    EXPECT_LT(blocks, free / 500); // per-block, not per-page, records
    AllocRequest r;
    r.gfp = *parseGfp("GFP_KERNEL", mm.profile);
    r.cpu = 5;
    AllocOutcome o = allocPages(mm, r);
    ASSERT_TRUE(o.ok) << o.reason;
    EXPECT_EQ(o.nid, 5);
    EXPECT_TRUE(freePages(mm, o.pfn, 0).ok);
}

} // namespace
} // namespace mmsim
