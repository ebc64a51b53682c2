// Run comparison: every row of a RunSummary checked against the machine it
// summarises, read live from the zones while the run is stepped (free pages,
// largest order, the machine-wide indices from the vmstat.c formulas written
// out again here, the blocks that could serve an order-N request), the
// cumulative event counts against the events, and the CSV/JSON shapes.
#include "core/scenario.h"
#include "core/series_compare.h"
#include "core/simulation.h"
#include "core/timeseries.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

namespace mmsim {
namespace {

struct Live {
    double free_pages = 0, largest = -1, unusable = 0, extfrag = 0, suitable = 0;
};

// Machine-wide values at 'order' straight from the zones' free areas.
Live liveValues(const Simulation& sim, int order) {
    Live v;
    double blocks = 0;
    for (const Node& n : sim.state().mm.nodes)
        for (const Zone& z : n.zones) {
            if (!z.populated()) continue;
            for (int o = 0; o < NR_PAGE_ORDERS; ++o) {
                const double nr = static_cast<double>(z.free_area.nrFree(o));
                blocks += nr;
                v.free_pages += nr * double(1u << o);
                if (nr > 0 && o > v.largest) v.largest = o;
                if (o >= order) v.suitable += nr * double(1u << (o - order));
            }
        }
    // unusable: the share of free pages not in blocks of at least 'order'
    // (truncated to thousandths as the kernel computes it); all of it when
    // nothing is free.
    v.unusable =
        v.free_pages == 0
            ? 1.0
            : std::floor((v.free_pages - v.suitable * double(1u << order)) * 1000 / v.free_pages) /
                  1000;
    if (blocks == 0)
        v.extfrag = 0;
    else if (v.suitable > 0)
        v.extfrag = -1;
    else
        v.extfrag =
            (1000 -
             std::floor((1000 + std::floor(v.free_pages * 1000 / double(1u << order))) / blocks)) /
            1000;
    return v;
}

const char* kScenario = R"({"format": "mmsim-scenario/1", "title": "churn",
  "machine": {"cpus": 2, "e820": [
    {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
    {"addr": "0x100000", "size": "31M", "type": "usable"}], "kernel": {"pcp": false}},
  "steps": [
    {"op": "workload", "count": 400, "seed": 11, "mix": {"alloc_pages": 3, "free_pages": 2},
     "orders": {"0": 8, "1": 2, "3": 2, "5": 1, "9": 1},
     "gfp": {"GFP_KERNEL": 2, "GFP_HIGHUSER_MOVABLE": 3, "GFP_KERNEL | __GFP_RECLAIMABLE": 1},
     "free_policy": "random"}
  ]})";

TEST(SeriesCompare, EveryRowMatchesTheZones) {
    for (int order : {0, 3, 9}) {
        Simulation sim(loadScenario(kScenario, "<cmp>"));
        SeriesRecorder rec(100000, order);
        std::vector<Live> live;
        std::vector<double> failures;
        double failed = 0;
        while (!sim.done()) {
            sim.step();
            rec.sample(sim);
            if (!sim.state().mm.nodes.empty() && rec.storedRows() > live.size()) {
                for (const BuddyEvent& e : sim.lastEvents())
                    if (e.kind == BuddyEvent::alloc_fail) failed += 1;
                live.push_back(liveValues(sim, order));
                failures.push_back(failed);
            }
        }
        const RunSummary r = summarizeRun(rec.series(sim), "churn");
        ASSERT_EQ(r.rows(), live.size());
        ASSERT_GT(r.rows(), 300u);
        bool fragmented = false;
        for (std::size_t i = 0; i < r.rows(); ++i) {
            SCOPED_TRACE(testing::Message() << "order " << order << " row " << i);
            EXPECT_EQ(r.free_pages[i], live[i].free_pages);
            EXPECT_EQ(r.largest_order[i], live[i].largest);
            EXPECT_EQ(r.suitable[i], live[i].suitable);
            EXPECT_NEAR(r.unusable[i], live[i].unusable, 1e-9);
            EXPECT_NEAR(r.extfrag[i], live[i].extfrag, 1e-9);
            EXPECT_EQ(r.failures[i], failures[i]);
            if (i) {
                EXPECT_GE(r.steals[i], r.steals[i - 1]);
            }
            fragmented = fragmented || live[i].unusable > 0.2;
        }
        if (order == 9) {
            EXPECT_TRUE(fragmented) << "the workload should fragment order 9";
        }
    }
}

TEST(SeriesCompare, CsvAndJsonHoldEveryRunSideBySide) {
    Simulation a(loadScenario(kScenario, "<a>"));
    SeriesRecorder ra(100000, 9);
    while (!a.done()) {
        a.step();
        ra.sample(a);
    }
    std::vector<RunSummary> runs = {summarizeRun(ra.series(a), "on, with \"quotes\", and commas"),
                                    summarizeRun(ra.series(a), "off")};
    runs[1].step.resize(5);
    for (auto* v :
         {&runs[1].free_pages, &runs[1].largest_order, &runs[1].unusable, &runs[1].extfrag,
          &runs[1].suitable, &runs[1].mixed, &runs[1].steals, &runs[1].failures})
        v->resize(5);
    runs[1].cycle.resize(5);
    const std::string csv = comparisonToCsv(runs);
    std::istringstream in(csv);
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "run,step,cycle,free_pages,largest_order,unusable_o9,extfrag_o9,"
                    "suitable_blocks_o9,mixed_pageblocks,pageblock_steals,alloc_failures");
    std::size_t n = 0, quoted = 0, off = 0;
    while (std::getline(in, line)) {
        ++n;
        if (line.rfind("\"on, with \"\"quotes\"\", and commas\",", 0) == 0) ++quoted;
        if (line.rfind("off,", 0) == 0) ++off;
    }
    EXPECT_EQ(quoted, runs[0].rows());
    EXPECT_EQ(off, 5u);
    EXPECT_EQ(n, runs[0].rows() + 5);

    const nlohmann::json j = nlohmann::json::parse(comparisonToJson(runs));
    EXPECT_EQ(j["format"], "mmsim-compare/1");
    EXPECT_EQ(j["frag_order"], 9);
    ASSERT_EQ(j["runs"].size(), 2u);
    EXPECT_EQ(j["runs"][1]["label"], "off");
    EXPECT_EQ(j["runs"][0]["unusable"].size(), runs[0].rows());
    EXPECT_EQ(j["runs"][0]["largest_order"].back(), runs[0].largest_order.back());
}

} // namespace
} // namespace mmsim
