// The page map: per-pageblock counts checked against the allocator's own
// free lists, a page-by-page recount, and the buddyinfo / pagetypeinfo text
// the kernel would print, after allocations of three mobility types, a
// pageblock steal and a free; level-of-detail cells keep every total.
#include "core/page_alloc.h"
#include "core/page_map.h"
#include "core/report.h"
#include "core/scenario.h"
#include "core/simulation.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

namespace mmsim {
namespace {

std::string scenario(const std::string& version, bool pcp) {
    return R"({"format": "mmsim-scenario/1", "machine": {"cpus": 2, "e820": [
        {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
        {"addr": "0x100000", "size": "127M", "type": "usable"}],
        "kernel": {"version": ")" +
           version + R"(", "pcp": )" + (pcp ? "true" : "false") + R"(}}, "boot": "auto", "steps": [
        {"op": "alloc_pages", "order": 0, "gfp": "GFP_KERNEL", "count": 40, "as": "k"},
        {"op": "alloc_pages", "order": 2, "gfp": "GFP_HIGHUSER_MOVABLE", "count": 30, "as": "u"},
        {"op": "alloc_pages", "order": 1, "gfp": "GFP_KERNEL | __GFP_RECLAIMABLE", "count": 12, "as": "r"},
        {"op": "alloc_pages", "order": 3, "gfp": "GFP_KERNEL", "cpu": 1, "as": "k3"},
        {"op": "alloc_pages", "order": 9, "gfp": "GFP_HIGHUSER_MOVABLE", "count": 3, "as": "thp"},
        {"op": "free_pages", "ref": "u"}
    ]})";
}

// "Node 0, zone    DMA32      1      3 ..." -> counts per (node, zone).
std::map<std::string, std::vector<std::uint64_t>> parseBuddyinfo(const std::string& text) {
    std::map<std::string, std::vector<std::uint64_t>> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        for (char& c : line)
            if (c == ',') c = ' ';
        std::istringstream l(line);
        std::string node, nid, zone, zname;
        l >> node >> nid >> zone >> zname;
        if (node != "Node") continue;
        std::vector<std::uint64_t> v;
        std::uint64_t x;
        while (l >> x)
            v.push_back(x);
        out[nid + zname] = v;
    }
    return out;
}

struct Pagetypeinfo {
    // "0,DMA32,Movable" -> free blocks per order
    std::map<std::string, std::vector<std::uint64_t>> free;
    // "0,DMA32" -> pageblocks per type (Unmovable Movable Reclaimable HighAtomic Isolate)
    std::map<std::string, std::vector<std::uint64_t>> blocks;
};

Pagetypeinfo parsePagetypeinfo(const std::string& text) {
    Pagetypeinfo p;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("Node", 0) != 0) continue;
        // "Node    0, zone    DMA32, type      Movable  1 2 ..." or
        // "Node 0, zone    DMA32    42  456 ..."
        std::string s = line;
        for (char& c : s)
            if (c == ',') c = ' ';
        std::istringstream l(s);
        std::string node, nid, zone, zname, word;
        l >> node >> nid >> zone >> zname;
        std::vector<std::uint64_t> v;
        if (line.find(", type") != std::string::npos) {
            std::string type, tname;
            l >> type >> tname;
            std::uint64_t x;
            while (l >> x)
                v.push_back(x);
            p.free[nid + "," + zname + "," + tname] = v;
        } else {
            std::uint64_t x;
            while (l >> x)
                v.push_back(x);
            p.blocks[nid + "," + zname] = v;
        }
    }
    return p;
}

class PageMapProfiles : public ::testing::TestWithParam<std::tuple<std::string, bool>> {};
INSTANTIATE_TEST_SUITE_P(PageMap, PageMapProfiles,
                         ::testing::Combine(::testing::Values("6.12", "6.1"), ::testing::Bool()),
                         [](const auto& i) {
                             return std::string(std::get<0>(i.param) == "6.1" ? "v6_1" : "v6_12") +
                                    (std::get<1>(i.param) ? "_pcp" : "_nopcp");
                         });

TEST_P(PageMapProfiles, MatchesFreeListsViewsAndAPageByPageRecount) {
    const auto& [version, pcp] = GetParam();
    Simulation sim(loadScenario(scenario(version, pcp), "<test>"));
    int steals = 0;
    while (!sim.done()) {
        sim.step();
        for (const BuddyEvent& e : sim.lastEvents())
            steals += e.kind == BuddyEvent::pageblock_steal ||
                      (e.kind == BuddyEvent::mm_page_alloc_extfrag && e.change_ownership);
    }
    // The scenario must exercise a fallback that changed a pageblock's owner.
    ASSERT_GT(steals, 0);
    const MmModel& mm = sim.state().mm;
    const MachinePageMap map = buildPageMap(mm);
    const auto buddyinfo = parseBuddyinfo(renderView(sim, "buddyinfo"));
    const Pagetypeinfo pti = parsePagetypeinfo(renderView(sim, "pagetypeinfo"));
    static const char* const kTypeNames[] = {"Unmovable", "Movable", "Reclaimable", "HighAtomic",
                                             "CMA",       "Isolate"};
    // pagetypeinfo's types: the kernel's config has no CMA.
    ASSERT_FALSE(mm.profile.cma);

    std::uint64_t machine_alloc = 0, machine_free = 0;
    std::array<std::uint64_t, MIGRATE_TYPES> mixed_seen{};
    int zones = 0;
    for (const NodePageMap& n : map.nodes) {
        for (const ZonePageMap& zm : n.zones) {
            ++zones;
            const Zone& z =
                mm.nodes[static_cast<std::size_t>(zm.nid)].zones[static_cast<std::size_t>(zm.zone)];
            const std::string key = std::to_string(zm.nid) + "," + zm.name;
            // nr_free per order: free_area and buddyinfo.
            const auto bi = buddyinfo.at(std::to_string(zm.nid) + zm.name);
            ASSERT_EQ(bi.size(), std::size_t(NR_PAGE_ORDERS));
            for (int o = 0; o < NR_PAGE_ORDERS; ++o) {
                EXPECT_EQ(zm.nr_free[o], z.free_area.nrFree(o)) << key << " order " << o;
                EXPECT_EQ(zm.nr_free[o], bi[static_cast<std::size_t>(o)]) << key << " order " << o;
                for (int mt = 0; mt < MIGRATE_TYPES; ++mt) {
                    EXPECT_EQ(zm.nr_free_mt[o][mt], z.free_area.listLength(o, mt));
                    if (mt == MIGRATE_CMA) continue;
                    EXPECT_EQ(zm.nr_free_mt[o][mt],
                              pti.free.at(key + "," + kTypeNames[mt])[static_cast<std::size_t>(o)])
                        << key << " " << kTypeNames[mt] << " order " << o;
                }
            }
            // Pageblocks per type: pagetypeinfo's block count table.
            const auto& counts = pti.blocks.at(key);
            for (int mt = 0, col = 0; mt < MIGRATE_TYPES; ++mt) {
                if (mt == MIGRATE_CMA) {
                    EXPECT_EQ(zm.totals.pageblocks_by_mt[mt], 0u);
                    continue;
                }
                EXPECT_EQ(zm.totals.pageblocks_by_mt[mt], counts[static_cast<std::size_t>(col++)])
                    << key << " " << kTypeNames[mt];
            }
            EXPECT_EQ(zm.totals.free, z.free_area.freePages());
            EXPECT_EQ(zm.totals.allocated(), z.allocated_pages);
            EXPECT_EQ(zm.totals.pcp, pcpPages(z));

            // Page by page, straight from the allocator's records.
            const pfn_t base = zm.blocks.empty() ? 0 : zm.blocks.front().start_pfn;
            std::vector<int> state(zm.blocks.size() * PAGEBLOCK_NR_PAGES,
                                   -1); // -1 none, 0..4 alloc mt, 10 free, 11 pcp
            for (const auto& [pfn, b] : z.free_area.records())
                for (pfn_t p = pfn; p < pfn + (1ull << b.order); ++p) {
                    ASSERT_EQ(state[p - base], -1);
                    state[p - base] = 10;
                }
            for (const auto& [pfn, b] : z.allocated)
                for (pfn_t p = pfn; p < pfn + (1ull << b.order); ++p) {
                    ASSERT_EQ(state[p - base], -1);
                    state[p - base] = b.mt;
                }
            for (const PerCpuPages& cpu : z.pageset)
                for (int pi = 0; pi < NR_PCP_LISTS; ++pi)
                    for (const PcpPage& pg : cpu.lists[static_cast<std::size_t>(pi)])
                        for (pfn_t p = pg.pfn; p < pg.pfn + (1ull << pindexToOrder(pi)); ++p) {
                            ASSERT_EQ(state[p - base], -1);
                            state[p - base] = 11;
                        }
            for (std::size_t i = 0; i < zm.blocks.size(); ++i) {
                const PageblockInfo& b = zm.blocks[i];
                std::uint64_t f = 0, c = 0;
                std::array<std::uint64_t, MIGRATE_TYPES> a{};
                for (std::size_t k = 0; k < PAGEBLOCK_NR_PAGES; ++k) {
                    const int s = state[i * PAGEBLOCK_NR_PAGES + k];
                    if (s == 10)
                        ++f;
                    else if (s == 11)
                        ++c;
                    else if (s >= 0)
                        ++a[static_cast<std::size_t>(s)];
                }
                ASSERT_EQ(b.free, f) << key << " block " << i;
                ASSERT_EQ(b.pcp, c) << key << " block " << i;
                bool mixed = false;
                for (int t = 0; t < MIGRATE_TYPES; ++t) {
                    ASSERT_EQ(b.alloc[t], a[t]) << key << " block " << i << " type " << t;
                    if (a[t] && t != b.mt && b.mt < MIGRATE_PCPTYPES) mixed = true;
                }
                EXPECT_EQ(b.mixed, mixed) << key << " block " << i;
                EXPECT_EQ(b.mt, z.pageblocks.typeAt(i));
                EXPECT_LE(b.free + b.pcp + b.allocated(), b.pages);
                if (b.mixed) ++mixed_seen[b.mt];
            }
            // Hover queries agree with the records.
            for (const auto& [pfn, b] : z.allocated) {
                PageBlockRef r;
                ASSERT_EQ(zm.stateOf(pfn + (1ull << b.order) - 1, &r),
                          ZonePageMap::State::Allocated);
                EXPECT_EQ(r.pfn, pfn);
                EXPECT_EQ(r.order, b.order);
            }
            for (const auto& [pfn, b] : z.free_area.records()) {
                PageBlockRef r;
                ASSERT_EQ(zm.stateOf(pfn, &r), ZonePageMap::State::Free);
                EXPECT_EQ(r.mt, b.mt);
                EXPECT_EQ(map.zoneOf(pfn), &zm);
            }
            machine_alloc += z.allocated_pages;
            machine_free += z.free_area.freePages();
        }
    }
    EXPECT_GE(zones, 2); // DMA and DMA32
    EXPECT_EQ(map.totals.allocated(), machine_alloc);
    EXPECT_EQ(map.totals.free, machine_free);
    // Allocated pages by the migratetype of each request, from the named allocations.
    std::array<std::uint64_t, MIGRATE_TYPES> by_request{};
    for (const auto& [name, a] : sim.pageAllocations()) {
        const int mt = name == "thp" ? MIGRATE_MOVABLE
                       : name == "r" ? MIGRATE_RECLAIMABLE
                                     : MIGRATE_UNMOVABLE;
        for (const auto& [pfn, order] : a.blocks)
            by_request[mt] += 1ull << order;
    }
    EXPECT_EQ(map.totals.alloc, by_request);
    EXPECT_EQ(by_request[MIGRATE_UNMOVABLE], 40u + 8u);
    EXPECT_EQ(by_request[MIGRATE_RECLAIMABLE], 24u);
    EXPECT_EQ(by_request[MIGRATE_MOVABLE], 3u * 512u);
}

TEST(PageMap, LevelOfDetailKeepsTotals) {
    Simulation sim(loadScenario(scenario("6.12", true), "<test>"));
    sim.runAll();
    const MachinePageMap map = buildPageMap(sim.state().mm);
    const std::vector<PageblockInfo> all = pageblocksOf(map, -1);
    std::size_t n = 0;
    for (const NodePageMap& node : map.nodes)
        for (const ZonePageMap& z : node.zones)
            n += z.blocks.size();
    ASSERT_EQ(all.size(), n);
    for (std::size_t i = 1; i < all.size(); ++i)
        EXPECT_LT(all[i - 1].start_pfn, all[i].start_pfn);
    for (int level : {0, 1, 3, 6}) {
        const auto cells = summarize(all, level);
        EXPECT_EQ(cells.size(), (all.size() + (1u << level) - 1) >> level);
        PageMapTotals t;
        std::uint64_t blocks = 0;
        for (const PageMapCell& c : cells) {
            t.add(c.totals);
            blocks += c.nr_blocks;
        }
        EXPECT_EQ(blocks, all.size());
        EXPECT_EQ(t.free, map.totals.free);
        EXPECT_EQ(t.alloc, map.totals.alloc);
        EXPECT_EQ(t.pcp, map.totals.pcp);
        EXPECT_EQ(t.mixed, map.totals.mixed);
        EXPECT_EQ(t.pageblocks_by_mt, map.totals.pageblocks_by_mt);
    }
    // The dominant type of a one-block cell is the block's type.
    const auto cells0 = summarize(all, 0);
    for (std::size_t i = 0; i < all.size(); ++i)
        EXPECT_EQ(cells0[i].dominant_mt, all[i].mt);
    EXPECT_EQ(levelFor(32768, 32768), 0);
    EXPECT_EQ(levelFor(32768, 32767), 1);
    EXPECT_EQ(levelFor(32768, 1000), 6); // 32768 / 64 = 512 cells
    EXPECT_EQ(levelFor(0, 10), 0);
}

} // namespace
} // namespace mmsim
