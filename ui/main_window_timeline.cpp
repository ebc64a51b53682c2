// The main window's timeline controls beside Step, Back and the scrubber:
// micro-stepping, Run / Pause with a speed, a run's progress, the
// breakpoints dock, and the shortcuts that must work whatever has focus.
#include "core/timeline.h"
#include "ui/breakpoints_dock.h"
#include "ui/event_log.h"
#include "ui/explanation_panel.h"
#include "ui/main_window.h"
#include "ui/run_controls.h"
#include "ui/simulation_controller.h"

#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QKeyEvent>
#include <QLabel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QTextEdit>
#include <QToolBar>

namespace mmsim::ui {

// Read-only text views take Ctrl+Left / Ctrl+Right for themselves (word
// moves) before any shortcut sees them, so Back would do nothing while the
// event log or the kernel log has focus. This filter lets the timeline's
// shortcuts through for widgets where those keys edit nothing; an editable
// field (the breakpoint entry) keeps its word moves.
class TimelineShortcutFilter : public QObject {
  public:
    TimelineShortcutFilter(QWidget* window, QObject* parent) : QObject(parent), window_(window) {}
    QList<QKeySequence> keys;

  protected:
    bool eventFilter(QObject* obj, QEvent* e) override {
        if (e->type() != QEvent::ShortcutOverride) return false;
        auto* w = qobject_cast<QWidget*>(obj);
        if (!w || w->window() != window_) return false;
        auto* ke = static_cast<QKeyEvent*>(e);
        const QKeySequence seq(ke->keyCombination());
        if (!keys.contains(seq) || !passThrough(w)) return false;
        e->ignore(); // not the widget's: the shortcut map gets the key
        return true;
    }

  private:
    static bool passThrough(QWidget* w) {
        if (auto* p = qobject_cast<QPlainTextEdit*>(w)) return p->isReadOnly();
        if (auto* t = qobject_cast<QTextEdit*>(w)) return t->isReadOnly();
        return qobject_cast<QLabel*>(w) || qobject_cast<QAbstractItemView*>(w);
    }
    QWidget* window_;
};

void MainWindow::buildBreakpointsDock() {
    breakpoints_ = new BreakpointsDock(this);
    auto* dock = addDock(tr("Breakpoints"), "breakpoints", breakpoints_, Qt::BottomDockWidgetArea);
    if (auto* log = qobject_cast<QDockWidget*>(event_log_->parentWidget()))
        tabifyDockWidget(log, dock);
    if (auto* log = qobject_cast<QDockWidget*>(event_log_->parentWidget())) log->raise();
    connect(breakpoints_, &BreakpointsDock::breakpointsChanged, controller_,
            [this](const QStringList& specs) { controller_->setBreakpoints(specs); });
    connect(controller_, &SimulationController::breakpointProblems, breakpoints_,
            &BreakpointsDock::setProblems);
}

void MainWindow::buildTimelineControls() {
    QStyle* st = style();
    // Micro-step: F11 (as "step into" in debuggers; Step is F10).
    micro_act_ = new QAction(st->standardIcon(QStyle::SP_ArrowRight), tr("&Micro-step"), this);
    micro_act_->setObjectName("micro-step");
    micro_act_->setShortcuts({QKeySequence(Qt::Key_F11), QKeySequence(Qt::ALT | Qt::Key_Right)});
    micro_act_->setToolTip(tr("Show the next micro-event of the current step: the event log, "
                              "the explanation and the buddy view follow it (F11, Alt+Right)"));
    connect(micro_act_, &QAction::triggered, this, &MainWindow::microStep);
    sim_menu_->insertAction(back_act_, micro_act_);
    timeline_tb_->insertAction(run_act_, micro_act_);

    // Ctrl+Right steps, as Ctrl+Left goes back.
    step_act_->setShortcuts({QKeySequence(Qt::Key_F10), QKeySequence(Qt::CTRL | Qt::Key_Right)});
    step_act_->setToolTip(tr("Run the next step (F10, Ctrl+Right)"));
    run_act_->setText(tr("&Run"));
    run_act_->setToolTip(tr("Run at the chosen speed until the end or a breakpoint (F5)"));
    pause_act_->setShortcuts({QKeySequence(Qt::Key_Pause), QKeySequence(Qt::SHIFT | Qt::Key_F5)});
    pause_act_->setToolTip(tr("Stop the run after the current step (Shift+F5, Pause)"));
    // Whatever has focus (a table, a read-only log), these reach the window.
    shortcut_filter_ = new TimelineShortcutFilter(this, this);
    for (QAction* a : {step_act_, back_act_, micro_act_, run_act_, pause_act_})
        shortcut_filter_->keys << a->shortcuts();
    qApp->installEventFilter(shortcut_filter_);

    timeline_tb_->addSeparator();
    speed_ = new SpeedControl(timeline_tb_);
    timeline_tb_->addWidget(speed_);
    connect(speed_, &SpeedControl::speedChanged, this, &MainWindow::setRunSpeed);
    controller_->setRunSpeed(speed_->speed());

    auto* speed_menu = sim_menu_->addMenu(tr("Run s&peed"));
    for (int s : SpeedControl::speeds()) {
        QAction* a = speed_menu->addAction(SpeedControl::speedText(s), this,
                                           [this, s] { speed_->setSpeed(s); });
        a->setCheckable(true);
        connect(speed_, &SpeedControl::speedChanged, a, [a, s](int v) { a->setChecked(v == s); });
        a->setChecked(s == speed_->speed());
    }
    sim_menu_->addSeparator();
    if (auto* dock = qobject_cast<QDockWidget*>(breakpoints_->parentWidget())) {
        QAction* bp = sim_menu_->addAction(tr("&Breakpoints…"), this, [dock] {
            dock->show();
            dock->raise();
        });
        bp->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
        bp->setToolTip(tr("Show the breakpoints a run stops at (Ctrl+B)"));
    }

    refreshTimelineIcons();
    run_progress_ = new RunProgress(this);
    statusBar()->addPermanentWidget(run_progress_);
    connect(run_progress_, &RunProgress::stopRequested, this, &MainWindow::pause);
    connect(controller_, &SimulationController::breakpointHit, this, &MainWindow::onBreakpointHit);
}

bool MainWindow::showTimelineView(const QString& name) {
    if (name.toLower() != QStringLiteral("breakpoints")) return false;
    auto* dock = qobject_cast<QDockWidget*>(breakpoints_->parentWidget());
    dock->show();
    dock->raise();
    return true;
}

void MainWindow::refreshTimelineIcons() {
    if (!micro_act_) return;
    const QColor c = palette().color(QPalette::ButtonText);
    step_act_->setIcon(timelineIcon(TimelineIcon::Step, c));
    back_act_->setIcon(timelineIcon(TimelineIcon::StepBack, c));
    micro_act_->setIcon(timelineIcon(TimelineIcon::MicroStep, c));
    run_act_->setIcon(timelineIcon(TimelineIcon::Run, c));
    pause_act_->setIcon(timelineIcon(TimelineIcon::Pause, c));
    reset_act_->setIcon(timelineIcon(TimelineIcon::Reset, c));
}

void MainWindow::microStep() {
    controller_->microStep();
}

void MainWindow::setRunSpeed(int sps) {
    if (speed_ && speed_->speed() != sps) {
        speed_->setSpeed(sps); // comes back through speedChanged
        return;
    }
    controller_->setRunSpeed(sps);
}

QString MainWindow::stepLabelText() const {
    return step_label_->text();
}

void MainWindow::updateTimelineStatus(const Snapshot& snap) {
    if (snap.micro >= 0) {
        // The clock as far as the events shown: the step's start plus theirs.
        std::uint64_t so_far = 0;
        for (std::size_t i = 0; i < snap.events.size() && i < std::size_t(snap.micro); ++i)
            so_far += snap.events[i].cycles;
        clock_label_->setText(tr("clock %L1 cycles · %2 so far: %L3 of %L4")
                                  .arg(snap.micro_clock)
                                  .arg(snap.last_op)
                                  .arg(so_far)
                                  .arg(snap.last_cycles));
        step_label_->setText(
            tr("step %1 · event %2/%3").arg(snap.executed).arg(snap.micro).arg(snap.events_total));
        step_label_->setToolTip(tr("Micro-stepping step %1 of %2: %3 of its %4 micro-events "
                                   "shown")
                                    .arg(snap.executed)
                                    .arg(snap.total)
                                    .arg(snap.micro)
                                    .arg(snap.events_total));
    } else {
        step_label_->setToolTip(tr("Steps run / steps in the scenario"));
    }
    micro_act_->setEnabled(!snap.done || (snap.micro >= 0 && snap.micro < snap.events_total));
    run_progress_->setProgress(snap.executed, snap.total);
}

void MainWindow::onTimelineRunning(bool running) {
    if (!run_progress_) return;
    run_progress_->setRunning(running);
    if (const SnapshotPtr s = controller_->snapshot())
        run_progress_->setProgress(s->executed, s->total);
}

void MainWindow::onTimelineScenario(const ScenarioInfo& info) {
    QStringList labels;
    if (const mmsim::Timeline* tl = controller_->timeline())
        for (const auto& [name, op] : tl->labels())
            if (!labels.contains(QString::fromStdString(name)))
                labels << QString::fromStdString(name);
    breakpoints_->setScenario(info.path, labels);
    controller_->setBreakpoints(breakpoints_->enabledSpecs());
}

void MainWindow::onBreakpointHit(int index, const QString& spec, const QString& what, int step,
                                 int event) {
    breakpoints_->markHit(index, step, event);
    // Core's account starts with the spec; an event hit then names the event
    // (0-based): the event log shows that one, numbered from 1, so only a
    // condition's detail (where it became true) is kept.
    QString detail = event >= 0 ? QString() : what;
    if (detail.startsWith(spec)) detail = detail.mid(spec.size()).trimmed();
    explanation_->showBreakpoint(spec, detail, step, event);
    const QString where =
        event >= 0 ? tr("step %1, event %2").arg(step).arg(event + 1) : tr("step %1").arg(step);
    statusBar()->showMessage(detail.isEmpty()
                                 ? tr("Breakpoint %1 hit at %2").arg(spec, where)
                                 : tr("Breakpoint %1 hit at %2: %3").arg(spec, where, detail),
                             30000);
}

void MainWindow::restoreTimelineSettings() {
    QSettings s;
    if (s.contains("timeline/speed")) speed_->setSpeed(s.value("timeline/speed").toInt());
    breakpoints_->setPersist(true);
}

void MainWindow::saveTimelineSettings() const {
    QSettings s;
    s.setValue("timeline/speed", speed_->speed());
}

} // namespace mmsim::ui
