#include "ui/main_window.h"
#include "ui/machine_editor_actions.h"

#include "core/import_dmesg.h"
#include "core/simulation.h"
#include "ui/charts_dock.h"
#include "ui/buddy_view.h"
#include "ui/event_log.h"
#include "ui/explanation_panel.h"
#include "ui/machine_view.h"
#include "ui/memblock_view.h"
#include "ui/page_map_view.h"
#include "ui/proc_view.h"
#include "ui/scenario_panel.h"
#include "ui/simulation_controller.h"
#include "ui/slab_view.h"
#include "ui/zones_view.h"

#include <QAbstractButton>
#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QSignalBlocker>
#include <QSlider>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QTabBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>

namespace mmsim::ui {

namespace {
constexpr int kMaxRecent = 8;
constexpr double kMinPt = 7, kMaxPt = 24;
} // namespace

const QStringList& MainWindow::mainViewNames() {
    static const QStringList names = {"machine", "memblock", "zones", "buddy", "pagemap", "slab", "proc"};
    return names;
}

const QStringList& MainWindow::viewNames() {
    static const QStringList names = mainViewNames() + QStringList{"charts", "trace", "breakpoints"};
    return names;
}

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    controller_ = new SimulationController(this);
    base_point_size_ = font().pointSizeF() > 0 ? font().pointSizeF() : 10;
    theme_ = isDark(this) ? Theme::Dark : Theme::Light;
    buildUi();
    buildBreakpointsDock();
    buildMenus();
    buildTimelineControls();
    connect(controller_, &SimulationController::snapshotChanged, this, &MainWindow::onSnapshot);
    connect(controller_, &SimulationController::scenarioChanged, this, &MainWindow::onScenario);
    connect(controller_, &SimulationController::stepRefused, this, &MainWindow::onRefused);
    connect(controller_, &SimulationController::runningChanged, this, &MainWindow::onRunning);
    onRunning(false);
}

MainWindow::~MainWindow() = default;

QDockWidget* MainWindow::addDock(const QString& title, const QString& name, QWidget* w,
                                 Qt::DockWidgetArea area) {
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(name);
    dock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable |
                      QDockWidget::DockWidgetFloatable);
    dock->setWidget(w);
    addDockWidget(area, dock);
    return dock;
}

void MainWindow::buildUi() {
    setWindowTitle("mmsim");
    setDockOptions(AnimatedDocks | AllowTabbedDocks | AllowNestedDocks);
    tabs_ = new QTabWidget(this);
    tabs_->setObjectName("views");
    tabs_->setDocumentMode(true);
    machine_ = new MachineView(tabs_);
    memblock_ = new MemblockView(tabs_);
    zones_ = new ZonesView(tabs_);
    buddy_ = new BuddyView(tabs_);
    pagemap_ = new PageMapView(tabs_);
    slab_ = new SlabView(tabs_);
    proc_ = new ProcView(tabs_);
    tabs_->addTab(machine_, tr("Machine"));
    tabs_->addTab(memblock_, tr("memblock"));
    tabs_->addTab(zones_, tr("Zones"));
    tabs_->addTab(buddy_, tr("Buddy"));
    tabs_->addTab(pagemap_, tr("Page map"));
    tabs_->addTab(slab_, tr("Slab"));
    tabs_->addTab(proc_, tr("/proc"));
    tabs_->setTabToolTip(0, tr("The firmware map, NUMA nodes and /proc/iomem (Ctrl+1)"));
    tabs_->setTabToolTip(1, tr("memblock's memory and reserved arrays (Ctrl+2)"));
    tabs_->setTabToolTip(2, tr("Zones, watermarks, lowmem_reserve, zonelists (Ctrl+3)"));
    tabs_->setTabToolTip(3, tr("The free_area order lists of a zone, the path of the last "
                               "allocation, splits and merges animated (Ctrl+4)"));
    tabs_->setTabToolTip(4, tr("Every pageblock coloured by migratetype, filled by use; zoom "
                               "down to pages (Ctrl+5)"));
    tabs_->setTabToolTip(5, tr("The slab caches as slabtop lists them; a cache's slabs in lanes "
                               "by list, objects filling and slabs moving animated (Ctrl+6)"));
    tabs_->setTabToolTip(6, tr("The kernel's own text for the state (Ctrl+7)"));
    setCentralWidget(tabs_);

    scenario_ = new ScenarioPanel(this);
    auto* sd = addDock(tr("Scenario"), "scenario", scenario_, Qt::LeftDockWidgetArea);
    explanation_ = new ExplanationPanel(this);
    auto* ed = addDock(tr("Explanation"), "explanation", explanation_, Qt::RightDockWidgetArea);
    resizeDocks({sd, ed}, {300, 320}, Qt::Horizontal);
    charts_ = new ChartsDock(this);
    auto* cd = addDock(tr("Charts"), "charts-dock", charts_, Qt::BottomDockWidgetArea);
    event_log_ = new EventLog(this);
    auto* ld = addDock(tr("Event log"), "eventlog", event_log_, Qt::BottomDockWidgetArea);
    // Charts share the bottom with the event log as a tab (the full width
    // for the plots); hidden until View > Charts.
    tabifyDockWidget(ld, cd);
    cd->hide();
    resizeDocks({ld}, {170}, Qt::Vertical);
    connect(event_log_, &EventLog::eventSelected, explanation_, &ExplanationPanel::showMicroEvent);

    step_label_ = new QLabel(this);
    step_label_->setObjectName("step-counter");
    step_label_->setMinimumWidth(step_label_->fontMetrics().horizontalAdvance("step 0000 / 0000"));
    state_label_ = new QLabel(this);
    profile_label_ = new QLabel(this);
    clock_label_ = new QLabel(this);
    clock_label_->setObjectName("cycle-clock");
    clock_label_->setToolTip(tr("The simulated cycle clock and the cost of the last operation"));
    score_label_ = new QLabel(this);
    score_label_->setObjectName("predict-score");
    score_label_->setToolTip(tr("Predictions answered right / asked"));
    statusBar()->addPermanentWidget(score_label_);
    statusBar()->addPermanentWidget(clock_label_);
    statusBar()->addPermanentWidget(state_label_);
    statusBar()->addPermanentWidget(profile_label_);
    statusBar()->addPermanentWidget(step_label_);
    resize(1280, 800);
}

void MainWindow::buildMenus() {
    QStyle* st = style();
    auto* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(st->standardIcon(QStyle::SP_DialogOpenButton),
                                    tr("&Open scenario…"), this, &MainWindow::openDialog);
    open->setShortcut(QKeySequence::Open);
    recent_menu_ = file->addMenu(tr("Open &recent"));
    QAction* reload = file->addAction(tr("Re&load"), this, [this] {
        if (!path_.isEmpty()) openScenario(path_);
    });
    reload->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R)); // F5 is Run
    file->addAction(tr("Export &charts…"), charts_, &ChartsDock::exportDialog);
    reload->setToolTip(tr("Open the current scenario file again (Ctrl+Shift+R)"));
    open->setToolTip(tr("Open a scenario (JSON)"));
    QAction* imp = file->addAction(tr("&Import boot log…"), this, &MainWindow::importDialog);
    imp->setToolTip(tr("Build a scenario from a real machine's dmesg (import_dmesg) and open "
                       "it"));
    addMachineEditorActions(this, file); // New machine…, Edit machine…
    file->addSeparator();
    file->addAction(tr("&Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);

    auto* sim = menuBar()->addMenu(tr("&Simulation"));
    sim_menu_ = sim;
    step_act_ = sim->addAction(st->standardIcon(QStyle::SP_MediaSeekForward), tr("&Step"), this,
                               &MainWindow::stepForward);
    step_act_->setShortcut(Qt::Key_F10);
    step_act_->setToolTip(tr("Run the next step (F10)"));
    back_act_ = sim->addAction(st->standardIcon(QStyle::SP_MediaSeekBackward), tr("Step &back"),
                               this, &MainWindow::stepBack);
    back_act_->setShortcuts(
        {QKeySequence(Qt::SHIFT | Qt::Key_F10), QKeySequence(Qt::CTRL | Qt::Key_Left)});
    back_act_->setToolTip(tr("Undo the last step: back to the state before it (Shift+F10, "
                             "Ctrl+Left)"));
    back_act_->setEnabled(false);
    run_act_ = sim->addAction(st->standardIcon(QStyle::SP_MediaPlay), tr("&Run to end"), this,
                              &MainWindow::runToEnd);
    run_act_->setShortcut(Qt::Key_F5);
    run_act_->setToolTip(tr("Run every remaining step (F5)"));
    pause_act_ = sim->addAction(st->standardIcon(QStyle::SP_MediaPause), tr("&Pause"), this,
                                &MainWindow::pause);
    pause_act_->setShortcut(Qt::Key_Pause);
    pause_act_->setToolTip(tr("Stop a run after the current step (Pause)"));
    reset_act_ = sim->addAction(st->standardIcon(QStyle::SP_MediaSkipBackward), tr("R&eset"), this,
                                &MainWindow::resetScenario);
    reset_act_->setShortcut(Qt::CTRL | Qt::Key_R);
    reset_act_->setToolTip(tr("Back to the machine before the first step (Ctrl+R)"));

    auto* tb = new QToolBar(tr("Timeline"), this);
    tb->setObjectName("timeline");
    timeline_tb_ = tb;
    tb->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    tb->addAction(back_act_);
    tb->addAction(step_act_);
    tb->addAction(run_act_);
    tb->addAction(pause_act_);
    tb->addAction(reset_act_);
    tb->addSeparator();
    scrubber_ = new QSlider(Qt::Horizontal, tb);
    scrubber_->setObjectName("scrubber");
    scrubber_->setRange(0, 0);
    scrubber_->setMinimumWidth(240);
    scrubber_->setToolTip(tr("Drag to any step of the run: the state after that many steps"));
    // Moved by the user (drag, click, keys); the snapshots set it with
    // signals blocked.
    connect(scrubber_, &QSlider::valueChanged, this, &MainWindow::seekTo);
    tb->addWidget(scrubber_);
    addToolBar(Qt::BottomToolBarArea, tb);

    view_menu_ = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < tabs_->count(); ++i) {
        QAction* a = view_menu_->addAction(tabs_->tabText(i), this,
                                           [this, i] { tabs_->setCurrentIndex(i); });
        a->setShortcut(QKeySequence(Qt::CTRL | (Qt::Key_1 + i)));
    }
    view_menu_->addSeparator();
    for (QDockWidget* d : findChildren<QDockWidget*>())
        view_menu_->addAction(d->toggleViewAction());
    view_menu_->addAction(tb->toggleViewAction());
    view_menu_->addSeparator();
    auto* theme = view_menu_->addMenu(tr("&Theme"));
    auto* group = new QActionGroup(this);
    light_act_ = theme->addAction(tr("&Light"), this, [this] { setTheme(Theme::Light); });
    dark_act_ = theme->addAction(tr("&Dark"), this, [this] { setTheme(Theme::Dark); });
    for (QAction* a : {light_act_, dark_act_}) {
        a->setCheckable(true);
        group->addAction(a);
    }
    (theme_ == Theme::Dark ? dark_act_ : light_act_)->setChecked(true);
    view_menu_->addAction(tr("Zoom &in"), this, [this] { zoom(+1); })
        ->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    view_menu_->addAction(tr("Zoom &out"), this, [this] { zoom(-1); })
        ->setShortcut(QKeySequence::ZoomOut);
    view_menu_->addAction(tr("&Normal size"), this, [this] { zoom(0); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));

    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About mmsim"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

// A refused open or import: the status bar says why, and (interactive) a
// dialog; the current scenario stays.
void MainWindow::refuse(const QString& status, const QString& title, const QString& text,
                        const QString& error, bool interactive) {
    last_error_ = error;
    statusBar()->showMessage(status + ": " + error, 15000);
    if (!interactive) return;
    auto* box = new QMessageBox(QMessageBox::Critical, title, text, QMessageBox::Ok, this);
    box->setInformativeText(error);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

bool MainWindow::openScenario(const QString& path, bool interactive) {
    interactive_ = interactive;
    QString error;
    if (!controller_->open(path, &error)) {
        refuse(tr("Cannot open %1").arg(QFileInfo(path).fileName()), tr("Cannot open scenario"),
               tr("The scenario was not opened; the current one is kept."), error, interactive);
        return false;
    }
    path_ = path;
    last_error_.clear();
    addRecent(QFileInfo(path).absoluteFilePath());
    return true;
}

void MainWindow::onScenario(const ScenarioInfo& info) {
    asked_.clear();
    score_right_ = score_asked_ = 0;
    score_label_->clear();
    shown_executed_ = -1;
    scenario_->setScenario(info);
    explanation_->setScenario(info);
    setWindowTitle(info.title + QStringLiteral(" — mmsim"));
    profile_label_->setText(tr("Linux %1").arg(info.release));
    profile_label_->setToolTip(tr("Kernel profile the model follows"));
    onTimelineScenario(info);
}

void MainWindow::onSnapshot(const SnapshotPtr& snap) {
    if (!snap) return;
    if (asking_) {
        held_ = snap;
        return;
    }
    if (shouldAsk(*snap)) {
        askPrediction(snap);
        return;
    }
    applySnapshot(snap);
}

bool MainWindow::shouldAsk(const Snapshot& snap) const {
    return interactive_ && snap.has_prediction && !snap.prediction_choices.isEmpty() &&
           !controller_->running() && snap.executed == shown_executed_ + 1 &&
           !asked_.contains(snap.prediction_step);
}

void MainWindow::askPrediction(const SnapshotPtr& snap) {
    asking_ = true;
    asked_.append(snap->prediction_step);
    auto* box = new QMessageBox(QMessageBox::Question, tr("Predict"), snap->prediction_question,
                                QMessageBox::NoButton, this);
    box->setInformativeText(tr("Choose what the kernel does next; the views show it after."));
    QList<QAbstractButton*> buttons;
    for (const QString& c : snap->prediction_choices)
        buttons.append(box->addButton(c, QMessageBox::AcceptRole));
    box->addButton(tr("Skip"), QMessageBox::RejectRole);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, buttons, snap] {
        const int chosen = static_cast<int>(buttons.indexOf(box->clickedButton()));
        asking_ = false;
        SnapshotPtr show = held_ ? held_ : snap;
        held_.reset();
        applySnapshot(show);
        QString verdict;
        if (chosen >= 0) {
            ++score_asked_;
            const bool right = chosen == snap->prediction_correct;
            if (right) ++score_right_;
            score_label_->setText(tr("predictions %1 / %2").arg(score_right_).arg(score_asked_));
            verdict = right ? tr("Right.") : tr("Not quite.");
        }
        const QString text =
            tr("%1 The answer: %2").arg(verdict, snap->prediction_answer).trimmed();
        statusBar()->showMessage(text, 15000);
        auto* ans = new QMessageBox(QMessageBox::Information, tr("Prediction"), text,
                                    QMessageBox::Ok, this);
        ans->setInformativeText(snap->prediction_explanation);
        ans->setAttribute(Qt::WA_DeleteOnClose);
        ans->open();
    });
    box->open();
}

void MainWindow::applySnapshot(const SnapshotPtr& snap) {
    shown_executed_ = snap->executed;
    scenario_->setSnapshot(snap);
    explanation_->setSnapshot(snap);
    // The visible tab first: it is what the user looks at.
    machine_->setSnapshot(snap);
    memblock_->setSnapshot(snap);
    zones_->setSnapshot(snap);
    buddy_->setSnapshot(snap);
    pagemap_->setSnapshot(snap);
    slab_->setSnapshot(snap);
    proc_->setSnapshot(snap);
    charts_->setSeries(snap->series);
    event_log_->setSnapshot(snap);
    clock_label_->setText(clockText(*snap));
    step_label_->setText(tr("step %1 / %2").arg(snap->executed).arg(snap->total));
    step_act_->setEnabled(!snap->done);
    back_act_->setEnabled(snap->executed > 0);
    run_act_->setEnabled(!snap->done && !controller_->running());
    if (scrubber_->maximum() != snap->total) {
        const QSignalBlocker block(scrubber_);
        scrubber_->setRange(0, snap->total);
    }
    // Not under the user's hand: a drag ahead of the worker keeps its place.
    if (!scrubber_->isSliderDown() && !controller_->seekPending()) {
        const QSignalBlocker block(scrubber_);
        scrubber_->setValue(snap->executed);
    }
    updateTimelineStatus(*snap);
}

void MainWindow::onRefused(const QString& message) {
    last_error_ = message;
    explanation_->showRefusal(message);
    statusBar()->showMessage(tr("Step refused: %1").arg(message), 15000);
    if (interactive_) {
        auto* box = new QMessageBox(QMessageBox::Warning, tr("Step refused"),
                                    tr("The kernel refused this step; the state is unchanged."),
                                    QMessageBox::Ok, this);
        box->setInformativeText(message);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }
}

void MainWindow::onRunning(bool running) {
    pause_act_->setEnabled(running);
    const SnapshotPtr s = controller_->snapshot();
    run_act_->setEnabled(!running && !(s && s->done));
    state_label_->setText(running ? tr("running…") : QString());
    onTimelineRunning(running);
}

void MainWindow::stepForward() {
    controller_->step();
}
void MainWindow::stepBack() {
    controller_->back();
}
void MainWindow::seekTo(int n) {
    controller_->seek(n);
}
void MainWindow::runToEnd() {
    controller_->run();
}
void MainWindow::pause() {
    controller_->pause();
}
void MainWindow::resetScenario() {
    controller_->reset();
}
bool MainWindow::waitIdle(int timeout_ms) {
    return controller_->waitIdle(timeout_ms);
}

const mmsim::Simulation* MainWindow::simulation() const {
    return controller_->simulation();
}
SnapshotPtr MainWindow::snapshot() const {
    return controller_->snapshot();
}

bool MainWindow::showView(const QString& name) {
    const int i = static_cast<int>(mainViewNames().indexOf(name.toLower()));
    if (i >= 0) {
        tabs_->setCurrentIndex(i);
        return true;
    }
    // A bottom dock brought to front gets room to be read.
    // (Before the first show the window has no final size yet: the share
    // is remembered and applied when the docks are fitted to the window.)
    auto raiseDock = [this](QWidget* inside, int percent) {
        auto* dock = qobject_cast<QDockWidget*>(inside->parentWidget());
        dock->show();
        dock->raise();
        bottom_focus_ = dock;
        bottom_percent_ = percent;
        if (dockWidgetArea(dock) == Qt::BottomDockWidgetArea)
            resizeDocks({dock}, {height() * percent / 100}, Qt::Vertical);
        return true;
    };
    if (name.toLower() == "charts") return raiseDock(charts_, 45);
    if (name.toLower() == "trace") return raiseDock(event_log_, 40);
    if (showTimelineView(name)) return true;
    if (proc_->showView(name)) {
        tabs_->setCurrentWidget(proc_);
        return true;
    }
    return false;
}

QString MainWindow::currentViewName() const {
    return mainViewNames().value(tabs_->currentIndex());
}

QString MainWindow::viewText(const QString& name) const {
    return proc_->text(name);
}

void MainWindow::setTheme(Theme t) {
    theme_ = t;
    if (auto* app = qobject_cast<QApplication*>(QCoreApplication::instance())) applyTheme(*app, t);
    if (light_act_) (t == Theme::Dark ? dark_act_ : light_act_)->setChecked(true);
    refreshTimelineIcons();
}

void MainWindow::setFontPointSize(double pt) {
    QFont f = font();
    f.setPointSizeF(std::clamp(pt, kMinPt, kMaxPt));
    setFont(f);
}

double MainWindow::fontPointSize() const {
    return font().pointSizeF();
}

void MainWindow::zoom(int delta) {
    setFontPointSize(delta == 0 ? base_point_size_ : fontPointSize() + delta);
    statusBar()->showMessage(tr("Font size %1 pt").arg(fontPointSize()), 2000);
}

void MainWindow::showAbout() {
    const ScenarioInfo& info = controller_->info();
    QMessageBox::about(
        this, tr("About mmsim"),
        tr("<h3>mmsim</h3><p>A cycle-aware simulator of Linux physical memory management, for "
           "students and teachers: the e820 map, memblock, nodes, zones, watermarks and the "
           "buddy allocator, step by step.</p>"
           "<p>Kernel profile of the open scenario: <b>Linux %1</b> (%2). mmsim models Linux "
           "6.12 LTS (default) and 6.1 LTS.</p><p>Built with Qt %3.</p>")
            .arg(info.profile.isEmpty() ? QStringLiteral("6.12") : info.profile,
                 info.release.isEmpty() ? QStringLiteral("6.12.117") : info.release,
                 QString::fromLatin1(qVersion())));
}

QString MainWindow::clockLabelText() const {
    return clock_label_->text();
}

QString MainWindow::clockText(const Snapshot& s) {
    QString t = tr("clock %L1 cycles").arg(s.clock_now);
    if (!s.last_op.isEmpty() && s.last_cycles) {
        t += tr(" · last %1: %L2").arg(s.last_op).arg(s.last_cycles);
        QStringList parts;
        for (std::size_t i = 0; i < s.last_breakdown.size() && i < 3; ++i)
            parts << QStringLiteral("%1 %L2")
                         .arg(s.last_breakdown[i].first)
                         .arg(s.last_breakdown[i].second);
        if (!parts.isEmpty()) t += QStringLiteral(" (") + parts.join(", ") + ")";
    }
    return t;
}

bool MainWindow::importBootLog(const QString& log_path, bool interactive) {
    QString error;
    QString out;
    try {
        const auto doc = mmsim::importDmesgFile(log_path.toStdString());
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                            QStringLiteral("/imported");
        QDir().mkpath(dir);
        out = dir + '/' + QFileInfo(log_path).completeBaseName() + QStringLiteral(".json");
        QSaveFile f(out);
        const std::string text = doc.dump(2) + "\n";
        if (!f.open(QIODevice::WriteOnly) ||
            f.write(text.data(), static_cast<qint64>(text.size())) !=
                static_cast<qint64>(text.size()) ||
            !f.commit())
            error = tr("cannot write %1").arg(out);
    } catch (const std::exception& e) {
        error = QString::fromStdString(e.what());
    }
    if (error.isEmpty()) return openScenario(out, interactive);
    refuse(tr("Cannot import %1").arg(QFileInfo(log_path).fileName()),
           tr("Cannot import boot log"),
           tr("The boot log was not imported; the current scenario is kept."), error, interactive);
    return false;
}

void MainWindow::importDialog() {
    const QString p =
        QFileDialog::getOpenFileName(this, tr("Import boot log (dmesg)"), QString(),
                                     tr("Boot logs (*.log *.txt dmesg*);;All files (*)"));
    if (!p.isEmpty()) importBootLog(p);
}

void MainWindow::openDialog() {
    const QString dir = path_.isEmpty() ? QString() : QFileInfo(path_).absolutePath();
    const QString p =
        QFileDialog::getOpenFileName(this, tr("Open scenario"), dir, tr("Scenarios (*.json)"));
    if (!p.isEmpty()) openScenario(p);
}

void MainWindow::addRecent(const QString& path) {
    recent_.removeAll(path);
    recent_.prepend(path);
    while (recent_.size() > kMaxRecent)
        recent_.removeLast();
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    recent_menu_->clear();
    for (const QString& p : recent_)
        recent_menu_->addAction(QFileInfo(p).fileName(), this, [this, p] { openScenario(p); })
            ->setToolTip(p);
    recent_menu_->setEnabled(!recent_.isEmpty());
}

void MainWindow::restoreSettings() {
    persist_ = true;
    QSettings s;
    restoreGeometry(s.value("window/geometry").toByteArray());
    layout_restored_ = restoreState(s.value("window/state").toByteArray());
    if (s.contains("view/theme")) setTheme(themeFromName(s.value("view/theme").toString()));
    if (s.contains("view/fontSize")) setFontPointSize(s.value("view/fontSize").toDouble());
    const QStringList recent = s.value("file/recent").toStringList();
    for (auto it = recent.rbegin(); it != recent.rend(); ++it)
        if (!recent_.contains(*it)) recent_.append(*it);
    rebuildRecentMenu();
    restoreTimelineSettings();
}

void MainWindow::saveSettings() const {
    QSettings s;
    s.setValue("window/geometry", saveGeometry());
    s.setValue("window/state", saveState());
    s.setValue("view/theme", themeName(theme_));
    s.setValue("view/fontSize", fontPointSize());
    s.setValue("file/recent", recent_);
    saveTimelineSettings();
}

void MainWindow::fitDocksToWindow() {
    auto dockOf = [](QWidget* inside) { return qobject_cast<QDockWidget*>(inside->parentWidget()); };
    resizeDocks({dockOf(scenario_), dockOf(explanation_)},
                {std::clamp(width() * 22 / 100, 220, 340), std::clamp(width() * 24 / 100, 230, 380)},
                Qt::Horizontal);
    // A tab raised before the first show is not brought to front: again,
    // once the dock area has laid out its tabs.
    if (bottom_focus_) QTimer::singleShot(0, this, [this] { bringTabToFront(bottom_focus_); });
    if (bottom_focus_ && dockWidgetArea(bottom_focus_) == Qt::BottomDockWidgetArea)
        resizeDocks({bottom_focus_}, {height() * bottom_percent_ / 100}, Qt::Vertical);
    else
        resizeDocks({dockOf(event_log_)}, {std::clamp(height() * 18 / 100, 110, 200)},
                    Qt::Vertical);
}

void MainWindow::bringTabToFront(QDockWidget* dock) {
    dock->raise();
    for (QTabBar* bar : findChildren<QTabBar*>(Qt::FindDirectChildrenOnly))
        for (int i = 0; i < bar->count(); ++i)
            if (bar->tabText(i) == dock->windowTitle()) bar->setCurrentIndex(i);
}

void MainWindow::showEvent(QShowEvent* e) {
    QMainWindow::showEvent(e);
    if (!docks_fitted_ && !layout_restored_) {
        docks_fitted_ = true;
        // Once the layout has the window's size.
        QTimer::singleShot(0, this, &MainWindow::fitDocksToWindow);
    }
}

void MainWindow::closeEvent(QCloseEvent* e) {
    controller_->pause();
    if (persist_) saveSettings();
    e->accept();
}

} // namespace mmsim::ui
