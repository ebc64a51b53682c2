// The whole window as a user sees it: the time from creating the main
// window to its first complete frame (the default scenario loaded, the first
// snapshot shown), and the cost of one full frame of the window while a
// buddy split is animating on a 64 GiB machine, the Page map in front on
// that machine, and the Slab tab mid-animation. Each frame is a grab() of
// the window, which repaints every visible widget. Figures go into the
// issue notes; no test asserts on time.
#include "ui/buddy_view.h"
#include "ui/main_window.h"
#include "ui/slab_view.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QPixmap>
#include <QTemporaryDir>

#include <benchmark/benchmark.h>

#include <memory>

using namespace mmsim;

namespace {

QString scenarioPath(const char* name) {
    return QStringLiteral(MMSIM_SCENARIOS "/") + QString::fromLatin1(name);
}

// 64 GiB on two nodes, four CPUs; a workload of 40k page allocations and
// frees of three mobility types, then one order-0 allocation whose split
// from a large block the Buddy tab animates.
const QString& scenario64G() {
    static QTemporaryDir dir;
    static const QString path = [] {
        const QString p = dir.filePath("bench64g.json");
        QFile f(p);
        if (!f.open(QIODevice::WriteOnly)) std::abort();
        f.write(R"({"format": "mmsim-scenario/1", "title": "64 GiB",
  "machine": {"cpus": 4, "e820": [
    {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
    {"addr": "0x100000", "size": "0xbff00000", "type": "usable"},
    {"addr": "0x100000000", "size": "0xf40000000", "type": "usable"}],
   "numa": {"nodes": [{"id": 0, "ranges": [["0x0", "0x83fffffff"]], "cpus": [0, 1]},
                      {"id": 1, "ranges": [["0x840000000", "0x103fffffff"]], "cpus": [2, 3]}]}},
  "steps": [
    {"op": "workload", "count": 40000, "mix": {"alloc_pages": 3, "free_pages": 1},
     "orders": {"0": 8, "1": 2, "3": 2, "5": 1},
     "gfp": {"GFP_KERNEL": 1, "GFP_HIGHUSER_MOVABLE": 2, "GFP_KERNEL | __GFP_RECLAIMABLE": 1},
     "cpus": [0, 1, 2, 3], "free_policy": "random"},
    {"op": "drain_all_pages"},
    {"op": "alloc_pages", "order": 0, "gfp": "GFP_KERNEL", "cpu": 0}
  ]})");
        return p;
    }();
    return path;
}

std::unique_ptr<ui::MainWindow> openWindow(const QString& path, int steps) {
    auto w = std::make_unique<ui::MainWindow>();
    w->resize(1280, 800);
    w->show();
    if (!w->openScenario(path, false)) std::abort();
    if (steps < 0) w->runToEnd();
    else w->seekTo(steps);
    if (!w->waitIdle(600000)) std::abort();
    return w;
}

// Construction, loading, the first snapshot and the first full paint.
void BM_LaunchToFirstFrame(benchmark::State& state) {
    const QString path = scenarioPath("default.json");
    for (auto _ : state) {
        ui::MainWindow w;
        w.resize(1280, 800);
        w.show();
        if (!w.openScenario(path, false) || !w.waitIdle(60000)) std::abort();
        QImage img = w.grab().toImage();
        benchmark::DoNotOptimize(img.constBits());
    }
}
BENCHMARK(BM_LaunchToFirstFrame)->Unit(benchmark::kMillisecond);

// One full window frame with the Buddy tab in front, mid-split.
void BM_WindowFrameBuddyAnimating64G(benchmark::State& state) {
    auto w = openWindow(scenario64G(), -1);
    w->showView("buddy");
    ui::BuddyCanvas* canvas = w->buddyView()->findChild<ui::BuddyCanvas*>();
    if (!canvas) std::abort();
    int t = 0;
    for (auto _ : state) {
        // Each frame at a later point of the motion, as the timer drives it.
        canvas->setAnimationTime(t);
        t = (t + 16) % (ui::BuddyCanvas::kSegmentMs * 10 + 400);
        QImage img = w->grab().toImage();
        benchmark::DoNotOptimize(img.constBits());
    }
    state.counters["events"] = static_cast<double>(w->snapshot()->events.size());
}
BENCHMARK(BM_WindowFrameBuddyAnimating64G)->Unit(benchmark::kMillisecond);

// One full window frame with the Page map (whole machine) in front.
void BM_WindowFramePageMap64G(benchmark::State& state) {
    auto w = openWindow(scenario64G(), -1);
    w->showView("pagemap");
    for (auto _ : state) {
        QImage img = w->grab().toImage();
        benchmark::DoNotOptimize(img.constBits());
    }
}
BENCHMARK(BM_WindowFramePageMap64G)->Unit(benchmark::kMillisecond);

// One full window frame with the Slab tab in front while slabs move
// between lanes (lesson 12, SLUB's per-CPU partial lists).
void BM_WindowFrameSlabAnimating(benchmark::State& state) {
    auto w = openWindow(scenarioPath("12-slub-percpu-partial.json"), -1);
    w->showView("slab");
    ui::SlabLanesCanvas* canvas = w->slabView()->canvas();
    int t = 0;
    for (auto _ : state) {
        canvas->setAnimationTime(t);
        t = (t + 16) % ui::SlabLanesCanvas::kAnimMs;
        QImage img = w->grab().toImage();
        benchmark::DoNotOptimize(img.constBits());
    }
}
BENCHMARK(BM_WindowFrameSlabAnimating)->Unit(benchmark::kMillisecond);

} // namespace
