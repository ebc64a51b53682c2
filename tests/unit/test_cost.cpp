// The cycle cost model, the clock and the trace: hand-worked step costs,
// the NUMA factor, scenario overrides, a golden trace and determinism.
#include "core/cost.h"
#include "core/report.h"
#include "core/scenario.h"
#include "core/simulation.h"

#include <gtest/gtest.h>

#include <numeric>

namespace mmsim {
namespace {

// The only free memory is one order-10 MOVABLE block at pfn 0x2000 (DMA32).
std::string oneBlock(const std::string& steps, const std::string& cost = "") {
    return R"({"format": "mmsim-scenario/1", "machine": {"cpus": 2, "e820": [
        {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
        {"addr": "0x100000", "size": "63M", "type": "usable"}],
        "kernel": {"version": "6.12", "pcp": false})" +
           (cost.empty() ? "" : ", \"cost\": " + cost) + R"(},
      "boot": [{"op": "memblock_add", "base": "0", "size": "64M"},
               {"op": "memblock_reserve", "base": "0", "size": "32M"},
               {"op": "memblock_reserve", "base": "36M", "size": "28M"},
               {"op": "memblock_free_all"}],
      "steps": )" +
           steps + "}";
}

const char* kAllocFree = R"([{"op": "alloc_pages", "order": 0, "gfp": "GFP_HIGHUSER_MOVABLE",
                              "cpu": 1, "as": "a"},
                             {"op": "free_pages", "ref": "a"}])";

// Two nodes of 128 MiB, CPU 0 on node 0 and CPU 1 on node 1 (distance 20).
std::string twoNodes(const std::string& steps, const std::string& cost = "") {
    return R"({"format": "mmsim-scenario/1", "machine": {"cpus": 2, "e820": [
        {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
        {"addr": "0x100000", "size": "0xff00000", "type": "usable"}],
        "numa": {"nodes": [{"id": 0, "ranges": [["0x0", "0x7ffffff"]], "cpus": [0]},
                           {"id": 1, "ranges": [["0x8000000", "0xfffffff"]], "cpus": [1]}]},
        "kernel": {"pcp": false})" +
           (cost.empty() ? "" : ", \"cost\": " + cost) + R"(}, "steps": )" + steps + "}";
}

Simulation run(const std::string& text) {
    Simulation sim(loadScenario(text, "<test>"));
    sim.runAll();
    return sim;
}

std::string traceOf(const std::string& text) {
    Simulation sim(loadScenario(text, "<test>"));
    std::string t = traceHeader();
    while (!sim.done()) {
        sim.step();
        t += traceLines(sim.lastEvents(), sim.lastEventCycles(), sim.lastStep()->start,
                        sim.lastStep()->cpu, sim.state().mm.profile);
    }
    return t;
}

TEST(CostModel, EveryEventKindHasAnEntry) {
    CostModel m;
    for (int k = 0; k < 256; ++k) {
        const std::string n = buddyEventName(static_cast<BuddyEvent::Kind>(k));
        if (n != "?") {
            EXPECT_NE(m.find(n), nullptr) << n << " has no cost entry";
        }
    }
}

TEST(CostModel, PlausibleRatios) {
    const CostModel m;
    EXPECT_LT(m.pcp_hit, 100u);
    EXPECT_LE(m.buddy_split, 100u);
    EXPECT_LE(m.buddy_merge, 100u);
    EXPECT_GE(m.zone_lock, 100u);
    EXPECT_GE(m.pageblock_steal, 1000u);
}

TEST(CostStep, HandWorkedAllocAndFree) {
    Simulation sim(loadScenario(oneBlock(kAllocFree), "<test>"));
    for (int i = 0; i < 4; ++i)
        sim.step(); // the boot
    EXPECT_EQ(sim.cycles().now, 0u);
    sim.step(); // alloc_pages order 0 MOVABLE from the order-10 block
    const EventSink& ev = sim.lastEvents();
    // watermark_check, rmqueue_smallest, ten splits, mm_page_alloc.
    ASSERT_EQ(ev.size(), 13u);
    EXPECT_EQ(ev[0].kind, BuddyEvent::watermark_check);
    EXPECT_EQ(ev[1].kind, BuddyEvent::rmqueue_smallest);
    EXPECT_EQ(ev[12].kind, BuddyEvent::mm_page_alloc);
    // 15 + (200 lock + 50) + 10 * 40 + 30
    EXPECT_EQ(sim.lastStep()->cycles, 695u);
    EXPECT_EQ(sim.cycles().now, 695u);
    const auto& c = sim.lastEventCycles();
    EXPECT_EQ(std::accumulate(c.begin(), c.end(), std::uint64_t{0}), 695u);
    EXPECT_EQ(c[1], 250u);
    EXPECT_EQ(sim.cycles().paths[static_cast<int>(CostPath::buddy)].count, 1u);
    sim.step(); // free_pages: mm_page_free (+ lock) and ten merges
    EXPECT_EQ(sim.lastEvents().size(), 11u);
    EXPECT_EQ(sim.lastStep()->cycles, 30u + 200u + 10u * 60u);
    EXPECT_EQ(sim.lastStep()->start, 695u);
    EXPECT_EQ(sim.cycles().now, 695u + 830u);
    EXPECT_EQ(sim.cycles().paths[static_cast<int>(CostPath::merge)].count, 1u);
    EXPECT_EQ(sim.cycles().paths[static_cast<int>(CostPath::merge)].buckets[9], 1u); // 512..1023
}

TEST(CostStep, FallbackStealIsThousands) {
    Simulation sim = run(oneBlock(R"([{"op": "alloc_pages", "order": 0, "gfp": "GFP_KERNEL"}])"));
    const auto& p = sim.cycles().paths[static_cast<int>(CostPath::fallback)];
    ASSERT_EQ(p.count, 1u);
    // 15 + (200 lock + 3000 steal) + 10 * 40 + 100 extfrag + 30
    EXPECT_EQ(p.max, 3745u);
}

TEST(CostNuma, RemoteAllocationPaysTheDistance) {
    const std::string local = R"([{"op": "alloc_pages", "order": 0, "gfp": "GFP_KERNEL",
                                   "cpu": 1, "nid": 1}])";
    const std::string remote = R"([{"op": "alloc_pages", "order": 0, "gfp": "GFP_KERNEL",
                                    "cpu": 0, "nid": 1}])";
    Simulation l = run(twoNodes(local)), r = run(twoNodes(remote));
    ASSERT_EQ(l.lastEvents().size(), r.lastEvents().size());
    for (const BuddyEvent& e : r.lastEvents())
        if (e.nid >= 0) {
            EXPECT_EQ(e.nid, 1);
        }
    ASSERT_GT(l.lastStep()->cycles, 0u);
    // Every event is on node 1's memory: distance 20, factor 2.
    EXPECT_EQ(r.lastStep()->cycles, 2 * l.lastStep()->cycles);
    // Switched off, remote costs what local does.
    Simulation off = run(twoNodes(remote, R"({"numa_factor": false})"));
    EXPECT_EQ(off.lastStep()->cycles, l.lastStep()->cycles);
    // The factor is distance/10: 21 -> 2.1x.
    MmModel mm;
    mm.distance = {{10, 21}, {21, 10}};
    CycleClock clock;
    BuddyEvent e;
    e.kind = BuddyEvent::buddy_split;
    e.nid = 1;
    EXPECT_EQ(clock.cost(e, 0, mm), 84u);
    EXPECT_EQ(clock.cost(e, 1, mm), 40u);
}

TEST(CostScenario, OverrideFromMachineCost) {
    Simulation sim(loadScenario(
        oneBlock(kAllocFree, R"({"buddy_split": 7, "zone_lock": 0, "watermark_check": 1})"),
        "<test>"));
    EXPECT_EQ(sim.scenario().machine.cost.buddy_split, 7u);
    EXPECT_TRUE(sim.scenario().machine.cost.numa_factor);
    for (int i = 0; i < 5; ++i)
        sim.step();
    EXPECT_EQ(sim.lastStep()->cycles, 1u + 50u + 10u * 7u + 30u);
}

TEST(CostScenario, BadOverridesAreRefused) {
    EXPECT_THROW(loadScenario(oneBlock("[]", R"({"buddy_splitt": 7})"), "<t>"), InputError);
    EXPECT_THROW(loadScenario(oneBlock("[]", R"({"buddy_split": -1})"), "<t>"), InputError);
    EXPECT_THROW(loadScenario(oneBlock("[]", R"({"numa_factor": 1})"), "<t>"), InputError);
    EXPECT_THROW(loadScenario(oneBlock("[]", R"([1])"), "<t>"), InputError);
    try {
        loadScenario(oneBlock("[]", R"({"buddy_splitt": 7})"), "<t>");
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("/machine/cost/buddy_splitt"), std::string::npos)
            << e.what();
    }
}

TEST(CostView, CyclesView) {
    Simulation sim = run(oneBlock(kAllocFree));
    const std::string v = renderView(sim, "cycles");
    EXPECT_NE(v.find("clock: 1525 cycles\nsteps: 6\n"), std::string::npos) << v;
    EXPECT_NE(v.find("alloc_pages"), std::string::npos);
    EXPECT_NE(v.find("latency histogram: buddy"), std::string::npos);
    EXPECT_NE(v.find("latency histogram: merge"), std::string::npos);
}

TEST(TraceGolden, SmallScenario) {
    // Hand-checked: the stamps are the running sums of the table costs
    // (lock 200 on the first buddy event of each operation), the CPU is the
    // step's (the free has none: 0), the text formatBuddyEvent's.
    const std::string want =
        traceHeader() +
        "           mmsim-0       [001] .....            15: watermark_check: node=0 zone=DMA32 "
        "order=0 mark=high mark_pages=96 free=1024 lowmem_reserve=0 "
        "alloc_flags=ALLOC_WMARK_LOW|ALLOC_KSWAPD result=pass\n"
        "           mmsim-0       [001] .....           265: rmqueue_smallest: node=0 zone=DMA32 "
        "pfn=0x2000 order=0 from_order=10 migratetype=1\n"
        "           mmsim-0       [001] .....           305: buddy_split: node=0 zone=DMA32 "
        "pfn=0x2200 from_order=10 order=9 migratetype=1\n"
        "           mmsim-0       [001] .....           345: buddy_split: node=0 zone=DMA32 "
        "pfn=0x2100 from_order=9 order=8 migratetype=1\n"
        "           mmsim-0       [001] .....           385: buddy_split: node=0 zone=DMA32 "
        "pfn=0x2080 from_order=8 order=7 migratetype=1\n"
        "           mmsim-0       [001] .....           425: buddy_split: node=0 zone=DMA32 "
        "pfn=0x2040 from_order=7 order=6 migratetype=1\n"
        "           mmsim-0       [001] .....           465: buddy_split: node=0 zone=DMA32 "
        "pfn=0x2020 from_order=6 order=5 migratetype=1\n"
        "           mmsim-0       [001] .....           505: buddy_split: node=0 zone=DMA32 "
        "pfn=0x2010 from_order=5 order=4 migratetype=1\n"
        "           mmsim-0       [001] .....           545: buddy_split: node=0 zone=DMA32 "
        "pfn=0x2008 from_order=4 order=3 migratetype=1\n"
        "           mmsim-0       [001] .....           585: buddy_split: node=0 zone=DMA32 "
        "pfn=0x2004 from_order=3 order=2 migratetype=1\n"
        "           mmsim-0       [001] .....           625: buddy_split: node=0 zone=DMA32 "
        "pfn=0x2002 from_order=2 order=1 migratetype=1\n"
        "           mmsim-0       [001] .....           665: buddy_split: node=0 zone=DMA32 "
        "pfn=0x2001 from_order=1 order=0 migratetype=1\n"
        "           mmsim-0       [001] .....           695: mm_page_alloc: "
        "page=ffffea0000080000 pfn=0x2000 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE\n"
        "           mmsim-0       [000] .....           925: mm_page_free: "
        "page=ffffea0000080000 pfn=0x2000 order=0\n"
        "           mmsim-0       [000] .....           985: buddy_merge: node=0 zone=DMA32 "
        "pfn=0x2000 order=1 migratetype=1\n"
        "           mmsim-0       [000] .....          1045: buddy_merge: node=0 zone=DMA32 "
        "pfn=0x2000 order=2 migratetype=1\n"
        "           mmsim-0       [000] .....          1105: buddy_merge: node=0 zone=DMA32 "
        "pfn=0x2000 order=3 migratetype=1\n"
        "           mmsim-0       [000] .....          1165: buddy_merge: node=0 zone=DMA32 "
        "pfn=0x2000 order=4 migratetype=1\n"
        "           mmsim-0       [000] .....          1225: buddy_merge: node=0 zone=DMA32 "
        "pfn=0x2000 order=5 migratetype=1\n"
        "           mmsim-0       [000] .....          1285: buddy_merge: node=0 zone=DMA32 "
        "pfn=0x2000 order=6 migratetype=1\n"
        "           mmsim-0       [000] .....          1345: buddy_merge: node=0 zone=DMA32 "
        "pfn=0x2000 order=7 migratetype=1\n"
        "           mmsim-0       [000] .....          1405: buddy_merge: node=0 zone=DMA32 "
        "pfn=0x2000 order=8 migratetype=1\n"
        "           mmsim-0       [000] .....          1465: buddy_merge: node=0 zone=DMA32 "
        "pfn=0x2000 order=9 migratetype=1\n"
        "           mmsim-0       [000] .....          1525: buddy_merge: node=0 zone=DMA32 "
        "pfn=0x2000 order=10 migratetype=1\n";
    EXPECT_EQ(traceOf(oneBlock(kAllocFree)), want);
}

TEST(TraceDeterminism, TwoRunsIdentical) {
    std::string steps = "[";
    for (int i = 0; i < 40; ++i) {
        const char* gfp = i % 3 == 0   ? "GFP_KERNEL"
                          : i % 3 == 1 ? "GFP_HIGHUSER_MOVABLE"
                                       : "GFP_ATOMIC";
        steps += std::string(i ? "," : "") + R"({"op": "alloc_pages", "order": )" +
                 std::to_string(i % 11) + R"(, "gfp": ")" + gfp + R"(", "cpu": )" +
                 std::to_string(i % 2) + R"(, "as": "a)" + std::to_string(i) + "\"}";
        if (i % 4 == 3)
            steps += R"(, {"op": "free_pages", "ref": "a)" + std::to_string(i - 2) + "\"}";
    }
    steps += "]";
    const std::string a = traceOf(twoNodes(steps)), b = traceOf(twoNodes(steps));
    EXPECT_GT(a.size(), 5000u);
    EXPECT_EQ(a, b);
}

} // namespace
} // namespace mmsim
