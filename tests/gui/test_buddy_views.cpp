// GUI tests of the buddy allocator views on Qt's offscreen platform: the
// Buddy tab's lists match the zone's free_area, the allocation path and
// the split / merge animation follow the step's events, the page map
// matches core's page map and names owners on hover, the event log and
// explanations follow the step, the status bar shows the cycle clock, the
// zone table shows every row, a boot log imports (or leaves the scenario
// alone when broken), and the migratetype palette survives colour-vision
// deficiency simulation.
#include "core/explain.h"
#include "core/page_map.h"
#include "core/simulation.h"
#include "ui/buddy_view.h"
#include "ui/event_log.h"
#include "ui/explanation_panel.h"
#include "ui/main_window.h"
#include "ui/page_map_view.h"
#include "ui/theme.h"
#include "ui/zones_view.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QProcess>
#include <QSettings>
#include <QTableView>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

#include <array>
#include <cmath>

using namespace mmsim;
using namespace mmsim::ui;

class BuddyViewsTest : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void buddyViewMatchesFreeLists();
    void splitAndMergeAreAnimated();
    void pageMapMatchesCoreAndNamesOwners();
    void pageMapZoomsToPages();
    void eventLogExplanationAndClock();
    void survivesSteppingRunAndReset();
    void zoneTableShowsEveryRow();
    void importBootLog();
    void paletteIsColourBlindSafe();
    void cmaInLegendsOnlyWithConfigCma();
    void everyControlHasATooltip();
    void fontSizeIsPersisted();
    void screenshots_data();
    void screenshots();

  private:
    QTemporaryDir tmp_;
};

static const QString kDemo = QStringLiteral(MMSIM_TEST_DIR "/gui/demo_buddy.json");

void BuddyViewsTest::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(tmp_.isValid());
}

namespace {
// Runs steps until 'executed' operations are done.
void runTo(MainWindow& w, int executed) {
    QVERIFY(w.waitIdle());
    while (static_cast<int>(w.simulation()->executed()) < executed) {
        w.stepForward();
        QVERIFY(w.waitIdle());
    }
}
// The order of the block the step's first split halved.
int takenOrder(const Simulation& sim) {
    for (const BuddyEvent& e : sim.lastEvents())
        if (e.kind == BuddyEvent::buddy_split) return e.from_order;
    return -1;
}
const Zone& zoneOf(const Simulation& sim, int nid, int idx) {
    return sim.state().mm.nodes[static_cast<std::size_t>(nid)].zones[static_cast<std::size_t>(idx)];
}
} // namespace

void BuddyViewsTest::buddyViewMatchesFreeLists() {
    MainWindow w;
    QVERIFY(w.openScenario(kDemo, false));
    runTo(w, 2); // boot + the first unmovable order-4 allocation (a claim)
    const Simulation& sim = *w.simulation();
    const SnapshotPtr snap = w.snapshot();
    BuddyView* v = w.buddyView();
    // One combo entry per populated zone.
    int populated = 0;
    for (const Node& n : sim.state().mm.nodes)
        for (const Zone& z : n.zones)
            populated += z.present_pages != 0;
    QCOMPARE(v->zoneCount(), populated);
    QCOMPARE(static_cast<int>(snap->buddy.size()), populated);
    // Following the step: the zone the block came from.
    int alloc_nid = -1, alloc_zone = -1;
    for (const BuddyEvent& e : sim.lastEvents())
        if (e.kind == BuddyEvent::mm_page_alloc && e.pfn != NO_PFN) {
            alloc_nid = e.nid;
            alloc_zone = e.zone;
        }
    QVERIFY(alloc_nid >= 0);
    QCOMPARE(
        v->currentZoneName(),
        QStringLiteral("node %1 %2").arg(alloc_nid).arg(QString::fromLatin1(zoneName(alloc_zone))));
    // Every list's length and head pfns, as free_area has them.
    for (const BuddyZoneSnap& bz : snap->buddy) {
        const Zone& z = zoneOf(sim, bz.nid, bz.idx);
        QCOMPARE(bz.free, z.free_area.freePages());
        for (int o = 0; o < NR_PAGE_ORDERS; ++o) {
            QCOMPARE(bz.nr_free[o], z.free_area.nrFree(o));
            for (int mt = 0; mt < MIGRATE_TYPES; ++mt) {
                const FreeListSnap& l = bz.lists[o][mt];
                QCOMPARE(l.count, z.free_area.listLength(o, mt));
                QCOMPARE(l.pfns.size(), std::min<std::size_t>(l.count, kMaxListPfns));
                pfn_t p = z.free_area.first(o, mt);
                for (std::uint64_t pfn : l.pfns) {
                    QCOMPARE(pfn, p);
                    p = z.free_area.next(p);
                }
            }
        }
    }
    // The path: the zone used, the pageblock claimed, the splits down to order 4.
    const int from = takenOrder(sim);
    QVERIFY(from > 4);
    const auto& path = v->pathStrip()->path();
    QVERIFY(!path.empty());
    bool used = false, steal = false, split = false, fallback = false;
    for (const PathStep& s : path) {
        used |= s.kind == PathStep::ZoneUsed && s.text.contains("node 0 DMA32");
        steal |= s.kind == PathStep::Steal && s.text.contains("MOVABLE → UNMOVABLE");
        split |= s.kind == PathStep::Split && s.text.contains(QStringLiteral("×%1").arg(from - 4));
        fallback |= s.kind == PathStep::Fallback && s.text.contains("MOVABLE");
    }
    QVERIFY2(used && steal && split && fallback, qPrintable(path.front().text));
}

// The CMA migratetype is named in the legends only when the kernel has it
// (lesson 17 turns CONFIG_CMA on; the demo machine does not).
void BuddyViewsTest::cmaInLegendsOnlyWithConfigCma() {
    MainWindow w;
    auto legends = [&] {
        return w.findChild<QLabel*>("buddy-legend")->text() + "|" +
               w.findChild<QLabel*>("pagemap-legend")->text();
    };
    QVERIFY(w.openScenario(kDemo, false));
    runTo(w, 2);
    QVERIFY(legends().contains("MOVABLE"));
    QVERIFY(!legends().contains("CMA"));
    QVERIFY(w.openScenario(QStringLiteral(MMSIM_SCENARIOS "/17-cma.json"), false));
    runTo(w, 2);
    QCOMPARE(legends().count("CMA"), 2);
    QVERIFY(w.openScenario(kDemo, false));
    runTo(w, 2);
    QVERIFY(!legends().contains("CMA"));
}

void BuddyViewsTest::splitAndMergeAreAnimated() {
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openScenario(kDemo, false));
    w.showView("buddy");
    runTo(w, 2);
    BuddyCanvas* c = w.buddyView()->canvas();
    QVERIFY(c->animating());
    // Leave the list, one drop per split, hand out.
    const int splits = takenOrder(*w.simulation()) - 4;
    QVERIFY(splits >= 1);
    QCOMPARE(c->animationLength(), (splits + 2) * BuddyCanvas::kSegmentMs);
    // Frames at successive micro-steps differ from each other.
    std::vector<QImage> frames;
    for (int t : {BuddyCanvas::kSegmentMs / 2, BuddyCanvas::kSegmentMs * 3 / 2,
                  BuddyCanvas::kSegmentMs * (splits + 1) + BuddyCanvas::kSegmentMs / 2, -1}) {
        c->setAnimationTime(t);
        frames.push_back(c->grab().toImage());
    }
    for (std::size_t i = 1; i < frames.size(); ++i)
        QVERIFY2(frames[i] != frames[i - 1], qPrintable(QString("frame %1").arg(i)));
    // The timer drives frames at 1x speed, then stops.
    runTo(w, 3); // the free of the order-4 block: merges
    bool merged = false;
    for (const BuddyEvent& e : w.simulation()->lastEvents())
        merged |= e.kind == BuddyEvent::buddy_merge;
    QVERIFY(merged);
    const auto motions = buddyMotions(w.snapshot()->events);
    QVERIFY(!motions.empty());
    QCOMPARE(motions.front().kind, BuddyMotion::Merge);
    QTRY_VERIFY_WITH_TIMEOUT(c->frames() > 3, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(!c->animating(), 10000);
    // A fast next step replaces a running animation.
    w.stepForward();
    QVERIFY(w.waitIdle());
    w.buddyView()->setAnimationsEnabled(false);
    QVERIFY(!c->animating());
}

void BuddyViewsTest::pageMapMatchesCoreAndNamesOwners() {
    MainWindow w;
    QVERIFY(w.openScenario(kDemo, false));
    runTo(w, 6); // through the huge pages
    const Simulation& sim = *w.simulation();
    const MachinePageMap core = buildPageMap(sim.state().mm);
    PageMapView* v = w.pageMapView();
    PageMapCanvas* c = v->canvas();
    // Whole machine: every pageblock of every zone.
    QCOMPARE(v->scopeCombo()->currentData().toInt(), -1);
    const auto all = pageblocksOf(core, -1);
    QCOMPARE(c->blocks().size(), all.size());
    PageMapTotals shown;
    for (const PageMapCell& cell : c->cells())
        shown.add(cell.totals);
    QCOMPARE(shown.free, core.totals.free);
    QCOMPARE(shown.alloc, core.totals.alloc);
    QCOMPARE(shown.mixed, core.totals.mixed);
    QCOMPARE(shown.pageblocks_by_mt, core.totals.pageblocks_by_mt);
    std::uint64_t allocated = 0;
    for (const Node& n : sim.state().mm.nodes)
        for (const Zone& z : n.zones)
            allocated += z.allocated_pages;
    QCOMPARE(core.totals.allocated(), allocated);
    // The claim gave an UNMOVABLE pageblock.
    QVERIFY(core.totals.pageblocks_by_mt[MIGRATE_UNMOVABLE] > 0);
    // Every scope entry shows its own blocks; a zone scope matches core's zone.
    for (int i = 0; i < v->scopeCombo()->count(); ++i) {
        v->scopeCombo()->setCurrentIndex(i);
        emit v->scopeCombo()->activated(i);
        const int key = v->scopeCombo()->itemData(i).toInt();
        if (key >= 0 && key % 16 != 15) {
            const ZonePageMap* zm = nullptr;
            for (const auto& n : core.nodes)
                for (const auto& z : n.zones)
                    if (z.nid == key / 16 && z.zone == key % 16) zm = &z;
            QVERIFY(zm);
            QCOMPARE(c->blocks().size(), zm->blocks.size());
        }
    }
}

void BuddyViewsTest::pageMapZoomsToPages() {
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openScenario(kDemo, false));
    w.showView("pagemap");
    runTo(w, 4); // the 64 unmovable pages "kmalloc"
    const Simulation& sim = *w.simulation();
    const auto& named = sim.pageAllocations().at("kmalloc");
    QVERIFY(!named.blocks.empty());
    const pfn_t pfn = named.blocks.front().first;
    // The zone of that pfn, then page level.
    PageMapView* v = w.pageMapView();
    const MachinePageMap core = buildPageMap(sim.state().mm);
    const ZonePageMap* zm = core.zoneOf(pfn);
    QVERIFY(zm);
    const int idx = v->scopeCombo()->findData(zm->nid * 16 + zm->zone);
    QVERIFY(idx >= 0);
    v->scopeCombo()->setCurrentIndex(idx);
    emit v->scopeCombo()->activated(idx);
    PageMapCanvas* c = v->canvas();
    const int fit = c->level();
    QVERIFY(fit >= 0);
    // The wheel steps go through every level down to pages.
    v->zoomBy(100);
    QCOMPARE(c->level(), int(PageMapCanvas::kPages));
    QCoreApplication::processEvents();
    const int cols = std::max(1, (c->width() - 8) / c->cellSize());
    const std::uint64_t i = pfn - c->blocks().front().start_pfn;
    const QPoint pos(4 + static_cast<int>(i % cols) * c->cellSize() + 2,
                     4 + static_cast<int>(i / cols) * c->cellSize() + 2);
    QCOMPARE(c->pfnAt(pos), pfn);
    const QString tip = c->describeAt(pos);
    QVERIFY2(tip.contains("owner: kmalloc"), qPrintable(tip));
    QVERIFY2(tip.contains("allocated"), qPrintable(tip));
    QVERIFY2(tip.contains("UNMOVABLE"), qPrintable(tip));
    // A free page says so, with its block's order.
    const FreeBlock* fb = nullptr;
    pfn_t free_pfn = 0;
    for (const auto& [p, b] : zoneOf(sim, zm->nid, zm->zone).free_area.records())
        if (!fb || p < free_pfn) {
            fb = &b;
            free_pfn = p;
        }
    QVERIFY(fb);
    const std::uint64_t k = free_pfn - c->blocks().front().start_pfn;
    const QPoint fpos(4 + static_cast<int>(k % cols) * c->cellSize() + 2,
                      4 + static_cast<int>(k / cols) * c->cellSize() + 2);
    const QString ftip = c->describeAt(fpos);
    QVERIFY2(ftip.contains(QStringLiteral(": free, order-%1 block").arg(fb->order)),
             qPrintable(ftip));
    // Zooming out returns to pageblock cells.
    v->zoomBy(-1);
    QCOMPARE(c->level(), 0);
    QImage img(c->size(), QImage::Format_ARGB32);
    img.fill(Qt::transparent);
    {
        QPainter p(&img);
        c->paintMap(p, c->rect());
    }
    // The kmalloc pages' pageblock is painted (UNMOVABLE tint or solid), not background.
    const int bcols = std::max(1, (c->width() - 8) / c->cellSize());
    const std::uint64_t j = (pfn - c->blocks().front().start_pfn) >> PAGEBLOCK_ORDER;
    const QPoint centre(4 + static_cast<int>(j % bcols) * c->cellSize() + c->cellSize() / 2,
                        4 + static_cast<int>(j / bcols) * c->cellSize() + c->cellSize() / 2);
    QVERIFY(img.pixel(centre) != c->palette().color(QPalette::Base).rgb());
    QVERIFY(c->describeAt(centre).contains("Pageblock pfn"));
}

void BuddyViewsTest::eventLogExplanationAndClock() {
    MainWindow w;
    QVERIFY(w.openScenario(kDemo, false));
    runTo(w, 2);
    const Simulation& sim = *w.simulation();
    EventLogModel* m = w.eventLog()->model();
    QAbstractItemModelTester tester(m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(m->rowCount(), static_cast<int>(sim.lastEvents().size()));
    for (int r = 0; r < m->rowCount(); ++r) {
        const BuddyEvent& e = sim.lastEvents()[static_cast<std::size_t>(r)];
        QCOMPARE(m->index(r, EventLogModel::Event).data().toString(),
                 QString::fromStdString(formatBuddyEvent(e, sim.state().mm.profile)));
        QCOMPARE(m->index(r, EventLogModel::Explanation).data().toString(),
                 QString::fromStdString(explainEvent(e, sim.state().mm.profile)));
        QCOMPARE(m->index(r, EventLogModel::Cycles).data().toULongLong(),
                 sim.lastEventCycles()[static_cast<std::size_t>(r)]);
    }
    // The story of the step, in the explanation dock.
    const QString story = w.explanationPanel()->allocatorText();
    const int from = takenOrder(sim);
    QVERIFY2(story.contains(QStringLiteral("expand() splits an order-%1 UNMOVABLE block %2 times")
                                .arg(from)
                                .arg(from - 4)),
             qPrintable(story));
    QVERIFY2(story.contains("__rmqueue_claim()"), qPrintable(story));
    // Selecting a micro-event explains it.
    QVERIFY(w.explanationPanel()->eventText().isEmpty());
    w.eventLog()->table()->setCurrentIndex(m->index(1, 0));
    const QString ev = w.explanationPanel()->eventText();
    QVERIFY(ev.contains(QStringLiteral("Micro-event 2")));
    QVERIFY(ev.contains(m->index(1, EventLogModel::Explanation).data().toString().toHtmlEscaped()));
    // The status bar: the clock and the last op's cost.
    const QString clock = w.clockLabelText();
    QVERIFY2(clock.contains(QStringLiteral("%L1").arg(sim.clock().now())), qPrintable(clock));
    QVERIFY2(clock.contains(QStringLiteral("alloc_pages: %L1").arg(sim.lastStep()->cycles)),
             qPrintable(clock));
    QVERIFY(sim.lastStep()->cycles > 0);
}

void BuddyViewsTest::survivesSteppingRunAndReset() {
    MainWindow w;
    w.resize(1024, 700);
    w.show();
    QVERIFY(w.openScenario(kDemo, false));
    for (const QString& v : QStringList{"buddy", "pagemap"}) {
        QVERIFY(w.showView(v));
        QCOMPARE(w.currentViewName(), v);
        // Steps queued faster than the animation runs.
        for (int i = 0; i < 4; ++i)
            w.stepForward();
        QVERIFY(w.waitIdle());
        QCoreApplication::processEvents();
        w.runToEnd();
        QVERIFY(w.waitIdle());
        QVERIFY(w.simulation()->done());
        QCOMPARE(w.eventLog()->model()->rowCount(),
                 static_cast<int>(w.simulation()->lastEvents().size()));
        w.resetScenario();
        QVERIFY(w.waitIdle());
        QCOMPARE(w.simulation()->executed(), std::size_t{0});
        QCOMPARE(w.eventLog()->model()->rowCount(), 0);
        QVERIFY(w.pageMapView()->canvas()->blocks().empty());
        QCOMPARE(w.buddyView()->zoneCount(), 0);
    }
}

void BuddyViewsTest::zoneTableShowsEveryRow() {
    for (double pt : {0.0, 14.0}) {
        MainWindow w;
        w.resize(1280, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openScenario(QStringLiteral(MMSIM_SCENARIOS "/default.json"), false));
        w.showView("zones");
        if (pt > 0) w.setFontPointSize(pt);
        runTo(w, 1);
        QCoreApplication::processEvents();
        auto* t = w.zonesView()->findChild<QTableView*>("zones-table");
        QVERIFY(t);
        QVERIFY(t->isVisible());
        const int rows = t->model()->rowCount();
        QCOMPARE(rows, 3); // DMA, DMA32 on node 0; Normal... as populated
        const int last = rows - 1;
        const int bottom = t->rowViewportPosition(last) + t->rowHeight(last);
        QVERIFY2(bottom <= t->viewport()->height(),
                 qPrintable(QString("last row ends at %1, viewport is %2 high (font %3)")
                                .arg(bottom)
                                .arg(t->viewport()->height())
                                .arg(pt)));
    }
}

void BuddyViewsTest::importBootLog() {
    MainWindow w;
    QVERIFY(w.openScenario(kDemo, false));
    QVERIFY(w.waitIdle());
    const QString title = w.windowTitle();
    // A file that is no boot log: an error, the scenario stays.
    const QString bad = tmp_.filePath("junk.log");
    {
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not a kernel log\n");
    }
    QVERIFY(!w.importBootLog(bad, false));
    QVERIFY(!w.lastError().isEmpty());
    QVERIFY(w.waitIdle());
    QCOMPARE(w.windowTitle(), title);
    QCOMPARE(w.simulation()->scenario().machine.profile.name(), std::string("6.12"));
    // A real capture: imported and opened.
    QVERIFY(w.importBootLog(QStringLiteral(MMSIM_FIXTURES "/kernel/qemu-6.1-n2-2G.log"), false));
    QVERIFY(w.waitIdle());
    QVERIFY(w.windowTitle() != title);
    QCOMPARE(w.simulation()->scenario().machine.profile.name(), std::string("6.1"));
}

namespace {
// Machado et al. (2009) full-severity matrices on linear RGB.
using Mat = std::array<std::array<double, 3>, 3>;
const Mat kProtan = {{{0.152286, 1.052583, -0.204868},
                      {0.114503, 0.786281, 0.099216},
                      {-0.003882, -0.048116, 1.051998}}};
const Mat kDeutan = {{{0.367322, 0.860646, -0.227968},
                      {0.280085, 0.672501, 0.047413},
                      {-0.011820, 0.042940, 0.968881}}};
const Mat kTritan = {{{1.255528, -0.076749, -0.178779},
                      {-0.078411, 0.930809, 0.147602},
                      {0.004733, 0.691367, 0.303900}}};
double toLinear(double c) {
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}
std::array<double, 3> lab(const QColor& c, const Mat& m) {
    const double in[3] = {toLinear(c.redF()), toLinear(c.greenF()), toLinear(c.blueF())};
    double l[3];
    for (int i = 0; i < 3; ++i)
        l[i] = std::clamp(m[i][0] * in[0] + m[i][1] * in[1] + m[i][2] * in[2], 0.0, 1.0);
    const double x = (0.4124 * l[0] + 0.3576 * l[1] + 0.1805 * l[2]) / 0.95047;
    const double y = 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
    const double z = (0.0193 * l[0] + 0.1192 * l[1] + 0.9505 * l[2]) / 1.08883;
    auto f = [](double t) { return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116; };
    return {116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
}
double deltaE(const QColor& a, const QColor& b, const Mat& m) {
    const auto p = lab(a, m), q = lab(b, m);
    return std::sqrt((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) +
                     (p[2] - q[2]) * (p[2] - q[2]));
}
} // namespace

void BuddyViewsTest::paletteIsColourBlindSafe() {
    // DESIGN.md's hues, indexed like core's enum.
    QCOMPARE(migratetypeColor(MIGRATE_UNMOVABLE, false), QColor("#D55E00"));
    QCOMPARE(migratetypeColor(MIGRATE_MOVABLE, false), QColor("#0072B2"));
    QCOMPARE(migratetypeColor(MIGRATE_RECLAIMABLE, false), QColor("#009E73"));
    QCOMPARE(migratetypeColor(MIGRATE_HIGHATOMIC, false), QColor("#CC79A7"));
    QCOMPARE(migratetypeColor(MIGRATE_ISOLATE, false), QColor("#999999"));
    const Mat normal = {{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
    // A red/green pair is the counter-example the check must catch.
    QVERIFY(deltaE(QColor("#E00000"), QColor("#00A000"), kDeutan) <
            deltaE(QColor("#E00000"), QColor("#00A000"), normal) / 4);
    for (bool dark : {false, true}) {
        for (const Mat* m : {&normal, &kProtan, &kDeutan, &kTritan}) {
            // The three mobility types and HIGHATOMIC stay well apart (ΔE76 >= 15).
            for (int a = 0; a < MIGRATE_ISOLATE; ++a)
                for (int b = a + 1; b < MIGRATE_ISOLATE; ++b)
                    QVERIFY2(
                        deltaE(migratetypeColor(a, dark), migratetypeColor(b, dark), *m) >= 15,
                        qPrintable(QString("types %1 and %2 (dark %3)").arg(a).arg(b).arg(dark)));
            // ISOLATE grey is told apart from all of them (weakest: HIGHATOMIC
            // for deuteranopes, about 7).
            for (int a = 0; a < MIGRATE_ISOLATE; ++a)
                QVERIFY(deltaE(migratetypeColor(a, dark), migratetypeColor(MIGRATE_ISOLATE, dark),
                               *m) >= 5);
        }
    }
}

void BuddyViewsTest::everyControlHasATooltip() {
    MainWindow w;
    w.show();
    QVERIFY(w.openScenario(kDemo, false));
    runTo(w, 2);
    QStringList missing;
    const auto inside = [](QWidget* x, const char* cls) {
        for (QWidget* p = x->parentWidget(); p; p = p->parentWidget())
            if (p->inherits(cls)) return true;
        return false;
    };
    for (QWidget* x : w.findChildren<QWidget*>()) {
        const bool control = x->inherits("QAbstractButton") || x->inherits("QComboBox") ||
                             x->inherits("QAbstractItemView") || x->inherits("QAbstractSpinBox");
        if (!control) continue;
        // Qt's own parts: tab bar scrollers, dock title buttons, combo popups,
        // headers, the toolbar's extension button.
        if (inside(x, "QTabBar") || inside(x, "QComboBox") || x->inherits("QHeaderView") ||
            x->inherits("QDockWidgetTitleButton") || x->objectName().startsWith("qt_") ||
            inside(x, "QAbstractItemView"))
            continue;
        if (auto* tb = qobject_cast<QToolButton*>(x); tb && tb->defaultAction()) {
            if (tb->defaultAction()->toolTip().isEmpty()) missing << tb->defaultAction()->text();
            continue;
        }
        if (x->toolTip().isEmpty())
            missing << QStringLiteral("%1 %2 (%3)")
                           .arg(QString::fromLatin1(x->metaObject()->className()), x->objectName(),
                                x->parentWidget() ? x->parentWidget()->metaObject()->className()
                                                  : "");
    }
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join("; ")));
}

void BuddyViewsTest::fontSizeIsPersisted() {
    QSettings().clear();
    {
        MainWindow w;
        w.restoreSettings();
        const double base = w.fontPointSize();
        w.zoom(+2);
        QCOMPARE(w.fontPointSize(), base + 2);
        w.saveSettings();
    }
    MainWindow again;
    const double before = again.fontPointSize();
    again.restoreSettings();
    QCOMPARE(again.fontPointSize(), before + 2);
    // The View menu has the actions.
    QStringList texts;
    for (QAction* a : again.findChildren<QAction*>())
        texts << a->text();
    QVERIFY(texts.contains("Zoom &in"));
    QVERIFY(texts.contains("Zoom &out"));
    QSettings().clear();
}

void BuddyViewsTest::screenshots_data() {
    QTest::addColumn<QString>("view");
    QTest::addColumn<QString>("theme");
    QTest::newRow("buddy light") << "buddy"
                                 << "light";
    QTest::newRow("pagemap dark") << "pagemap"
                                  << "dark";
}

void BuddyViewsTest::screenshots() {
    QFETCH(QString, view);
    QFETCH(QString, theme);
    const QString out = tmp_.filePath(view + ".png");
    QProcess p;
    p.start(QStringLiteral(MMSIM_GUI_BINARY),
            {"--scenario", kDemo, "--step", "4", "--view", view, "--theme", theme, "--size",
             "1280x800", "--screenshot", out});
    QVERIFY(p.waitForFinished(120000));
    QCOMPARE(p.exitCode(), 0);
    QImage img(out);
    QCOMPARE(img.size(), QSize(1280, 800));
}

QTEST_MAIN(BuddyViewsTest)
#include "test_buddy_views.moc"
