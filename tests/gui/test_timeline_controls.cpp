// GUI tests of the timeline controls on Qt's offscreen platform: Run stops
// at the same step and event as core's Timeline and mmsim-cli run --break;
// micro-stepping reveals one event at a time and the views follow it; the
// speed paces a run; Pause stops it; a broken breakpoint is refused and the
// others stay; the list is kept per scenario; Back works whatever has focus.
#include "core/breakpoint.h"
#include "core/page_map.h"
#include "core/report.h"
#include "core/scenario.h"
#include "core/simulation.h"
#include "core/timeline.h"
#include "ui/breakpoints_dock.h"
#include "ui/buddy_view.h"
#include "ui/event_log.h"
#include "ui/explanation_panel.h"
#include "ui/main_window.h"
#include "ui/run_controls.h"
#include "ui/scenario_panel.h"
#include "ui/simulation_controller.h"
#include "ui/snapshot.h"

#include <QAction>
#include <QComboBox>
#include <QLineEdit>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QProcess>
#include <QProgressBar>
#include <QRegularExpression>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>
#include <QTextBrowser>
#include <QToolButton>
#include <QTreeWidget>
#include <QtTest>

using mmsim::ui::MainWindow;

namespace {
const QString kScenarios = QStringLiteral(MMSIM_SCENARIOS);

QString scenario(const char* name) {
    return kScenarios + '/' + QString::fromLatin1(name);
}

// Where core's Timeline::run stops for these breakpoints: (position, event).
std::pair<std::size_t, long> coreStop(const QString& path, const QStringList& specs,
                                      std::size_t from = 0, int runs = 1) {
    mmsim::Timeline tl(mmsim::loadScenarioFile(path.toStdString()));
    tl.seek(from);
    mmsim::BreakpointSet bps;
    for (const QString& s : specs)
        bps.add(mmsim::parseBreakpoint(s.toStdString()));
    mmsim::Timeline::RunResult r;
    for (int i = 0; i < runs; ++i)
        r = tl.run(bps);
    if (r.stop != mmsim::Timeline::RunResult::Breakpoint) return {tl.position(), -2};
    return {tl.position(),
            r.hit->event == static_cast<std::size_t>(-1) ? -1 : static_cast<long>(r.hit->event)};
}

// The buddy lists a snapshot holds (what the Buddy tab draws), as text.
QString listsText(const mmsim::ui::Snapshot& s) {
    QString out;
    for (const auto& z : s.buddy) {
        out += QStringLiteral("zone %1/%2 free %3\n").arg(z.nid).arg(z.idx).arg(z.free);
        for (int o = 0; o < mmsim::NR_PAGE_ORDERS; ++o)
            for (int mt = 0; mt < mmsim::MIGRATE_TYPES; ++mt) {
                const auto& l = z.lists[static_cast<std::size_t>(o)][static_cast<std::size_t>(mt)];
                out += QStringLiteral("%1 %2 %3:").arg(o).arg(mt).arg(l.count);
                for (auto p : l.pfns)
                    out += ' ' + QString::number(p, 16);
                out += '\n';
            }
    }
    return out;
}

// The same lists as core holds them.
QString listsText(const mmsim::Simulation& sim) {
    QString out;
    for (const auto& n : sim.state().mm.nodes)
        for (const auto& z : n.zones) {
            if (!z.present_pages) continue;
            out += QStringLiteral("zone %1/%2 free %3\n")
                       .arg(z.nid)
                       .arg(z.idx)
                       .arg(z.free_area.freePages());
            for (int o = 0; o < mmsim::NR_PAGE_ORDERS; ++o)
                for (int mt = 0; mt < mmsim::MIGRATE_TYPES; ++mt) {
                    out += QStringLiteral("%1 %2 %3:")
                               .arg(o)
                               .arg(mt)
                               .arg(z.free_area.listLength(o, mt));
                    int shown = 0;
                    for (auto p = z.free_area.first(o, mt);
                         p != mmsim::NO_PFN && shown < mmsim::ui::kMaxListPfns;
                         p = z.free_area.next(p), ++shown)
                        out += ' ' + QString::number(p, 16);
                    out += '\n';
                }
        }
    return out;
}

// The page map's figures: totals and every zone's free blocks.
QString pageMapText(const mmsim::MachinePageMap& m) {
    QString out = QStringLiteral("free %1 pcp %2 allocated %3\n")
                      .arg(m.totals.free)
                      .arg(m.totals.pcp)
                      .arg(m.totals.allocated());
    for (const auto& n : m.nodes)
        for (const auto& z : n.zones) {
            for (const auto& b : z.free_blocks)
                out += QStringLiteral("%1/%2/%3 ").arg(b.pfn).arg(b.order).arg(b.mt);
            out += '\n';
        }
    return out;
}

const char* const kMicroViews[] = {"buddyinfo", "pagetypeinfo", "zoneinfo"};

// Where mmsim-cli run --break stops (-1: it ran to the end).
long cliStop(const QString& path, const QStringList& specs) {
    QStringList args{"run", path};
    for (const QString& s : specs)
        args << "--break" << s;
    QProcess p;
    p.start(QStringLiteral(MMSIM_CLI_BINARY), args);
    if (!p.waitForFinished(60000)) return -2;
    const QString err = QString::fromUtf8(p.readAllStandardError());
    const auto m = QRegularExpression("stopped after step (\\d+)").match(err);
    return m.hasMatch() ? m.captured(1).toLong() : -1;
}

// What mmsim-cli run warns of a breakpoint that never stopped the run
// ("" when it does not warn).
QString cliWarning(const QString& path, const QString& spec) {
    QProcess p;
    p.start(QStringLiteral(MMSIM_CLI_BINARY), {"run", path, "--break", spec});
    if (!p.waitForFinished(60000)) return "<timeout>";
    const QString err = QString::fromUtf8(p.readAllStandardError());
    const auto m = QRegularExpression("can never hit: ([^\n]*)").match(err);
    return m.hasMatch() ? m.captured(1) : QString();
}
} // namespace

class TimelineControlsTest : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void breakpointStopsLikeCoreAndCli_data();
    void breakpointStopsLikeCoreAndCli();
    void runAgainStopsAtTheNextHit();
    void disabledBreakpointDoesNotStop();
    void brokenSpecIsRefusedAndOthersKept();
    void breakpointsAreKeptPerScenario();
    void neverHittingBreakpointsAreMarked();
    void templatesCoverEveryKind();
    void microStepRevealsOneEventAtATime();
    void microStepFollowsCoreCursor();
    void speedSetsTheRunInterval();
    void pacedRunIsSlowerThanMax();
    void pauseStopsTheRun();
    void backWorksWhateverHasFocus();
    void shortcutsAreUniqueAndShown();
};

void TimelineControlsTest::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("mmsim-tests");
    QCoreApplication::setApplicationName("timeline-controls");
}

void TimelineControlsTest::breakpointStopsLikeCoreAndCli_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("spec");
    QTest::newRow("steal") << "08-migratetypes-fragmentation.json"
                           << "event:pageblock_steal";
    QTest::newRow("merge") << "06-buddy-split-merge.json"
                           << "event:buddy_merge";
    QTest::newRow("step") << "06-buddy-split-merge.json"
                          << "step:7";
    QTest::newRow("below-low") << "04-watermarks-lowmem-reserve.json"
                               << "event:below_low";
    QTest::newRow("zone-cond") << "08-migratetypes-fragmentation.json"
                               << "zone:*:mixed_pageblocks>0";
}

void TimelineControlsTest::breakpointStopsLikeCoreAndCli() {
    QFETCH(QString, file);
    QFETCH(QString, spec);
    const QString path = scenario(file.toLatin1().constData());
    const auto [pos, event] = coreStop(path, {spec});
    QVERIFY2(event != -2, "the scenario must hit the breakpoint");
    QCOMPARE(cliStop(path, {spec}), static_cast<long>(pos));

    MainWindow w;
    QVERIFY(w.openScenario(path, false));
    QVERIFY(w.waitIdle());
    QString err;
    QVERIFY2(w.breakpointsDock()->addBreakpoint(spec, &err), qPrintable(err));
    QCOMPARE(w.controller()->breakpoints(), QStringList{spec});
    w.runToEnd();
    QVERIFY(w.waitIdle());
    QVERIFY(!w.controller()->running());
    const auto snap = w.snapshot();
    QCOMPARE(snap->executed, static_cast<int>(pos));
    QCOMPARE(snap->break_index, 0);
    QCOMPARE(snap->break_event, static_cast<int>(event));
    QVERIFY(!snap->done);
    // The status bar, the explanation and the list say which one hit where.
    QVERIFY2(w.statusBar()->currentMessage().contains(spec),
             qPrintable(w.statusBar()->currentMessage()));
    QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("step %1").arg(pos)));
    QVERIFY(w.explanationPanel()->breakpointText().contains(spec.toHtmlEscaped()));
    QCOMPARE(w.breakpointsDock()->hitRow(), 0);
    QVERIFY(w.breakpointsDock()->list()->topLevelItem(0)->text(1).contains(QString::number(pos)));
    if (event >= 0) {
        // Stopped on an event: shown as a micro-step at that event.
        QCOMPARE(snap->micro, static_cast<int>(event) + 1);
        QVERIFY(w.stepLabelText().contains(QStringLiteral("event %1/").arg(event + 1)));
        QCOMPARE(w.eventLog()->table()->currentIndex().row(), static_cast<int>(event));
    }
}

void TimelineControlsTest::runAgainStopsAtTheNextHit() {
    const QString path = scenario("06-buddy-split-merge.json");
    const QString spec = "event:buddy_merge";
    const auto first = coreStop(path, {spec}, 0, 1);
    const auto second = coreStop(path, {spec}, 0, 2);
    QVERIFY(second.first > first.first && second.second != -2);
    MainWindow w;
    QVERIFY(w.openScenario(path, false));
    QVERIFY(w.waitIdle());
    QVERIFY(w.breakpointsDock()->addBreakpoint(spec));
    w.runToEnd();
    QVERIFY(w.waitIdle());
    QCOMPARE(w.snapshot()->executed, static_cast<int>(first.first));
    w.runToEnd();
    QVERIFY(w.waitIdle());
    QCOMPARE(w.snapshot()->executed, static_cast<int>(second.first));
}

void TimelineControlsTest::disabledBreakpointDoesNotStop() {
    const QString path = scenario("06-buddy-split-merge.json");
    MainWindow w;
    QVERIFY(w.openScenario(path, false));
    QVERIFY(w.waitIdle());
    auto* d = w.breakpointsDock();
    QVERIFY(d->addBreakpoint("step:3"));
    QVERIFY(d->addBreakpoint("step:5"));
    d->setBreakpointEnabled(0, false);
    QCOMPARE(w.controller()->breakpoints(), QStringList{"step:5"});
    w.runToEnd();
    QVERIFY(w.waitIdle());
    QCOMPARE(w.snapshot()->executed, 5);
    // The hit is the list's second row (the first is off).
    QCOMPARE(d->hitRow(), 1);
    d->removeBreakpoint(1);
    w.runToEnd();
    QVERIFY(w.waitIdle());
    QVERIFY(w.snapshot()->done);
    QCOMPARE(w.snapshot()->break_index, -1);
}

void TimelineControlsTest::brokenSpecIsRefusedAndOthersKept() {
    MainWindow w;
    QVERIFY(w.openScenario(scenario("06-buddy-split-merge.json"), false));
    QVERIFY(w.waitIdle());
    auto* d = w.breakpointsDock();
    QVERIFY(d->addBreakpoint("event:alloc_fail"));
    QVERIFY(d->addBreakpoint("step:4"));
    for (const char* bad : {"event:no_such_event", "step:four", "zone:Normal:free_pages<<low",
                            "nonsense", "label:", "zone:Nowhere:free_pages<low"}) {
        QString err;
        QVERIFY2(!d->addBreakpoint(bad, &err), bad);
        QVERIFY(!err.isEmpty());
        QVERIFY(d->errorText().contains(err.toHtmlEscaped().left(10)) ||
                d->errorText().contains(err.left(10)));
        QCOMPARE(d->specs(), (QStringList{"event:alloc_fail", "step:4"}));
    }
    // The entry: Enter adds, a bad one stays in the entry to be fixed.
    d->entry()->setText("step:oops");
    QTest::keyClick(d->entry(), Qt::Key_Return);
    QCOMPARE(d->count(), 2);
    QCOMPARE(d->entry()->text(), QStringLiteral("step:oops"));
    d->entry()->setText("step:6");
    QTest::keyClick(d->entry(), Qt::Key_Return);
    QCOMPARE(d->count(), 3);
    QVERIFY(d->errorText().isEmpty());
    QCOMPARE(w.controller()->breakpoints(), (QStringList{"event:alloc_fail", "step:4", "step:6"}));
    // Duplicates are refused too.
    QVERIFY(!d->addBreakpoint("step:4"));
    w.runToEnd();
    QVERIFY(w.waitIdle());
    QCOMPARE(w.snapshot()->executed, 4);
}

// A breakpoint that can never hit on the scenario's machine is marked in
// the dock with mmsim-cli's reason: a step past the end and a label no step
// carries at once, a condition on a zone the machine lacks once it has
// booted (the zones are not known before).
void TimelineControlsTest::neverHittingBreakpointsAreMarked() {
    const QString path = scenario("06-buddy-split-merge.json"); // 512 MiB: no Normal zone
    const QString past = "step:100000", label = "label:no-such-label",
                  zone = "zone:Normal:free_pages<low", fine = "step:3";
    mmsim::Timeline core(mmsim::loadScenarioFile(path.toStdString()));
    core.seek(core.length());
    auto why = [&](const QString& spec) {
        return QString::fromStdString(mmsim::breakpointProblem(
            mmsim::parseBreakpoint(spec.toStdString()), core.sim(), core.length()));
    };
    QVERIFY(!why(past).isEmpty());
    QVERIFY(!why(label).isEmpty());
    QVERIFY(why(zone).contains("no populated zone Normal"));
    QVERIFY(why(fine).isEmpty());
    // mmsim-cli's warnings say the same.
    QCOMPARE(cliWarning(path, past), why(past));
    QCOMPARE(cliWarning(path, zone), why(zone));
    QCOMPARE(cliWarning(path, fine), QString());

    MainWindow w;
    QVERIFY(w.openScenario(path, false));
    QVERIFY(w.waitIdle());
    QCOMPARE(w.snapshot()->executed, 0); // before the boot
    auto* d = w.breakpointsDock();
    for (const QString& spec : {past, label, zone, fine})
        QVERIFY(d->addBreakpoint(spec));
    QVERIFY(w.waitIdle());
    QCOMPARE(d->problem(0), why(past));
    QCOMPARE(d->problem(1), why(label));
    QCOMPARE(d->problem(2), QString()); // no zones yet
    QCOMPARE(d->problem(3), QString());
    auto* item = d->list()->topLevelItem(0);
    QVERIFY(item->toolTip(0).contains(why(past)));
    QCOMPARE(item->text(1), QStringLiteral("can never hit"));
    QVERIFY(d->list()->topLevelItem(3)->text(1).isEmpty());
    // Once the zones are set up, the zone is known to be missing.
    mmsim::Timeline boot(mmsim::loadScenarioFile(path.toStdString()));
    while (!boot.sim().state().mm.zones_initialised && !boot.atEnd())
        boot.step();
    const int zoned = static_cast<int>(boot.position());
    QVERIFY(zoned > 1);
    w.seekTo(zoned - 1);
    QVERIFY(w.waitIdle());
    QCOMPARE(d->problem(2), QString());
    w.stepForward();
    QVERIFY(w.waitIdle());
    QCOMPARE(d->problem(2), why(zone));
    QCOMPARE(d->problem(3), QString());
    // Switched off, it is no longer marked; removed ones take their marks along.
    d->setBreakpointEnabled(0, false);
    QVERIFY(w.waitIdle());
    QCOMPARE(d->problem(0), QString());
    QVERIFY(d->list()->topLevelItem(0)->text(1).isEmpty());
    d->removeBreakpoint(1);
    QVERIFY(w.waitIdle());
    QCOMPARE(d->problem(1), why(zone));
    // A run stops at step:3 (the others never stop it).
    w.seekTo(0);
    QVERIFY(w.waitIdle());
    QCOMPARE(d->problem(1), QString()); // zones unknown again
    w.runToEnd();
    QVERIFY(w.waitIdle());
    QCOMPARE(w.snapshot()->executed, 3);
    QCOMPARE(d->hitRow(), 2);
}

void TimelineControlsTest::breakpointsAreKeptPerScenario() {
    const QString a = scenario("06-buddy-split-merge.json");
    const QString b = scenario("08-migratetypes-fragmentation.json");
    QSettings().remove("breakpoints");
    {
        mmsim::ui::BreakpointsDock d;
        d.setPersist(true);
        d.setScenario(a, {});
        QVERIFY(d.addBreakpoint("event:pcp_drain"));
        QVERIFY(d.addBreakpoint("zone:Normal:free_pages<low"));
        d.setBreakpointEnabled(0, false);
        d.setScenario(b, {});
        QCOMPARE(d.count(), 0);
        QVERIFY(d.addBreakpoint("step:2"));
    }
    QSettings().sync();
    mmsim::ui::BreakpointsDock d;
    d.setPersist(true);
    d.setScenario(a, {});
    QCOMPARE(d.specs(), (QStringList{"event:pcp_drain", "zone:Normal:free_pages<low"}));
    QCOMPARE(d.enabledSpecs(), QStringList{"zone:Normal:free_pages<low"});
    d.setScenario(b, {});
    QCOMPARE(d.specs(), QStringList{"step:2"});
    // A saved spec that no longer parses is listed, off, and not given to a run.
    QSettings().setValue(mmsim::ui::BreakpointsDock::settingsKey(a),
                         QStringList{"1 event:bogus", "1 step:3"});
    d.setScenario(a, {});
    QCOMPARE(d.count(), 2);
    QCOMPARE(d.enabledSpecs(), QStringList{"step:3"});
    QSettings().remove("breakpoints");
}

void TimelineControlsTest::templatesCoverEveryKind() {
    mmsim::ui::BreakpointsDock d;
    d.setScenario(scenario("08-migratetypes-fragmentation.json"), {"warm", "cold"});
    QStringList kinds;
    for (int i = 0; i < d.templates()->count(); ++i) {
        const QString spec = d.templates()->itemData(i).toString();
        if (spec.isEmpty()) continue;
        // Every template parses as it is.
        QVERIFY2(d.addBreakpoint(spec), qPrintable(spec + ": " + d.errorText()));
        kinds << spec.section(':', 0, 0);
    }
    for (const char* k : {"event", "label", "step", "zone", "cache", "value"})
        QVERIFY2(kinds.contains(k), k);
    for (const char* e :
         {"event:pageblock_steal", "event:alloc_fail", "event:pcp_drain", "event:below_low",
          "event:below_min", "event:slab_discard", "label:warm", "label:cold"})
        QVERIFY2(d.specs().contains(e), e);
}

// The first step of the scenario with at least 'min_events' events and a split.
static int stepWithSplits(const QString& path, std::size_t min_events) {
    mmsim::Timeline tl(mmsim::loadScenarioFile(path.toStdString()));
    while (tl.step()) {
        const auto& ev = tl.sim().lastEvents();
        if (ev.size() < min_events) continue;
        for (std::size_t i = 0; i < ev.size(); ++i)
            if (ev[i].kind == mmsim::BuddyEvent::buddy_split)
                return static_cast<int>(tl.position());
    }
    return -1;
}

void TimelineControlsTest::microStepRevealsOneEventAtATime() {
    const QString path = scenario("06-buddy-split-merge.json");
    const int s = stepWithSplits(path, 3);
    QVERIFY(s > 0);
    MainWindow w;
    w.resize(1280, 800);
    QVERIFY(w.openScenario(path, false));
    QVERIFY(w.waitIdle());
    w.showView("buddy");
    w.seekTo(s - 1);
    QVERIFY(w.waitIdle());
    QCOMPARE(w.snapshot()->executed, s - 1);
    QCOMPARE(w.snapshot()->micro, -1);

    w.microStep();
    QVERIFY(w.waitIdle());
    const auto first = w.snapshot();
    QCOMPARE(first->executed, s);
    QCOMPARE(first->micro, 1);
    const int n = first->events_total;
    QVERIFY(n >= 3);
    QCOMPARE(w.stepLabelText(), QStringLiteral("step %1 · event 1/%2").arg(s).arg(n));

    // Core's timeline, micro-stepped alongside: the machine after each event.
    mmsim::Timeline core(mmsim::loadScenarioFile(path.toStdString()));
    core.seek(static_cast<std::size_t>(s - 1));
    QStringList explained, paths, lists, buddyinfos;
    QList<QImage> canvases;
    for (int k = 1; k <= n; ++k) {
        if (k > 1) {
            w.microStep();
            QVERIFY(w.waitIdle());
        }
        const auto snap = w.snapshot();
        QCOMPARE(snap->executed, s); // the same step
        QCOMPARE(snap->micro, k);    // one more event
        // The lists and the free-memory views are the machine after event k.
        QVERIFY(core.microStep());
        QCOMPARE(core.microCursor(), static_cast<std::size_t>(k));
        const mmsim::Simulation& mid = core.microSim();
        QCOMPARE(listsText(*snap), listsText(mid));
        QCOMPARE(pageMapText(*snap->page_map), pageMapText(mmsim::buildPageMap(mid.state().mm)));
        for (const char* v : kMicroViews)
            QCOMPARE(snap->view(QString::fromLatin1(v)),
                     QString::fromStdString(mmsim::renderView(mid, v)));
        lists << listsText(*snap);
        buddyinfos << snap->view("buddyinfo");
        QCOMPARE(w.stepLabelText(), QStringLiteral("step %1 · event %2/%3").arg(s).arg(k).arg(n));
        // The event log highlights the current one, the explanation tells it.
        QCOMPARE(w.eventLog()->table()->currentIndex().row(), k - 1);
        const QString ex = w.explanationPanel()->eventText();
        QVERIFY2(ex.contains(QStringLiteral("Micro-event %1").arg(k)), qPrintable(ex));
        QVERIFY(ex.contains(snap->events[static_cast<std::size_t>(k - 1)].text.toHtmlEscaped()));
        explained << ex;
        // The buddy view: the path so far, the animation of this event.
        QString p;
        for (const auto& step : w.buddyView()->pathStrip()->path())
            p += step.text + '|';
        paths << p;
        w.buddyView()->freezeAnimation(1.0);
        canvases << w.buddyView()->canvas()->grab().toImage();
        // The micro clock never passes the step's end.
        QVERIFY(snap->micro_clock <= snap->clock_now);
    }
    QCOMPARE(QSet<QString>(explained.begin(), explained.end()).size(), n);
    // The path strip grows with the events (at least once it differs).
    QVERIFY(QSet<QString>(paths.begin(), paths.end()).size() > 1);
    int differing = 0;
    for (int k = 1; k < canvases.size(); ++k)
        differing += canvases[k] != canvases[k - 1];
    QVERIFY2(differing > 0, "the buddy canvas must change between micro-steps");
    // The lists and /proc/buddyinfo change within the step (a split: a
    // block leaves its list, then the halves come back one order lower).
    QVERIFY(QSet<QString>(lists.begin(), lists.end()).size() > 2);
    QVERIFY(QSet<QString>(buddyinfos.begin(), buddyinfos.end()).size() > 1);
    // At the last event it is the whole step, as a plain step shows it.
    const auto last = w.snapshot();
    w.stepBack();
    QVERIFY(w.waitIdle());
    QCOMPARE(w.snapshot()->executed, s - 1);
    QVERIFY(listsText(*w.snapshot()) != lists.back());
    w.stepForward();
    QVERIFY(w.waitIdle());
    const auto whole = w.snapshot();
    QCOMPARE(whole->executed, s);
    QCOMPARE(whole->micro, -1);
    QCOMPARE(listsText(*last), listsText(*whole));
    QCOMPARE(last->views, whole->views);
    QCOMPARE(pageMapText(*last->page_map), pageMapText(*whole->page_map));
    // After the last event, the next micro-step runs the next step.
    w.microStep();
    QVERIFY(w.waitIdle());
    QCOMPARE(w.snapshot()->executed, s + 1);
    QVERIFY(w.snapshot()->micro <= 1);
    // A whole step shows the whole step again.
    w.stepForward();
    QVERIFY(w.waitIdle());
    QCOMPARE(w.snapshot()->micro, -1);
    QVERIFY(!w.stepLabelText().contains("event"));
}

void TimelineControlsTest::microStepFollowsCoreCursor() {
    const QString path = scenario("06-buddy-split-merge.json");
    mmsim::Timeline tl(mmsim::loadScenarioFile(path.toStdString()));
    MainWindow w;
    QVERIFY(w.openScenario(path, false));
    QVERIFY(w.waitIdle());
    for (int k = 0; k < 40; ++k) {
        const bool moved = tl.microStep();
        w.microStep();
        QVERIFY(w.waitIdle());
        if (!moved) break;
        const auto snap = w.snapshot();
        QCOMPARE(snap->executed, static_cast<int>(tl.position()));
        QCOMPARE(snap->micro, static_cast<int>(tl.microCursor()));
        QCOMPARE(snap->micro_clock, tl.microClock());
    }
}

void TimelineControlsTest::speedSetsTheRunInterval() {
    MainWindow w;
    for (int sps : mmsim::ui::SpeedControl::speeds()) {
        w.setRunSpeed(sps);
        QCOMPARE(w.controller()->runSpeed(), sps);
        QCOMPARE(w.controller()->runIntervalMs(), sps > 0 ? 1000 / sps : 0);
        QCOMPARE(w.speedControl()->speed(), sps);
    }
    // The combo drives it too.
    w.speedControl()->combo()->setCurrentIndex(0);
    QCOMPARE(w.controller()->runIntervalMs(), 1000);
}

void TimelineControlsTest::pacedRunIsSlowerThanMax() {
    const QString path = scenario("08-migratetypes-fragmentation.json");
    MainWindow w;
    QVERIFY(w.openScenario(path, false));
    QVERIFY(w.waitIdle());
    const int total = w.snapshot()->total;
    QVERIFY(total > 20);
    w.setRunSpeed(5); // 200 ms a step
    QElapsedTimer t;
    t.start();
    w.runToEnd();
    QTest::qWait(700);
    w.pause();
    QVERIFY(w.waitIdle());
    const qint64 ms = t.elapsed();
    const int ran = w.snapshot()->executed;
    // A step at once, then one per 200 ms: never more than the pace allows.
    QVERIFY2(ran >= 1 && ran <= 1 + ms / 200 + 1, qPrintable(QString::number(ran)));
    QVERIFY(!w.snapshot()->done);
    // As fast as possible: to the end.
    w.setRunSpeed(0);
    w.runToEnd();
    QVERIFY(w.waitIdle());
    QVERIFY(w.snapshot()->done);
    QCOMPARE(w.snapshot()->executed, total);
}

void TimelineControlsTest::pauseStopsTheRun() {
    MainWindow w;
    QVERIFY(w.openScenario(scenario("08-migratetypes-fragmentation.json"), false));
    QVERIFY(w.waitIdle());
    w.setRunSpeed(30);
    QSignalSpy running(w.controller(), &mmsim::ui::SimulationController::runningChanged);
    w.runToEnd();
    QVERIFY(w.controller()->running());
    QVERIFY(w.pauseAction()->isEnabled());
    QVERIFY(!w.runProgress()->isHidden());
    // Wait for a step or two to show (a loaded machine may be slow to start).
    QTRY_VERIFY_WITH_TIMEOUT(w.snapshot()->executed >= 1, 10000);
    w.pause();
    QVERIFY(w.waitIdle());
    QVERIFY(!w.controller()->running());
    QVERIFY(w.runProgress()->isHidden());
    QVERIFY(!w.pauseAction()->isEnabled());
    QCOMPARE(running.size(), 2);
    const int at = w.snapshot()->executed;
    QVERIFY(at >= 1 && !w.snapshot()->done);
    QTest::qWait(300);
    QCOMPARE(w.snapshot()->executed, at); // nothing ran after the pause
    QCOMPARE(w.simulation()->executed(), static_cast<std::size_t>(at));
    // Step during a slow run stops the run and steps once.
    w.setRunSpeed(2);
    const int from = w.snapshot()->executed;
    w.runToEnd();
    QTest::qWait(100);
    w.stepForward();
    QVERIFY(w.waitIdle());
    QVERIFY(!w.controller()->running());
    const int after = w.snapshot()->executed;
    QVERIFY2(after >= from + 1 && after <= from + 2, qPrintable(QString::number(after - from)));
    QTest::qWait(700);
    QCOMPARE(w.snapshot()->executed, after);
    // The progress bar's Stop button pauses as well.
    w.setRunSpeed(30);
    w.runToEnd();
    QTest::qWait(100);
    w.runProgress()->stopButton()->click();
    QVERIFY(w.waitIdle());
    QVERIFY(!w.controller()->running());
    QVERIFY(!w.snapshot()->done);
}

void TimelineControlsTest::backWorksWhateverHasFocus() {
    MainWindow w;
    QVERIFY(w.openScenario(scenario("06-buddy-split-merge.json"), false));
    QVERIFY(w.waitIdle());
    w.show();
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    for (int i = 0; i < 6; ++i)
        w.stepForward();
    QVERIFY(w.waitIdle());
    QCOMPARE(w.snapshot()->executed, 6);
    // Focus in read-only text views (the scenario's description takes
    // keyboard selection, so word moves) and tables: Ctrl+Left still goes back.
    auto* log = w.findChild<QPlainTextEdit*>("explanation-log");
    QVERIFY(log);
    auto* browser = w.scenarioPanel()->findChild<QTextBrowser*>();
    QVERIFY(browser);
    QList<QWidget*> targets{browser, log, w.eventLog()->table(), w.breakpointsDock()->list()};
    int expect = 6;
    for (QWidget* t : targets) {
        t->setFocus();
        QTest::keyClick(t, Qt::Key_Left, Qt::ControlModifier);
        QVERIFY(w.waitIdle());
        QCOMPARE(w.snapshot()->executed, --expect);
    }
    // Ctrl+Right steps; F11 micro-steps.
    QTest::keyClick(browser, Qt::Key_Right, Qt::ControlModifier);
    QVERIFY(w.waitIdle());
    QCOMPARE(w.snapshot()->executed, expect + 1);
    QTest::keyClick(w.eventLog()->table(), Qt::Key_F11);
    QVERIFY(w.waitIdle());
    QVERIFY(w.snapshot()->micro >= 0);
    // An editable field keeps its word moves.
    const int before = w.snapshot()->executed;
    w.breakpointsDock()->entry()->setText("event:alloc_fail");
    w.breakpointsDock()->entry()->setFocus();
    QTest::keyClick(w.breakpointsDock()->entry(), Qt::Key_Left, Qt::ControlModifier);
    QVERIFY(w.waitIdle());
    QCOMPARE(w.snapshot()->executed, before);
    QVERIFY(w.breakpointsDock()->entry()->cursorPosition() < 16);
}

void TimelineControlsTest::shortcutsAreUniqueAndShown() {
    MainWindow w;
    QVERIFY(!QCoreApplication::testAttribute(Qt::AA_DontShowShortcutsInContextMenus));
    QMap<QKeySequence, QString> seen;
    for (QAction* a : w.findChildren<QAction*>()) {
        for (const QKeySequence& k : a->shortcuts()) {
            if (a->shortcutContext() == Qt::WidgetShortcut) continue;
            QVERIFY2(!seen.contains(k),
                     qPrintable(k.toString() + ": " + seen.value(k) + " and " + a->text()));
            seen.insert(k, a->text());
        }
    }
    // Every timeline command is in the Simulation menu with its shortcut.
    QMenu* sim = nullptr;
    for (QAction* m : w.menuBar()->actions())
        if (m->text().contains("Simulation")) sim = m->menu();
    QVERIFY(sim);
    for (QAction* a :
         {w.stepAction(), w.backAction(), w.microAction(), w.runAction(), w.pauseAction()}) {
        QVERIFY(sim->actions().contains(a));
        QVERIFY(!a->shortcut().isEmpty());
        QVERIFY2(a->toolTip().contains(a->shortcut().toString(QKeySequence::NativeText)),
                 qPrintable(a->toolTip()));
    }
    QCOMPARE(w.microAction()->shortcut(), QKeySequence(Qt::Key_F11));
}

QTEST_MAIN(TimelineControlsTest)
#include "test_timeline_controls.moc"
