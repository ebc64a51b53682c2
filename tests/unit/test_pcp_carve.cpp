// rmqueue_bulk's shortcut: with no micro-step probe on the thread, a pcp
// refill carves its blocks out of a split block in one go (page_pcp.cpp,
// carveBlock) instead of running __rmqueue_smallest block by block. The
// shortcut must be invisible: the same workload run twice, once with a probe
// installed (which forces the block-by-block path) and once without, must
// record the same events and leave the same free lists and pcp lists after
// every operation, in both profiles.
#include "core/event_probe.h"
#include "core/gfp.h"
#include "core/page_alloc.h"
#include "core/scenario.h"
#include "core/simulation.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace mmsim {
namespace {

// 2 nodes (DMA, DMA32 and Normal zones), 2 CPUs each, pcp on.
std::unique_ptr<Simulation> boot(const std::string& version) {
    const std::string text = R"({"format": "mmsim-scenario/1", "machine": {"cpus": 4,
        "e820": [
        {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
        {"addr": "0x100000", "size": "0x3ff00000", "type": "usable"},
        {"addr": "0x100000000", "size": "0x10000000", "type": "usable"}],
        "numa": {"nodes": [{"id": 0, "ranges": [["0x0", "0x3fffffff"]], "cpus": [0, 1]},
            {"id": 1, "ranges": [["0x40000000", "0x10fffffff"]], "cpus": [2, 3]}],
            "distance": [[10, 20], [20, 10]]},
        "kernel": {"version": ")" +
                             version + R"(", "pcp": true}}, "boot": "auto", "steps": []})";
    auto sim = std::make_unique<Simulation>(loadScenario(text, "<test>"));
    sim->runAll();
    return sim;
}

// Every free list (head to tail), nr_free, and every CPU's pcp lists and
// counters, as text.
std::string picture(const MmModel& mm) {
    std::ostringstream o;
    mm.forEachZone([&](const Zone& z) {
        o << "zone " << z.nid << ':' << z.idx << '\n';
        z.free_area.forEachBlock(
            [&](pfn_t pfn, int order, int mt) { o << pfn << '/' << order << '/' << mt << ' '; });
        o << '\n';
        for (int order = 0; order < NR_PAGE_ORDERS; ++order)
            o << z.free_area.nrFree(order) << ' ';
        o << '\n';
        for (const PerCpuPages& pcp : z.pageset) {
            o << "pcp " << pcp.count << ' ' << pcp.high << ' ' << pcp.batch << ' '
              << pcp.alloc_factor << ' ' << pcp.free_count << ':';
            for (const PcpList& l : pcp.lists) {
                o << " [";
                for (const PcpPage& p : l)
                    o << p.pfn << '/' << int{p.mt} << ' ';
                o << ']';
            }
            o << '\n';
        }
    });
    return o.str();
}

class NoOpProbe final : public EventProbe {
  public:
    void recorded(const EventSink&) override { ++seen; }
    std::size_t seen = 0;
};

struct Op {
    bool free = false;
    std::size_t slot = 0;
    AllocRequest req;
};

// A random workload of allocations of orders 0..10 of all three mobility
// types on every CPU, and frees, that keeps the machine about half full (so
// that the fallbacks steal and claim pageblocks), and drain_all_pages now
// and then.
std::vector<Op> workload(const KernelProfile& profile, std::uint32_t seed, int n) {
    const gfp_t gfps[] = {*parseGfp("GFP_KERNEL", profile),
                          *parseGfp("GFP_HIGHUSER_MOVABLE", profile),
                          *parseGfp("GFP_KERNEL | __GFP_RECLAIMABLE", profile)};
    std::mt19937 rng(seed);
    std::vector<Op> ops;
    std::size_t live = 0;
    for (int i = 0; i < n; ++i) {
        Op op;
        op.free = live > 0 && (live > 3000 || rng() % 5 < 2);
        if (op.free) {
            op.slot = rng() % live;
            --live;
        } else {
            op.req.gfp = gfps[rng() % 3];
            // Mostly the pcp orders (0..3 and 9): those are the refills.
            const unsigned r = rng() % 16;
            op.req.order = r < 10 ? static_cast<int>(r % 4) : r < 12 ? 9 : static_cast<int>(r - 8);
            op.req.cpu = static_cast<int>(rng() % 4);
            ++live;
        }
        ops.push_back(op);
    }
    return ops;
}

// Runs the workload on a fresh machine; after every operation, the events
// as the trace prints them and the picture of the machine.
struct Trace {
    std::vector<std::string> events, pictures;
    std::size_t split_refills = 0; // refill blocks taken from a larger block
};
Trace run(const std::string& version, const std::vector<Op>& ops, bool probe) {
    auto sim = boot(version);
    MmModel& mm = sim->state().mm;
    NoOpProbe watcher;
    std::unique_ptr<ScopedEventProbe> scope;
    if (probe) scope = std::make_unique<ScopedEventProbe>(&watcher);
    EXPECT_EQ(eventProbeActive(), probe);
    Trace out;
    std::vector<std::pair<pfn_t, int>> live;
    EventSink ev;
    for (std::size_t i = 0; i < ops.size(); ++i) {
        ev.clear();
        const Op& op = ops[i];
        if (op.free) {
            const auto [pfn, order] = live[op.slot];
            live.erase(live.begin() + static_cast<std::ptrdiff_t>(op.slot));
            // A failed allocation leaves nothing to free, in both runs.
            if (pfn != NO_PFN) {
                EXPECT_TRUE(freePages(mm, pfn, order, &ev, static_cast<int>(i % 4)).ok);
            }
        } else {
            const AllocOutcome o = allocPages(mm, op.req, &ev);
            live.emplace_back(o.ok ? o.pfn : NO_PFN, op.req.order);
        }
        if (i % 997 == 996) drainAllPages(mm, &ev);
        std::string text;
        for (std::size_t k = 0; k < ev.size(); ++k) {
            text += formatBuddyEvent(ev[k], mm.profile) + '\n';
            if (ev[k].kind == BuddyEvent::pcp_refill && k > 0 &&
                ev[k - 1].kind == BuddyEvent::buddy_split)
                ++out.split_refills;
        }
        out.events.push_back(std::move(text));
        out.pictures.push_back(picture(mm));
    }
    if (probe) {
        EXPECT_GT(watcher.seen, 0u);
    }
    EXPECT_EQ(checkBuddyInvariants(mm), "");
    return out;
}

// "" when equal, else the first line where a and b differ, both ways.
std::string firstDifference(const std::string& a, const std::string& b) {
    if (a == b) return "";
    std::istringstream sa(a), sb(b);
    std::string la, lb;
    for (int line = 1;; ++line) {
        const bool ga = static_cast<bool>(std::getline(sa, la));
        const bool gb = static_cast<bool>(std::getline(sb, lb));
        if (!ga || !gb || la != lb)
            return "line " + std::to_string(line) + ":\n  block by block: " + (ga ? la : "<end>") +
                   "\n  carved:         " + (gb ? lb : "<end>");
    }
}

class PcpCarve : public ::testing::TestWithParam<std::string> {};
INSTANTIATE_TEST_SUITE_P(Buddy, PcpCarve, ::testing::Values("6.12", "6.1"),
                         [](const auto& i) { return i.param == "6.1" ? "v6_1" : "v6_12"; });

TEST_P(PcpCarve, RefillInOneGoEqualsBlockByBlock) {
    const auto profile = boot(GetParam())->state().mm.profile;
    for (std::uint32_t seed = 1; seed <= 3; ++seed) {
        std::vector<Op> ops = workload(profile, seed, 6000);
        const Trace watched = run(GetParam(), ops, true);
        const Trace fast = run(GetParam(), ops, false);
        ASSERT_EQ(watched.events.size(), fast.events.size());
        // The workload must refill from split blocks, or nothing was carved.
        EXPECT_GT(fast.split_refills, 1000u) << "seed " << seed;
        for (std::size_t i = 0; i < ops.size(); ++i) {
            ASSERT_EQ(firstDifference(watched.events[i], fast.events[i]), "")
                << "events of seed " << seed << ", op " << i;
            ASSERT_EQ(firstDifference(watched.pictures[i], fast.pictures[i]), "")
                << "machine after seed " << seed << ", op " << i;
        }
    }
}

} // namespace
} // namespace mmsim
