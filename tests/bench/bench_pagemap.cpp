// Page map and buddy view drawing on a 64 GiB machine (16M pages, 32k
// pageblocks), with allocations of three mobility types scattered over it:
// building the page map data (core), summarising it for level-of-detail
// drawing, painting the Page map tab offscreen into a QImage at "Fit" and at
// one pageblock per cell, page level, and one animation frame of the Buddy
// tab. Figures go into the report; no test asserts on time.
#include "core/gfp.h"
#include "core/page_alloc.h"
#include "core/page_map.h"
#include "core/scenario.h"
#include "core/simulation.h"
#include "core/timeline.h"
#include "ui/buddy_view.h"
#include "ui/page_map_view.h"
#include "ui/snapshot.h"
#include "ui/theme.h"

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <QStandardPaths>

#include <benchmark/benchmark.h>

#include <memory>
#include <random>

using namespace mmsim;

namespace {

// 64 GiB on one node; 40k allocations of mixed types and orders, every
// third freed again so the free lists hold blocks of every order.
Simulation& machine64G() {
    static std::unique_ptr<Simulation> sim = [] {
        const std::string text = R"({"format": "mmsim-scenario/1", "machine": {"cpus": 4, "e820": [
            {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
            {"addr": "0x100000", "size": "0xbff00000", "type": "usable"},
            {"addr": "0x100000000", "size": "0xf40000000", "type": "usable"}]}})";
        auto s = std::make_unique<Simulation>(loadScenario(text, "bench64g.json"));
        s->runAll();
        const char* gfps[] = {"GFP_HIGHUSER_MOVABLE", "GFP_KERNEL",
                              "GFP_KERNEL | __GFP_RECLAIMABLE"};
        std::mt19937 rng(42);
        std::vector<std::pair<pfn_t, int>> live;
        for (int i = 0; i < 40000; ++i) {
            AllocRequest r;
            r.gfp = *parseGfp(gfps[rng() % 3], s->state().mm.profile);
            r.order = static_cast<int>(rng() % 6);
            r.cpu = static_cast<int>(rng() % 4);
            const AllocOutcome o = allocPages(s->state().mm, r);
            if (o.ok) live.emplace_back(o.pfn, r.order);
            if (i % 3 == 2 && !live.empty()) {
                const auto [pfn, order] = live[rng() % live.size()];
                freePages(s->state().mm, pfn, order, nullptr, 0);
                live.erase(std::find(live.begin(), live.end(), std::make_pair(pfn, order)));
            }
        }
        return s;
    }();
    return *sim;
}

ui::SnapshotPtr snapshot64G() {
    static ui::SnapshotPtr snap = ui::makeSnapshot(machine64G(), 1, 0);
    return snap;
}

void BM_BuildPageMap64G(benchmark::State& state) {
    const MmModel& mm = machine64G().state().mm;
    std::size_t blocks = 0;
    for (auto _ : state) {
        MachinePageMap m = buildPageMap(mm);
        blocks = m.totals.pageblocks;
        benchmark::DoNotOptimize(m);
    }
    state.counters["pageblocks"] = static_cast<double>(blocks);
}
BENCHMARK(BM_BuildPageMap64G)->Unit(benchmark::kMillisecond);

void BM_Summarize64G(benchmark::State& state) {
    const auto all = pageblocksOf(*snapshot64G()->page_map, -1);
    const int level = levelFor(all.size(), static_cast<std::size_t>(state.range(0)));
    for (auto _ : state)
        benchmark::DoNotOptimize(summarize(all, level));
    state.counters["level"] = level;
}
BENCHMARK(BM_Summarize64G)->Arg(3000)->Arg(40000)->Unit(benchmark::kMicrosecond);

// One full repaint of the Page map canvas (1000 x 700 visible) into a QImage.
void paintBench(benchmark::State& state, int level) {
    ui::PageMapCanvas canvas;
    canvas.resize(1000, 700);
    canvas.setData(snapshot64G(), -1, -1);
    canvas.setLevel(level == -2 ? canvas.fitLevel(QSize(1000, 700)) : level);
    QImage img(1000, 700, QImage::Format_ARGB32_Premultiplied);
    const QRect visible(0, 0, 1000, 700);
    for (auto _ : state) {
        QPainter p(&img);
        canvas.paintMap(p, visible);
    }
    state.counters["cells"] = canvas.cellCount();
    state.counters["level"] = canvas.level();
}
void BM_PaintPageMapFit64G(benchmark::State& s) {
    paintBench(s, -2);
}
void BM_PaintPageMapPageblocks64G(benchmark::State& s) {
    paintBench(s, 0);
}
void BM_PaintPageMapPages64G(benchmark::State& s) {
    paintBench(s, ui::PageMapCanvas::kPages);
}
BENCHMARK(BM_PaintPageMapFit64G)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PaintPageMapPageblocks64G)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PaintPageMapPages64G)->Unit(benchmark::kMillisecond);

// Snapshot building (page map, lists, events) as the worker does per step.
void BM_Snapshot64G(benchmark::State& state) {
    Simulation& sim = machine64G();
    for (auto _ : state)
        benchmark::DoNotOptimize(ui::makeSnapshot(sim, 1, 0));
}
BENCHMARK(BM_Snapshot64G)->Unit(benchmark::kMillisecond);

// One animation frame of the Buddy tab (mid-split) on the 64 GiB machine.
void BM_BuddyFrame64G(benchmark::State& state) {
    const ui::SnapshotPtr snap = snapshot64G();
    ui::BuddyCanvas canvas;
    canvas.resize(900, 520);
    const ui::BuddyZoneSnap* big = &snap->buddy.front();
    for (const auto& z : snap->buddy)
        if (z.free > big->free) big = &z;
    canvas.setZone(big, &snap->events);
    ui::BuddyMotion m;
    m.nid = big->nid;
    m.zone = big->idx;
    m.mt = MIGRATE_MOVABLE;
    m.from_order = 10;
    m.to_order = 0;
    canvas.animate(&m);
    canvas.setAnimationTime(ui::BuddyCanvas::kSegmentMs * 5 + 200);
    QImage img(canvas.size(), QImage::Format_ARGB32_Premultiplied);
    for (auto _ : state)
        canvas.render(&img);
}
BENCHMARK(BM_BuddyFrame64G)->Unit(benchmark::kMillisecond);

// Micro-stepping on 64 GiB: a timeline of 40k workload operations (the
// same mix as above, as scenario steps), at a step with several events.
// Moving the cursor within the step re-runs the step on a copy of the
// state before it (Timeline::microSim); a publish adds the micro snapshot
// (zones, lists, page map, free-memory views) on top of the step's own.
struct Micro64G {
    std::unique_ptr<Timeline> tl;
    ui::SnapshotPtr step;
    std::size_t events = 0;
};
Micro64G& micro64G() {
    static Micro64G m = [] {
        const std::string text = R"({"format": "mmsim-scenario/1", "seed": 42, "machine": {
            "cpus": 4, "e820": [
            {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
            {"addr": "0x100000", "size": "0xbff00000", "type": "usable"},
            {"addr": "0x100000000", "size": "0xf40000000", "type": "usable"}]},
            "boot": "auto", "steps": [{"op": "workload", "count": 40000,
              "mix": {"alloc_pages": 2, "free_pages": 1},
              "orders": {"0": 1, "1": 1, "2": 1, "3": 1, "4": 1, "5": 1},
              "gfp": {"GFP_HIGHUSER_MOVABLE": 1, "GFP_KERNEL": 1,
                      "GFP_KERNEL | __GFP_RECLAIMABLE": 1},
              "cpus": [0, 1, 2, 3], "free_policy": "random"}]})";
        Micro64G r;
        r.tl = std::make_unique<Timeline>(loadScenario(text, "micro64g.json"));
        r.tl->seek(30000);
        while (r.tl->sim().lastEvents().size() < 4)
            r.tl->step();
        r.events = r.tl->sim().lastEvents().size();
        r.step = ui::makeSnapshot(r.tl->sim(), 1, 0);
        return r;
    }();
    return m;
}

void BM_MicroSim64G(benchmark::State& state) {
    Micro64G& m = micro64G();
    std::size_t k = 1;
    for (auto _ : state) {
        k = k == 1 ? 2 : 1; // another cursor each time: no cached copy
        m.tl->setMicroCursor(k);
        benchmark::DoNotOptimize(&m.tl->microSim());
    }
    state.counters["events"] = static_cast<double>(m.events);
}
BENCHMARK(BM_MicroSim64G)->Unit(benchmark::kMillisecond);

void BM_MicroPublish64G(benchmark::State& state) {
    Micro64G& m = micro64G();
    std::size_t k = 1;
    std::uint64_t serial = 2;
    for (auto _ : state) {
        k = k == 1 ? 2 : 1;
        m.tl->setMicroCursor(k);
        benchmark::DoNotOptimize(ui::makeMicroSnapshot(*m.step, m.tl->microSim(), ++serial));
    }
}
BENCHMARK(BM_MicroPublish64G)->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QStandardPaths::setTestModeEnabled(true); // the window's QSettings stay apart
    QApplication app(argc, argv);
    QApplication::setOrganizationName("mmsim-bench");
    ui::applyTheme(app, ui::Theme::Light);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
