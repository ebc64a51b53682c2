// Micro-stepping shows the machine after each micro-event of a step
// (core/micro_state.h). These tests watch every event of long random
// workloads being recorded, take a picture of the whole buddy state (every
// free list in order, nr_free, pageblock types, per-CPU lists and counts,
// allocated blocks) at that moment, and check that each picture differs from
// the one before exactly as its event says, that each picture is a sound
// partial state (no page in two places), that stopping a re-run of the step
// at event k gives the same picture, and that a re-run to the end gives the
// state after the step. Hand-worked cases pin the pictures of a split down.
#include "core/micro_state.h"
#include "core/scenario.h"
#include "core/simulation.h"
#include "core/strfmt.h"
#include "core/timeline.h"
#include "one_block_scenario.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <random>
#include <set>

namespace mmsim {
namespace {

// ---- a picture of the buddy state ----

struct ZoneImage {
    int nid = 0, idx = 0;
    std::vector<std::vector<pfn_t>> lists; // [order * MIGRATE_TYPES + mt], head first
    std::vector<std::uint64_t> nr_free;
    std::uint64_t free_pages = 0;
    std::vector<int> types;              // pageblock migratetypes
    std::vector<std::vector<pfn_t>> pcp; // [cpu * NR_PCP_LISTS + pindex], head first
    std::vector<int> pcp_count;          // per cpu
    std::vector<std::pair<pfn_t, int>> allocated;
    bool operator==(const ZoneImage&) const = default;

    const std::vector<pfn_t>& list(int order, int mt) const {
        return lists[static_cast<std::size_t>(order * MIGRATE_TYPES + mt)];
    }
    const std::vector<pfn_t>& pcpList(int cpu, int pindex) const {
        return pcp[static_cast<std::size_t>(cpu * NR_PCP_LISTS + pindex)];
    }
    // The free list (order, mt) holding pfn as a block head, or {-1, -1}.
    std::pair<int, int> onList(pfn_t pfn) const {
        for (int o = 0; o < NR_PAGE_ORDERS; ++o)
            for (int mt = 0; mt < MIGRATE_TYPES; ++mt) {
                const auto& l = list(o, mt);
                if (std::find(l.begin(), l.end(), pfn) != l.end()) return {o, mt};
            }
        return {-1, -1};
    }
    bool freeCovers(pfn_t pfn) const {
        for (int o = 0; o < NR_PAGE_ORDERS; ++o)
            for (int mt = 0; mt < MIGRATE_TYPES; ++mt)
                for (pfn_t p : list(o, mt))
                    if (pfn >= p && pfn < p + (1ull << o)) return true;
        return false;
    }
    int allocatedOrder(pfn_t pfn) const {
        auto it = std::lower_bound(allocated.begin(), allocated.end(), std::make_pair(pfn, -1));
        return it != allocated.end() && it->first == pfn ? it->second : -1;
    }
    int type(pfn_t pfn, pfn_t base) const {
        return types[static_cast<std::size_t>((pfn - base) >> PAGEBLOCK_ORDER)];
    }
    pfn_t pb_base = 0;
};
using MachineImage = std::vector<ZoneImage>;

MachineImage image(const MmModel& mm) {
    MachineImage img;
    mm.forEachZone([&](const Zone& z) {
        if (!z.populated()) return;
        ZoneImage zi;
        zi.nid = z.nid;
        zi.idx = z.idx;
        zi.lists.resize(NR_PAGE_ORDERS * MIGRATE_TYPES);
        for (int o = 0; o < NR_PAGE_ORDERS; ++o) {
            zi.nr_free.push_back(z.free_area.nrFree(o));
            for (int mt = 0; mt < MIGRATE_TYPES; ++mt)
                for (pfn_t p = z.free_area.first(o, mt); p != NO_PFN; p = z.free_area.next(p))
                    zi.lists[static_cast<std::size_t>(o * MIGRATE_TYPES + mt)].push_back(p);
        }
        zi.free_pages = z.free_area.freePages();
        zi.pb_base = z.pageblocks.base();
        for (std::size_t i = 0; i < z.pageblocks.count(); ++i)
            zi.types.push_back(z.pageblocks.typeAt(i));
        for (const PerCpuPages& pcp : z.pageset) {
            for (const PcpList& l : pcp.lists) {
                std::vector<pfn_t> v;
                for (const PcpPage& p : l)
                    v.push_back(p.pfn);
                zi.pcp.push_back(std::move(v));
            }
            zi.pcp_count.push_back(pcp.count);
        }
        for (const auto& [pfn, b] : z.allocated)
            zi.allocated.emplace_back(pfn, b.order);
        img.push_back(std::move(zi));
    });
    return img;
}

const ZoneImage* zoneOf(const MachineImage& m, int nid, int idx) {
    for (const ZoneImage& z : m)
        if (z.nid == nid && z.idx == idx) return &z;
    return nullptr;
}

// The first difference between two pictures, in words ("" when equal).
std::string diff(const MachineImage& a, const MachineImage& b) {
    if (a.size() != b.size()) return "zone count";
    for (std::size_t i = 0; i < a.size(); ++i) {
        const ZoneImage &x = a[i], &y = b[i];
        const std::string z = strprintf("node %d zone %d: ", x.nid, x.idx);
        for (std::size_t l = 0; l < x.lists.size(); ++l)
            if (x.lists[l] != y.lists[l])
                return z + strprintf("free list order %zu mt %zu", l / MIGRATE_TYPES,
                                     l % MIGRATE_TYPES);
        if (x.nr_free != y.nr_free) return z + "nr_free";
        if (x.free_pages != y.free_pages) return z + "free pages";
        if (x.types != y.types) return z + "pageblock types";
        if (x.pcp != y.pcp) return z + "pcp lists";
        if (x.pcp_count != y.pcp_count) return z + "pcp counts";
        if (x.allocated != y.allocated) return z + "allocated blocks";
    }
    return {};
}

// A sound state between two events: counts agree with the lists, and no
// page is in two places (free block, allocated block, per-CPU list). A page
// in flight (taken, not yet handed out or put back) is in none.
std::string partialInvariants(const MachineImage& m) {
    for (const ZoneImage& z : m) {
        const std::string where = strprintf("node %d zone %d: ", z.nid, z.idx);
        std::uint64_t pages = 0;
        std::vector<std::pair<pfn_t, std::uint64_t>> ext;
        for (int o = 0; o < NR_PAGE_ORDERS; ++o) {
            std::uint64_t n = 0;
            for (int mt = 0; mt < MIGRATE_TYPES; ++mt) {
                n += z.list(o, mt).size();
                for (pfn_t p : z.list(o, mt)) {
                    if (p & ((1ull << o) - 1))
                        return where + strprintf("misaligned %#llx", (unsigned long long)p);
                    ext.emplace_back(p, 1ull << o);
                }
            }
            if (n != z.nr_free[static_cast<std::size_t>(o)])
                return where + strprintf("nr_free[%d] %llu, lists hold %llu", o,
                                         (unsigned long long)z.nr_free[static_cast<std::size_t>(o)],
                                         (unsigned long long)n);
            pages += n << o;
        }
        if (pages != z.free_pages) return where + "free pages differ from the lists";
        for (std::size_t cpu = 0; cpu < z.pcp_count.size(); ++cpu) {
            std::uint64_t n = 0;
            for (int pi = 0; pi < NR_PCP_LISTS; ++pi)
                for (pfn_t p : z.pcpList(static_cast<int>(cpu), pi)) {
                    const int o = pindexToOrder(pi);
                    ext.emplace_back(p, 1ull << o);
                    n += 1ull << o;
                }
            if (n != static_cast<std::uint64_t>(z.pcp_count[cpu]))
                return where + strprintf("cpu %zu pcp count %d, lists hold %llu", cpu,
                                         z.pcp_count[cpu], (unsigned long long)n);
        }
        for (const auto& [p, o] : z.allocated)
            ext.emplace_back(p, 1ull << o);
        std::sort(ext.begin(), ext.end());
        for (std::size_t i = 1; i < ext.size(); ++i)
            if (ext[i - 1].first + ext[i - 1].second > ext[i].first)
                return where +
                       strprintf("pages at %#llx in two places", (unsigned long long)ext[i].first);
    }
    return {};
}

// Does 'after' differ from 'before' as event e says? ("" when it does.)
std::string checkTransition(const MachineImage& before, const MachineImage& after,
                            const BuddyEvent& e, const BuddyEvent* prev) {
    if (e.zone < 0 || e.nid < 0) return {};
    const ZoneImage* a = zoneOf(before, e.nid, e.zone);
    const ZoneImage* b = zoneOf(after, e.nid, e.zone);
    if (!a || !b) return {};
    const pfn_t pfn = e.pfn;
    const auto order = static_cast<std::size_t>(e.order);
    auto fail = [&](const char* what) {
        return strprintf("%s pfn %#llx order %d mt %d: %s", buddyEventName(e.kind),
                         (unsigned long long)pfn, e.order, e.mt, what);
    };
    switch (e.kind) {
    case BuddyEvent::rmqueue_smallest: {
        const auto& l = a->list(e.from_order, e.mt);
        if (l.empty() || l.front() != pfn) return fail("was not the head of its list");
        if (b->onList(pfn).first >= 0) return fail("still on a free list");
        if (b->nr_free[static_cast<std::size_t>(e.from_order)] !=
            a->nr_free[static_cast<std::size_t>(e.from_order)] - 1)
            return fail("nr_free did not drop");
        break;
    }
    case BuddyEvent::buddy_split: {
        const auto& l = b->list(e.order, e.mt);
        if (l.empty() || l.front() != pfn) return fail("upper half not at the list head");
        if (a->onList(pfn).first >= 0) return fail("upper half was already free");
        if (b->nr_free[order] != a->nr_free[order] + 1) return fail("nr_free did not grow");
        const pfn_t lower = pfn - (1ull << e.order);
        if (b->freeCovers(lower)) return fail("lower half is on a list (not in flight)");
        break;
    }
    case BuddyEvent::buddy_merge: {
        const pfn_t h0 = pfn, h1 = pfn + (1ull << (e.order - 1));
        // One half is the block being freed (on no list); the other was its
        // free buddy - possibly put on its list just before without an event
        // of its own (6.12 frees a large block pageblock by pageblock).
        if (a->onList(h0).first >= 0 && a->onList(h1).first >= 0)
            return fail("both halves were free blocks");
        if (b->freeCovers(h0) || b->freeCovers(h1)) return fail("merged block on a list");
        break;
    }
    case BuddyEvent::pageblock_steal:
        if (a->type(pfn, a->pb_base) != e.fallback_mt) return fail("old type differs");
        if (b->type(pfn, b->pb_base) != e.mt) return fail("pageblock not retyped");
        break;
    case BuddyEvent::reserve_highatomic:
        if (a->type(pfn, a->pb_base) != e.fallback_mt) return fail("old type differs");
        if (b->type(pfn, b->pb_base) != MIGRATE_HIGHATOMIC) return fail("not HIGHATOMIC");
        break;
    case BuddyEvent::unreserve_highatomic:
        if (b->type(pfn, b->pb_base) != e.mt) return fail("pageblock not given back");
        break;
    case BuddyEvent::mm_page_alloc:
        if (pfn == NO_PFN) break;
        // A HIGHATOMIC reserve is made once the page is prepared (allocated),
        // before the allocation is traced.
        if (a->allocatedOrder(pfn) >= 0 && !(prev && prev->kind == BuddyEvent::reserve_highatomic))
            return fail("was allocated already");
        if (b->allocatedOrder(pfn) != e.order) return fail("not allocated");
        break;
    case BuddyEvent::mm_page_free:
        if (a->allocatedOrder(pfn) != e.order) return fail("was not allocated");
        if (b->allocatedOrder(pfn) >= 0) return fail("still allocated");
        break;
    case BuddyEvent::pcp_hit:
    case BuddyEvent::pcp_refill:
    case BuddyEvent::pcp_free: {
        const int pi = orderToPindex(e.mt, e.order);
        const auto& la = a->pcpList(e.cpu, pi);
        const auto& lb = b->pcpList(e.cpu, pi);
        const int ca = a->pcp_count[static_cast<std::size_t>(e.cpu)];
        const int cb = b->pcp_count[static_cast<std::size_t>(e.cpu)];
        const int n = 1 << e.order;
        if (e.kind == BuddyEvent::pcp_hit) {
            if (la.empty() || la.front() != pfn) return fail("was not the pcp list head");
            if (lb.size() + 1 != la.size() || cb != ca - n) return fail("pcp list did not shrink");
            if (static_cast<std::uint64_t>(cb) != e.nr) return fail("count differs from nr");
        } else if (e.kind == BuddyEvent::pcp_refill) {
            if (lb.empty() || lb.back() != pfn) return fail("not at the pcp list tail");
            if (lb.size() != la.size() + 1 || cb != ca + n) return fail("pcp list did not grow");
        } else {
            if (lb.empty() || lb.front() != pfn) return fail("not at the pcp list head");
            if (lb.size() != la.size() + 1) return fail("pcp list did not grow");
            if (static_cast<std::uint64_t>(cb) != e.nr) return fail("count differs from nr");
        }
        break;
    }
    case BuddyEvent::mm_page_pcpu_drain: {
        // Its merges (if any) come before it: the page may have left its
        // list before the previous event; if it had not, it was the tail.
        for (int pi = 0; pi < NR_PCP_LISTS; ++pi) {
            const auto& l = a->pcpList(e.cpu, pi);
            if (std::find(l.begin(), l.end(), pfn) != l.end() && l.back() != pfn)
                return fail("was not a pcp list tail");
            const auto& lb = b->pcpList(e.cpu, pi);
            if (std::find(lb.begin(), lb.end(), pfn) != lb.end()) return fail("still on pcp");
        }
        if (!b->freeCovers(pfn)) return fail("not back on a free list");
        break;
    }
    default:
        break;
    }
    return {};
}

// Watches every recorded event of one step: a picture per event, each
// checked against the one before; one picture (chosen at random) is kept
// to compare with a re-run stopped there.
class Watcher final : public EventProbe {
  public:
    static constexpr std::size_t kMaxWatched = 400;
    Watcher(const MmModel& mm, const EventSink& sink, MachineImage before, std::mt19937_64& rng)
        : mm_(mm), sink_(sink), prev_(std::move(before)), rng_(rng) {}
    void recorded(const EventSink& sink) override {
        if (&sink != &sink_) return; // a prediction's copy of the machine
        ++seen;
        // A picture costs the whole machine: a long step (a count of 3000
        // allocations) is watched for its first kMaxWatched events.
        if (sink.size() > kMaxWatched) return;
        MachineImage now = image(mm_);
        if (std::string bad = partialInvariants(now); !bad.empty() && error.empty())
            error = strprintf("after event %zu: ", sink.size()) + bad;
        // The event before this one is complete now: check it.
        if (sink.size() >= 2 && error.empty()) {
            const std::string bad =
                checkTransition(prev2_, prev_, sink[sink.size() - 2],
                                sink.size() >= 3 ? &sink[sink.size() - 3] : nullptr);
            if (!bad.empty()) error = strprintf("event %zu: ", sink.size() - 1) + bad;
        }
        if (std::uniform_int_distribution<std::size_t>(1, sink.size())(rng_) == 1) {
            kept = now;
            kept_at = sink.size();
        }
        prev2_ = std::move(prev_);
        prev_ = std::move(now);
    }
    // After the step: the last event's check.
    void finish(const EventSink& sink) {
        if (!sink.empty() && seen == sink.size() && seen <= kMaxWatched && error.empty()) {
            const std::string bad = checkTransition(
                prev2_, prev_, sink.back(), sink.size() >= 2 ? &sink[sink.size() - 2] : nullptr);
            if (!bad.empty()) error = strprintf("event %zu: ", sink.size()) + bad;
        }
    }
    std::string error;
    MachineImage kept;
    std::size_t kept_at = 0, seen = 0;

  private:
    const MmModel& mm_;
    const EventSink& sink_;
    MachineImage prev2_, prev_;
    std::mt19937_64& rng_;
};

std::string churnScenario(const std::string& version, bool pcp, std::uint64_t seed) {
    return R"({"format": "mmsim-scenario/1", "seed": )" + std::to_string(seed) +
           R"(, "machine": {"cpus": 2, "e820": [
              {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
              {"addr": "0x100000", "size": "263M", "type": "usable"}],
            "kernel": {"version": ")" +
           version + R"(", "pcp": )" + (pcp ? "true" : "false") + R"(}},
           "boot": "auto", "steps": [
      {"op": "workload", "count": 600, "mix": {"alloc_pages": 3, "free_pages": 1},
       "orders": {"0": 16, "1": 4, "2": 2, "3": 3, "4": 1, "5": 1, "9": 2, "10": 3},
       "gfp": {"GFP_KERNEL": 3, "GFP_HIGHUSER_MOVABLE": 4, "GFP_KERNEL | __GFP_RECLAIMABLE": 1,
               "GFP_ATOMIC": 2},
       "cpus": [0, 1], "free_policy": "random"},
      {"op": "alloc_pages", "order": 3, "gfp": "GFP_KERNEL", "count": 800},
      {"op": "alloc_pages", "order": 0, "gfp": "GFP_KERNEL", "count": 300},
      {"op": "alloc_pages", "order": 2, "gfp": "GFP_ATOMIC", "count": 40},
      {"op": "alloc_pages", "order": 1, "gfp": "GFP_ATOMIC", "count": 40},
      {"op": "drain_all_pages"},
      {"op": "workload", "count": 600, "mix": {"kmalloc": 4, "kfree": 3, "alloc_pages": 1,
       "free_pages": 1}, "sizes": {"64": 3, "512": 2, "16k": 1, "64k": 1},
       "orders": {"0": 2, "2": 1}, "gfp": {"GFP_KERNEL": 2, "GFP_ATOMIC": 1},
       "cpus": [0, 1], "free_policy": "random", "free_at_end": true},
      {"op": "drain_all_pages"}]})";
}

// Runs the whole scenario, watching every step's events; returns how many
// events of each kind were seen.
std::map<int, std::size_t> watchRun(const std::string& text) {
    std::map<int, std::size_t> kinds;
    Simulation sim(loadScenario(text, "churn.json"));
    Simulation scratch(sim.programPtr());
    std::mt19937_64 rng(7);
    sim.step(); // boot
    while (!sim.done()) {
        const std::size_t at = sim.executed();
        const Simulation::Snapshot pre = sim.snapshot();
        Watcher w(sim.state().mm, sim.lastEvents(), image(sim.state().mm), rng);
        {
            ScopedEventProbe probe(&w);
            sim.step();
        }
        const EventSink& ev = sim.lastEvents();
        w.finish(ev);
        EXPECT_EQ(w.seen, ev.size()) << "step " << at << ": an event was recorded unseen";
        EXPECT_EQ(w.error, "") << "step " << at << " (" << sim.describeOp(at) << ")";
        for (const BuddyEvent& e : ev)
            ++kinds[e.kind];
        const MachineImage post = image(sim.state().mm);
        // A re-run to the end is the step.
        scratch.restore(pre);
        EXPECT_FALSE(stepUntilEvents(scratch, ev.size() + 1));
        EXPECT_EQ(diff(image(scratch.state().mm), post), "") << "step " << at << " re-run";
        // A re-run stopped at event k is the picture taken at event k.
        if (w.kept_at) {
            scratch.restore(pre);
            EXPECT_TRUE(stepUntilEvents(scratch, w.kept_at));
            EXPECT_EQ(diff(image(scratch.state().mm), w.kept), "")
                << "step " << at << " stopped at event " << w.kept_at;
        }
        if (::testing::Test::HasFailure()) break;
    }
    return kinds;
}

void expectKinds(const std::map<int, std::size_t>& k, bool pcp) {
    for (int kind : {BuddyEvent::rmqueue_smallest, BuddyEvent::buddy_split, BuddyEvent::buddy_merge,
                     BuddyEvent::pageblock_steal, BuddyEvent::mm_page_alloc,
                     BuddyEvent::mm_page_free, BuddyEvent::mm_page_alloc_extfrag})
        EXPECT_GT(k.count(kind), 0u) << buddyEventName(static_cast<BuddyEvent::Kind>(kind));
    if (pcp) {
        for (int kind : {BuddyEvent::pcp_hit, BuddyEvent::pcp_refill, BuddyEvent::pcp_free,
                         BuddyEvent::mm_page_pcpu_drain})
            EXPECT_GT(k.count(kind), 0u) << buddyEventName(static_cast<BuddyEvent::Kind>(kind));
    }
}

TEST(MicroState, EveryEventOfRandomWorkloads612Pcp) {
    expectKinds(watchRun(churnScenario("6.12", true, 3)), true);
}
TEST(MicroState, EveryEventOfRandomWorkloads612NoPcp) {
    expectKinds(watchRun(churnScenario("6.12", false, 4)), false);
}
TEST(MicroState, EveryEventOfRandomWorkloads61Pcp) {
    expectKinds(watchRun(churnScenario("6.1", true, 5)), true);
}
TEST(MicroState, EveryEventOfRandomWorkloads61NoPcp) {
    expectKinds(watchRun(churnScenario("6.1", false, 6)), false);
}

// The buddy lessons, micro-stepped event by event the same way (the others
// repeat these mechanisms at greater length).
TEST(MicroState, EveryEventOfTheBuddyLessons) {
    std::map<int, std::size_t> all;
    for (const char* name : {"06-buddy-split-merge.json", "07-per-cpu-lists.json",
                             "08-migratetypes-fragmentation.json", "12-slub-percpu-partial.json",
                             "15-gfp-atomic-highatomic.json"}) {
        const std::string path = std::string(MMSIM_SCENARIOS) + "/" + name;
        SCOPED_TRACE(path);
        std::ifstream in(path);
        ASSERT_TRUE(in.good());
        const std::string text((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
        for (const auto& [k, n] : watchRun(text))
            all[k] += n;
    }
    expectKinds(all, true);
    EXPECT_GT(all.count(BuddyEvent::reserve_highatomic), 0u);
}

// ---- hand-worked: an order-0 page out of the only free order-10 block ----

// The one-block machine (one_block_scenario.h) on one CPU, then one alloc_pages.
std::string oneBlock(const std::string& version, const std::string& gfp) {
    return test_scenarios::oneBlockScenario(
        version, 1, R"([{"op": "alloc_pages", "order": 0, "gfp": ")" + gfp + R"("}])");
}

// The DMA32 picture after the first k events of the last operation.
ZoneImage dma32After(const std::string& text, std::size_t k, EventSink* events = nullptr) {
    Simulation sim(loadScenario(text, "one.json"));
    while (sim.executed() + 1 < sim.totalOps())
        sim.step();
    if (events) {
        Simulation full = sim;
        full.step();
        *events = full.lastEvents();
    }
    stepUntilEvents(sim, k);
    return *zoneOf(image(sim.state().mm), 0, ZONE_DMA32);
}

std::size_t indexOf(const EventSink& ev, BuddyEvent::Kind k) {
    for (std::size_t i = 0; i < ev.size(); ++i)
        if (ev[i].kind == k) return i;
    return ev.size();
}

TEST(MicroState, SplitOfTheOnlyOrder10BlockOneEventAtATime) {
    for (const std::string version : {"6.12", "6.1"}) {
        SCOPED_TRACE(version);
        const std::string text = oneBlock(version, "GFP_HIGHUSER_MOVABLE");
        EventSink ev;
        const ZoneImage before = dma32After(text, 0, &ev);
        ASSERT_EQ(before.list(10, MIGRATE_MOVABLE), std::vector<pfn_t>{0x2000});
        ASSERT_EQ(before.free_pages, 1024u);
        const std::size_t take = indexOf(ev, BuddyEvent::rmqueue_smallest);
        ASSERT_LT(take, ev.size());
        // Just before the take nothing has changed; after it, no list holds anything.
        EXPECT_EQ(dma32After(text, take), before);
        const ZoneImage taken = dma32After(text, take + 1);
        EXPECT_TRUE(taken.list(10, MIGRATE_MOVABLE).empty());
        EXPECT_EQ(taken.free_pages, 0u);
        EXPECT_EQ(taken.nr_free[10], 0u);
        EXPECT_EQ(taken.allocatedOrder(0x2000), -1); // in flight
        // Each split puts the upper half at its order's head: 0x2200 (order 9),
        // 0x2100 (order 8), ... 0x2001 (order 0).
        for (int j = 1; j <= 10; ++j) {
            SCOPED_TRACE(j);
            ASSERT_EQ(ev[take + static_cast<std::size_t>(j)].kind, BuddyEvent::buddy_split);
            const ZoneImage s = dma32After(text, take + 1 + static_cast<std::size_t>(j));
            for (int o = 0; o < NR_PAGE_ORDERS; ++o) {
                const bool split_off = o >= 10 - j && o < 10;
                EXPECT_EQ(s.list(o, MIGRATE_MOVABLE), split_off
                                                          ? std::vector<pfn_t>{0x2000 + (1ull << o)}
                                                          : std::vector<pfn_t>{})
                    << "order " << o;
                EXPECT_EQ(s.nr_free[static_cast<std::size_t>(o)], split_off ? 1u : 0u);
            }
            EXPECT_EQ(s.free_pages, 1024u - (1u << (10 - j)));
        }
        // Then the page is handed out.
        const std::size_t alloc = indexOf(ev, BuddyEvent::mm_page_alloc);
        ASSERT_LT(alloc, ev.size());
        EXPECT_EQ(dma32After(text, alloc).allocatedOrder(0x2000), -1);
        EXPECT_EQ(dma32After(text, alloc + 1).allocatedOrder(0x2000), 0);
        EXPECT_EQ(dma32After(text, alloc + 1).free_pages, 1023u);
    }
}

TEST(MicroState, ClaimOfTheWholeOrder10BlockRetypesBothPageblocks) {
    // An unmovable request finds only MOVABLE memory: 6.12 claims the whole
    // block (pageblock_steal) before splitting it.
    const std::string text = oneBlock("6.12", "GFP_KERNEL");
    EventSink ev;
    const ZoneImage before = dma32After(text, 0, &ev);
    const std::size_t steal = indexOf(ev, BuddyEvent::pageblock_steal);
    ASSERT_LT(steal, ev.size());
    EXPECT_EQ(before.type(0x2000, before.pb_base), MIGRATE_MOVABLE);
    EXPECT_EQ(dma32After(text, steal).type(0x2200, before.pb_base), MIGRATE_MOVABLE);
    const ZoneImage s = dma32After(text, steal + 1);
    EXPECT_EQ(s.type(0x2000, s.pb_base), MIGRATE_UNMOVABLE);
    EXPECT_EQ(s.type(0x2200, s.pb_base), MIGRATE_UNMOVABLE);
    EXPECT_EQ(s.free_pages, 0u);
    const ZoneImage split1 = dma32After(text, steal + 2);
    EXPECT_EQ(split1.list(9, MIGRATE_UNMOVABLE), std::vector<pfn_t>{0x2200});
}

// ---- the timeline's micro state ----

TEST(MicroState, TimelineShowsTheStateAfterTheCursor) {
    auto prog = compileScenario(loadScenario(churnScenario("6.12", true, 9), "churn.json"));
    TimelineOptions o;
    o.first_interval = 16;
    Timeline tl(prog, o);
    Simulation ref(prog);
    // Positions reached by seeking (the state before comes from replaying a
    // checkpoint) and by micro-stepping into the next step.
    for (std::size_t pos : {5u, 16u, 17u, 40u, 41u, 300u, 299u}) {
        SCOPED_TRACE(pos);
        tl.seek(pos);
        const std::size_t n = tl.sim().lastEvents().size();
        EXPECT_EQ(&tl.microSim(), &tl.sim()); // all revealed
        ref = Simulation(prog);
        while (ref.executed() + 1 < pos)
            ref.step();
        const Simulation::Snapshot pre = ref.snapshot();
        for (std::size_t k : {std::size_t{0}, std::size_t{1}, n / 2, n - 1}) {
            if (k >= n) continue;
            tl.setMicroCursor(k);
            ref.restore(pre);
            stepUntilEvents(ref, k);
            EXPECT_EQ(diff(image(tl.microSim().state().mm), image(ref.state().mm)), "")
                << "cursor " << k;
        }
        tl.setMicroCursor(n);
        EXPECT_EQ(&tl.microSim(), &tl.sim());
    }
    // Micro-stepping into the next step keeps the state before it.
    tl.seek(100);
    ASSERT_TRUE(tl.microStep());
    ASSERT_EQ(tl.position(), 101u);
    const MachineImage first = image(tl.microSim().state().mm);
    ref = Simulation(prog);
    while (ref.executed() < 100)
        ref.step();
    stepUntilEvents(ref, 1);
    EXPECT_EQ(diff(first, image(ref.state().mm)), "");
    // Stepping back and on again: the cursor covers the whole step.
    tl.stepBack();
    tl.step();
    EXPECT_EQ(&tl.microSim(), &tl.sim());
}

} // namespace
} // namespace mmsim
