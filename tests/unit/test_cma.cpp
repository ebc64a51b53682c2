// CONFIG_CMA ("kernel": {"cma": true}) in both profiles, against cases
// worked by hand from the kernel sources (kernel/dma/contiguous.c, mm/cma.c,
// mm/page_alloc.c, mm/mm_init.c of 6.12.117 and 6.1.192). No Debian amd64
// kernel is built with CONFIG_CMA (their pagetypeinfo has no CMA row), so
// there is no capture to compare with.
//
// Machines: "1G" is [0, 0x9fc00) + [1 MiB, 1 GiB) on one node, DMA and DMA32
// only. Before dma_contiguous_reserve() the only top-down memblock
// allocation near the end of memory is NODE_DATA(0) (under 0x2b000 bytes
// below 0x40000000), so a 64 MiB area, 2 MiB aligned, ends at 0x3fe00000 and
// starts at 0x3be00000 (pfn 0x3be00). That pfn is pageblock- but not
// order-10-aligned: its first pageblock stays an order-9 block (its buddy
// below is MOVABLE and CMA never merges with another type at pageblock
// order), the next 30 pageblocks pair into 15 order-10 blocks and the last,
// 0x3fc00, is again order 9 (its buddy 0x3fe00 is NODE_DATA's, reserved).
#include "core/gfp.h"
#include "core/page_alloc.h"
#include "core/report.h"
#include "core/scenario.h"
#include "core/simulation.h"
#include "core/strfmt.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace mmsim {
namespace {

std::string machine1G(const std::string& version, const std::string& cmdline, bool cma, bool pcp) {
    return strprintf(R"({"format": "mmsim-scenario/1", "machine": {"cpus": 2, "e820": [
        {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
        {"addr": "0x100000", "size": "0x3ff00000", "type": "usable"}],
        "cmdline": "%s",
        "kernel": {"version": "%s", "pcp": %s, "cma": %s}}})",
                     cmdline.c_str(), version.c_str(), pcp ? "true" : "false",
                     cma ? "true" : "false");
}

std::unique_ptr<Simulation> boot(const std::string& text) {
    auto sim = std::make_unique<Simulation>(loadScenario(text, "<cma>"));
    sim->runAll();
    return sim;
}

std::string cmaLine(const Simulation& sim) {
    for (const std::string& l : sim.kernelLog())
        if (l.rfind("cma: ", 0) == 0) return l;
    return "";
}

std::vector<std::string> cmaLines(const Simulation& sim) {
    std::vector<std::string> v;
    for (const std::string& l : sim.kernelLog())
        if (l.rfind("cma: ", 0) == 0) v.push_back(l);
    return v;
}

// The line of a view that starts with prefix.
std::string lineOf(const std::string& text, const std::string& prefix) {
    std::istringstream in(text);
    std::string l;
    while (std::getline(in, l))
        if (l.rfind(prefix, 0) == 0) return l;
    return "";
}

AllocOutcome alloc(Simulation& sim, const std::string& gfp, int order, int cpu = 0) {
    AllocRequest r;
    r.gfp = *parseGfp(gfp, sim.state().mm.profile);
    r.order = order;
    r.cpu = cpu;
    return allocPages(sim.state().mm, r, nullptr);
}

class Cma : public ::testing::TestWithParam<std::string> {
  protected:
    bool is61() const { return GetParam() == "6.1"; }
    std::string nodeSuffix() const { return is61() ? "" : " on node -1"; }
};

INSTANTIATE_TEST_SUITE_P(Buddy, Cma, ::testing::Values("6.12", "6.1"),
                         [](const auto& i) { return i.param == "6.1" ? "v6_1" : "v6_12"; });

TEST_P(Cma, AreaPlacedTopDownBelowTheEndOfMemory) {
    auto sim = boot(machine1G(GetParam(), "cma=64M", true, false));
    EXPECT_EQ(cmaLine(*sim), "cma: Reserved 64 MiB at 0x000000003be00000" + nodeSuffix());
    const MmModel& mm = sim->state().mm;
    ASSERT_EQ(mm.cma_areas.size(), 1u);
    EXPECT_EQ(mm.cma_areas[0].base, 0x3be00000u);
    EXPECT_EQ(mm.totalcma_pages, 16384u);
    const Zone& z = sim->state().mm.nodes[0].zones[ZONE_DMA32];
    EXPECT_EQ(z.cma_pages, 16384u);
    for (pfn_t p = 0x3be00; p < 0x3fe00; p += PAGEBLOCK_NR_PAGES)
        EXPECT_EQ(pageblockType(z, p), MIGRATE_CMA) << std::hex << p;
    EXPECT_EQ(pageblockType(z, 0x3bc00), MIGRATE_MOVABLE);
    EXPECT_EQ(pageblockType(z, 0x3fe00), MIGRATE_MOVABLE);
    EXPECT_EQ(z.free_area.freePagesOf(MIGRATE_CMA), 16384u);
    EXPECT_EQ(z.free_area.nrFreeOf(PAGEBLOCK_ORDER, MIGRATE_CMA), 2u);
    EXPECT_EQ(z.free_area.nrFreeOf(MAX_PAGE_ORDER, MIGRATE_CMA), 15u);
    EXPECT_TRUE(z.free_area.isFreeAt(0x3be00, PAGEBLOCK_ORDER));
    EXPECT_TRUE(z.free_area.isFreeAt(0x3fc00, PAGEBLOCK_ORDER));
    EXPECT_EQ(checkBuddyInvariants(mm), "");
}

TEST_P(Cma, AreaGoesBottomUpFromFourGiBWhenMemoryReachesThatFar) {
    const std::string text = strprintf(
        R"({"format": "mmsim-scenario/1", "machine": {"cpus": 1, "e820": [
        {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
        {"addr": "0x100000", "size": "0xbff00000", "type": "usable"},
        {"addr": "0x100000000", "size": "0xc0000000", "type": "usable"}],
        "cmdline": "cma=64M", "kernel": {"version": "%s", "cma": true}}})",
        GetParam().c_str());
    auto sim = boot(text);
    EXPECT_EQ(cmaLine(*sim), "cma: Reserved 64 MiB at 0x0000000100000000" + nodeSuffix());
    const Zone& z = sim->state().mm.nodes[0].zones[ZONE_NORMAL];
    EXPECT_EQ(z.cma_pages, 16384u);
    // 0x100000 is order-10 aligned: 16 order-10 blocks.
    EXPECT_EQ(z.free_area.nrFreeOf(MAX_PAGE_ORDER, MIGRATE_CMA), 16u);
    EXPECT_EQ(pageblockType(z, 0x100000), MIGRATE_CMA);
    EXPECT_EQ(pageblockType(z, 0x104000), MIGRATE_MOVABLE);
}

TEST_P(Cma, FixedBaseAndItsErrors) {
    auto fixed = boot(machine1G(GetParam(), "cma=32M@0x20000000", true, false));
    EXPECT_EQ(cmaLine(*fixed), "cma: Reserved 32 MiB at 0x0000000020000000" + nodeSuffix());
    EXPECT_EQ(pageblockType(fixed->state().mm.nodes[0].zones[ZONE_DMA32], 0x20000), MIGRATE_CMA);

    // A fixed base must be pageblock aligned.
    auto bad = boot(machine1G(GetParam(), "cma=32M@0x20100000", true, false));
    EXPECT_EQ(cmaLines(*bad),
              (std::vector<std::string>{
                  "cma: Region at 0x0000000020100000 must be aligned to 0x0000000000200000 bytes",
                  "cma: Failed to reserve 32 MiB" + nodeSuffix()}));
    EXPECT_TRUE(bad->state().mm.cma_areas.empty());

    // A fixed area across the end of memory: x86_64's high_memory is the
    // end of RAM, and that check comes before the limit's.
    auto big = boot(machine1G(GetParam(), "cma=32M@0x3f000000", true, false));
    EXPECT_EQ(cmaLines(*big),
              (std::vector<std::string>{"cma: Region at 0x000000003f000000 defined on low/high "
                                        "memory boundary (0x0000000040000000)",
                                        "cma: Failed to reserve 32 MiB" + nodeSuffix()}));
    // Not fixed (base + size is not the limit), but the limit is too low.
    auto over = boot(machine1G(GetParam(), "cma=32M@0x3f000000-0x3f800000", true, false));
    EXPECT_EQ(cmaLines(*over),
              (std::vector<std::string>{"cma: Size (0x0000000002000000) of region at "
                                        "0x000000003f000000 exceeds limit (0x000000003f800000)",
                                        "cma: Failed to reserve 32 MiB" + nodeSuffix()}));

    // Overlapping the kernel image (reserved at 16 MiB): -EBUSY.
    auto busy = boot(machine1G(GetParam(), "cma=4M@0x1000000", true, false));
    EXPECT_EQ(cmaLines(*busy),
              (std::vector<std::string>{"cma: Failed to reserve 4 MiB" + nodeSuffix()}));
    EXPECT_EQ(checkBuddyInvariants(busy->state().mm), "");

    // Too big to fit anywhere below the limit.
    auto nomem = boot(machine1G(GetParam(), "cma=1G", true, false));
    EXPECT_EQ(cmaLines(*nomem),
              (std::vector<std::string>{"cma: Failed to reserve 1024 MiB" + nodeSuffix()}));
}

TEST_P(Cma, ManagedPagesAndViewsAsAConfigCmaKernelPrintsThem) {
    auto off = boot(machine1G(GetParam(), "", false, false));
    auto on = boot(machine1G(GetParam(), "cma=64M", true, false));
    const Zone& zoff = off->state().mm.nodes[0].zones[ZONE_DMA32];
    const Zone& zon = on->state().mm.nodes[0].zones[ZONE_DMA32];
    // The area's pages are managed once released (adjust_managed_page_count).
    EXPECT_EQ(zon.managed_pages, zoff.managed_pages);
    EXPECT_EQ(on->state().mm.totalram_pages, off->state().mm.totalram_pages);

    const std::string pti_off = renderView(*off, "pagetypeinfo");
    const std::string pti = renderView(*on, "pagetypeinfo");
    EXPECT_EQ(lineOf(pti_off, "Number of blocks type"),
              "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      "
              "Isolate ");
    EXPECT_EQ(lineOf(pti, "Number of blocks type"),
              "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic          "
              "CMA      Isolate ");
    EXPECT_EQ(lineOf(pti, "Node    0, zone    DMA32, type          CMA"),
              "Node    0, zone    DMA32, type          CMA      0      0      0      0      0      "
              "0      0      0      0      2     15 ");
    EXPECT_EQ(lineOf(pti, "Node    0, zone      DMA, type          CMA"),
              "Node    0, zone      DMA, type          CMA      0      0      0      0      0      "
              "0      0      0      0      0      0 ");
    EXPECT_EQ(lineOf(pti_off, "Node    0, zone    DMA32, type          CMA"), "");
    // The rows come in the kernel's order: HighAtomic, CMA, Isolate.
    EXPECT_LT(pti.find("DMA32, type   HighAtomic"), pti.find("DMA32, type          CMA"));
    EXPECT_LT(pti.find("DMA32, type          CMA"), pti.find("DMA32, type      Isolate"));
    // Block counts: 32 fewer Movable blocks, 32 CMA blocks.
    const PageblockCounts coff = pageblockCounts(zoff), con = pageblockCounts(zon);
    EXPECT_EQ(con.n[MIGRATE_CMA], 32u);
    EXPECT_EQ(con.n[MIGRATE_MOVABLE] + 32, coff.n[MIGRATE_MOVABLE]);
    EXPECT_EQ(lineOf(pti, "Node 0, zone    DMA32 "),
              strprintf("Node 0, zone    DMA32 %12lu %12lu %12lu %12lu %12lu %12lu ",
                        (unsigned long)con.n[0], (unsigned long)con.n[1], (unsigned long)con.n[2],
                        0ul, 32ul, 0ul));

    const std::string zi = renderView(*on, "zoneinfo");
    const auto dma32 = zi.find("Node 0, zone    DMA32");
    ASSERT_NE(dma32, std::string::npos);
    EXPECT_NE(zi.find("\n        cma      16384\n", dma32), std::string::npos);
    EXPECT_NE(zi.find("\n      nr_free_cma  16384\n", dma32), std::string::npos);
    // buddyinfo counts every list alike.
    EXPECT_EQ(renderView(*on, "buddyinfo").find("CMA"), std::string::npos);
}

TEST_P(Cma, OnWithoutAnAreaOnlyAddsTheEmptyType) {
    auto off = boot(machine1G(GetParam(), "", false, true));
    auto on = boot(machine1G(GetParam(), "", true, true));
    EXPECT_TRUE(cmaLines(*on).empty());
    EXPECT_EQ(renderView(*on, "buddyinfo"), renderView(*off, "buddyinfo"));
    EXPECT_EQ(renderView(*on, "zoneinfo"), renderView(*off, "zoneinfo"));
    EXPECT_NE(renderView(*on, "pagetypeinfo"), renderView(*off, "pagetypeinfo"));
}

// The pageblock of pfn is CMA.
bool inCma(const Simulation& sim, const AllocOutcome& a) {
    const Zone& z =
        sim.state().mm.nodes[static_cast<std::size_t>(a.nid)].zones[static_cast<std::size_t>(
            a.zone)];
    return pageblockType(z, a.pfn) == MIGRATE_CMA;
}

TEST_P(Cma, MovableRequestsFollowTheBalanceRule) {
    // 64 MiB of about 1 GiB free: CMA holds less than half, so movable
    // requests take their own lists first and CMA only when those are empty.
    auto sim = boot(machine1G(GetParam(), "cma=64M", true, false));
    MmModel& mm = sim->state().mm;
    Zone& z = mm.nodes[0].zones[ZONE_DMA32];
    int from_cma = 0, checked = 0;
    for (;;) {
        const std::uint64_t cma = z.free_area.freePagesOf(MIGRATE_CMA);
        const std::uint64_t nr_free = z.free_area.freePages();
        bool own = false;       // a MOVABLE block of order >= 3
        bool cma_block = false; // a CMA block of order >= 3
        for (int o = 3; o < NR_PAGE_ORDERS; ++o) {
            own |= !z.free_area.empty(o, MIGRATE_MOVABLE);
            cma_block |= !z.free_area.empty(o, MIGRATE_CMA);
        }
        const AllocOutcome a = alloc(*sim, "GFP_HIGHUSER_MOVABLE", 3);
        if (!a.ok || a.zone != ZONE_DMA32) break;
        ++checked;
        if (cma > nr_free / 2 && cma_block) {
            EXPECT_TRUE(inCma(*sim, a)) << "balance: CMA " << cma << " of " << nr_free;
        } else if (own) {
            EXPECT_FALSE(inCma(*sim, a)) << "CMA used while MOVABLE had a block";
        } else if (cma_block) {
            // No own block: the CMA area before any other type's.
            EXPECT_TRUE(inCma(*sim, a)) << "MOVABLE empty, CMA had " << cma;
        }
        from_cma += inCma(*sim, a);
    }
    EXPECT_GT(checked, 1000);
    EXPECT_GT(from_cma, 0);
    // The balance rule kept the area from holding more than half the free
    // pages (give or take the last request).
    EXPECT_LE(z.free_area.freePagesOf(MIGRATE_CMA), z.free_area.freePages() / 2 + 8);
    EXPECT_EQ(checkBuddyInvariants(mm), "");
}

TEST_P(Cma, BigAreaServesMovableFirstAndNeverUnmovable) {
    // 768 MiB of the 1 GiB machine: CMA holds more than half the free pages.
    auto sim = boot(machine1G(GetParam(), "cma=768M", true, false));
    MmModel& mm = sim->state().mm;
    Zone& z = mm.nodes[0].zones[ZONE_DMA32];
    ASSERT_GT(z.free_area.freePagesOf(MIGRATE_CMA), z.free_area.freePages() / 2);
    const AllocOutcome m = alloc(*sim, "GFP_HIGHUSER_MOVABLE", 0);
    ASSERT_TRUE(m.ok);
    EXPECT_TRUE(inCma(*sim, m));

    // Unmovable requests never land in CMA and fail with CMA memory free.
    std::vector<pfn_t> got;
    for (;;) {
        const AllocOutcome a = alloc(*sim, "GFP_KERNEL", 2);
        if (!a.ok) break;
        ASSERT_FALSE(inCma(*sim, a)) << std::hex << a.pfn;
        got.push_back(a.pfn);
    }
    EXPECT_GT(got.size(), 5000u);
    // Then single pages, until those fail too.
    for (;;) {
        const AllocOutcome a = alloc(*sim, "GFP_KERNEL", 0);
        if (!a.ok) break;
        ASSERT_FALSE(inCma(*sim, a)) << std::hex << a.pfn;
    }
    const std::uint64_t cma_free = z.free_area.freePagesOf(MIGRATE_CMA);
    EXPECT_GT(cma_free, 150000u);
    // The watermark check leaves the free CMA pages out for them: the
    // zone's free pages are far above every watermark, yet it is skipped.
    EXPECT_GT(z.free_area.freePages(),
              z.watermark[WMARK_HIGH] + z.lowmem_reserve[ZONE_DMA32] + 1000);
    const AllocOutcome k = alloc(*sim, "GFP_KERNEL", 0);
    EXPECT_FALSE(k.ok);
    bool skipped = false;
    for (const ZoneSkip& s : k.skips)
        skipped |= s.zone == ZONE_DMA32;
    EXPECT_TRUE(skipped) << k.reason;
    // A movable request still succeeds, from the area.
    const AllocOutcome m2 = alloc(*sim, "GFP_HIGHUSER_MOVABLE", 0);
    ASSERT_TRUE(m2.ok);
    EXPECT_TRUE(inCma(*sim, m2));
    EXPECT_EQ(checkBuddyInvariants(mm), "");
}

TEST_P(Cma, FreesMergeBackIntoTheAreasBlocks) {
    auto sim = boot(machine1G(GetParam(), "cma=768M", true, false));
    MmModel& mm = sim->state().mm;
    const std::string before = renderView(*sim, "pagetypeinfo");
    std::vector<std::pair<pfn_t, int>> got;
    std::mt19937 rng(7);
    for (int i = 0; i < 3000; ++i) {
        const int order = static_cast<int>(rng() % 6);
        const AllocOutcome a = alloc(*sim, "GFP_HIGHUSER_MOVABLE", order);
        ASSERT_TRUE(a.ok);
        got.emplace_back(a.pfn, order);
    }
    EXPECT_NE(renderView(*sim, "pagetypeinfo"), before);
    std::shuffle(got.begin(), got.end(), rng);
    for (const auto& [pfn, order] : got)
        ASSERT_TRUE(freePages(mm, pfn, order).ok);
    EXPECT_EQ(checkBuddyInvariants(mm), "");
    // Every block merged back to where it was (pcp off, nothing retyped).
    EXPECT_EQ(renderView(*sim, "pagetypeinfo"), before);
}

TEST_P(Cma, RandomWorkloadKeepsTheAreaIntact) {
    for (const bool pcp : {false, true}) {
        // Half the machine: the area holds more than half the free pages.
        auto sim = boot(machine1G(GetParam(), "cma=512M", true, pcp));
        MmModel& mm = sim->state().mm;
        const Zone& z = mm.nodes[0].zones[ZONE_DMA32];
        const PageblockCounts c0 = pageblockCounts(z);
        ASSERT_EQ(c0.n[MIGRATE_CMA], 256u);
        static const char* const gfps[] = {"GFP_KERNEL", "GFP_HIGHUSER_MOVABLE",
                                           "GFP_ATOMIC", "GFP_KERNEL|__GFP_RECLAIMABLE",
                                           "GFP_NOWAIT", "GFP_HIGHUSER_MOVABLE"};
        std::vector<std::pair<pfn_t, int>> live;
        std::mt19937 rng(pcp ? 11 : 5);
        int cma_used = 0;
        for (int i = 0; i < 20000; ++i) {
            if (live.empty() || rng() % 100 < 60) {
                const int order = static_cast<int>(rng() % 100 < 90 ? rng() % 4 : rng() % 11);
                const AllocOutcome a =
                    alloc(*sim, gfps[rng() % 6], order, static_cast<int>(rng() % 2));
                if (a.ok) {
                    live.emplace_back(a.pfn, order);
                    cma_used += inCma(*sim, a);
                }
            } else {
                const std::size_t k = rng() % live.size();
                ASSERT_TRUE(freePages(mm, live[k].first, live[k].second, nullptr,
                                      static_cast<int>(rng() % 2))
                                .ok);
                live[k] = live.back();
                live.pop_back();
            }
            if (i % 500 == 0) {
                ASSERT_EQ(checkBuddyInvariants(mm), "") << "step " << i;
            }
        }
        ASSERT_EQ(checkBuddyInvariants(mm), "");
        EXPECT_GT(cma_used, 0);
        // Never stolen, never claimed: the same CMA pageblocks.
        EXPECT_EQ(pageblockCounts(z).n[MIGRATE_CMA], 256u);
        for (pfn_t p = PFN_DOWN(mm.cma_areas[0].base);
             p < PFN_DOWN(mm.cma_areas[0].base) + mm.cma_areas[0].count; p += PAGEBLOCK_NR_PAGES)
            ASSERT_EQ(pageblockType(z, p), MIGRATE_CMA);
    }
}

TEST(CmaTrace, MigratetypeNumbersFollowTheConfig) {
    EXPECT_EQ(migratetypeNumber(MIGRATE_ISOLATE, false), 4);
    EXPECT_EQ(migratetypeNumber(MIGRATE_ISOLATE, true), 5);
    EXPECT_EQ(migratetypeNumber(MIGRATE_CMA, true), 4);
    EXPECT_EQ(migratetypeNumber(MIGRATE_MOVABLE, true), 1);
    EXPECT_EQ(kernelMigrateTypes(false), 5);
    EXPECT_EQ(kernelMigrateTypes(true), 6);
    KernelProfile p;
    BuddyEvent e;
    e.kind = BuddyEvent::buddy_merge;
    e.nid = 0;
    e.zone = ZONE_DMA32;
    e.pfn = 0x1000;
    e.order = 3;
    e.mt = MIGRATE_ISOLATE;
    EXPECT_NE(formatBuddyEvent(e, p).find("migratetype=4"), std::string::npos);
    p.cma = true;
    EXPECT_NE(formatBuddyEvent(e, p).find("migratetype=5"), std::string::npos);
    // A CMA block a refill took: the list it came from, not a pcp type.
    e.kind = BuddyEvent::pcp_refill;
    e.mt = MIGRATE_CMA;
    EXPECT_NE(formatBuddyEvent(e, p).find("migratetype=4 percpu_refill=0"), std::string::npos);
    e.mt = MIGRATE_MOVABLE;
    EXPECT_NE(formatBuddyEvent(e, p).find("migratetype=1 percpu_refill=1"), std::string::npos);
}

TEST(CmaScenario, CmaOptionNeedsConfigCmaAndTheAutoBoot) {
    try {
        loadScenario(machine1G("6.12", "cma=64M", false, true), "bad.json");
        FAIL() << "cma= without kernel.cma loaded";
    } catch (const InputError& e) {
        EXPECT_NE(e.message().find("CONFIG_CMA"), std::string::npos) << e.message();
        EXPECT_EQ(e.pointer(), "/machine/cmdline");
    }
    for (const char* bad : {"cma=64Q", "cma=64M@", "cma=64M@1G-", "cma=64M#1G"}) {
        EXPECT_THROW(loadScenario(machine1G("6.12", bad, true, true), "bad.json"), InputError)
            << bad;
    }
    const CmdlineOptions o = parseCmdline("cma=64M@0x20000000-0x30000000 memblock=debug");
    ASSERT_TRUE(o.cma);
    EXPECT_EQ(o.cma->size, 64ull << 20);
    EXPECT_EQ(o.cma->base, 0x20000000u);
    EXPECT_EQ(o.cma->limit, 0x30000000u);
    EXPECT_EQ(parseCmdline("cma=16M@0x20000000").cma->limit, 0x21000000u);
    EXPECT_EQ(parseCmdline("cma=16M").cma->limit, 0u);
}

TEST(CmaScenario, ExplicitBootRefusesTheOption) {
    const std::string text = R"({"format": "mmsim-scenario/1", "machine": {"e820": [],
        "cmdline": "cma=16M", "kernel": {"cma": true}},
        "boot": [{"op": "memblock_add", "base": "16M", "size": "496M"}]})";
    try {
        loadScenario(text, "bad.json");
        FAIL() << "cma= with an explicit boot loaded";
    } catch (const InputError& e) {
        EXPECT_NE(e.message().find("auto boot"), std::string::npos) << e.message();
    }
}

// A fixed area across the DMA/DMA32 boundary (16 MiB; the kernel image
// moved out of the way to 64 MiB) is reserved but not in one zone, so
// cma_activate_area() gives its pages to the buddy allocator as ordinary
// memory, page by page, and drops the area.
TEST_P(Cma, AreaAcrossTwoZonesIsNotActivated) {
    const std::string text = strprintf(
        R"({"format": "mmsim-scenario/1", "machine": {"cpus": 1, "e820": [
        {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
        {"addr": "0x100000", "size": "0x3ff00000", "type": "usable"}],
        "kernel_image": {"addr": "0x4000000", "size": "0x2c00000"},
        "cmdline": "cma=4M@0xe00000", "kernel": {"version": "%s", "cma": true, "pcp": false}}})",
        GetParam().c_str());
    auto sim = boot(text);
    EXPECT_EQ(cmaLines(*sim),
              (std::vector<std::string>{"cma: Reserved 4 MiB at 0x0000000000e00000" + nodeSuffix(),
                                        "cma: CMA area reserved could not be activated"}));
    const MmModel& mm = sim->state().mm;
    EXPECT_EQ(mm.totalcma_pages, 0u);
    for (const Zone& z : mm.nodes[0].zones) {
        EXPECT_EQ(z.cma_pages, 0u);
        if (z.populated()) {
            EXPECT_EQ(pageblockCounts(z).n[MIGRATE_CMA], 0u);
        }
    }
    // Its pages are free memory all the same, in both zones.
    EXPECT_NE(mm.nodes[0].zones[ZONE_DMA].free_area.findContaining(0xe00, nullptr), nullptr);
    EXPECT_NE(mm.nodes[0].zones[ZONE_DMA32].free_area.findContaining(0x11ff, nullptr), nullptr);
    EXPECT_EQ(checkBuddyInvariants(mm), "");
}

// With per-CPU lists: a CMA page freed waits on the MOVABLE list (there is
// no CMA list) and goes back to the CMA free list when drained.
TEST_P(Cma, FreedCmaPageWaitsOnTheMovablePcpList) {
    auto sim = boot(machine1G(GetParam(), "cma=768M", true, true));
    MmModel& mm = sim->state().mm;
    Zone& z = mm.nodes[0].zones[ZONE_DMA32];
    const AllocOutcome a = alloc(*sim, "GFP_HIGHUSER_MOVABLE", 0);
    ASSERT_TRUE(a.ok);
    ASSERT_TRUE(inCma(*sim, a));
    drainAllPages(mm);
    const std::uint64_t cma_free = z.free_area.freePagesOf(MIGRATE_CMA);
    EventSink ev;
    ASSERT_TRUE(freePages(mm, a.pfn, 0, &ev, 0).ok);
    bool on_movable = false;
    for (const BuddyEvent& e : ev)
        if (e.kind == BuddyEvent::pcp_free) on_movable = e.mt == MIGRATE_MOVABLE && e.pfn == a.pfn;
    EXPECT_TRUE(on_movable);
    EXPECT_EQ(z.free_area.freePagesOf(MIGRATE_CMA), cma_free);
    drainAllPages(mm);
    EXPECT_EQ(z.free_area.freePagesOf(MIGRATE_CMA), cma_free + 1);
    EXPECT_EQ(checkBuddyInvariants(mm), "");
}

TEST(CmaScenario, LimitKeepsATopDownAreaBelowIt) {
    // cma=SIZE@0-LIMIT: base 0 is not fixed; the area goes top-down below LIMIT.
    auto sim = boot(machine1G("6.12", "cma=16M@0-0x20000000", true, false));
    EXPECT_EQ(cmaLine(*sim), "cma: Reserved 16 MiB at 0x000000001f000000 on node -1");
}

} // namespace
} // namespace mmsim
