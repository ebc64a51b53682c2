// GUI tests on Qt's offscreen platform: the main window opens a scenario,
// steps it on the simulation thread, keeps its scenario when a broken file
// is opened, and every view follows the snapshots consistently.
#include "core/import_dmesg.h"
#include "core/report.h"
#include "core/simulation.h"
#include "ui/address_bar.h"
#include "ui/diff_text_view.h"
#include "ui/event_log.h"
#include "ui/explanation_panel.h"
#include "ui/machine_view.h"
#include "ui/main_window.h"
#include "ui/memblock_model.h"
#include "ui/memblock_view.h"
#include "ui/numa_models.h"
#include "ui/proc_view.h"
#include "ui/scenario_panel.h"
#include "ui/simulation_controller.h"
#include "ui/watermark_gauge.h"
#include "ui/zone_models.h"
#include "ui/zonelist_chain.h"
#include "ui/zones_view.h"

#include <QAbstractItemModelTester>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

class MainWindowTest : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void opensAndSteps();
    void brokenFileKeepsScenario_data();
    void brokenFileKeepsScenario();
    void zonesViewShowsManagedPagesAfterBoot();
    void memblockTablesMatchBootState();
    void steppingAnImportedBootMovesEveryView();
    void runPauseAndReset();
    void refusedStepIsReported();
    void backUndoesSteps();
    void scrubberSeeksLikeSteps();
    void predictStepAsksFirst();
    void modelsPassTheTester();
    void procViewHighlightsChangedLines();
    void showViewAndThemes();
    void screenshotOption_data();
    void screenshotOption();

  private:
    QString importedScenario();
    QTemporaryDir tmp_;
};

static const QString kDefault = QStringLiteral(MMSIM_SCENARIOS "/default.json");

void MainWindowTest::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(tmp_.isValid());
}

// A step-by-step boot: the qemu 6.12 two-node capture, imported.
QString MainWindowTest::importedScenario() {
    const QString path = tmp_.filePath("imported.json");
    if (!QFile::exists(path)) {
        const auto doc = mmsim::importDmesgFile(MMSIM_FIXTURES "/kernel/qemu-6.12-n2-2G.log");
        std::ofstream(path.toStdString()) << doc.dump(2);
    }
    return path;
}

void MainWindowTest::opensAndSteps() {
    mmsim::ui::MainWindow w;
    QVERIFY(w.openScenario(kDefault, false));
    QVERIFY(w.waitIdle());
    QVERIFY(w.simulation() != nullptr);
    QCOMPARE(w.simulation()->executed(), std::size_t{0});
    QVERIFY(w.viewText("boot").contains("not available yet"));
    w.stepForward();
    QVERIFY(w.waitIdle());
    QCOMPARE(w.simulation()->executed(), std::size_t{1});
    QCOMPARE(w.snapshot()->executed, 1);
    QVERIFY(w.viewText("boot").startsWith("Zone ranges:"));
    QVERIFY(w.viewText("zoneinfo").contains("Node 1, zone    DMA32"));
    QVERIFY(w.viewText("e820").contains(
        "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable"));
}

void MainWindowTest::brokenFileKeepsScenario_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("truncated") << R"({"format": "mmsim-scenario/1", "machine": {)"
                               << ":1:";
    QTest::newRow("unknown op")
        << R"({"format": "mmsim-scenario/1", "machine": {"e820": []}, "boot": [{"op": "memblock_frob"}]})"
        << "/boot/0/op";
}

void MainWindowTest::brokenFileKeepsScenario() {
    QFETCH(QString, text);
    QFETCH(QString, message);
    mmsim::ui::MainWindow w;
    QVERIFY(w.openScenario(kDefault, false));
    w.stepForward();
    QVERIFY(w.waitIdle());
    const QString before = w.viewText("zoneinfo");
    const QString title = w.windowTitle();
    QTemporaryDir dir;
    const QString bad = dir.filePath("bad.json");
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text.toUtf8());
    f.close();
    QVERIFY(!w.openScenario(bad, false));
    QVERIFY(w.waitIdle());
    QVERIFY2(w.lastError().contains(message), qPrintable(w.lastError()));
    QVERIFY(w.lastError().contains("bad.json"));
    QCOMPARE(w.viewText("zoneinfo"), before);
    QCOMPARE(w.simulation()->executed(), std::size_t{1});
    QCOMPARE(w.windowTitle(), title);
    QCOMPARE(w.controller()->info().path, kDefault);
}

void MainWindowTest::zonesViewShowsManagedPagesAfterBoot() {
    mmsim::ui::MainWindow w;
    QVERIFY(w.openScenario(kDefault, false));
    QVERIFY(w.waitIdle());
    auto* zones = w.zonesView()->zonesModel();
    QCOMPARE(zones->rowCount(), 0); // nothing sized before the boot
    w.stepForward();
    QVERIFY(w.waitIdle());
    // Every populated zone of the simulation is a row, with its managed pages.
    std::vector<const mmsim::Zone*> populated;
    w.simulation()->state().mm.forEachZone([&](const mmsim::Zone& z) {
        if (z.present_pages || z.spanned_pages) populated.push_back(&z);
    });
    QCOMPARE(zones->rowCount(), static_cast<int>(populated.size()));
    QVERIFY(zones->rowCount() >= 3);
    for (int r = 0; r < zones->rowCount(); ++r) {
        const auto managed =
            zones->data(zones->index(r, mmsim::ui::ZonesModel::Managed)).toULongLong();
        QCOMPARE(managed, populated[size_t(r)]->managed_pages);
        QVERIFY(managed > 0);
        const auto high = zones->data(zones->index(r, mmsim::ui::ZonesModel::High)).toULongLong();
        QCOMPARE(high, populated[size_t(r)]->highWmark());
    }
    QCOMPARE(w.zonesView()->gauges().size(), populated.size());
    QVERIFY(w.zonesView()->gauges().front()->zone().managed > 0);
    QCOMPARE(w.zonesView()->lowmemModel()->rowCount(), zones->rowCount());
    QCOMPARE(w.zonesView()->chains().size(), std::size_t{2});
    QCOMPARE(w.zonesView()->chains()[0]->chain().size(),
             w.simulation()->state().mm.nodes[0].zonelist.size());
}

void MainWindowTest::memblockTablesMatchBootState() {
    mmsim::ui::MainWindow w;
    QVERIFY(w.openScenario(kDefault, false));
    w.stepForward();
    QVERIFY(w.waitIdle());
    const auto& mb = w.simulation()->state().memblock;
    auto* mem = w.memblockView()->memoryModel();
    auto* res = w.memblockView()->reservedModel();
    QCOMPARE(mem->rowCount(), static_cast<int>(mb.memory().regions.size()));
    QCOMPARE(res->rowCount(), static_cast<int>(mb.reserved().regions.size()));
    QCOMPARE(mem->data(mem->index(0, mmsim::ui::RegionTableModel::Base)).toString(),
             QStringLiteral("0x%1").arg(mb.memory().regions[0].base, 0, 16));
    // The address bar draws the same regions.
    const auto& lanes = w.memblockView()->addressBar()->lanes();
    QCOMPARE(lanes.size(), std::size_t{2});
    QCOMPARE(lanes[0].segments.size(), mb.memory().regions.size());
    QCOMPARE(lanes[1].segments.size(), mb.reserved().regions.size());
    // The e820 bar: the firmware and the kernel tables and the node spans.
    const auto& e820 = w.machineView()->addressBar()->lanes();
    QCOMPARE(e820.size(), std::size_t{3});
    QCOMPARE(e820[0].segments.size(), w.simulation()->state().bios_e820.entries().size());
    QCOMPARE(w.machineView()->nodesModel()->rowCount(), 2);
    QCOMPARE(w.machineView()->distanceModel()->rowCount(), 2);
    QCOMPARE(w.machineView()
                 ->distanceModel()
                 ->data(w.machineView()->distanceModel()->index(0, 1))
                 .toInt(),
             20);
}

void MainWindowTest::steppingAnImportedBootMovesEveryView() {
    mmsim::ui::MainWindow w;
    QVERIFY(w.openScenario(importedScenario(), false));
    QVERIFY(w.waitIdle());
    auto* steps = w.scenarioPanel()->stepList();
    const auto total = w.simulation()->totalOps();
    QCOMPARE(steps->count(), static_cast<int>(total));
    QVERIFY(total > 20);
    int last_reserved = w.memblockView()->reservedModel()->rowCount();
    bool changed = false;
    for (int i = 1; i <= 20; ++i) {
        w.stepForward();
        QVERIFY(w.waitIdle());
        QCOMPARE(w.simulation()->executed(), std::size_t(i));
        QCOMPARE(w.scenarioPanel()->currentStep(), i - 1);
        QCOMPARE(steps->currentRow(), i - 1);
        QVERIFY(steps->item(i - 1)->font().bold());
        const int rows = w.memblockView()->reservedModel()->rowCount();
        QCOMPARE(rows,
                 static_cast<int>(w.simulation()->state().memblock.reserved().regions.size()));
        changed |= rows != last_reserved;
        last_reserved = rows;
    }
    QVERIFY(changed);
    // Explanation: the log lines of the last step, the memblock debug lines.
    QVERIFY(!w.snapshot()->memblock_debug.isEmpty());
    QCOMPARE(w.viewText("memblock"),
             QString::fromStdString(mmsim::renderView(*w.simulation(), "memblock")));
    w.runToEnd();
    QVERIFY(w.waitIdle(60000));
    QVERIFY(w.simulation()->done());
    QVERIFY(w.zonesView()->zonesModel()->rowCount() > 0);
    QCOMPARE(steps->currentRow(), steps->count() - 1);
}

void MainWindowTest::runPauseAndReset() {
    mmsim::ui::MainWindow w;
    QVERIFY(w.openScenario(importedScenario(), false));
    QVERIFY(w.waitIdle());
    QSignalSpy running(w.controller(), &mmsim::ui::SimulationController::runningChanged);
    w.runToEnd();
    w.pause();
    QVERIFY(w.waitIdle());
    QVERIFY(running.count() >= 2);
    QVERIFY(!w.controller()->running());
    const int at = w.snapshot()->executed;
    QCOMPARE(at, static_cast<int>(w.simulation()->executed()));
    w.resetScenario();
    QVERIFY(w.waitIdle());
    QCOMPARE(w.snapshot()->executed, 0);
    QCOMPARE(w.simulation()->executed(), std::size_t{0});
    QCOMPARE(w.scenarioPanel()->currentStep(), -1);
    // Snapshots reach the views at most once per refresh interval.
    QSignalSpy snaps(w.controller(), &mmsim::ui::SimulationController::snapshotChanged);
    QElapsedTimer t;
    t.start();
    w.runToEnd();
    QVERIFY(w.waitIdle(60000));
    const double frames_allowed =
        t.elapsed() / double(mmsim::ui::SimulationController::kRefreshIntervalMs) + 2;
    QVERIFY2(snaps.count() <= frames_allowed, qPrintable(QString::number(snaps.count())));
    QVERIFY(w.simulation()->done());
}

void MainWindowTest::refusedStepIsReported() {
    mmsim::ui::MainWindow w;
    QVERIFY(w.openScenario(MMSIM_FIXTURES "/bad/double-free-reserved.json", false));
    QSignalSpy refused(w.controller(), &mmsim::ui::SimulationController::stepRefused);
    w.runToEnd();
    QVERIFY(w.waitIdle());
    QCOMPARE(refused.count(), 1);
    QVERIFY(!w.lastError().isEmpty());
    QVERIFY2(w.lastError().contains("double-free-reserved.json:"), qPrintable(w.lastError()));
    QVERIFY(!w.simulation()->done());
}

static const QString kBuddy = QStringLiteral(MMSIM_SCENARIOS "/06-buddy-split-merge.json");

// A fresh window with the scenario stepped n times.
static void steppedFresh(mmsim::ui::MainWindow& w, const QString& path, int n) {
    QVERIFY(w.openScenario(path, false));
    QVERIFY(w.waitIdle());
    for (int i = 0; i < n; ++i)
        w.stepForward();
    QVERIFY(w.waitIdle());
    QCOMPARE(w.simulation()->executed(), std::size_t(n));
}

void MainWindowTest::backUndoesSteps() {
    mmsim::ui::MainWindow w;
    steppedFresh(w, kBuddy, 5);
    const QString at5 = w.viewText("buddyinfo");
    const QString total = QString::number(w.simulation()->totalOps());
    QCOMPARE(w.scrubber()->value(), 5);
    QCOMPARE(w.scrubber()->maximum(), total.toInt());
    QVERIFY(w.backAction()->isEnabled());
    QVERIFY(w.backAction()->shortcuts().contains(QKeySequence(Qt::SHIFT | Qt::Key_F10)));
    QVERIFY(w.backAction()->shortcuts().contains(QKeySequence(Qt::CTRL | Qt::Key_Left)));
    QVERIFY(w.backAction()->toolTip().contains("Shift+F10"));
    w.backAction()->trigger();
    w.stepBack();
    QVERIFY(w.waitIdle());
    QCOMPARE(w.simulation()->executed(), std::size_t{3});
    QCOMPARE(w.snapshot()->executed, 3);
    QCOMPARE(w.scrubber()->value(), 3);
    QCOMPARE(w.findChild<QLabel*>("step-counter")->text(), "step 3 / " + total);

    mmsim::ui::MainWindow fresh;
    steppedFresh(fresh, kBuddy, 3);
    QCOMPARE(w.viewText("buddyinfo"), fresh.viewText("buddyinfo"));
    QVERIFY2(at5 != fresh.viewText("buddyinfo"), "steps 4-5 must change buddyinfo");
    QCOMPARE(w.viewText("zoneinfo"), fresh.viewText("zoneinfo"));
    QCOMPARE(w.snapshot()->step_log, fresh.snapshot()->step_log);
    QCOMPARE(w.snapshot()->events_total, fresh.snapshot()->events_total);
    QCOMPARE(w.snapshot()->clock_now, fresh.snapshot()->clock_now);
    // Forward again from there: the same as never having gone back.
    w.stepForward();
    w.stepForward();
    QVERIFY(w.waitIdle());
    QCOMPARE(w.viewText("buddyinfo"), at5);
    // Back to the start and no further.
    for (int i = 0; i < 7; ++i)
        w.stepBack();
    QVERIFY(w.waitIdle());
    QCOMPARE(w.simulation()->executed(), std::size_t{0});
    QVERIFY(!w.backAction()->isEnabled());
}

void MainWindowTest::scrubberSeeksLikeSteps() {
    mmsim::ui::MainWindow w;
    QVERIFY(w.openScenario(kBuddy, false));
    QVERIFY(w.waitIdle());
    const int total = static_cast<int>(w.simulation()->totalOps());
    QVERIFY(total > 8);
    for (int n : {6, 2, total, 4}) {
        w.scrubber()->setValue(n);
        QVERIFY(w.waitIdle());
        QCOMPARE(w.simulation()->executed(), std::size_t(n));
        mmsim::ui::MainWindow fresh;
        steppedFresh(fresh, kBuddy, n);
        QCOMPARE(w.viewText("buddyinfo"), fresh.viewText("buddyinfo"));
        QCOMPARE(w.viewText("zoneinfo"), fresh.viewText("zoneinfo"));
        QCOMPARE(w.snapshot()->clock_now, fresh.snapshot()->clock_now);
    }
    // A drag: many positions while the worker is busy collapse into one seek
    // to the newest.
    w.stepForward();
    int positions = 0;
    for (int sweep = 0; sweep < 20; ++sweep)
        for (int n = 1; n <= total; ++n, ++positions)
            w.scrubber()->setValue(sweep % 2 ? total + 1 - n : n);
    w.scrubber()->setValue(3);
    // The step and the seeks the worker started mid-drag (each takes the
    // newest target): far fewer commands than positions, however fast the
    // worker thread happens to run.
    QVERIFY2(w.controller()->pendingCommands() <= 2 + positions / 10,
             qPrintable(QStringLiteral("%1 commands for %2 positions")
                            .arg(w.controller()->pendingCommands())
                            .arg(positions)));
    QVERIFY(w.waitIdle());
    QCOMPARE(w.simulation()->executed(), std::size_t{3});
    QCOMPARE(w.scrubber()->value(), 3);
}

static QMessageBox* openBox(const QWidget& w, const QString& title) {
    for (QMessageBox* b : w.findChildren<QMessageBox*>())
        if (b->isVisible() && b->windowTitle() == title) return b;
    return nullptr;
}

// Interactive: the question comes before the views show the predict step;
// the answer and the score after. Not interactive: never a dialog.
void MainWindowTest::predictStepAsksFirst() {
    mmsim::ui::MainWindow quiet;
    steppedFresh(quiet, kBuddy, 8);
    QVERIFY(quiet.findChildren<QMessageBox*>().isEmpty());

    mmsim::ui::MainWindow w;
    QVERIFY(w.openScenario(kBuddy, true));
    QVERIFY(w.waitIdle());
    const QString total = QString::number(w.simulation()->totalOps());
    auto* label = w.findChild<QLabel*>("step-counter");
    auto* score = w.findChild<QLabel*>("predict-score");
    QMessageBox* box = nullptr;
    for (std::size_t i = 0; i < w.simulation()->totalOps() && !box; ++i) {
        w.stepForward();
        QVERIFY(w.waitIdle());
        box = openBox(w, "Predict");
    }
    QVERIFY(box);
    const auto& p = w.simulation()->lastPrediction();
    QVERIFY(p.has_value());
    QVERIFY(p->correct >= 0);
    const int k = static_cast<int>(w.simulation()->executed());
    QCOMPARE(box->text(), QString::fromStdString(p->question));
    QCOMPARE(label->text(), QString("step %1 / %2").arg(k - 1).arg(total));
    QAbstractButton* right = nullptr;
    for (QAbstractButton* b : box->buttons())
        if (b->text() == QString::fromStdString(p->choices[static_cast<std::size_t>(p->correct)]))
            right = b;
    QVERIFY(right);
    QVERIFY(score->text().isEmpty());
    right->click();
    QTRY_VERIFY(openBox(w, "Prediction") != nullptr);
    QCOMPARE(label->text(), QString("step %1 / %2").arg(k).arg(total));
    QCOMPARE(score->text(), QString("predictions 1 / 1"));
    QVERIFY(openBox(w, "Prediction")->text().contains(QString::fromStdString(p->answer)));
    openBox(w, "Prediction")->accept();
    // Back and forward again: the question is not asked twice.
    w.stepBack();
    QVERIFY(w.waitIdle());
    w.stepForward();
    QVERIFY(w.waitIdle());
    QVERIFY(!openBox(w, "Predict"));
    QCOMPARE(label->text(), QString("step %1 / %2").arg(k).arg(total));
}

void MainWindowTest::modelsPassTheTester() {
    mmsim::ui::MainWindow w;
    QList<QAbstractItemModel*> models = {
        w.memblockView()->memoryModel(), w.memblockView()->reservedModel(),
        w.machineView()->nodesModel(),   w.machineView()->distanceModel(),
        w.zonesView()->zonesModel(),     w.zonesView()->lowmemModel()};
    std::vector<std::unique_ptr<QAbstractItemModelTester>> testers;
    for (auto* m : models)
        testers.push_back(std::make_unique<QAbstractItemModelTester>(
            m, QAbstractItemModelTester::FailureReportingMode::QtTest));
    QVERIFY(w.openScenario(importedScenario(), false));
    for (int i = 0; i < 5; ++i)
        w.stepForward();
    QVERIFY(w.waitIdle());
    w.runToEnd();
    QVERIFY(w.waitIdle(60000));
    for (auto* m : models)
        QVERIFY(m->rowCount() > 0);
    w.resetScenario();
    QVERIFY(w.waitIdle());
}

void MainWindowTest::procViewHighlightsChangedLines() {
    mmsim::ui::MainWindow w;
    QVERIFY(w.openScenario(importedScenario(), false));
    QVERIFY(w.waitIdle());
    auto* mb = w.procView()->textView("memblock");
    QVERIFY(mb);
    for (int i = 0; i < 10 && mb->changedLines().isEmpty(); ++i) {
        w.stepForward();
        QVERIFY(w.waitIdle());
    }
    QVERIFY(!mb->changedLines().isEmpty());
    QVERIFY(!mb->extraSelections().isEmpty());
    // Same text again: nothing is marked.
    QCOMPARE(mb->setTextDiff(mb->toPlainText()), 0);
    QVERIFY(mb->changedLines().isEmpty());
}

void MainWindowTest::showViewAndThemes() {
    mmsim::ui::MainWindow w;
    for (const QString& v : mmsim::ui::MainWindow::mainViewNames()) {
        QVERIFY(w.showView(v));
        QCOMPARE(w.currentViewName(), v);
    }
    // The docks: each shown and in front once named.
    for (const QString& v : {QStringLiteral("charts"), QStringLiteral("trace"),
                             QStringLiteral("breakpoints")}) {
        QVERIFY(mmsim::ui::MainWindow::viewNames().contains(v));
        QVERIFY(w.showView(v));
    }
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.eventLog()->isVisible());
    QVERIFY(w.showView("zoneinfo"));
    QCOMPARE(w.currentViewName(), QStringLiteral("proc"));
    QVERIFY(!w.showView("nonsense"));
    w.setTheme(mmsim::ui::Theme::Dark);
    QCoreApplication::processEvents();
    QVERIFY(mmsim::ui::isDark(&w));
    w.setTheme(mmsim::ui::Theme::Light);
    QCoreApplication::processEvents();
    QVERIFY(!mmsim::ui::isDark(&w));
    const double pt = w.fontPointSize();
    w.zoom(+2);
    QCOMPARE(w.fontPointSize(), pt + 2);
    QCOMPARE(w.procView()->textView("boot")->font().pointSizeF(), pt + 2);
    w.zoom(0);
    QCOMPARE(w.fontPointSize(), pt);
}

void MainWindowTest::screenshotOption_data() {
    QTest::addColumn<QString>("view");
    QTest::addColumn<QString>("theme");
    QTest::addColumn<QSize>("size");
    QTest::newRow("zones dark 1280x800") << "zones"
                                         << "dark" << QSize(1280, 800);
    QTest::newRow("memblock light 1024x700") << "memblock"
                                             << "light" << QSize(1024, 700);
}

void MainWindowTest::screenshotOption() {
    QFETCH(QString, view);
    QFETCH(QString, theme);
    QFETCH(QSize, size);
    const QString out = tmp_.filePath(QStringLiteral("shot-%1.png").arg(view));
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    p.setProcessEnvironment(env);
    p.start(MMSIM_GUI_BINARY,
            {"--scenario", kDefault, "--step", "1", "--view", view, "--theme", theme, "--size",
             QStringLiteral("%1x%2").arg(size.width()).arg(size.height()), "--screenshot", out});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    QImage img(out);
    QVERIFY(!img.isNull());
    QCOMPARE(img.size(), size);
    // Dark theme: the window background is dark.
    const QColor corner = img.pixelColor(size.width() / 2, size.height() - 5);
    QCOMPARE(corner.lightness() < 128, theme == "dark");
    // A broken scenario: exit code 2, the message on stderr.
    QProcess bad;
    bad.setProcessEnvironment(env);
    bad.start(MMSIM_GUI_BINARY,
              {"--scenario", MMSIM_FIXTURES "/bad/truncated.json", "--screenshot", out});
    QVERIFY(bad.waitForFinished(60000));
    QCOMPARE(bad.exitCode(), 2);
    QVERIFY(bad.readAllStandardError().contains("truncated.json:"));
}

QTEST_MAIN(MainWindowTest)
#include "test_main_window.moc"
