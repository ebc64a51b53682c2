// Per-CPU page lists: refill and bulk-free counts and 6.12's high tuning
// worked by hand from mm/page_alloc.c, drain_all_pages, "pcp": false, and
// the pagesets and /proc/pagetypeinfo against the qemu captures.
#include "core/gfp.h"
#include "core/import_dmesg.h"
#include "core/page_alloc.h"
#include "core/report.h"
#include "core/scenario.h"
#include "core/simulation.h"
#include "core/strfmt.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

namespace mmsim {
namespace {

std::string machine(const std::string& version, bool pcp, const std::string& steps = "[]") {
    return R"({"format": "mmsim-scenario/1", "machine": {"cpus": 2, "e820": [
        {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
        {"addr": "0x100000", "size": "511M", "type": "usable"}],
        "kernel": {"version": ")" +
           version + R"(", "pcp": )" + (pcp ? "true" : "false") +
           R"(}}, "boot": "auto", "steps": )" + steps + "}";
}

Simulation boot(const std::string& text) {
    Simulation sim(loadScenario(text, "<test>"));
    sim.runAll();
    return sim;
}

AllocOutcome alloc(MmModel& mm, int cpu, int order = 0, EventSink* ev = nullptr) {
    AllocRequest r;
    r.gfp = *parseGfp("GFP_KERNEL", mm.profile);
    r.order = order;
    r.cpu = cpu;
    return allocPages(mm, r, ev);
}

int count(const EventSink& ev, BuddyEvent::Kind k) {
    return static_cast<int>(
        std::count_if(ev.begin(), ev.end(), [k](const BuddyEvent& e) { return e.kind == k; }));
}

// zone_batchsize() and zone_highsize() written out again for the test.
int batchOf(std::uint64_t managed) {
    std::uint64_t b = std::min<std::uint64_t>(managed >> 10, 256) / 4;
    if (b < 1) b = 1;
    b += b / 2;
    std::uint64_t p = 1;
    while (p * 2 <= b)
        p *= 2;
    return static_cast<int>(std::max<std::uint64_t>(p - 1, 1));
}

class Pcp : public ::testing::TestWithParam<std::string> {};
INSTANTIATE_TEST_SUITE_P(Buddy, Pcp, ::testing::Values("6.12", "6.1"),
                         [](const auto& i) { return i.param == "6.1" ? "v6_1" : "v6_12"; });

TEST_P(Pcp, SizesAfterBoot) {
    Simulation sim = boot(machine(GetParam(), true));
    const Zone& z = sim.state().mm.zone(0, ZONE_DMA32);
    ASSERT_EQ(z.pageset.size(), 2u);
    // Sized with the watermarks: managed pages freed later (free_initmem)
    // change neither.
    const int batch = batchOf(z.wmark_managed);
    const int high_min = std::max(static_cast<int>(z.watermark[WMARK_LOW] / 2), batch * 4);
    for (const PerCpuPages& pcp : z.pageset) {
        EXPECT_EQ(pcp.batch, batch);
        EXPECT_EQ(pcp.count, 0);
        if (GetParam() == "6.1") {
            EXPECT_EQ(pcp.high, high_min); // pageset_update() sets it
        } else {
            EXPECT_EQ(pcp.high, 0); // not touched until the first use
            EXPECT_EQ(pcp.high_min, high_min);
            EXPECT_EQ(pcp.high_max, std::max(static_cast<int>(z.wmark_managed / 8 / 2), batch * 4));
        }
    }
}

// rmqueue_bulk: the first order-0 allocation refills `batch` pages, hands out
// the head, the next ones hit the list.
TEST_P(Pcp, RefillCountAndHits) {
    Simulation sim = boot(machine(GetParam(), true));
    MmModel& mm = sim.state().mm;
    Zone& z = mm.zone(0, ZONE_DMA32);
    const int batch = z.pageset[0].batch;
    ASSERT_GT(batch, 1);
    const std::uint64_t free0 = z.free_area.freePages();
    EventSink ev;
    AllocOutcome o = alloc(mm, 0, 0, &ev);
    ASSERT_TRUE(o.ok);
    EXPECT_EQ(count(ev, BuddyEvent::pcp_refill), batch);
    EXPECT_EQ(count(ev, BuddyEvent::pcp_hit), 0);
    EXPECT_EQ(z.pageset[0].count, batch - 1);
    EXPECT_EQ(z.free_area.freePages(), free0 - static_cast<std::uint64_t>(batch));
    // The refilled pages are consumed in the order the buddy produced them:
    // the first refilled block is the one returned.
    for (const BuddyEvent& e : ev)
        if (e.kind == BuddyEvent::pcp_refill) {
            EXPECT_EQ(e.pfn, o.pfn);
            EXPECT_EQ(formatBuddyEvent(e, mm.profile).rfind("mm_page_alloc_zone_locked: ", 0), 0u);
            break;
        }
    ev.clear();
    AllocOutcome o2 = alloc(mm, 0, 0, &ev);
    ASSERT_TRUE(o2.ok);
    EXPECT_EQ(count(ev, BuddyEvent::pcp_refill), 0);
    EXPECT_EQ(count(ev, BuddyEvent::pcp_hit), 1);
    EXPECT_EQ(o2.pfn, o.pfn + 1); // expand() handed out pfn, pfn+1, ...
    EXPECT_EQ(z.pageset[0].count, batch - 2);
    EXPECT_EQ(z.pageset[1].count, 0); // the other CPU's lists are untouched
    EXPECT_EQ(checkBuddyInvariants(mm), "");
    // Order 1: a list of its own, batch >> 1 (at least 2) blocks.
    ev.clear();
    ASSERT_TRUE(alloc(mm, 0, 1, &ev).ok);
    EXPECT_EQ(count(ev, BuddyEvent::pcp_refill), std::max(batch >> 1, 2));
    EXPECT_EQ(checkBuddyInvariants(mm), "");
}

// 6.12 nr_pcp_alloc(): each refill while the zone is above its high mark
// raises high by the scaled batch taken before alloc_factor grows; the
// second refill of order 0 takes batch << 1.
TEST(Pcp612, RefillRaisesHighAndScalesBatch) {
    Simulation sim = boot(machine("6.12", true));
    MmModel& mm = sim.state().mm;
    Zone& z = mm.zone(0, ZONE_DMA32);
    PerCpuPages& pcp = z.pageset[0];
    const int b = pcp.batch, hmin = pcp.high_min, hmax = pcp.high_max;
    ASSERT_FALSE(z.below_high);
    EventSink ev;
    ASSERT_TRUE(alloc(mm, 0, 0, &ev).ok);
    // high: clamp(0, hmin, hmax) = hmin, then + b; max_nr_alloc = high - 0 - b >= b: factor 1.
    EXPECT_EQ(pcp.high, std::min(hmin + b, hmax));
    EXPECT_EQ(pcp.alloc_factor, 1);
    for (int i = 1; i < b; ++i)
        ASSERT_TRUE(alloc(mm, 0).ok);
    ASSERT_EQ(pcp.count, 0);
    ev.clear();
    ASSERT_TRUE(alloc(mm, 0, 0, &ev).ok);
    EXPECT_EQ(count(ev, BuddyEvent::pcp_refill), 2 * b);
    EXPECT_EQ(pcp.high, std::min(hmin + b + 2 * b, hmax));
    EXPECT_EQ(pcp.alloc_factor, 2);
    // A free halves alloc_factor.
    ASSERT_TRUE(freePages(mm, mm.zone(0, ZONE_DMA32).allocated.begin()->first, 0, nullptr, 0).ok);
    EXPECT_EQ(pcp.alloc_factor, 1);
    EXPECT_EQ(checkBuddyInvariants(mm), "");
}

// Frees on a CPU whose lists are empty: when count reaches high,
// free_pcppages_bulk gives back nr_pcp_free pages, oldest first.
TEST_P(Pcp, BulkFreeWhenHighIsReached) {
    const bool v61 = GetParam() == "6.1";
    Simulation sim = boot(machine(GetParam(), true));
    MmModel& mm = sim.state().mm;
    Zone& z = mm.zone(0, ZONE_DMA32);
    const int b = z.pageset[1].batch;
    const int high = v61 ? z.pageset[1].high : z.pageset[1].high_min;
    std::vector<pfn_t> got;
    for (int i = 0; i < high + 10; ++i) {
        AllocOutcome o = alloc(mm, 0);
        ASSERT_TRUE(o.ok);
        got.push_back(o.pfn);
    }
    PerCpuPages& pcp = z.pageset[1];
    ASSERT_EQ(pcp.count, 0);
    EventSink ev;
    for (int i = 0; i < high - 1; ++i)
        ASSERT_TRUE(freePages(mm, got[static_cast<std::size_t>(i)], 0, &ev, 1).ok);
    EXPECT_EQ(count(ev, BuddyEvent::mm_page_pcpu_drain), 0);
    EXPECT_EQ(pcp.count, high - 1);
    ev.clear();
    ASSERT_TRUE(freePages(mm, got[static_cast<std::size_t>(high - 1)], 0, &ev, 1).ok);
    // 6.1: free_factor 0 -> batch; 6.12: clamp(free_count, batch, high - batch)
    // where free_count stopped growing at batch << 5.
    const int want = v61 ? b : std::clamp(std::min(high, b << 5), b, high - b);
    EXPECT_EQ(count(ev, BuddyEvent::mm_page_pcpu_drain), want);
    EXPECT_EQ(pcp.count, high - want);
    // The oldest page (the first freed, at the tail) went back first.
    for (const BuddyEvent& e : ev)
        if (e.kind == BuddyEvent::mm_page_pcpu_drain) {
            EXPECT_EQ(e.pfn, got[0]);
            break;
        }
    if (v61) {
        EXPECT_EQ(pcp.free_factor, 1);
    }
    EXPECT_EQ(checkBuddyInvariants(mm), "");
}

// 6.12: with ZONE_BELOW_HIGH set, frees lower high towards high_min.
TEST(Pcp612, BelowHighLowersHigh) {
    Simulation sim = boot(machine("6.12", true));
    MmModel& mm = sim.state().mm;
    Zone& z = mm.zone(0, ZONE_DMA32);
    PerCpuPages& pcp = z.pageset[0];
    ASSERT_TRUE(alloc(mm, 0).ok);
    ASSERT_TRUE(alloc(mm, 0).ok);
    const int b = pcp.batch, hmin = pcp.high_min;
    pcp.high = hmin + 5 * b;
    z.below_high = true;
    pcp.free_count = 0;
    const pfn_t p = z.allocated.begin()->first;
    ASSERT_TRUE(freePages(mm, p, 0, nullptr, 0).ok);
    // free_count 1: high -= max(free_count, batch); count < max(count, hmin): no bulk free.
    EXPECT_EQ(pcp.high, hmin + 4 * b);
    EXPECT_EQ(checkBuddyInvariants(mm), "");
}

// 6.12's decay_pcp_high (vmstat_update): high drops by an eighth per run,
// bounded below by high_min and by count - (batch << 5); what the CPU holds
// above the new high goes back to the zone in batches. 6.1 has no decay.
TEST_P(Pcp, VmstatUpdateDecaysHigh) {
    const bool v61 = GetParam() == "6.1";
    Simulation sim = boot(machine(GetParam(), true));
    MmModel& mm = sim.state().mm;
    Zone& z = mm.zone(0, ZONE_DMA32);
    PerCpuPages& pcp = z.pageset[0];
    // Fill CPU 0's lists: refills raise high (6.12) and leave pages cached.
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(alloc(mm, 0).ok);
    const int b = pcp.batch, hmin = v61 ? pcp.high : pcp.high_min;
    if (!v61) pcp.high = hmin + 40 * b; // as after a burst of frees
    const std::uint64_t free_before = z.free_area.freePages();
    const int count_before = pcp.count, high_before = pcp.high;
    ASSERT_GT(count_before, 0);
    EventSink ev;
    const std::uint64_t freed = vmstatUpdate(mm, 0, &ev);
    if (v61) {
        EXPECT_EQ(freed, 0u);
        EXPECT_EQ(pcp.high, high_before);
        EXPECT_EQ(pcp.count, count_before);
        EXPECT_TRUE(ev.empty());
        return;
    }
    const int want = std::max(
        {count_before - (b << PCP_BATCH_SCALE_MAX), high_before - (high_before >> 3), hmin});
    EXPECT_EQ(pcp.high, want);
    EXPECT_EQ(count(ev, BuddyEvent::decay_pcp_high), 1);
    // Run it until high reaches high_min: the pages above it go back.
    int runs = 1;
    while (pcp.high > hmin && runs < 100) {
        const int h = pcp.high;
        vmstatUpdate(mm, 0, &ev);
        EXPECT_LT(pcp.high, h);
        ++runs;
    }
    EXPECT_EQ(pcp.high, hmin);
    EXPECT_LE(pcp.count, hmin);
    EXPECT_EQ(z.free_area.freePages() - free_before,
              static_cast<std::uint64_t>(count_before - pcp.count));
    EXPECT_EQ(vmstatUpdate(mm, 0, nullptr), 0u);
    EXPECT_EQ(checkBuddyInvariants(mm), "");
}

TEST_P(Pcp, DrainAllPagesStepReturnsEverything) {
    Simulation sim(loadScenario(machine(GetParam(), true, R"([
        {"op": "alloc_pages", "order": 0, "gfp": "GFP_KERNEL", "count": 40, "as": "a"},
        {"op": "alloc_pages", "order": 2, "gfp": "GFP_HIGHUSER_MOVABLE", "cpu": 1, "count": 7, "as": "b"},
        {"op": "free_pages", "ref": "a", "cpu": 1},
        {"op": "free_pages", "ref": "b"},
        {"op": "drain_all_pages"}])"),
                                "<test>"));
    sim.step();
    MmModel& mm = sim.state().mm;
    std::map<std::pair<int, int>, std::set<std::pair<pfn_t, int>>> boot_blocks;
    mm.forEachZone([&](const Zone& z) {
        z.free_area.forEachBlock([&](pfn_t p, int o, int) {
            boot_blocks[{z.nid, z.idx}].insert({p, o});
        });
    });
    for (int i = 0; i < 4; ++i) {
        sim.step();
        ASSERT_EQ(checkBuddyInvariants(mm), "") << "step " << i;
    }
    std::uint64_t held = 0;
    mm.forEachZone([&](const Zone& z) { held += pcpPages(z); });
    ASSERT_GT(held, 0u);
    sim.step();
    EXPECT_EQ(checkBuddyInvariants(mm), "");
    std::uint64_t drained = 0;
    for (const BuddyEvent& e : sim.lastEvents())
        if (e.kind == BuddyEvent::mm_page_pcpu_drain) drained += 1ull << e.order;
    EXPECT_EQ(drained, held);
    EXPECT_EQ(count(sim.lastEvents(), BuddyEvent::drain_all_pages), 1);
    mm.forEachZone([](const Zone& z) { EXPECT_EQ(pcpPages(z), 0u); });
    std::map<std::pair<int, int>, std::set<std::pair<pfn_t, int>>> now;
    mm.forEachZone([&](const Zone& z) {
        z.free_area.forEachBlock([&](pfn_t p, int o, int) { now[{z.nid, z.idx}].insert({p, o}); });
    });
    EXPECT_EQ(now, boot_blocks);
}

TEST_P(Pcp, OffSendsEverythingToTheBuddyLists) {
    Simulation sim = boot(machine(GetParam(), false));
    MmModel& mm = sim.state().mm;
    const Zone& z = mm.zone(0, ZONE_DMA32);
    const std::uint64_t free0 = z.free_area.freePages();
    EventSink ev;
    AllocOutcome o = alloc(mm, 0, 0, &ev);
    ASSERT_TRUE(o.ok);
    EXPECT_EQ(z.free_area.freePages(), free0 - 1);
    ASSERT_TRUE(freePages(mm, o.pfn, 0, &ev, 0).ok);
    EXPECT_EQ(z.free_area.freePages(), free0);
    for (BuddyEvent::Kind k : {BuddyEvent::pcp_hit, BuddyEvent::pcp_refill, BuddyEvent::pcp_free,
                               BuddyEvent::mm_page_pcpu_drain})
        EXPECT_EQ(count(ev, k), 0);
}

// ---- against the captures ----

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    text.erase(std::remove(text.begin(), text.end(), '\r'), text.end());
    return text;
}

std::string section(const std::string& log, const std::string& name) {
    const std::string tag = "=====" + name + "\n";
    const std::size_t a = log.find(tag);
    if (a == std::string::npos) return {};
    const std::size_t b = log.find("=====", a + tag.size());
    return log.substr(a + tag.size(), b - a - tag.size());
}

struct Pageset {
    int count = 0, high = 0, batch = 0;
};
// "Node 0, zone DMA32" -> per-CPU pagesets.
std::map<std::string, std::vector<Pageset>> parsePagesets(const std::string& text) {
    std::map<std::string, std::vector<Pageset>> out;
    std::string zone;
    for (const std::string& raw : splitLines(text)) {
        std::string l = raw;
        if (l.rfind("Node ", 0) == 0) {
            std::istringstream is(l);
            std::string node, nid, zw, zn;
            is >> node >> nid >> zw >> zn;
            zone = nid + zn;
            continue;
        }
        std::istringstream is(l);
        std::string key;
        int v = 0;
        is >> key >> v;
        if (key == "cpu:") out[zone].emplace_back();
        if (out[zone].empty()) continue;
        if (key == "count:") out[zone].back().count = v;
        if (key == "high:") out[zone].back().high = v;
        if (key == "batch:") out[zone].back().batch = v;
    }
    return out;
}

class PcpCapture : public ::testing::TestWithParam<const char*> {
  protected:
    void SetUp() override {
        path_ = std::string(MMSIM_FIXTURES) + "/kernel/" + GetParam();
        log_ = readFile(path_);
        json sc = importDmesg(log_, path_);
        sim_ = std::make_unique<Simulation>(loadScenario(sc.dump(2), "imported.json"));
        sim_->runAll();
    }
    std::string path_, log_;
    std::unique_ptr<Simulation> sim_;
};
INSTANTIATE_TEST_SUITE_P(Qemu, PcpCapture,
                         ::testing::Values("qemu-6.12-n2-2G.log", "qemu-6.12-n1-448M.log",
                                           "qemu-6.12-n4-asym-4G.log", "qemu-6.1-n2-2G.log",
                                           "qemu-6.1-n1-3G-kernelcore.log"),
                         [](const auto& i) {
                             std::string s = i.param;
                             for (char& c : s)
                                 if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                             return s;
                         });

// batch always; 6.1's fixed high; 6.12: a pageset never used still has high
// 0, a used one lies in [high_min, high_max].
TEST_P(PcpCapture, PagesetsMatch) {
    const auto want = parsePagesets(section(log_, "zoneinfo"));
    const auto got = parsePagesets(renderView(*sim_, "zoneinfo"));
    ASSERT_FALSE(want.empty());
    const MmModel& mm = sim_->state().mm;
    for (const auto& [zone, cpus] : want) {
        ASSERT_TRUE(got.count(zone)) << zone;
        ASSERT_EQ(got.at(zone).size(), cpus.size()) << zone;
        const Zone* z = nullptr;
        mm.forEachZone([&](const Zone& zz) {
            if (std::to_string(zz.nid) + "," + zz.name() == zone) z = &zz;
        });
        ASSERT_NE(z, nullptr) << zone;
        for (std::size_t c = 0; c < cpus.size(); ++c) {
            const Pageset& w = cpus[c];
            const Pageset& g = got.at(zone)[c];
            EXPECT_EQ(g.batch, w.batch) << zone << " cpu " << c;
            EXPECT_EQ(g.count, 0);
            if (mm.profile.is61()) {
                EXPECT_EQ(g.high, w.high) << zone << " cpu " << c;
            } else if (w.high == 0) {
                EXPECT_EQ(g.high, 0) << zone << " cpu " << c;
            } else {
                const PerCpuPages& pcp = z->pageset[c];
                // mmsim's watermarks are within 2% of the kernel's (see
                // test_fidelity_boot), and high_min derives from the low mark.
                EXPECT_GE(w.high, pcp.high_min - pcp.high_min / 50) << zone << " cpu " << c;
                EXPECT_LE(w.high, pcp.high_max) << zone << " cpu " << c;
            }
        }
    }
}

// /proc/pagetypeinfo: the same lines with the same layout as the capture
// (the free counts differ: the real system had run), the same pageblock
// totals per zone, and numbers equal to the allocator's own counts.
TEST_P(PcpCapture, PagetypeinfoLayout) {
    const std::vector<std::string> want = splitLines(section(log_, "pagetypeinfo"));
    const std::string text = renderView(*sim_, "pagetypeinfo");
    const std::vector<std::string> got = splitLines(text);
    ASSERT_EQ(got.size(), want.size()) << text;
    const MmModel& mm = sim_->state().mm;
    for (std::size_t i = 0; i < want.size(); ++i) {
        const std::string& w = want[i];
        const std::string& g = got[i];
        EXPECT_EQ(g.size(), w.size()) << "line " << i << ": " << g;
        if (w.rfind("Node ", 0) != 0) {
            EXPECT_EQ(g, w) << "line " << i;
            continue;
        }
        const bool free_row = w.find(", type ") != std::string::npos;
        const std::size_t prefix = free_row ? w.find(", type ") + 19 : 22;
        EXPECT_EQ(g.substr(0, prefix), w.substr(0, prefix)) << "line " << i;
        std::istringstream gs(g.substr(prefix)), ws(w.substr(prefix));
        std::vector<std::uint64_t> gv, wv;
        for (std::uint64_t v; gs >> v;)
            gv.push_back(v);
        for (std::uint64_t v; ws >> v;)
            wv.push_back(v);
        ASSERT_EQ(gv.size(), wv.size()) << "line " << i;
        // Which zone and type.
        std::istringstream is(g);
        std::string node, nid, zw, zn, tw, tn;
        is >> node >> nid >> zw >> zn;
        if (zn.back() == ',') zn.pop_back();
        if (nid.back() == ',') nid.pop_back();
        const Zone* z = nullptr;
        mm.forEachZone([&](const Zone& zz) {
            if (zz.populated() && std::to_string(zz.nid) == nid && zz.name() == zn) z = &zz;
        });
        ASSERT_NE(z, nullptr) << g;
        if (free_row) {
            is >> tw >> tn;
            int mt = 0;
            while (mt < MIGRATE_TYPES && migratetypeName(mt) != tn)
                ++mt;
            ASSERT_LT(mt, MIGRATE_TYPES) << tn;
            for (int o = 0; o < NR_PAGE_ORDERS; ++o)
                EXPECT_EQ(gv[static_cast<std::size_t>(o)], z->free_area.nrFreeOf(o, mt));
        } else {
            const PageblockCounts c = pageblockCounts(*z);
            std::uint64_t gs_sum = 0, ws_sum = 0;
            // The columns are the types of the kernel's config (no CMA).
            std::size_t col = 0;
            for (int mt = 0; mt < MIGRATE_TYPES; ++mt) {
                if (!migratetypeShown(mt, mm.profile.cma)) continue;
                EXPECT_EQ(gv[col], c.n[static_cast<std::size_t>(mt)]);
                gs_sum += gv[col];
                ws_sum += wv[col];
                ++col;
            }
            EXPECT_EQ(col, gv.size());
            // The kernel's boot allocations have re-typed some blocks, but
            // the pageblocks counted per zone (page_zone(page) == zone, with
            // a memory map) must be the same set.
            EXPECT_EQ(gs_sum, ws_sum) << g;
        }
    }
}

} // namespace
} // namespace mmsim
