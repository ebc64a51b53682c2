// The allocator against an independent reference (buddy_reference.h) on
// long random workloads, and random workloads through alloc_pages /
// free_pages with the invariant checker on.
//
// Sizes: CI (the ASan+UBSan preset on 2 cores) runs the zone-level
// reference comparison for kReferenceOps operations x kReferenceSeeds seeds
// and the alloc_pages/free_pages invariant run for kInvariantOps x
// kInvariantSeeds per profile, about a minute in all under ASan. The issue's
// full size, 1M operations x 20 seeds for both, runs with MMSIM_BUDDY_FULL=1;
// MMSIM_BUDDY_OPS / MMSIM_BUDDY_SEEDS set other sizes.
#include "buddy_reference.h"

#include "core/gfp.h"
#include "core/page_alloc.h"
#include "core/scenario.h"
#include "core/simulation.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <random>
#include <set>

namespace mmsim {
namespace {

constexpr int kReferenceOps = 200000, kReferenceSeeds = 2;
constexpr int kInvariantOps = 50000, kInvariantSeeds = 2;
int envInt(const char* name, int fallback) {
    const char* v = std::getenv(name);
    return v && std::atoi(v) > 0 ? std::atoi(v) : fallback;
}
int opsPerSeed(int ci) {
    return envInt("MMSIM_BUDDY_OPS", std::getenv("MMSIM_BUDDY_FULL") ? 1000000 : ci);
}
int seeds(int ci) {
    return envInt("MMSIM_BUDDY_SEEDS", std::getenv("MMSIM_BUDDY_FULL") ? 20 : ci);
}

std::string machine(const std::string& version, const std::string& size, bool pcp) {
    return R"({"format": "mmsim-scenario/1", "machine": {"cpus": 2, "e820": [
        {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
        {"addr": "0x100000", "size": ")" +
           size + R"(", "type": "usable"}], "kernel": {"version": ")" + version + R"(", "pcp": )" +
           (pcp ? "true" : "false") + R"(}}, "boot": "auto"})";
}

class BuddyReference : public ::testing::TestWithParam<std::string> {};
INSTANTIATE_TEST_SUITE_P(Buddy, BuddyReference, ::testing::Values("6.12", "6.1"),
                         [](const auto& i) { return i.param == "6.1" ? "v6_1" : "v6_12"; });

int randomOrder(std::mt19937_64& rng) {
    // Mostly small orders, sometimes up to MAX_PAGE_ORDER.
    static const int w[] = {40, 15, 10, 8, 6, 5, 4, 3, 3, 3, 3};
    std::discrete_distribution<int> d(std::begin(w), std::end(w));
    return d(rng);
}

// Zone level: rmqueue_buddy and free_one_page of the implementation against
// the reference, block for block, on DMA32 of a 128 MiB machine.
TEST_P(BuddyReference, SameBlocksAsTheReference) {
    const bool v61 = GetParam() == "6.1";
    const int ops = opsPerSeed(kReferenceOps);
    for (int seed = 1; seed <= seeds(kReferenceSeeds); ++seed) {
        // The pure buddy algorithm: per-CPU lists off.
        Simulation sim(loadScenario(machine(GetParam(), "127M", false), "<test>"));
        sim.runAll();
        MmModel& mm = sim.state().mm;
        Zone& z = mm.zone(0, ZONE_DMA32);
        buddyref::Zone ref(v61, z.zone_start_pfn, z.zone_end_pfn(),
                           mm.page_group_by_mobility_disabled);
        for (pfn_t p = z.zone_start_pfn & ~(PAGEBLOCK_NR_PAGES - 1); p < z.zone_end_pfn();
             p += PAGEBLOCK_NR_PAGES)
            if (z.pageblocks.covers(p))
                ref.setPageblock(std::max(p, z.zone_start_pfn), pageblockType(z, p));
        z.free_area.forEachBlock([&](pfn_t p, int o, int mt) { ref.seedFree(p, o, mt); });

        std::mt19937_64 rng(seed);
        struct Live {
            pfn_t pfn;
            int order;
        };
        std::vector<Live> live;
        int steals = 0, claims = 0, allocs = 0;
        EventSink ev;
        for (int i = 0; i < ops; ++i) {
            const std::uint64_t free = z.free_area.freePages();
            const bool do_alloc =
                live.empty() || (free > z.managed_pages / 4 ? rng() % 100 < 55 : rng() % 100 < 30);
            if (do_alloc) {
                const int order = randomOrder(rng);
                const int mt = static_cast<int>(rng() % 3);
                const unsigned flags = rng() % 4 == 0 ? allocflag::NOFRAGMENT : 0;
                ev.clear();
                const pfn_t got = rmqueueBuddy(mm, z, order, mt, flags, &ev);
                const std::uint64_t want = ref.alloc(order, mt, flags, mt == MIGRATE_MOVABLE);
                ASSERT_EQ(got, want == buddyref::NONE ? NO_PFN : want)
                    << "seed " << seed << " op " << i << " order " << order << " mt " << mt;
                if (got == NO_PFN) continue;
                ++allocs;
                for (const BuddyEvent& e : ev) {
                    steals += e.kind == BuddyEvent::mm_page_alloc_extfrag;
                    claims += e.kind == BuddyEvent::pageblock_steal;
                }
                Zone::AllocatedBlock b;
                b.order = static_cast<std::uint8_t>(order);
                b.mt = static_cast<std::uint8_t>(mt);
                b.movable = mt == MIGRATE_MOVABLE;
                z.allocated.emplace(got, b);
                z.allocated_pages += 1ull << order;
                if (b.movable) z.pageblocks.addMovable(got, 1ull << order, true);
                live.push_back({got, order});
            } else {
                const std::size_t k = rng() % live.size();
                const Live l = live[k];
                live[k] = live.back();
                live.pop_back();
                ASSERT_TRUE(freePages(mm, l.pfn, l.order).ok);
                ref.free(l.pfn, l.order);
            }
            if (i % 5000 == 0) {
                ASSERT_EQ(checkBuddyInvariants(mm), "") << "op " << i;
            }
        }
        EXPECT_GT(steals, 100) << "seed " << seed;
        EXPECT_GT(claims, 10) << "seed " << seed;
        EXPECT_GT(allocs, ops / 3);
        // Same lists, in the same order, and the same pageblock types.
        // (Types 0..HIGHATOMIC; neither side has CMA or ISOLATE blocks.)
        for (int o = 0; o < NR_PAGE_ORDERS; ++o) {
            EXPECT_TRUE(z.free_area.empty(o, MIGRATE_CMA));
            EXPECT_TRUE(z.free_area.empty(o, MIGRATE_ISOLATE));
            EXPECT_TRUE(ref.list(o, buddyref::NTYPES - 1).empty());
        }
        for (int o = 0; o < NR_PAGE_ORDERS; ++o)
            for (int mt = 0; mt <= MIGRATE_HIGHATOMIC; ++mt) {
                std::vector<pfn_t> mine;
                for (pfn_t p = z.free_area.first(o, mt); p != NO_PFN; p = z.free_area.next(p))
                    mine.push_back(p);
                const auto& l = ref.list(o, mt);
                ASSERT_EQ(mine, std::vector<pfn_t>(l.begin(), l.end()))
                    << "seed " << seed << " list " << o << "/" << mt;
            }
        for (pfn_t p = z.zone_start_pfn; p < z.zone_end_pfn(); p += PAGEBLOCK_NR_PAGES)
            ASSERT_EQ(pageblockType(z, p), ref.pageblock(p)) << "pageblock " << p;
        ASSERT_EQ(checkBuddyInvariants(mm), "");
    }
}

// Through alloc_pages/free_pages with every kind of request; the invariant
// checker after every operation early on, then every 100; after freeing
// everything the zones hold the same free blocks as after boot.
TEST_P(BuddyReference, RandomWorkloadKeepsInvariants) {
    const int ops = opsPerSeed(kInvariantOps);
    for (int seed = 1; seed <= seeds(kInvariantSeeds); ++seed) {
        // Through the per-CPU lists of both CPUs.
        Simulation sim(loadScenario(machine(GetParam(), "255M", true), "<test>"));
        sim.runAll();
        MmModel& mm = sim.state().mm;
        // Free blocks per zone. HIGHATOMIC reservations that no failing
        // request unreserved stay, and never merge with their buddies, so an
        // order-10 block over one is compared as its two pageblocks.
        auto snapshot = [&](const MmModel& now) {
            std::map<std::pair<int, int>, std::set<std::pair<pfn_t, int>>> s;
            mm.forEachZone([&](const Zone& z) {
                const Zone& cur = now.nodes[static_cast<std::size_t>(z.nid)]
                                      .zones[static_cast<std::size_t>(z.idx)];
                z.free_area.forEachBlock([&](pfn_t p, int o, int) {
                    if (o > PAGEBLOCK_ORDER &&
                        (pageblockType(cur, p) == MIGRATE_HIGHATOMIC ||
                         pageblockType(cur, p + PAGEBLOCK_NR_PAGES) == MIGRATE_HIGHATOMIC)) {
                        s[{z.nid, z.idx}].insert({p, PAGEBLOCK_ORDER});
                        s[{z.nid, z.idx}].insert({p + PAGEBLOCK_NR_PAGES, PAGEBLOCK_ORDER});
                    } else {
                        s[{z.nid, z.idx}].insert({p, o});
                    }
                });
            });
            return s;
        };
        const MmModel boot_mm = mm;
        const char* gfps[] = {"GFP_KERNEL",
                              "GFP_USER",
                              "GFP_HIGHUSER_MOVABLE",
                              "GFP_ATOMIC",
                              "GFP_NOWAIT",
                              "GFP_DMA32",
                              "GFP_DMA",
                              "GFP_KERNEL|__GFP_RECLAIMABLE",
                              "GFP_TRANSHUGE_LIGHT",
                              "GFP_NOIO|__GFP_HIGH"};
        std::vector<gfp_t> masks;
        for (const char* g : gfps)
            masks.push_back(*parseGfp(g, mm.profile));
        std::mt19937_64 rng(seed * 7919);
        std::vector<std::pair<pfn_t, int>> live;
        int failures = 0;
        for (int i = 0; i < ops; ++i) {
            if (live.empty() || rng() % 100 < 52) {
                AllocRequest r;
                r.gfp = masks[rng() % masks.size()];
                r.order = randomOrder(rng);
                r.cpu = static_cast<int>(rng() % 2);
                AllocOutcome o = allocPages(mm, r);
                if (o.ok)
                    live.emplace_back(o.pfn, o.order);
                else {
                    ++failures;
                    ASSERT_FALSE(o.reason.empty());
                }
            } else {
                const std::size_t k = rng() % live.size();
                ASSERT_TRUE(freePages(mm, live[k].first, live[k].second, nullptr,
                                      static_cast<int>(rng() % 2))
                                .ok);
                live[k] = live.back();
                live.pop_back();
            }
            if (i < 3000 || i % 100 == 0) {
                ASSERT_EQ(checkBuddyInvariants(mm), "") << "op " << i;
            }
        }
        EXPECT_GT(failures, 0) << "the workload should reach the watermarks";
        for (const auto& [p, o] : live)
            ASSERT_TRUE(freePages(mm, p, o).ok);
        ASSERT_EQ(checkBuddyInvariants(mm), "");
        // The per-CPU lists still hold pages: give them back first.
        drainAllPages(mm);
        ASSERT_EQ(checkBuddyInvariants(mm), "");
        mm.forEachZone([](const Zone& z) { ASSERT_EQ(pcpPages(z), 0u); });
        // Compare under the final pageblock types (boot's blocks re-cut the same way).
        auto final_blocks = snapshot(mm);
        MmModel& live_mm = mm;
        std::map<std::pair<int, int>, std::set<std::pair<pfn_t, int>>> boot_blocks;
        for (const Node& n : boot_mm.nodes)
            for (const Zone& z : n.zones)
                z.free_area.forEachBlock([&](pfn_t p, int o, int) {
                    const Zone& cur = live_mm.zone(z.nid, z.idx);
                    if (o > PAGEBLOCK_ORDER &&
                        (pageblockType(cur, p) == MIGRATE_HIGHATOMIC ||
                         pageblockType(cur, p + PAGEBLOCK_NR_PAGES) == MIGRATE_HIGHATOMIC)) {
                        boot_blocks[{z.nid, z.idx}].insert({p, PAGEBLOCK_ORDER});
                        boot_blocks[{z.nid, z.idx}].insert(
                            {p + PAGEBLOCK_NR_PAGES, PAGEBLOCK_ORDER});
                    } else {
                        boot_blocks[{z.nid, z.idx}].insert({p, o});
                    }
                });
        EXPECT_EQ(final_blocks, boot_blocks) << "seed " << seed;
    }
}

} // namespace
} // namespace mmsim
