// Explanations: the sentences name the kernel function of every event, the
// story of a split states the orders involved, and real steps (a split, a
// steal, a merge chain, a per-CPU refill) are told from their events.
#include "core/explain.h"
#include "core/scenario.h"
#include "core/simulation.h"
#include "one_block_scenario.h"

#include <gtest/gtest.h>

#include <map>

namespace mmsim {
namespace {

bool has(const std::string& s, const std::string& what) {
    return s.find(what) != std::string::npos;
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v)
        s += x + "\n";
    return s;
}

BuddyEvent ev(BuddyEvent::Kind k, int order, int from_order, int mt, pfn_t pfn) {
    BuddyEvent e;
    e.kind = k;
    e.nid = 0;
    e.zone = 2; // Normal
    e.order = static_cast<std::int8_t>(order);
    e.from_order = static_cast<std::int8_t>(from_order);
    e.mt = static_cast<std::int8_t>(mt);
    e.pfn = pfn;
    return e;
}

TEST(Explain, SplitStoryNamesTheListsAndTheHalves) {
    // An order-3 MOVABLE request served from an order-5 block.
    EventSink sink = {ev(BuddyEvent::rmqueue_smallest, 3, 5, MIGRATE_MOVABLE, 0x1000),
                      ev(BuddyEvent::buddy_split, 4, 5, MIGRATE_MOVABLE, 0x1010),
                      ev(BuddyEvent::buddy_split, 3, 4, MIGRATE_MOVABLE, 0x1008),
                      ev(BuddyEvent::mm_page_alloc, 3, 0, MIGRATE_MOVABLE, 0x1000)};
    const auto paras = explainStep(sink, KernelProfile{});
    ASSERT_EQ(paras.size(), 2u);
    const std::string& s = paras[0];
    EXPECT_TRUE(has(s, "the MOVABLE lists of order 3 to 4 are empty")) << s;
    EXPECT_TRUE(has(s, "__rmqueue_smallest() takes an order-5 MOVABLE block")) << s;
    EXPECT_TRUE(has(s, "expand() splits it twice")) << s;
    EXPECT_TRUE(has(s, "an order-4 and an order-3 half")) << s;
    EXPECT_TRUE(has(s, "node 0 Normal")) << s;
    EXPECT_TRUE(has(paras[1], "pfn 0x1000")) << paras[1];

    // One order up: the single empty list is named.
    EventSink one = {ev(BuddyEvent::rmqueue_smallest, 0, 1, MIGRATE_UNMOVABLE, 0x20),
                     ev(BuddyEvent::buddy_split, 0, 1, MIGRATE_UNMOVABLE, 0x21)};
    const std::string t = explainStep(one, KernelProfile{}).at(0);
    EXPECT_TRUE(has(t, "the order-0 UNMOVABLE list is empty")) << t;
    EXPECT_TRUE(has(t, "splits it once")) << t;
    EXPECT_TRUE(has(t, "an order-0 half")) << t;
}

TEST(Explain, EveryEventNamesItsFunction) {
    const std::map<BuddyEvent::Kind, std::string> fn = {
        {BuddyEvent::watermark_check, "zone_watermark_fast"},
        {BuddyEvent::rmqueue_smallest, "__rmqueue_smallest"},
        {BuddyEvent::buddy_split, "expand"},
        {BuddyEvent::mm_page_alloc_extfrag, "__rmqueue_"},
        {BuddyEvent::pageblock_steal, "try_to_steal_block"},
        {BuddyEvent::boost_watermark, "boost_watermark"},
        {BuddyEvent::reserve_highatomic, "reserve_highatomic_pageblock"},
        {BuddyEvent::buddy_merge, "__free_one_page"},
        {BuddyEvent::mm_page_alloc, "alloc_pages"},
        {BuddyEvent::mm_page_free, "__free_pages"},
        {BuddyEvent::alloc_fail, "__alloc_pages"},
        {BuddyEvent::kswapd_wake, "wakeup_kswapd"},
        {BuddyEvent::direct_reclaim, "__alloc_pages_slowpath"},
        {BuddyEvent::nofragment_retry, "ALLOC_NOFRAGMENT"},
        {BuddyEvent::pcp_hit, "rmqueue_pcplist"},
        {BuddyEvent::pcp_refill, "rmqueue_bulk"},
        {BuddyEvent::pcp_free, "free_unref_page"},
        {BuddyEvent::mm_page_pcpu_drain, "free_pcppages_bulk"},
        {BuddyEvent::drain_all_pages, "drain_all_pages"},
    };
    for (int k = 0; k <= BuddyEvent::drain_all_pages; ++k) {
        const auto kind = static_cast<BuddyEvent::Kind>(k);
        ASSERT_TRUE(fn.count(kind)) << buddyEventName(kind);
        const std::string s = explainEvent(ev(kind, 2, 4, MIGRATE_MOVABLE, 0x400), KernelProfile{});
        EXPECT_TRUE(has(s, fn.at(kind))) << buddyEventName(kind) << ": " << s;
    }
    KernelProfile v61;
    v61.version = KernelVersion::V6_1;
    EXPECT_TRUE(has(explainEvent(ev(BuddyEvent::pageblock_steal, 0, 0, 0, 0x200), v61),
                    "steal_suitable_fallback"));
    EXPECT_TRUE(has(explainEvent(ev(BuddyEvent::mm_page_alloc_extfrag, 0, 10, 0, 0x200), v61),
                    "__rmqueue_fallback"));
    // A watermark failure says the zone is passed over.
    BuddyEvent w = ev(BuddyEvent::watermark_check, 0, 0, 0, NO_PFN);
    w.mark = WMARK_LOW;
    w.free = 100;
    w.mark_pages = 300;
    w.pass = false;
    const std::string s = explainEvent(w, KernelProfile{});
    EXPECT_TRUE(has(s, "100 free pages")) << s;
    EXPECT_TRUE(has(s, "low watermark 300")) << s;
    EXPECT_TRUE(has(s, "passes it over")) << s;
}

std::string machine(const std::string& version, bool pcp, const std::string& steps) {
    return R"({"format": "mmsim-scenario/1", "machine": {"cpus": 2, "e820": [
        {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
        {"addr": "0x100000", "size": "127M", "type": "usable"}],
        "kernel": {"version": ")" +
           version + R"(", "pcp": )" + (pcp ? "true" : "false") +
           R"(}}, "boot": "auto", "steps": )" + steps + "}";
}

// The one-block machine (one_block_scenario.h) on two CPUs.
std::string oneBlockMachine(const std::string& version, const std::string& steps) {
    return test_scenarios::oneBlockScenario(version, 2, steps);
}

class ExplainProfiles : public ::testing::TestWithParam<std::string> {};
INSTANTIATE_TEST_SUITE_P(Explain, ExplainProfiles, ::testing::Values("6.12", "6.1"),
                         [](const auto& i) { return i.param == "6.1" ? "v6_1" : "v6_12"; });

TEST_P(ExplainProfiles, RealStepsAreToldFromTheirEvents) {
    Simulation sim(loadScenario(
        oneBlockMachine(
            GetParam(),
            R"([{"op": "alloc_pages", "order": 3, "gfp": "GFP_HIGHUSER_MOVABLE", "as": "m"},
                    {"op": "alloc_pages", "order": 0, "gfp": "GFP_KERNEL", "as": "k"},
                    {"op": "free_pages", "ref": "m"}])"),
        "<test>"));
    while (sim.executed() + 3 < sim.totalOps())
        sim.step();
    const KernelProfile& p = sim.state().mm.profile;
    // The movable request splits a big block.
    sim.step();
    std::string s = joined(explainStep(sim.lastEvents(), p));
    int splits = 0;
    for (const BuddyEvent& e : sim.lastEvents())
        splits += e.kind == BuddyEvent::buddy_split;
    ASSERT_GT(splits, 0);
    EXPECT_TRUE(has(s, "__rmqueue_smallest() takes an order-")) << s;
    EXPECT_TRUE(has(s, "expand() splits it")) << s;
    EXPECT_TRUE(has(s, "alloc_pages() returns an order-3 MOVABLE block")) << s;
    // The first unmovable request on an all-movable machine falls back.
    sim.step();
    bool fell_back = false;
    for (const BuddyEvent& e : sim.lastEvents())
        fell_back |= e.kind == BuddyEvent::mm_page_alloc_extfrag;
    ASSERT_TRUE(fell_back);
    s = joined(explainStep(sim.lastEvents(), p));
    EXPECT_TRUE(has(s, p.claimThenSteal() ? "__rmqueue_claim()" : "__rmqueue_fallback()")) << s;
    EXPECT_TRUE(has(s, "falls back to the MOVABLE list")) << s;
    // Freeing the order-3 block merges it back up.
    sim.step();
    int merges = 0;
    for (const BuddyEvent& e : sim.lastEvents())
        merges += e.kind == BuddyEvent::buddy_merge;
    ASSERT_GT(merges, 0);
    s = joined(explainStep(sim.lastEvents(), p));
    EXPECT_TRUE(has(s, "__free_one_page() finds the buddy of the freed order-3 block free and "
                       "merges " +
                           std::string(merges == 1   ? "once"
                                       : merges == 2 ? "twice"
                                                     : std::to_string(merges) + " times")))
        << s;
}

TEST(Explain, PerCpuRefillIsOneParagraphAndLongStepsAreCapped) {
    Simulation sim(loadScenario(
        machine(
            "6.12", true,
            R"([{"op": "alloc_pages", "order": 0, "gfp": "GFP_HIGHUSER_MOVABLE", "count": 200, "as": "m"}])"),
        "<test>"));
    sim.runAll();
    int refills = 0;
    for (const BuddyEvent& e : sim.lastEvents())
        refills += e.kind == BuddyEvent::pcp_refill;
    ASSERT_GT(refills, 1);
    const auto paras = explainStep(sim.lastEvents(), sim.state().mm.profile, 10);
    ASSERT_EQ(paras.size(), 11u); // 10 and the "more" line
    EXPECT_TRUE(has(joined(paras), "rmqueue_bulk() takes")) << joined(paras);
    EXPECT_TRUE(has(paras.back(), "more like these")) << paras.back();
}

} // namespace
} // namespace mmsim
