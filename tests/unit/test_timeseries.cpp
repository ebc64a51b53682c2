// Time series: every state column checked against the kernel views it
// summarises (buddyinfo, pagetypeinfo, unusable_index, extfrag_index),
// mixed pageblocks against a brute-force walk over the named allocations,
// event sums against the events themselves; downsampling bounds and keeps
// first/last; CSV/JSON round trips; provider columns.
#include "core/gfp.h"
#include "core/report.h"
#include "core/scenario.h"
#include "core/simulation.h"
#include "core/strfmt.h"
#include "core/timeseries.h"
#include "core/timeseries_io.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>

namespace mmsim {
namespace {

const char* kGfps[] = {"GFP_KERNEL", "GFP_HIGHUSER_MOVABLE", "GFP_KERNEL | __GFP_RECLAIMABLE"};

// A 64 MiB machine and a seeded mix of allocations of the three types and
// frees: enough pressure on a small machine for steals and failures.
struct Workload {
    std::string text;
    std::map<std::string, int> mt_of; // allocation name -> gfp migratetype
};

Workload workload(int nsteps, unsigned seed, bool pcp = true) {
    Workload w;
    std::mt19937 rng(seed);
    std::vector<std::pair<std::string, int>> live; // name, pages
    int live_pages = 0;
    std::string steps;
    for (int i = 0; i < nsteps; ++i) {
        if (!steps.empty()) steps += ",\n";
        const int g = static_cast<int>(rng() % 3);
        const int order = static_cast<int>(rng() % 6);
        const int count = 1 + static_cast<int>(rng() % 8);
        // Frees a third of the time, and whenever the allocation would take
        // live memory past 8 MiB (the kernel keeps much of the 64): churn
        // without running out.
        if (!live.empty() && (rng() % 3 == 0 || live_pages + (count << order) > 2048)) {
            const std::size_t k = rng() % live.size();
            steps += R"({"op": "free_pages", "ref": ")" + live[k].first + R"("})";
            live_pages -= live[k].second;
            live.erase(live.begin() + static_cast<long>(k));
            continue;
        }
        const std::string name = strprintf("a%d", i);
        steps +=
            strprintf(R"({"op": "alloc_pages", "order": %d, "gfp": "%s", "count": %d, "as": "%s"})",
                      order, kGfps[g], count, name.c_str());
        w.mt_of[name] = g == 0 ? MIGRATE_UNMOVABLE : g == 1 ? MIGRATE_MOVABLE : MIGRATE_RECLAIMABLE;
        live.push_back({name, count << order});
        live_pages += count << order;
    }
    w.text = std::string(R"({"format": "mmsim-scenario/1", "machine": {"cpus": 2, "e820": [
        {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
        {"addr": "0x100000", "size": "63M", "type": "usable"}], "kernel": {"pcp": )") +
             (pcp ? "true" : "false") + R"(}}, "steps": [)" + steps + "]}";
    return w;
}

// "Node 0, zone   DMA32 v0 v1 ..." lines of a view; 'skip' drops lines holding it.
std::map<std::string, std::vector<double>> zoneLines(const std::string& view,
                                                     const std::string& skip = "") {
    std::map<std::string, std::vector<double>> out;
    static const std::regex re(R"(^Node (\d+), zone\s+(\S+)\s+(.*)$)");
    std::istringstream in(view);
    std::string line;
    while (std::getline(in, line)) {
        std::smatch m;
        if (!std::regex_match(line, m, re)) continue;
        if (!skip.empty() && line.find(skip) != std::string::npos) continue;
        std::istringstream vs(m[3].str());
        std::vector<double> v;
        double x;
        while (vs >> x)
            v.push_back(x);
        out["n" + m[1].str() + "." + m[2].str()] = v;
    }
    return out;
}

double last(const TimeSeries& ts, const std::string& col) {
    const int i = ts.column(col);
    EXPECT_GE(i, 0) << col;
    return i < 0 ? NAN : ts.col(i).back();
}

// Pageblocks holding a page of another type, from the named allocations
// and each page's pageblock type: every page walked, nothing shared with
// the recorder's code but the pageblock type lookup.
std::map<std::string, double> bruteMixed(const Simulation& sim, const Workload& w) {
    std::map<std::string, std::set<pfn_t>> mixed;
    for (const auto& [name, a] : sim.pageAllocations()) {
        const int mt = w.mt_of.at(name);
        for (const auto& [pfn, order] : a.blocks) {
            for (pfn_t p = pfn; p < pfn + (pfn_t{1} << order); ++p) {
                for (const Node& n : sim.state().mm.nodes)
                    for (const Zone& z : n.zones) {
                        if (!z.populated() || !z.spans(p)) continue;
                        const int t = pageblockType(z, p);
                        if (t < MIGRATE_PCPTYPES && t != mt)
                            mixed[strprintf("n%d.%s", z.nid, z.name())].insert(p >>
                                                                               PAGEBLOCK_ORDER);
                    }
            }
        }
    }
    std::map<std::string, double> out;
    for (const auto& [g, s] : mixed)
        out[g] = static_cast<double>(s.size());
    return out;
}

TEST(TimeSeries, EveryRowMatchesTheKernelViews) {
    const Workload w = workload(150, 7);
    Simulation sim(loadScenario(w.text, "<ts>"));
    SeriesRecorder rec(100000, 3);
    std::uint64_t steals = 0, failures = 0, extfrag = 0, cycles = 0;
    bool saw_mixed = false;
    while (!sim.done()) {
        sim.step();
        rec.sample(sim);
        if (!sim.state().mm.buddy_ready) continue;
        for (const BuddyEvent& e : sim.lastEvents()) {
            steals += e.kind == BuddyEvent::pageblock_steal;
            failures += e.kind == BuddyEvent::alloc_fail;
            extfrag += e.kind == BuddyEvent::mm_page_alloc_extfrag;
        }
        cycles += sim.lastStep()->cycles;
        const TimeSeries ts = rec.series(sim);
        ASSERT_EQ(ts.step.back(), sim.executed());
        ASSERT_EQ(ts.cycle.back(), sim.clock().now());
        const auto buddy = zoneLines(renderView(sim, "buddyinfo"));
        const auto blocks = zoneLines(renderView(sim, "pagetypeinfo"), "type");
        const auto unusable = zoneLines(renderView(sim, "unusable_index"));
        const auto ext = zoneLines(renderView(sim, "extfrag_index"));
        ASSERT_EQ(ts.zoneGroups().size(), buddy.size());
        const auto mixed = bruteMixed(sim, w);
        for (const auto& [g, nr] : buddy) {
            double pages = 0;
            int largest = -1;
            for (int o = 0; o < NR_PAGE_ORDERS; ++o) {
                EXPECT_EQ(last(ts, strprintf("nr_free.%s.o%d", g.c_str(), o)),
                          nr[static_cast<size_t>(o)]);
                pages += nr[static_cast<size_t>(o)] * static_cast<double>(1u << o);
                if (nr[static_cast<size_t>(o)] > 0) largest = o;
            }
            EXPECT_EQ(last(ts, "free_pages." + g), pages);
            EXPECT_EQ(last(ts, "largest_order." + g), largest);
            EXPECT_DOUBLE_EQ(last(ts, "unusable." + g + ".o3"), unusable.at(g)[3]);
            EXPECT_DOUBLE_EQ(last(ts, "extfrag." + g + ".o3"), ext.at(g)[3]);
            // pagetypeinfo's columns: the types of the kernel's config.
            std::size_t col = 0;
            for (int mt = 0; mt < MIGRATE_TYPES; ++mt)
                if (migratetypeShown(mt, sim.state().mm.profile.cma)) {
                    EXPECT_EQ(last(ts, "pageblocks." + g + "." + migratetypeName(mt)),
                              blocks.at(g)[col++]);
                }
            const double m = mixed.count(g) ? mixed.at(g) : 0;
            EXPECT_EQ(last(ts, "mixed." + g), m) << "step " << sim.executed();
            saw_mixed |= m > 0;
        }
        double s = 0, f = 0, x = 0, c = 0;
        for (double v : ts.col(ts.column("pageblock_steals")))
            s += v;
        for (double v : ts.col(ts.column("alloc_failures")))
            f += v;
        for (double v : ts.col(ts.column("extfrag_fallbacks")))
            x += v;
        for (double v : ts.col(ts.column("op_cycles_sum")))
            c += v;
        ASSERT_EQ(s, steals);
        ASSERT_EQ(f, failures);
        ASSERT_EQ(x, extfrag);
        ASSERT_EQ(c, cycles);
    }
    // The workload is meant to exercise every counter.
    EXPECT_GT(steals, 0u);
    EXPECT_GT(extfrag, 0u);
    EXPECT_TRUE(saw_mixed);
}

TEST(TimeSeries, DownsamplingBoundsRowsKeepsFirstLastAndEveryEvent) {
    const Workload w = workload(400, 11);
    Simulation sim(loadScenario(w.text, "<ts>"));
    SeriesRecorder rec(16);
    std::uint64_t first = 0, sampled = 0, extfrag = 0, cycles = 0, max_cycles = 0;
    while (!sim.done()) {
        sim.step();
        rec.sample(sim);
        if (!sim.state().mm.buddy_ready) continue;
        if (!first) first = sim.executed();
        ++sampled;
        for (const BuddyEvent& e : sim.lastEvents())
            extfrag += e.kind == BuddyEvent::mm_page_alloc_extfrag;
        cycles += sim.lastStep()->cycles;
        max_cycles = std::max(max_cycles, sim.lastStep()->cycles);
        const TimeSeries ts = rec.series(sim);
        ASSERT_LE(ts.rows(), 16u);
        ASSERT_EQ(ts.step.front(), first);
        ASSERT_EQ(ts.step.back(), sim.executed());
        for (std::size_t r = 1; r < ts.rows(); ++r)
            ASSERT_LT(ts.step[r - 1], ts.step[r]);
        for (const auto& col : ts.values)
            ASSERT_EQ(col.size(), ts.rows());
    }
    const TimeSeries ts = rec.series(sim);
    EXPECT_GE(rec.stride(), 32u); // 400 operations into 16 rows
    double ops = 0, x = 0, c = 0, m = 0;
    for (double v : ts.col(ts.column("ops")))
        ops += v;
    for (double v : ts.col(ts.column("extfrag_fallbacks")))
        x += v;
    for (double v : ts.col(ts.column("op_cycles_sum")))
        c += v;
    for (double v : ts.col(ts.column("op_cycles_max")))
        m = std::max(m, v);
    EXPECT_EQ(ops, sampled);
    EXPECT_EQ(x, extfrag);
    EXPECT_EQ(c, cycles);
    EXPECT_EQ(m, max_cycles);
    // Stored rows sit on the stride.
    for (std::size_t r = 0; r + 1 < ts.rows(); ++r)
        EXPECT_EQ((ts.step[r] - first) % rec.stride(), 0u);
    // The last row is the final state.
    const auto buddy = zoneLines(renderView(sim, "buddyinfo"));
    for (const auto& [g, nr] : buddy)
        for (int o = 0; o < NR_PAGE_ORDERS; ++o)
            EXPECT_EQ(last(ts, strprintf("nr_free.%s.o%d", g.c_str(), o)),
                      nr[static_cast<size_t>(o)]);
}

TEST(TimeSeries, AStepBackRestartsTheSeries) {
    const Workload w = workload(20, 3);
    Simulation sim(loadScenario(w.text, "<ts>"));
    SeriesRecorder rec;
    sim.runAll();
    StepInput in{sim.state().mm, sim.lastEvents(), 5, 100, 10, nullptr};
    rec.sample(in);
    in.step = 6;
    rec.sample(in);
    EXPECT_EQ(rec.series(in).rows(), 2u);
    in.step = 4; // not the next step: a new series
    rec.sample(in);
    const TimeSeries ts = rec.series(in);
    ASSERT_EQ(ts.rows(), 1u);
    EXPECT_EQ(ts.step[0], 4u);
}

class LateProvider : public SeriesProvider {
  public:
    int rows = 0;
    void sample(const StepInput&, std::vector<std::pair<SeriesColumn, double>>& out) override {
        ++rows;
        SeriesColumn c;
        c.name = "slab.demo.active_objs";
        c.unit = "objects";
        c.group = "slab";
        if (rows >= 3) out.push_back({c, rows * 1.5});
    }
};

TEST(TimeSeries, ProviderColumnsAppearLateAndRoundTrip) {
    const Workload w = workload(30, 5);
    Simulation sim(loadScenario(w.text, "<ts>"));
    SeriesRecorder rec;
    rec.addProvider(std::make_shared<LateProvider>());
    while (!sim.done()) {
        sim.step();
        rec.sample(sim);
    }
    const TimeSeries ts = rec.series(sim);
    const int c = ts.column("slab.demo.active_objs");
    ASSERT_GE(c, 0);
    EXPECT_TRUE(std::isnan(ts.col(c)[0]));
    EXPECT_TRUE(std::isnan(ts.col(c)[1]));
    EXPECT_EQ(ts.col(c)[2], 4.5);

    // CSV: names and values (NaN as an empty field).
    const std::string csv = seriesToCsv(ts);
    const TimeSeries back = seriesFromCsv(csv);
    ASSERT_EQ(back.rows(), ts.rows());
    ASSERT_EQ(back.columns.size(), ts.columns.size());
    EXPECT_EQ(back.step, ts.step);
    EXPECT_EQ(back.cycle, ts.cycle);
    for (std::size_t i = 0; i < ts.columns.size(); ++i) {
        EXPECT_EQ(back.columns[i].name, ts.columns[i].name);
        for (std::size_t r = 0; r < ts.rows(); ++r) {
            const double a = ts.values[i][r], b = back.values[i][r];
            if (std::isnan(a))
                EXPECT_TRUE(std::isnan(b));
            else
                EXPECT_EQ(a, b) << ts.columns[i].name;
        }
    }
    EXPECT_EQ(seriesToCsv(back), csv);
    // JSON: everything, metadata and histograms included.
    const std::string json = seriesToJson(ts);
    const TimeSeries j = seriesFromJson(json);
    EXPECT_EQ(seriesToJson(j), json);
    EXPECT_EQ(j.columns[0].set, SeriesSet::nr_free);
    EXPECT_EQ(j.paths[static_cast<int>(CostPath::buddy)].count,
              ts.paths[static_cast<int>(CostPath::buddy)].count);
    EXPECT_GT(ts.paths[static_cast<int>(CostPath::buddy)].count +
                  ts.paths[static_cast<int>(CostPath::pcp_hit)].count,
              0u);
    // Malformed input is refused.
    EXPECT_THROW(seriesFromCsv("step,cycle,a\n1,2\n"), std::runtime_error);
    EXPECT_THROW(seriesFromCsv("x,y\n"), std::runtime_error);
    EXPECT_THROW(seriesFromJson("{}"), std::runtime_error);
}

} // namespace
} // namespace mmsim

namespace mmsim {
namespace {

// The recorder re-reads only the pageblocks an operation touched: on every
// lesson (slab caches, HIGHATOMIC reserves and unreserves, steals and claims,
// pcp on and off, both profiles) each row's pageblock counts and mixed
// pageblocks equal a full walk of the zone at that step.
class SeriesIncremental : public testing::TestWithParam<const char*> {};

TEST_P(SeriesIncremental, RowsEqualAFullWalk) {
    Simulation sim(loadScenarioFile(std::string(MMSIM_SCENARIOS "/") + GetParam()));
    SeriesRecorder rec(1u << 20, 9);
    int rows = 0;
    while (!sim.done()) {
        sim.step();
        rec.sample(sim);
        if (!sim.state().mm.buddy_ready) continue;
        const TimeSeries ts = rec.series(sim);
        ++rows;
        sim.state().mm.forEachZone([&](const Zone& z) {
            if (!z.populated()) return;
            const std::string g = strprintf("n%d.%s", z.nid, z.name());
            SCOPED_TRACE(g + " at step " + std::to_string(sim.executed()));
            EXPECT_EQ(last(ts, "mixed." + g), static_cast<double>(mixedPageblocks(z)));
            const PageblockCounts pc = pageblockCounts(z);
            for (int c : ts.columnsOf(SeriesSet::pageblocks)) {
                const SeriesColumn& col = ts.columns[static_cast<std::size_t>(c)];
                if (col.group == g) {
                    EXPECT_EQ(ts.col(c).back(),
                              static_cast<double>(pc.n[static_cast<std::size_t>(col.mt)]))
                        << col.name;
                }
            }
        });
    }
    EXPECT_GT(rows, 5);
}

INSTANTIATE_TEST_SUITE_P(
    Lessons, SeriesIncremental,
    testing::Values("default.json", "07-per-cpu-lists.json", "08-migratetypes-fragmentation.json",
                    "09-mobility-grouping-on.json", "10-mobility-grouping-off.json",
                    "11-slab-lifecycle.json", "12-slub-percpu-partial.json",
                    "13a-same-workload-slab-6.1.json", "15-gfp-atomic-highatomic.json",
                    "../docs/examples/fragmentation_demo.json"),
    [](const testing::TestParamInfo<const char*>& i) {
        std::string n = i.param;
        n = n.substr(n.rfind('/') + 1);
        n = n.substr(0, n.find('.'));
        for (char& ch : n)
            if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
        return "s" + n;
    });

} // namespace
} // namespace mmsim
