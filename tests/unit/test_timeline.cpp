// The timeline: round trips (step N then back K equals a fresh run of N-K
// steps; seek(n) equals running n steps; any walk of seeks, steps, steps
// back and micro-steps ends as a fresh run; reset equals a fresh load),
// micro steps, labels, checkpoint thinning and breakpoints.
#include "core/breakpoint.h"
#include "core/scenario.h"
#include "core/timeline.h"
#include "timeline_fixture.h"

#include <gtest/gtest.h>

#include <random>

namespace mmsim {
namespace {

using testing::everything;
using testing::twoNodeScenario;
using testing::workloadSteps;

std::shared_ptr<const Program> program(std::uint64_t count, std::uint64_t seed = 3) {
    return compileScenario(loadScenario(twoNodeScenario(workloadSteps(count), seed), "w.json"));
}

std::string freshRun(const std::shared_ptr<const Program>& p, std::size_t n) {
    Simulation sim(p);
    for (std::size_t i = 0; i < n; ++i)
        sim.step();
    return everything(sim);
}

// Small checkpoint intervals so that every path (coarse, fine, thinning) is
// exercised on a short run.
TimelineOptions smallOptions() {
    TimelineOptions o;
    o.first_interval = 16;
    o.max_checkpoints = 6;
    o.fine_checkpoints = 4;
    return o;
}

TEST(Timeline, StepThenBackEqualsAFreshRun) {
    auto p = program(1500);
    std::mt19937_64 rng(12345); // the test's own choice of N and K
    for (int round = 0; round < 6; ++round) {
        Timeline tl(p, smallOptions());
        const std::size_t n = 1 + rng() % tl.length();
        const std::size_t k = rng() % (n + 1);
        for (std::size_t i = 0; i < n; ++i)
            tl.step();
        for (std::size_t i = 0; i < k; ++i)
            ASSERT_TRUE(tl.stepBack());
        ASSERT_EQ(tl.position(), n - k);
        EXPECT_EQ(everything(tl.sim()), freshRun(p, n - k)) << "N=" << n << " K=" << k;
        // And forward again to N: the same as never having gone back.
        for (std::size_t i = 0; i < k; ++i)
            tl.step();
        EXPECT_EQ(everything(tl.sim()), freshRun(p, n)) << "N=" << n << " K=" << k;
    }
}

TEST(Timeline, SeekEqualsRunningThatManySteps) {
    auto p = program(1500);
    Timeline tl(p, smallOptions());
    std::mt19937_64 rng(99);
    for (int i = 0; i < 8; ++i) {
        const std::size_t n = rng() % (tl.length() + 1);
        tl.seek(n);
        ASSERT_EQ(tl.position(), n);
        EXPECT_EQ(everything(tl.sim()), freshRun(p, n)) << "seek " << n;
    }
    // The interval doubled to keep at most max_checkpoints coarse ones.
    tl.seek(tl.length());
    EXPECT_GT(tl.checkpointInterval(), 16u);
    EXPECT_LE(tl.checkpointCount(), 6u + 4u + 16u);
    tl.seek(tl.length() + 100);
    EXPECT_TRUE(tl.atEnd());
}

// The journals (log, clock records) are copied aside only when a restore
// needs them: any mix of seeks both ways, runs forward past where the
// timeline had been, steps back and micro-steps ends where a fresh run of
// that many steps ends.
TEST(Timeline, JournalsSurviveAnyWalk) {
    auto p = program(1500);
    Timeline tl(p, smallOptions());
    std::mt19937_64 rng(2024);
    for (int i = 0; i < 24; ++i) {
        switch (rng() % 4) {
        case 0:
            tl.seek(rng() % (tl.length() + 1));
            break;
        case 1: // forward, often past the furthest point so far
            for (std::size_t k = rng() % 400; k-- > 0 && tl.step();) {
            }
            break;
        case 2:
            for (std::size_t k = rng() % 40; k-- > 0 && tl.stepBack();) {
            }
            break;
        default:
            tl.microStep();
            tl.microSim(); // replays the step on the scratch copy from history
            break;
        }
        ASSERT_EQ(everything(tl.sim()), freshRun(p, tl.position())) << "move " << i;
    }
}

TEST(Timeline, ResetEqualsAFreshLoad) {
    auto p = program(300);
    Timeline tl(p, smallOptions());
    for (int i = 0; i < 200; ++i)
        tl.step();
    tl.reset();
    EXPECT_EQ(tl.position(), 0u);
    EXPECT_EQ(everything(tl.sim()), everything(Simulation(p)));
    EXPECT_FALSE(tl.stepBack());
}

TEST(Timeline, RepeatedStepBackLeavesFineCheckpoints) {
    auto p = program(800);
    TimelineOptions o = smallOptions();
    o.first_interval = 256;
    o.max_checkpoints = 64;
    o.fine_checkpoints = 8; // every 32 steps
    Timeline tl(p, o);
    tl.seek(700);
    for (int i = 0; i < 100; ++i)
        tl.stepBack();
    EXPECT_EQ(tl.position(), 600u);
    EXPECT_GT(tl.checkpointCount(), 4u); // fine ones in the stretch 512..700
    EXPECT_EQ(everything(tl.sim()), freshRun(p, 600));
}

TEST(Timeline, MicroStepRevealsOneEventAtATime) {
    Timeline tl(compileScenario(
        loadScenario(twoNodeScenario(R"([{"op": "alloc_pages", "order": 3, "gfp": "GFP_KERNEL"},
                            {"op": "alloc_pages", "order": 0, "gfp": "GFP_KERNEL"}])",
                                     1, false),
                     "m.json")));
    tl.step(); // boot
    ASSERT_TRUE(tl.microStep());
    EXPECT_EQ(tl.position(), 2u);
    const std::size_t n = tl.sim().lastEvents().size();
    ASSERT_GT(n, 2u);
    EXPECT_EQ(tl.microCursor(), 1u);
    const std::uint64_t start = tl.sim().lastStep()->start;
    EXPECT_EQ(tl.microClock(), start + tl.sim().lastEventCycles()[0]);
    for (std::size_t i = 1; i < n; ++i) {
        ASSERT_TRUE(tl.microStep());
        EXPECT_EQ(tl.position(), 2u);
        EXPECT_EQ(tl.microCursor(), i + 1);
    }
    EXPECT_EQ(tl.microClock(), tl.clock());
    ASSERT_TRUE(tl.microStep()); // the next step
    EXPECT_EQ(tl.position(), 3u);
    EXPECT_EQ(tl.microCursor(), 1u);
    EXPECT_FALSE(tl.microStep() && tl.microCursor() == 0);
}

TEST(Timeline, LabelsAndUntil) {
    auto p = program(100);
    Timeline tl(p);
    EXPECT_EQ(tl.labelPosition("start"), 2u); // boot, then the label op
    EXPECT_EQ(tl.labelPosition("churned"), 102u);
    EXPECT_EQ(tl.labelPosition("drained"), 103u);
    EXPECT_FALSE(tl.labelPosition("nope"));
    BreakpointSet bps;
    bps.add(parseBreakpoint("label:churned"));
    auto r = tl.run(bps);
    EXPECT_EQ(r.stop, Timeline::RunResult::Breakpoint);
    EXPECT_EQ(tl.position(), 102u);
}

// Breakpoints stop at the step the event happens in, checked against a
// plain run that looks at every step's events.
TEST(Timeline, EventBreakpointsStopAtTheRightStep) {
    auto p = program(3000);
    for (const char* kind : {"pageblock_steal", "pcp_drain", "buddy_merge", "alloc_fail"}) {
        Simulation ref(p);
        std::size_t want = 0;
        while (!ref.done() && !want) {
            ref.step();
            for (const BuddyEvent& e : ref.lastEvents()) {
                const std::string k = kind;
                if ((k == "pageblock_steal" &&
                     (e.kind == BuddyEvent::pageblock_steal ||
                      (e.kind == BuddyEvent::mm_page_alloc_extfrag && e.change_ownership))) ||
                    (k == "pcp_drain" && (e.kind == BuddyEvent::mm_page_pcpu_drain ||
                                          e.kind == BuddyEvent::drain_all_pages)) ||
                    (k == "buddy_merge" && e.kind == BuddyEvent::buddy_merge) ||
                    (k == "alloc_fail" && e.kind == BuddyEvent::alloc_fail))
                    want = ref.executed();
            }
        }
        Timeline tl(p);
        BreakpointSet bps;
        bps.add(parseBreakpoint(std::string("event:") + kind));
        auto r = tl.run(bps);
        if (!want) {
            EXPECT_EQ(r.stop, Timeline::RunResult::End) << kind;
            continue;
        }
        ASSERT_EQ(r.stop, Timeline::RunResult::Breakpoint) << kind;
        EXPECT_EQ(tl.position(), want) << kind;
        EXPECT_LT(r.hit->event, tl.sim().lastEvents().size());
    }
}

TEST(Timeline, ConditionBreakpointsAreEdgeTriggered) {
    // Fill node 0 (its zonelist without fallback to node 1) until DMA32 is
    // below its low mark: the slow path's min watermark lets it go there.
    auto p =
        compileScenario(loadScenario(twoNodeScenario(R"([{"op": "repeat", "times": 130, "steps": [
            {"op": "alloc_pages", "order": 3, "count": 64, "gfp": "GFP_KERNEL | __GFP_THISNODE"}]}])",
                                                     1, false),
                                     "c.json"));
    Simulation ref(p);
    ref.step();
    std::size_t want = 0;
    const Zone& n0 = ref.state().mm.zone(0, ZONE_DMA32);
    while (!ref.done() && !want) {
        ref.step();
        if (n0.free_area.freePages() < n0.lowWmark()) want = ref.executed();
    }
    ASSERT_GT(want, 0u) << "the scenario never gets below low";
    Timeline tl(p);
    BreakpointSet bps;
    bps.add(parseBreakpoint("zone:DMA32:free_pages<low"));
    auto r = tl.run(bps);
    ASSERT_EQ(r.stop, Timeline::RunResult::Breakpoint);
    EXPECT_EQ(tl.position(), want);
    // Still below: running on does not stop again at the next step.
    auto r2 = tl.run(bps, 3);
    EXPECT_EQ(r2.stop, Timeline::RunResult::Limit);
    // below_low as an event kind hits at the same step.
    Timeline tl2(p);
    BreakpointSet b2;
    b2.add(parseBreakpoint("event:below_low"));
    tl2.run(b2);
    EXPECT_LE(tl2.position(), want);
    // largest_free_order on any zone, and a step number.
    Timeline tl3(p);
    BreakpointSet b3;
    b3.add(parseBreakpoint("step:5"));
    tl3.run(b3);
    EXPECT_EQ(tl3.position(), 5u);
}

TEST(Timeline, BadBreakpointSpecs) {
    for (const char* bad :
         {"", "event:nosuch", "zone:Normal:free_pages", "zone:Nowhere:free_pages<3",
          "zone:Normal:nr_free<3", "zone:Normal:free_pages<lots", "value:free_pages<3", "step:x",
          "cache:dentry:free_pages<3", "frob:x"})
        EXPECT_THROW(parseBreakpoint(bad), std::invalid_argument) << bad;
    Breakpoint b = parseBreakpoint("zone:1/Normal:nr_free[9]>=2");
    EXPECT_EQ(b.query.nid, 1);
    EXPECT_EQ(b.query.zone, ZONE_NORMAL);
    EXPECT_EQ(b.query.order, 9);
    EXPECT_EQ(b.op, ">=");
    EXPECT_EQ(b.value, 2);
}

TEST(Timeline, PendingPrediction) {
    Timeline tl(compileScenario(loadScenario(
        twoNodeScenario(R"([{"op": "predict", "question": "Which node?", "about": "next_alloc_node",
                             "choices": [0, 1]},
                            {"op": "alloc_pages", "order": 0, "gfp": "GFP_KERNEL", "cpu": 1}])"),
        "p.json")));
    tl.step();
    EXPECT_FALSE(tl.pendingPrediction());
    tl.step();
    ASSERT_TRUE(tl.pendingPrediction());
    EXPECT_EQ(tl.pendingPrediction()->correct, 1); // CPU 1 is on node 1
    tl.step();
    EXPECT_FALSE(tl.pendingPrediction());
    EXPECT_EQ(tl.sim().lastAlloc().nid, 1);
    tl.stepBack();
    ASSERT_TRUE(tl.pendingPrediction());
    EXPECT_EQ(tl.pendingPrediction()->question, "Which node?");
}

// Conditions may be written with spaces; breakpoints that can never hit on
// the machine say why (the 512 MiB two-node machine has no Normal zone).
TEST(Timeline, BreakpointsThatCanNeverHitSayWhy) {
    const Breakpoint spaced = parseBreakpoint("zone:1/DMA32:nr_free[3] >= 12");
    const Breakpoint tight = parseBreakpoint("zone:1/DMA32:nr_free[3]>=12");
    EXPECT_EQ(spaced.query.name, tight.query.name);
    EXPECT_EQ(spaced.query.order, 3);
    EXPECT_EQ(spaced.op, ">=");
    EXPECT_EQ(spaced.value, 12);
    EXPECT_EQ(spaced.spec, "zone:1/DMA32:nr_free[3] >= 12");

    Timeline tl(program(50));
    tl.step(); // boot: the zones exist
    const std::size_t n = tl.length();
    EXPECT_EQ(breakpointProblem(spaced, tl.sim(), n), "");
    EXPECT_EQ(breakpointProblem(parseBreakpoint("zone:*:free_pages<low"), tl.sim(), n), "");
    EXPECT_EQ(breakpointProblem(parseBreakpoint("zone:Normal:free_pages < low"), tl.sim(), n),
              "this machine has no populated zone Normal on node 0 (it has 0/DMA, 0/DMA32, "
              "1/DMA32)");
    EXPECT_EQ(breakpointProblem(parseBreakpoint("zone:1/DMA:free_pages<low"), tl.sim(), n),
              "this machine has no populated zone DMA on node 1 (it has 0/DMA, 0/DMA32, 1/DMA32)");
    EXPECT_EQ(breakpointProblem(parseBreakpoint("zone:5/DMA32:free_pages<low"), tl.sim(), n),
              "this machine has no populated zone DMA32 on node 5 (it has 0/DMA, 0/DMA32, "
              "1/DMA32)");
    EXPECT_EQ(breakpointProblem(parseBreakpoint("label:start"), tl.sim(), n), "");
    EXPECT_EQ(breakpointProblem(parseBreakpoint("label:nosuch"), tl.sim(), n),
              "no step is labelled nosuch");
    EXPECT_EQ(breakpointProblem(parseBreakpoint("step:" + std::to_string(n)), tl.sim(), n), "");
    EXPECT_NE(breakpointProblem(parseBreakpoint("step:" + std::to_string(n + 1)), tl.sim(), n), "");
    EXPECT_EQ(breakpointProblem(parseBreakpoint("event:alloc_fail"), tl.sim(), n), "");
}

} // namespace
} // namespace mmsim
