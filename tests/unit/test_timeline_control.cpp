// Scenario control steps: label, checkpoint, repeat, expect, predict and
// workload, and the refused-step guarantee on the cheap (no copy) path.
#include "core/expect.h"
#include "core/report.h"
#include "core/scenario.h"
#include "core/simulation.h"
#include "core/strfmt.h"
#include "timeline_fixture.h"

#include <gtest/gtest.h>

namespace mmsim {
namespace {

using testing::everything;
using testing::twoNodeScenario;
using testing::workloadSteps;

Simulation load(const std::string& steps, std::uint64_t seed = 1, bool pcp = true) {
    return Simulation(loadScenario(twoNodeScenario(steps, seed, pcp), "t.json"));
}

InputError loadError(const std::string& steps) {
    try {
        Simulation sim = load(steps);
        sim.runAll();
    } catch (const InputError& e) {
        return e;
    }
    ADD_FAILURE() << "no error for " << steps;
    return InputError({}, "", "");
}

TEST(ControlSteps, RepeatExpandsIntoTheStepsItRuns) {
    Simulation sim = load(R"([{"op": "label", "name": "a"},
        {"op": "repeat", "times": 3, "label": "r", "steps": [
            {"op": "alloc_pages", "order": 2, "gfp": "GFP_KERNEL", "as": "x"},
            {"op": "repeat", "times": 2, "steps": [{"op": "checkpoint"}]},
            {"op": "free_pages", "ref": "x"}]},
        {"op": "checkpoint", "label": "end"}])");
    // boot + label + 3 * (alloc + 2 checkpoints + free) + checkpoint
    EXPECT_EQ(sim.totalOps(), 1u + 1u + 3u * 4u + 1u);
    const auto& labels = sim.program().labels;
    ASSERT_EQ(labels.size(), 3u);
    EXPECT_EQ(labels[0], (std::pair<std::string, std::size_t>{"a", 1}));
    EXPECT_EQ(labels[1], (std::pair<std::string, std::size_t>{"r", 13}));
    EXPECT_EQ(labels[2], (std::pair<std::string, std::size_t>{"end", 14}));
    EXPECT_EQ(*sim.labelOf(13), "r");
    EXPECT_EQ(sim.labelOf(12), nullptr);
    sim.runAll();
    EXPECT_TRUE(sim.pageAllocations().empty());
    EXPECT_EQ(sim.cycles().steps.size(), sim.totalOps());
}

TEST(ControlSteps, ExpectViewAndNamedNumbers) {
    // The expected text comes from a first run; a second run checks it.
    Simulation probe = load(R"([{"op": "alloc_pages", "order": 3, "gfp": "GFP_KERNEL"}])");
    probe.runAll();
    const std::string buddy = renderView(probe, "buddyinfo");
    const auto free = probe.state().mm.zone(1, ZONE_DMA32).free_area.freePages();
    const auto nr3 = probe.state().mm.zone(0, ZONE_DMA32).free_area.nrFree(3);
    const pfn_t pfn = probe.lastAlloc().pfn;
    json lines = json::array();
    for (const std::string& l : splitLines(buddy))
        lines.push_back(l);
    const std::string steps =
        R"([{"op": "alloc_pages", "order": 3, "gfp": "GFP_KERNEL"},
            {"op": "expect", "buddyinfo": )" +
        json(buddy).dump() + R"(},
            {"op": "expect", "buddyinfo": )" +
        lines.dump() + R"(},
            {"op": "expect", "zone": {"node": 1, "zone": "DMA32"}, "free_pages": )" +
        std::to_string(free) + R"(},
            {"op": "expect", "zone": "DMA32", "order": 3, "nr_free": {">=": )" +
        std::to_string(nr3) + R"(}},
            {"op": "expect", "last_alloc": "ok", "last_alloc_pfn": )" +
        std::to_string(pfn) +
        R"(},
            {"op": "expect", "zone": {"node": 1, "zone": "DMA32"}, "free_pages": {"<": )" +
        std::to_string(free) +
        R"(}, "label": "bad1"},
            {"op": "expect", "buddyinfo": "Node 0, zone      DMA 1 2 3"},
            {"op": "alloc_pages", "order": 10, "gfp": "GFP_KERNEL", "count": 1000},
            {"op": "expect", "last_alloc": null, "last_alloc_pfn": null}])";
    Simulation sim = load(steps);
    sim.runAll();
    ASSERT_EQ(sim.failedExpects().size(), 2u);
    const ExpectFailure& f = sim.failedExpects()[0];
    EXPECT_NE(f.where.find("t.json:"), std::string::npos) << f.where;
    EXPECT_NE(f.where.find("(at /steps/6)"), std::string::npos) << f.where;
    EXPECT_EQ(f.what, "free_pages of Node 1 DMA32");
    EXPECT_EQ(f.expected, "< " + std::to_string(free));
    EXPECT_EQ(f.actual, std::to_string(free));
    const ExpectFailure& g = sim.failedExpects()[1];
    EXPECT_NE(g.where.find("(at /steps/7)"), std::string::npos);
    EXPECT_EQ(g.what, "view buddyinfo differs at line 1");
    EXPECT_EQ(g.actual, buddy);
}

TEST(ControlSteps, ExpectInsideRepeatNamesTheNestedPointer) {
    Simulation sim = load(R"([{"op": "repeat", "times": 2, "steps": [
        {"op": "alloc_pages", "order": 0, "gfp": "GFP_KERNEL"},
        {"op": "expect", "last_alloc": null}]}])");
    sim.runAll();
    ASSERT_EQ(sim.failedExpects().size(), 2u);
    EXPECT_NE(sim.failedExpects()[0].where.find("(at /steps/0/steps/1)"), std::string::npos);
}

TEST(ControlSteps, BadControlStepsNameTheirPointer) {
    struct Case {
        const char* steps;
        const char* pointer;
        const char* words;
    } cases[] = {
        {R"([{"op": "repeat", "times": 0, "steps": [{"op": "checkpoint"}]}])", "/steps/0/times",
         "out of range"},
        {R"([{"op": "repeat", "times": 2}])", "/steps/0", "missing required field \"steps\""},
        {R"([{"op": "repeat", "times": 2, "steps": []}])", "/steps/0/steps", "non-empty"},
        {R"([{"op": "repeat", "times": 2, "steps": [{"op": "expect", "buddyinfo": 3}]}])",
         "/steps/0/steps/0/buddyinfo", "text"},
        {R"([{"op": "expect", "nosuchview": ""}])", "/steps/0/nosuchview", "unknown key"},
        {R"([{"op": "expect", "free_pages": 3}])", "/steps/0", "needs \"zone\""},
        {R"([{"op": "expect", "zone": "Normal", "free_pages": {"~": 3}}])", "/steps/0/free_pages/~",
         "unknown comparison"},
        {R"([{"op": "workload", "count": 5, "mix": {"alloc_pages": 0, "free_pages": 0}}])",
         "/steps/0/mix", "all zero"},
        {R"([{"op": "workload", "count": 5, "mix": {"kmalloc": 1}}])", "/steps/0",
         "needs \"sizes\""},
        {R"([{"op": "workload", "count": 5, "mix": {"alloc_pages": 1}, "gfp": {"GFP_BOGUS": 1}}])",
         "/steps/0/gfp/GFP_BOGUS", "GFP_BOGUS"},
        {R"([{"op": "workload", "count": 5, "mix": {"alloc_pages": 1}, "cpus": [0, 2]}])",
         "/steps/0/cpus/1", "does not exist"},
        {R"([{"op": "predict", "question": "q", "choices": ["a"], "about": "next_alloc_zone"}])",
         "/steps/0/choices", "at least two"},
        {R"([{"op": "predict", "question": "q", "choices": ["a", "b"], "about": "next_alloc_zone"}])",
         "/steps/0/about", "no allocation follows"},
        {R"([{"op": "predict", "question": "q", "choices": ["a", "b"], "about": "next_alloc_zone",
              "answer": "c"}, {"op": "alloc_pages", "order": 0, "gfp": "GFP_KERNEL"}])",
         "/steps/0/answer", "not one of the choices"},
        {R"([{"op": "label"}])", "/steps/0", "missing required field \"name\""},
    };
    for (const Case& c : cases) {
        InputError e = loadError(c.steps);
        EXPECT_EQ(e.pointer(), c.pointer) << c.steps << "\n" << e.what();
        EXPECT_NE(std::string(e.what()).find(c.words), std::string::npos) << e.what();
        EXPECT_GT(e.loc().line, 0) << e.what();
    }
}

// The simulation's answer to "which zone / node / list serves the next
// allocation" is what the allocation then does.
TEST(ControlSteps, PredictionsMatchWhatHappensNext) {
    for (bool pcp : {false, true}) {
        Simulation sim = load(R"([
            {"op": "alloc_pages", "order": 0, "gfp": "GFP_KERNEL", "cpu": 1},
            {"op": "predict", "question": "Which zone?", "about": "next_alloc_zone",
             "choices": ["DMA", "DMA32", "Normal"]},
            {"op": "predict", "question": "Which node?", "about": "next_alloc_node",
             "choices": [0, 1]},
            {"op": "predict", "question": "Which list?", "about": "next_alloc_order_list",
             "choices": ["pcp", 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]},
            {"op": "predict", "question": "Result?", "about": "next_alloc_result",
             "choices": ["ok", "fail"]},
            {"op": "alloc_pages", "order": 1, "gfp": "GFP_DMA32", "cpu": 1}])",
                              1, pcp);
        std::vector<Prediction> got;
        while (!sim.done()) {
            sim.step();
            if (sim.lastPrediction()) got.push_back(*sim.lastPrediction());
        }
        ASSERT_EQ(got.size(), 4u);
        const AllocRecord& r = sim.lastAlloc();
        ASSERT_TRUE(r.ok);
        EXPECT_EQ(got[0].choices[static_cast<std::size_t>(got[0].correct)], zoneName(r.zone));
        EXPECT_EQ(std::string(zoneName(r.zone)), "DMA32"); // GFP_DMA32: node 0's DMA32
        EXPECT_EQ(got[1].choices[static_cast<std::size_t>(got[1].correct)], std::to_string(r.nid));
        const std::string list = r.list < 0 ? "pcp" : std::to_string(r.list);
        EXPECT_EQ(got[2].choices[static_cast<std::size_t>(got[2].correct)], list);
        // Independently of AllocRecord: the events of the allocation say it.
        std::string seen = "none";
        for (const BuddyEvent& e : sim.lastEvents()) {
            if (e.kind == BuddyEvent::pcp_hit || e.kind == BuddyEvent::pcp_refill)
                seen = "pcp";
            else if (seen != "pcp" && e.kind == BuddyEvent::rmqueue_smallest)
                seen = std::to_string(e.from_order);
        }
        EXPECT_EQ(list, seen) << got[2].explanation;
        EXPECT_EQ(pcp, list == "pcp");
        EXPECT_EQ(got[3].answer, "ok");
        EXPECT_TRUE(sim.failedExpects().empty());
    }
}

TEST(ControlSteps, PredictValueAndWrongAnswers) {
    Simulation sim = load(R"([
        {"op": "alloc_pages", "order": 10, "gfp": "GFP_KERNEL", "as": "a"},
        {"op": "predict", "question": "How many?", "choices": [0, 1, 2, 3],
         "value": {"name": "pageblocks", "zone": "DMA32", "migratetype": "Unmovable"},
         "when": "now"},
        {"op": "predict", "question": "Largest free order after the free?",
         "choices": [9, 10], "answer": 9,
         "value": {"name": "largest_free_order", "zone": "DMA32"}},
        {"op": "free_pages", "ref": "a"},
        {"op": "predict", "question": "Which zone?", "about": "next_alloc_zone",
         "choices": ["DMA", "Movable"]},
        {"op": "alloc_pages", "order": 0, "gfp": "GFP_KERNEL"}])");
    std::vector<Prediction> got;
    while (!sim.done()) {
        sim.step();
        if (sim.lastPrediction()) got.push_back(*sim.lastPrediction());
    }
    ASSERT_EQ(got.size(), 3u);
    // Now: the Unmovable pageblocks of Normal: two (a 4 MiB Unmovable block).
    EXPECT_EQ(
        got[0].answer,
        std::to_string(pageblockCounts(sim.state().mm.zone(0, ZONE_DMA32)).n[MIGRATE_UNMOVABLE]));
    EXPECT_EQ(got[1].answer, "10");
    EXPECT_EQ(got[1].author_answer, 0);
    EXPECT_EQ(got[1].correct, 1);
    EXPECT_EQ(got[2].correct, -1);
    ASSERT_EQ(sim.failedExpects().size(), 2u);
    EXPECT_EQ(sim.failedExpects()[0].what, "predict: the scenario's answer is wrong");
    EXPECT_EQ(sim.failedExpects()[1].what, "predict: none of the choices is right");
    EXPECT_EQ(sim.failedExpects()[1].actual, "DMA32");
}

TEST(ControlSteps, WorkloadIsDeterministicAndSeeded) {
    auto trace = [](std::uint64_t seed, const std::string& policy) {
        Simulation sim = load(workloadSteps(3000, policy), seed);
        std::string t;
        while (!sim.done()) {
            sim.step();
            t += sim.describeOp(sim.executed() - 1) + "\n";
            for (const BuddyEvent& e : sim.lastEvents())
                t += formatBuddyEvent(e, sim.state().mm.profile) + "\n";
        }
        return t + everything(sim);
    };
    for (const char* policy : {"lifo", "fifo", "random"}) {
        const std::string a = trace(7, policy), b = trace(7, policy), c = trace(8, policy);
        EXPECT_EQ(a, b) << policy;
        EXPECT_NE(a, c) << policy;
    }
    Simulation sim = load(workloadSteps(3000));
    EXPECT_EQ(sim.totalOps(), 1u + 1u + 3000u + 1u);
}

// The generator's exact output for a fixed seed: the PRNG and the picks are
// our own integer arithmetic over mt19937_64, so these are the same on every
// standard library. (Computed once by this implementation; a change here
// changes every workload trace.)
TEST(ControlSteps, WorkloadRngIsPinned) {
    WorkloadRng rng(42);
    std::mt19937_64 ref(42);
    // below(): rejection only above the largest multiple of n (never for n = 2^k).
    for (int i = 0; i < 100; ++i)
        EXPECT_EQ(rng.below(1024), ref() % 1024);
    WorkloadRng w(1);
    std::mt19937_64 r2(1);
    std::vector<std::uint64_t> weights = {3, 0, 5};
    for (int i = 0; i < 100; ++i) {
        std::uint64_t x;
        do
            x = r2();
        while (x >= ~std::uint64_t{0} - (~std::uint64_t{0} % 8));
        const std::uint64_t v = x % 8;
        EXPECT_EQ(w.weighted(weights), v < 3 ? 0u : 2u);
    }
}

TEST(ControlSteps, WorkloadLifetimesAndFreeAtEnd) {
    Simulation sim = load(R"([{"op": "workload", "count": 500, "mix": {"alloc_pages": 1},
        "lifetime": {"min": 3, "max": 10}, "free_at_end": true, "orders": {"0": 1, "2": 1}}])");
    sim.runAll();
    // Every object freed: the free pages are back where they started (after a drain).
    Simulation fresh = load("[]");
    fresh.runAll();
    std::uint64_t live = 0;
    sim.state().mm.forEachZone([&](const Zone& z) { live += z.allocated_pages; });
    std::uint64_t live0 = 0;
    fresh.state().mm.forEachZone([&](const Zone& z) { live0 += z.allocated_pages; });
    EXPECT_EQ(live, live0);
}

// Refused steps leave every view, the log and the clock unchanged, on the
// path that takes no copy of the state.
TEST(ControlSteps, RefusedStepsChangeNothing) {
    const char* bad[] = {
        R"({"op": "alloc_pages", "order": 0, "gfp": "GFP_KERNEL", "cpu": 7})",
        R"({"op": "alloc_pages", "order": 0, "gfp": "GFP_BOGUS"})",
        R"({"op": "alloc_pages", "order": 0, "gfp": "GFP_KERNEL", "as": "a"})",
        R"({"op": "free_pages", "ref": "nobody"})",
        R"({"op": "sysctl", "name": "vm.lowmem_reserve_ratio", "value": [1, 2, 3, 4, "x"]})",
        R"({"op": "expect", "cache": "dentry", "active_objs": 3})",
    };
    for (const char* b : bad) {
        Simulation sim =
            load(std::string(R"([{"op": "alloc_pages", "order": 1, "gfp": "GFP_KERNEL", "as": "a"},
            {"op": "alloc_pages", "order": 0, "gfp": "GFP_KERNEL", "as": "b"}, )") +
                 b + "]");
        for (int i = 0; i < 3; ++i)
            sim.step(); // boot, a, b
        const std::string before = everything(sim);
        EXPECT_THROW(sim.step(), InputError) << b;
        EXPECT_TRUE(everything(sim) == before) << b;
        EXPECT_EQ(sim.executed(), 3u);
    }
}

} // namespace
} // namespace mmsim
