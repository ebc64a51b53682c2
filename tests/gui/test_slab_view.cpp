// GUI tests of the Slab tab on Qt's offscreen platform: the slabtop table
// holds core's slabtop numbers, row for row; every lane holds the slabs
// core has on that list (count, pfn, objects in use, which slots); stepping
// back and resetting update both; QAbstractItemModelTester passes on the
// model and its sorting proxy; the cache the last step touched is selected;
// a step's changes are animated (frames differ, slabs slide between lanes);
// micro-stepping shows the slabs after each event (a new slab between lists
// until it is installed); classic SLAB shows its slabs_free lists and array
// caches; the view says when there are no caches yet; screenshots of the
// view render.
#include "core/report.h"
#include "core/simulation.h"
#include "core/slab.h"
#include "core/timeline.h"
#include "ui/main_window.h"
#include "ui/slab_snapshot.h"
#include "ui/slab_view.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <map>
#include <tuple>

using namespace mmsim;
using namespace mmsim::ui;

namespace {

const QString kSlub = QStringLiteral(MMSIM_SCENARIOS "/12-slub-percpu-partial.json");
const QString kSlab = QStringLiteral(MMSIM_SCENARIOS "/11-slab-lifecycle.json");
const QString k13a = QStringLiteral(MMSIM_SCENARIOS "/13a-same-workload-slab-6.1.json");

// Ops of scenarios 11 and 12: 1 boot, 2 kmem_cache_create, 3 predict, 4 alloc
// one, 5 expect, 6 alloc 40, 7 expect, 8 free the 40, 9 free one, 10 shrink.
constexpr int kCreate = 2, kAllocOne = 4, kAllocMany = 6, kFreeMany = 8, kShrink = 10;

void runTo(MainWindow& w, int executed) {
    QVERIFY(w.waitIdle());
    while (static_cast<int>(w.simulation()->executed()) < executed) {
        w.stepForward();
        QVERIFY(w.waitIdle());
    }
}

// Core's slabtop rows: OBJS ACTIVE USE OBJ-SIZE SLABS OBJ/SLAB CACHE-SIZE NAME.
QList<QStringList> slabtopRows(const SlabState& s) {
    QList<QStringList> rows;
    const QStringList lines = QString::fromStdString(viewSlabtop(s)).split('\n');
    bool body = false;
    for (const QString& l : lines) {
        if (l.trimmed().startsWith("OBJS")) {
            body = true;
            continue;
        }
        if (body && !l.trimmed().isEmpty()) rows << l.simplified().split(' ');
    }
    return rows;
}

// The slab state the view shows: core's, or the kmalloc caches the kernel
// has before the first slab step (as /proc/slabinfo).
SlabState shownState(const Simulation& sim) {
    if (sim.state().slab.ready) return sim.state().slab;
    SlabState boot;
    const auto& m = sim.scenario().machine;
    slabInit(boot, sim.state().mm, m.slab == "slab" ? SlabPolicy::Slab : SlabPolicy::Slub, m.cpus);
    return boot;
}

// The model, row for row, against core's slabtop text.
void compareWithSlabtop(const SlabCacheModel& m, const SlabState& s) {
    const QList<QStringList> rows = slabtopRows(s);
    QVERIFY(!rows.isEmpty());
    QCOMPARE(m.rowCount(), static_cast<int>(rows.size()));
    for (int r = 0; r < m.rowCount(); ++r) {
        QCOMPARE(rows[r].size(), static_cast<qsizetype>(SlabCacheModel::ColumnCount));
        for (int c = 0; c < SlabCacheModel::ColumnCount; ++c)
            QCOMPARE(m.index(r, c).data().toString(), rows[r][c]);
    }
}

// Every lane against core's cacheDetail: the count of slabs on that list,
// and the slabs shown (pfn, order, node, objects in use, used slots).
void compareLanes(const SlabSnap& snap, const SlabState& s) {
    for (const SlabCacheSnap& c : snap.caches) {
        const CacheDetail d = cacheDetail(s, c.id);
        QCOMPARE(c.name, QString::fromStdString(d.name));
        std::map<std::tuple<int, int, int>, std::uint64_t> per_list; // (list, cpu, nid)
        std::map<std::uint32_t, const SlabDetail*> by_id;
        for (const SlabDetail& x : d.slabs) {
            const bool cpu_list = x.list == SlabList::CpuSlab || x.list == SlabList::CpuPartial;
            const bool any_node = cpu_list || x.list == SlabList::None; // one lane for all
            ++per_list[{int(x.list), cpu_list ? x.cpu : -1, any_node ? -1 : x.nid}];
            by_id[x.id] = &x;
        }
        std::uint64_t lanes_total = 0;
        for (const SlabLaneSnap& l : c.lanes) {
            if (l.kind == SlabLaneSnap::ArrayCache) {
                QVERIFY(snap.classic);
                if (l.cpu >= 0) QCOMPARE(l.avail, d.cpus[static_cast<std::size_t>(l.cpu)].avail);
                continue;
            }
            const bool cpu_list = l.list == SlabList::CpuSlab || l.list == SlabList::CpuPartial;
            // The lane of slabs between lists (mid-step) has them all.
            if (l.list == SlabList::None) QCOMPARE(l.nid, -1);
            const auto key =
                std::make_tuple(int(l.list), cpu_list ? l.cpu : -1, cpu_list ? -1 : l.nid);
            const std::uint64_t want = per_list.count(key) ? per_list[key] : 0;
            QCOMPARE(l.count, want);
            QCOMPARE(l.slabs.size(), std::min<std::size_t>(want, kMaxLaneSlabs));
            lanes_total += l.count;
            std::uint64_t inuse = 0;
            for (const SlabBarSnap& b : l.slabs) {
                QVERIFY(by_id.count(b.id));
                const SlabDetail& x = *by_id[b.id];
                QCOMPARE(b.pfn, x.pfn);
                QCOMPARE(b.order, x.order);
                QCOMPARE(b.nid, x.nid);
                QCOMPARE(b.inuse, x.inuse);
                QCOMPARE(b.objects, x.objects);
                QVERIFY(b.list == l.list);
                unsigned used = 0;
                for (unsigned i = 0; i < b.objects; ++i)
                    used += b.slotUsed(i);
                QCOMPARE(used, b.inuse);
                inuse += b.inuse;
            }
            if (l.count <= static_cast<std::uint64_t>(kMaxLaneSlabs)) QCOMPARE(l.inuse, inuse);
        }
        QCOMPARE(lanes_total, static_cast<std::uint64_t>(d.slabs.size()));
        // SLUB has no slabs_free; classic SLAB has no CPU slabs.
        for (const SlabLaneSnap& l : c.lanes) {
            if (snap.classic)
                QVERIFY(l.list != SlabList::CpuSlab && l.list != SlabList::CpuPartial);
            else
                QVERIFY(l.list != SlabList::Free && l.kind != SlabLaneSnap::ArrayCache);
        }
    }
}

// The canvas draws every lane of the shown cache, one bar per slab kept.
void compareCanvas(const SlabView& v) {
    const SlabLanesCanvas* cv = v.canvas();
    QVERIFY(cv->cache());
    QCOMPARE(cv->cache()->id, v.currentCache());
    QCOMPARE(cv->lanes().size(), cv->cache()->lanes.size()); // 2 CPUs: nothing left out
    for (const auto& g : cv->lanes()) {
        const SlabLaneSnap& l = cv->cache()->lanes[static_cast<std::size_t>(g.lane)];
        QCOMPARE(g.bars.size(), l.slabs.size());
        QCOMPARE(static_cast<std::uint64_t>(g.hidden + g.bars.size()),
                 l.kind == SlabLaneSnap::ArrayCache ? 0 : l.count);
    }
}

int slabsOn(const SlabCacheSnap& c, SlabList list) {
    std::uint64_t n = 0;
    for (const SlabLaneSnap& l : c.lanes)
        if (l.kind == SlabLaneSnap::Slabs && l.list == list) n += l.count;
    return static_cast<int>(n);
}

} // namespace

class SlabViewTest : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void emptyBeforeBoot();
    void modelMatchesSlabtop();
    void lanesMatchCore();
    void steppingBackUpdates();
    void modelTesterPasses();
    void followsTheStep();
    void animatesObjectsAndMoves();
    void microStepShowsTheSlabsAfterEachEvent();
    void classicSlabLanes();
    void tooltipsAndFontSize();
    void manyCpusCollapseEmptyLanes();
    void screenshots_data();
    void screenshots();

  private:
    QTemporaryDir tmp_;
};

void SlabViewTest::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(tmp_.isValid());
}

void SlabViewTest::emptyBeforeBoot() {
    MainWindow w;
    QVERIFY(w.openScenario(kSlub, false));
    QVERIFY(w.waitIdle());
    QCOMPARE(w.simulation()->executed(), std::size_t{0});
    SlabView* v = w.slabView();
    QVERIFY(v->emptyShown());
    QCOMPARE(v->model()->rowCount(), 0);
    QCOMPARE(v->currentCache(), -1);
    QVERIFY(!v->canvas()->cache());
    runTo(w, 1); // boot: the kmalloc caches exist, as /proc/slabinfo shows
    QVERIFY(!v->emptyShown());
    QVERIFY(v->model()->rowCount() > 10);
    compareWithSlabtop(*v->model(), shownState(*w.simulation()));
    // Back to the start: empty again.
    w.resetScenario();
    QVERIFY(w.waitIdle());
    QVERIFY(v->emptyShown());
    QCOMPARE(v->model()->rowCount(), 0);
}

void SlabViewTest::modelMatchesSlabtop() {
    MainWindow w;
    QVERIFY(w.openScenario(kSlub, false));
    for (int n : {kCreate, kAllocOne, kAllocMany, kFreeMany, kShrink}) {
        runTo(w, n);
        const SlabCacheModel& m = *w.slabView()->model();
        compareWithSlabtop(m, shownState(*w.simulation()));
        // The table shows slabtop's order by default (objects, largest first).
        const QAbstractItemModel* proxy = w.slabView()->proxy();
        QCOMPARE(proxy->rowCount(), m.rowCount());
        for (int r = 0; r < m.rowCount(); ++r)
            QCOMPARE(proxy->index(r, SlabCacheModel::Name).data().toString(),
                     m.index(r, SlabCacheModel::Name).data().toString());
    }
    // After the 40 allocations the lesson cache leads the table: 48 objects.
    w.seekTo(kAllocMany);
    QVERIFY(w.waitIdle());
    const SlabCacheModel& m = *w.slabView()->model();
    QCOMPARE(m.index(0, SlabCacheModel::Name).data().toString(), QStringLiteral("lesson_obj"));
    QCOMPARE(m.index(0, SlabCacheModel::Active).data().toString(), QStringLiteral("48"));
    // Sorting by name through the header puts the rows in name order.
    w.slabView()->table()->sortByColumn(SlabCacheModel::Name, Qt::AscendingOrder);
    const QAbstractItemModel* proxy = w.slabView()->proxy();
    for (int r = 1; r < proxy->rowCount(); ++r)
        QVERIFY(proxy->index(r - 1, SlabCacheModel::Name).data().toString() <=
                proxy->index(r, SlabCacheModel::Name).data().toString());
    // Sorting by objects sorts numbers as numbers.
    w.slabView()->table()->sortByColumn(SlabCacheModel::Objs, Qt::AscendingOrder);
    for (int r = 1; r < proxy->rowCount(); ++r)
        QVERIFY(proxy->index(r - 1, SlabCacheModel::Objs)
                    .data(SlabCacheModel::SortRole)
                    .toULongLong() <=
                proxy->index(r, SlabCacheModel::Objs).data(SlabCacheModel::SortRole).toULongLong());
    // Hiding empty caches leaves the lesson cache alone.
    for (QCheckBox* b : w.slabView()->findChildren<QCheckBox*>())
        if (b->text().contains("Hide empty")) b->setChecked(true);
    QCOMPARE(proxy->rowCount(), 1);
    QCOMPARE(proxy->index(0, SlabCacheModel::Name).data().toString(), QStringLiteral("lesson_obj"));
}

void SlabViewTest::lanesMatchCore() {
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    QVERIFY(w.openScenario(kSlub, false));
    w.showView("slab");
    for (int n : {kCreate, kAllocOne, kAllocMany, kFreeMany, kFreeMany + 1, kShrink}) {
        runTo(w, n);
        const SnapshotPtr snap = w.snapshot();
        QVERIFY(snap->slab);
        compareLanes(*snap->slab, shownState(*w.simulation()));
        compareCanvas(*w.slabView());
    }
    // The story of scenario 12 in lanes: after the 40 allocations CPU 0 has
    // an active slab and the two slabs it filled before are full; freeing
    // the 40 puts those full slabs on CPU 0's partial list.
    w.seekTo(kAllocMany);
    QVERIFY(w.waitIdle());
    const SlabCacheSnap* c = w.snapshot()->slab->find(w.slabView()->currentCache());
    QVERIFY(c);
    QCOMPARE(c->name, QStringLiteral("lesson_obj"));
    QCOMPARE(slabsOn(*c, SlabList::CpuSlab), 1);
    QCOMPARE(slabsOn(*c, SlabList::Full), 2);
    QCOMPARE(c->nr_full, std::uint64_t{2});
    runTo(w, kFreeMany);
    c = w.snapshot()->slab->find(w.slabView()->currentCache());
    QVERIFY(c);
    QVERIFY(slabsOn(*c, SlabList::CpuPartial) + slabsOn(*c, SlabList::Partial) >= 1);
    QCOMPARE(slabsOn(*c, SlabList::Full), 0);
}

void SlabViewTest::steppingBackUpdates() {
    MainWindow w;
    QVERIFY(w.openScenario(kSlub, false));
    runTo(w, kAllocMany);
    SlabView* v = w.slabView();
    const QString objs_after = v->model()->index(0, SlabCacheModel::Objs).data().toString();
    QCOMPARE(objs_after, QStringLiteral("48"));
    w.stepBack(); // to after the expect (op 5): 16 objects
    QVERIFY(w.waitIdle());
    w.stepBack(); // to after the first allocation
    QVERIFY(w.waitIdle());
    QCOMPARE(static_cast<int>(w.simulation()->executed()), kAllocOne);
    compareWithSlabtop(*v->model(), shownState(*w.simulation()));
    compareLanes(*w.snapshot()->slab, shownState(*w.simulation()));
    compareCanvas(*v);
    QCOMPARE(v->model()->index(0, SlabCacheModel::Objs).data().toString(), QStringLiteral("16"));
    const SlabCacheSnap* c = w.snapshot()->slab->find(v->currentCache());
    QVERIFY(c);
    QCOMPARE(slabsOn(*c, SlabList::Full), 0);
    QCOMPARE(slabsOn(*c, SlabList::CpuSlab), 1);
    const int id = c->id;
    // Back before the cache existed: it is gone from table and lanes.
    w.seekTo(1);
    QVERIFY(w.waitIdle());
    QCOMPARE(v->model()->rowOfCache(id), -1);
    QVERIFY(v->currentCacheName() != QStringLiteral("lesson_obj"));
    compareWithSlabtop(*v->model(), shownState(*w.simulation()));
}

void SlabViewTest::modelTesterPasses() {
    MainWindow w;
    QVERIFY(w.openScenario(kSlub, false));
    QAbstractItemModelTester t1(w.slabView()->model(),
                                QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t2(w.slabView()->proxy(),
                                QAbstractItemModelTester::FailureReportingMode::QtTest);
    // Empty, filled, reordered (the lesson cache moves to the top), back, reset.
    runTo(w, kShrink + 1);
    w.stepBack();
    QVERIFY(w.waitIdle());
    w.seekTo(kAllocMany);
    QVERIFY(w.waitIdle());
    w.seekTo(kCreate);
    QVERIFY(w.waitIdle());
    w.resetScenario();
    QVERIFY(w.waitIdle());
    runTo(w, kAllocOne);
    QVERIFY(w.slabView()->model()->rowCount() > 0);
    // Classic SLAB too.
    QVERIFY(w.openScenario(kSlab, false));
    runTo(w, kFreeMany);
    QVERIFY(w.slabView()->model()->rowCount() > 0);
}

void SlabViewTest::followsTheStep() {
    MainWindow w;
    QVERIFY(w.openScenario(kSlub, false));
    runTo(w, 1);
    // kmem_cache_create makes no slab event: the new cache is shown anyway.
    runTo(w, kCreate);
    SlabView* v = w.slabView();
    QCOMPARE(v->currentCacheName(), QStringLiteral("lesson_obj"));
    const SlabCacheSnap* c = w.snapshot()->slab->find(v->currentCache());
    QVERIFY(c);
    QCOMPARE(c->num_slabs, std::uint64_t{0});
    const int id = c->id;
    // The table's current row is that cache.
    QCOMPARE(v->table()->currentIndex().data(SlabCacheModel::CacheIdRole).toInt(), id);
    // The allocation touched it: the snapshot says so (from the slab events).
    runTo(w, kAllocOne);
    QCOMPARE(w.snapshot()->slab->last_cache, id);
    QCOMPARE(v->currentCacheName(), QStringLiteral("lesson_obj"));
    // The user picks another cache: follow is off and the choice stays.
    const int other_row = v->model()->rowOfCache(id) == 0 ? 1 : 0;
    const QModelIndex pi =
        v->proxy()->mapFromSource(v->model()->index(other_row, SlabCacheModel::Name));
    v->table()->setCurrentIndex(pi);
    const QString picked = v->model()->index(other_row, SlabCacheModel::Name).data().toString();
    QCOMPARE(v->currentCacheName(), picked);
    runTo(w, kAllocMany);
    QCOMPARE(v->currentCacheName(), picked);
}

void SlabViewTest::animatesObjectsAndMoves() {
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openScenario(kSlub, false));
    w.showView("slab");
    runTo(w, kAllocOne);
    SlabLanesCanvas* cv = w.slabView()->canvas();
    // The first allocation: a new slab becomes CPU 0's slab and one object fills.
    QVERIFY(cv->animating());
    QCOMPARE(cv->animationLength(), SlabLanesCanvas::kAnimMs);
    QVERIFY(cv->changedSlabs() >= 1);
    cv->setAnimationTime(0);
    const QImage start = cv->grab().toImage();
    cv->setAnimationTime(SlabLanesCanvas::kAnimMs / 2);
    const QImage mid = cv->grab().toImage();
    cv->setAnimationTime(-1);
    const QImage end = cv->grab().toImage();
    QVERIFY(start != mid);
    QVERIFY(mid != end);
    QVERIFY(start != end);
    // 40 more: the CPU slab fills up, two slabs go full and a third takes over.
    runTo(w, kAllocMany);
    QVERIFY(cv->movedSlabs() >= 1);
    // Freeing the 40 moves full slabs to CPU 0's partial list: they slide.
    runTo(w, kFreeMany);
    QVERIFY2(cv->movedSlabs() >= 1, qPrintable(QString::number(cv->movedSlabs())));
    std::vector<QImage> frames;
    for (int t : {0, SlabLanesCanvas::kAnimMs / 3, 2 * SlabLanesCanvas::kAnimMs / 3, -1}) {
        cv->setAnimationTime(t);
        frames.push_back(cv->grab().toImage());
    }
    for (std::size_t i = 1; i < frames.size(); ++i)
        QVERIFY2(frames[i] != frames[i - 1], qPrintable(QString("frame %1").arg(i)));
    // The timer drives the animation at 1x speed, then stops.
    w.stepBack();
    QVERIFY(w.waitIdle());
    w.stepForward();
    QVERIFY(w.waitIdle());
    QVERIFY(cv->animating());
    QTRY_VERIFY_WITH_TIMEOUT(cv->frames() > 2, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(!cv->animating(), 5000);
    // A step that changes nothing in the cache (expect) does not animate.
    runTo(w, kFreeMany + 1); // free one: changes
    runTo(w, kShrink);       // shrink
    w.stepForward();         // expect: nothing moves
    QVERIFY(w.waitIdle());
    QVERIFY(!cv->animating());
    // Animations off: a step jumps to its end.
    w.slabView()->setAnimationsEnabled(false);
    w.stepBack();
    QVERIFY(w.waitIdle());
    w.stepBack();
    QVERIFY(w.waitIdle());
    w.stepForward();
    QVERIFY(w.waitIdle());
    QVERIFY(!cv->animating());
}

// Micro-stepping a slab step: after event k, the table, the lanes and
// /proc/slabinfo are those of the machine after the step's first k events
// (core's Timeline stopped there), and they change within the step.
void SlabViewTest::microStepShowsTheSlabsAfterEachEvent() {
    for (const QString& path : {kSlub, kSlab}) {
        MainWindow w;
        QVERIFY(w.openScenario(path, false));
        QVERIFY(w.waitIdle());
        w.showView("slab");
        w.seekTo(kAllocMany - 1);
        QVERIFY(w.waitIdle());
        Timeline core(loadScenarioFile(path.toStdString()));
        core.seek(static_cast<std::size_t>(kAllocMany - 1));
        SlabView* v = w.slabView();
        QStringList slabtops, lanes;
        int n = 0, between = 0; // micro-steps with a slab between lists
        for (int k = 1; n == 0 || k <= std::min(n, 80); ++k) {
            w.microStep();
            QVERIFY(w.waitIdle());
            const auto snap = w.snapshot();
            QCOMPARE(snap->executed, kAllocMany);
            QCOMPARE(snap->micro, k);
            n = snap->events_total;
            QVERIFY(core.microStep());
            const Simulation& mid = core.microSim();
            compareWithSlabtop(*v->model(), shownState(mid));
            compareLanes(*snap->slab, shownState(mid));
            QCOMPARE(snap->view("slabinfo"), QString::fromStdString(renderView(mid, "slabinfo")));
            QCOMPARE(snap->view("slabtop"), QString::fromStdString(renderView(mid, "slabtop")));
            slabtops << snap->view("slabtop");
            QString l;
            for (const SlabCacheSnap& c : snap->slab->caches)
                for (const SlabLaneSnap& lane : c.lanes) {
                    l += QStringLiteral("%1:%2:%3 ").arg(c.id).arg(int(lane.list)).arg(lane.count);
                    between += lane.kind == SlabLaneSnap::Slabs && lane.list == SlabList::None;
                }
            lanes << l;
        }
        QVERIFY2(n > 10, qPrintable(path));
        // Objects are counted, and slabs made and moved, event by event.
        QVERIFY(QSet<QString>(slabtops.begin(), slabtops.end()).size() > 2);
        QVERIFY(QSet<QString>(lanes.begin(), lanes.end()).size() > 2);
        // A new slab is seen after allocate_slab() and before it is installed.
        QVERIFY2(between > 0, qPrintable(path));
    }
}

void SlabViewTest::classicSlabLanes() {
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    QVERIFY(w.openScenario(kSlab, false));
    w.showView("slab");
    for (int n : {kCreate, kAllocOne, kAllocMany, kFreeMany, kFreeMany + 1, kShrink}) {
        runTo(w, n);
        QVERIFY(w.snapshot()->slab->classic);
        compareWithSlabtop(*w.slabView()->model(), shownState(*w.simulation()));
        compareLanes(*w.snapshot()->slab, shownState(*w.simulation()));
        compareCanvas(*w.slabView());
    }
    // Each node has a slabs_free lane and each CPU an array_cache lane.
    runTo(w, kFreeMany + 1);
    const SlabCacheSnap* c = w.snapshot()->slab->find(w.slabView()->currentCache());
    QVERIFY(c);
    QCOMPARE(c->name, QStringLiteral("lesson_obj"));
    int free_lanes = 0, arrays = 0;
    for (const SlabLaneSnap& l : c->lanes) {
        free_lanes += l.kind == SlabLaneSnap::Slabs && l.list == SlabList::Free;
        arrays += l.kind == SlabLaneSnap::ArrayCache && l.cpu >= 0;
    }
    QCOMPARE(free_lanes, w.snapshot()->slab->nr_nodes);
    QCOMPARE(arrays, w.snapshot()->slab->nr_cpus);
    // Everything freed: the slabs wait on slabs_free until the shrink.
    const CacheDetail d = cacheDetail(w.simulation()->state().slab, c->id);
    std::uint64_t on_free = 0;
    for (const auto& n : d.nodes)
        on_free += n.nr_free;
    QCOMPARE(static_cast<std::uint64_t>(slabsOn(*c, SlabList::Free)), on_free);
    QCOMPARE(c->nr_free, on_free);
    // 13a: the same workload on two CPUs; the lanes still match core.
    QVERIFY(w.openScenario(k13a, false));
    for (int n = 2; n <= 7; ++n) {
        runTo(w, n);
        compareLanes(*w.snapshot()->slab, shownState(*w.simulation()));
        compareCanvas(*w.slabView());
    }
}

void SlabViewTest::tooltipsAndFontSize() {
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    QVERIFY(w.openScenario(kSlub, false));
    w.showView("slab");
    runTo(w, kAllocMany);
    SlabLanesCanvas* cv = w.slabView()->canvas();
    cv->setAnimationTime(-1);
    // A slab's tooltip names its pfn, order, node and objects.
    const SlabLanesCanvas::LaneGeom* g = nullptr;
    for (const auto& x : cv->lanes())
        if (!x.bars.empty()) {
            g = &x;
            break;
        }
    QVERIFY(g);
    const SlabBarSnap& b = cv->cache()->lanes[static_cast<std::size_t>(g->lane)].slabs[0];
    const QString tip = cv->describeAt(g->bars[0].center().toPoint());
    QVERIFY2(tip.contains(QStringLiteral("pfn 0x%1").arg(b.pfn, 0, 16)), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("order %1").arg(b.order)), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("node %1").arg(b.nid)), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("%1 of %2 objects").arg(b.inuse).arg(b.objects)),
             qPrintable(tip));
    // A lane title explains the list.
    const QString head = cv->describeAt(g->header.center());
    QVERIFY2(head.contains(g->title), qPrintable(head));
    QVERIFY(head.size() > g->title.size() + 20);
    // The table's cells and headers have tooltips.
    QVERIFY(!w.slabView()->model()->index(0, 0).data(Qt::ToolTipRole).toString().isEmpty());
    for (int c = 0; c < SlabCacheModel::ColumnCount; ++c)
        QVERIFY(!w.slabView()
                     ->model()
                     ->headerData(c, Qt::Horizontal, Qt::ToolTipRole)
                     .toString()
                     .isEmpty());
    // A larger font makes larger lanes.
    const int before = cv->lanes().front().box.height();
    w.setFontPointSize(w.fontPointSize() + 6);
    QCoreApplication::processEvents();
    QVERIFY(cv->lanes().front().box.height() > before);
}

void SlabViewTest::manyCpusCollapseEmptyLanes() {
    // Scenario 12 on 8 CPUs: only CPU 0 allocates, the other 7 CPUs' lanes
    // are left out and one line says so.
    QFile in(kSlub);
    QVERIFY(in.open(QIODevice::ReadOnly));
    QJsonDocument doc = QJsonDocument::fromJson(in.readAll());
    QJsonObject root = doc.object();
    QJsonObject machine = root["machine"].toObject();
    machine["cpus"] = 8;
    root["machine"] = machine;
    const QString path = tmp_.filePath("slub-8cpus.json");
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(QJsonDocument(root).toJson());
    out.close();
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    QVERIFY(w.openScenario(path, false));
    w.showView("slab");
    runTo(w, kAllocMany);
    QCOMPARE(w.snapshot()->slab->nr_cpus, 8);
    compareLanes(*w.snapshot()->slab, shownState(*w.simulation()));
    const SlabLanesCanvas* cv = w.slabView()->canvas();
    QVERIFY(cv->cache());
    QCOMPARE(cv->collapsedCpus(), 7);
    QCOMPARE(cv->lanes().size(), cv->cache()->lanes.size() - 2 * 7);
    for (const auto& g : cv->lanes()) {
        const SlabLaneSnap& l = cv->cache()->lanes[static_cast<std::size_t>(g.lane)];
        QVERIFY(l.cpu <= 0);
        QCOMPARE(g.bars.size(), l.slabs.size());
    }
}

void SlabViewTest::screenshots_data() {
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QString>("theme");
    QTest::addColumn<QString>("size");
    QTest::newRow("slub light") << kSlub << "light"
                                << "1600x900";
    QTest::newRow("slab dark") << kSlab << "dark"
                               << "1280x800";
}

void SlabViewTest::screenshots() {
    QFETCH(QString, scenario);
    QFETCH(QString, theme);
    QFETCH(QString, size);
    const QString out = tmp_.filePath(theme + ".png");
    QProcess p;
    p.start(QStringLiteral(MMSIM_GUI_BINARY),
            {"--scenario", scenario, "--step", "8", "--view", "slab", "--theme", theme, "--size",
             size, "--screenshot", out});
    QVERIFY(p.waitForFinished(120000));
    QCOMPARE(p.exitCode(), 0);
    QImage img(out);
    const QStringList wh = size.split('x');
    QCOMPARE(img.size(), QSize(wh[0].toInt(), wh[1].toInt()));
}

QTEST_MAIN(SlabViewTest)
#include "test_slab_view.moc"
