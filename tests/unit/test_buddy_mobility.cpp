// Mobility grouping switched off on a tiny machine: build_all_zonelists()
// sets page_group_by_mobility_disabled when the pages above the high
// watermarks (nr_free_zone_pages(gfp_zone(GFP_HIGHUSER_MOVABLE))) number
// fewer than pageblock_nr_pages * MIGRATE_TYPES (512 * 5 = 2560 without
// CMA), in both 6.12.117 and 6.1.192. Then gfp_migratetype() gives
// UNMOVABLE for every request, and a fallback always takes its whole
// pageblock. A machine just above the threshold keeps grouping on.
#include "core/gfp.h"
#include "core/page_alloc.h"
#include "core/scenario.h"
#include "core/simulation.h"
#include "core/strfmt.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace mmsim {
namespace {

// Low memory, then [1M, 1M + kib KiB) usable; pcp off to see the buddy lists.
std::string tinyMachine(const std::string& version, unsigned kib) {
    return strprintf(R"({"format": "mmsim-scenario/1", "machine": {"cpus": 1, "e820": [
        {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
        {"addr": "0x100000", "size": "%uK", "type": "usable"}],
        "kernel": {"version": "%s", "pcp": false}}})",
                     kib, version.c_str());
}

struct Booted {
    std::unique_ptr<Simulation> sim;
};

Booted bootTiny(const std::string& version, unsigned kib) {
    Booted b;
    b.sim = std::make_unique<Simulation>(loadScenario(tinyMachine(version, kib), "<tiny>"));
    b.sim->runAll();
    return b;
}

// The "Built N zonelists" line and its Total pages figure.
std::string zonelistLine(const Booted& b) {
    for (const std::string& l : b.sim->state().mm.boot_lines)
        if (l.find("Built ") != std::string::npos && l.find("zonelists") != std::string::npos)
            return l;
    return "";
}

long long totalPages(const std::string& line) {
    const auto at = line.find("Total pages: ");
    return at == std::string::npos ? -1 : std::atoll(line.c_str() + at + 13);
}

AllocOutcome alloc(Simulation& sim, const std::string& gfp, int order, EventSink* ev) {
    AllocRequest r;
    r.gfp = *parseGfp(gfp, sim.state().mm.profile);
    r.order = order;
    return allocPages(sim.state().mm, r, ev);
}

// The largest usable size (KiB, in 64 KiB steps) whose boot still turns
// grouping off, found by booting: the threshold itself is the kernel's,
// the machine sizes around it are searched, not assumed.
unsigned lastOffSize(const std::string& version) {
    unsigned lo = 4096, hi = 32768; // off at lo, on at hi (asserted by the caller)
    while (hi - lo > 64) {
        const unsigned mid = (lo + hi) / 2 / 64 * 64;
        if (bootTiny(version, mid).sim->state().mm.page_group_by_mobility_disabled)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

class Mobility : public ::testing::TestWithParam<std::string> {};
INSTANTIATE_TEST_SUITE_P(Buddy, Mobility, ::testing::Values("6.12", "6.1"),
                         [](const auto& i) { return i.param == "6.1" ? "v6_1" : "v6_12"; });

TEST_P(Mobility, TinyMachineTurnsGroupingOffWithTheKernelsLine) {
    const Booted small = bootTiny(GetParam(), 4096);
    const MmModel& mm = small.sim->state().mm;
    const std::string line = zonelistLine(small);
    const long long total = totalPages(line);
    ASSERT_GT(total, 0) << line;
    EXPECT_LT(total, PAGEBLOCK_NR_PAGES * kernelMigrateTypes(false));
    EXPECT_TRUE(mm.page_group_by_mobility_disabled);
    EXPECT_EQ(line,
              strprintf("Built 1 zonelists, mobility grouping off.  Total pages: %lld", total));
    EXPECT_EQ(static_cast<long long>(mm.vm_total_pages), total);

    const Booted big = bootTiny(GetParam(), 32768);
    const std::string big_line = zonelistLine(big);
    EXPECT_FALSE(big.sim->state().mm.page_group_by_mobility_disabled);
    EXPECT_GE(totalPages(big_line), PAGEBLOCK_NR_PAGES * kernelMigrateTypes(false));
    EXPECT_EQ(big_line, strprintf("Built 1 zonelists, mobility grouping on.  Total pages: %lld",
                                  totalPages(big_line)));
}

TEST_P(Mobility, ThresholdIsPageblockPagesTimesMigrateTypes) {
    const unsigned off = lastOffSize(GetParam());
    const Booted below = bootTiny(GetParam(), off);
    const Booted above = bootTiny(GetParam(), off + 64);
    ASSERT_TRUE(below.sim->state().mm.page_group_by_mobility_disabled);
    ASSERT_FALSE(above.sim->state().mm.page_group_by_mobility_disabled);
    // 64 KiB more memory is 16 more pages (less its memmap): the switch
    // happens where Total pages crosses 2560.
    const long long t_below = totalPages(zonelistLine(below));
    const long long t_above = totalPages(zonelistLine(above));
    EXPECT_LT(t_below, 2560);
    EXPECT_GE(t_above, 2560);
    EXPECT_LE(t_above - t_below, 16);
}

TEST_P(Mobility, EveryRequestIsUnmovableAndClaimsWholePageblocks) {
    Booted b = bootTiny(GetParam(), 4096);
    Simulation& sim = *b.sim;
    ASSERT_TRUE(sim.state().mm.page_group_by_mobility_disabled);
    EXPECT_EQ(gfpMigratetype(*parseGfp("GFP_HIGHUSER_MOVABLE", sim.state().mm.profile), true),
              MIGRATE_UNMOVABLE);
    for (const char* gfp : {"GFP_HIGHUSER_MOVABLE", "GFP_KERNEL|__GFP_RECLAIMABLE", "GFP_KERNEL"}) {
        EventSink ev;
        const AllocOutcome o = alloc(sim, gfp, 0, &ev);
        ASSERT_TRUE(o.ok) << gfp << ": " << o.reason;
        EXPECT_EQ(o.migratetype, MIGRATE_UNMOVABLE) << gfp;
        ASSERT_FALSE(ev.empty());
        EXPECT_EQ(ev.back().kind, BuddyEvent::mm_page_alloc);
        EXPECT_EQ(ev.back().mt, MIGRATE_UNMOVABLE) << gfp;
        // Boot left every pageblock MOVABLE: the first request falls back
        // and takes its pageblock over; the next ones find UNMOVABLE blocks.
        for (const BuddyEvent& e : ev)
            if (e.kind == BuddyEvent::mm_page_alloc_extfrag) {
                EXPECT_TRUE(e.change_ownership) << gfp;
                EXPECT_EQ(e.mt, MIGRATE_UNMOVABLE);
            }
        const Zone& z = *zoneOfPfn(sim.state().mm, o.pfn);
        EXPECT_EQ(pageblockType(z, o.pfn), MIGRATE_UNMOVABLE) << gfp;
        EXPECT_EQ(checkBuddyInvariants(sim.state().mm), "");
    }
    // Nothing is left on a RECLAIMABLE list: no request asks for that type.
    for (const Node& n : sim.state().mm.nodes)
        for (const Zone& z : n.zones)
            for (int o = 0; o < NR_PAGE_ORDERS; ++o)
                EXPECT_TRUE(z.free_area.empty(o, MIGRATE_RECLAIMABLE));
}

TEST_P(Mobility, AboveTheThresholdAMovableRequestStaysMovable) {
    Booted b = bootTiny(GetParam(), 32768);
    Simulation& sim = *b.sim;
    ASSERT_FALSE(sim.state().mm.page_group_by_mobility_disabled);
    EventSink ev;
    const AllocOutcome o = alloc(sim, "GFP_HIGHUSER_MOVABLE", 0, &ev);
    ASSERT_TRUE(o.ok) << o.reason;
    EXPECT_EQ(o.migratetype, MIGRATE_MOVABLE);
    for (const BuddyEvent& e : ev)
        EXPECT_NE(e.kind, BuddyEvent::mm_page_alloc_extfrag);
    EXPECT_EQ(pageblockType(*zoneOfPfn(sim.state().mm, o.pfn), o.pfn), MIGRATE_MOVABLE);
}

} // namespace
} // namespace mmsim
