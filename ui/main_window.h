// The main window: the scenario panel on the left, the Machine, memblock,
// Zones and /proc views as tabs in the centre, the explanation of the
// current step on the right, the timeline along the bottom. Every dock can
// be moved, closed and restored from the View menu; the layout is kept in
// QSettings. It observes a core::Simulation through SimulationController
// and never decides allocator behaviour itself.
#pragma once

#include "ui/snapshot.h"
#include "ui/theme.h"

#include <QMainWindow>

class QAction;
class QActionGroup;
class QDockWidget;
class QLabel;
class QSlider;
class QTabWidget;
class QToolBar;

namespace mmsim {
class Simulation;
}

namespace mmsim::ui {

class BreakpointsDock;
class BuddyView;
class EventLog;
class RunProgress;
class SpeedControl;
class TimelineShortcutFilter;
class ExplanationPanel;
class ChartsDock;
class PageMapView;
class MachineView;
class MemblockView;
class ProcView;
class ScenarioPanel;
class SimulationController;
class SlabView;
class ZonesView;

class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Loads a scenario; on bad input shows the error (a dialog when
    // interactive) and keeps the current scenario. Returns false on error
    // (the message, with file:line:col, is in lastError()).
    bool openScenario(const QString& path, bool interactive = true);
    const QString& lastError() const { return last_error_; }
    // The scenario file shown (empty before the first one).
    const QString& scenarioPath() const { return path_; }
    // Timeline commands; they run on the simulation thread.
    void stepForward();
    void stepBack();
    // To the state after n steps (what the scrubber does).
    void seekTo(int n);
    void runToEnd();
    void pause();
    void resetScenario();
    // Waits until the queued commands are done and the views show the
    // result (tests, screenshots).
    bool waitIdle(int timeout_ms = 30000);

    // Brings a view to front: machine, memblock, zones, proc, or a /proc
    // view name (e820, zoneinfo, ...). Returns false for an unknown name.
    bool showView(const QString& name);
    QString currentViewName() const;
    // The text of a /proc view as shown.
    QString viewText(const QString& name) const;
    // The live simulation: read it only once waitIdle() returned.
    const mmsim::Simulation* simulation() const;
    SnapshotPtr snapshot() const;

    SimulationController* controller() const { return controller_; }
    MachineView* machineView() const { return machine_; }
    MemblockView* memblockView() const { return memblock_; }
    ZonesView* zonesView() const { return zones_; }
    BuddyView* buddyView() const { return buddy_; }
    PageMapView* pageMapView() const { return pagemap_; }
    SlabView* slabView() const { return slab_; }
    EventLog* eventLog() const { return event_log_; }
    QSlider* scrubber() const { return scrubber_; }
    QAction* backAction() const { return back_act_; }
    QString clockLabelText() const;
    // Imports a dmesg file as a scenario (kept under the app data folder)
    // and opens it; on error shows it (a dialog when interactive) and keeps
    // the current scenario.
    bool importBootLog(const QString& log_path, bool interactive = true);
    static QString clockText(const Snapshot& s);
    ProcView* procView() const { return proc_; }
    ScenarioPanel* scenarioPanel() const { return scenario_; }
    ExplanationPanel* explanationPanel() const { return explanation_; }
    ChartsDock* chartsDock() const { return charts_; }

    void setTheme(Theme t);
    Theme theme() const { return theme_; }
    void setFontPointSize(double pt);
    double fontPointSize() const;
    void zoom(int delta);

    // Layout and preferences in QSettings (not used by tests/screenshots).
    void restoreSettings();
    void saveSettings() const;
    void setPersistSettings(bool on) { persist_ = on; }

    static const QStringList& mainViewNames();
    // Every name showView() takes besides the /proc views: the tabs, then
    // the docks (charts, trace = the event log, breakpoints).
    static const QStringList& viewNames();

    // ---- timeline controls (main_window_timeline.cpp) ----
    // One micro-event of the current step (the next step when all are shown).
    void microStep();
    // Run speed in steps per second (0: as fast as possible).
    void setRunSpeed(int steps_per_second);
    QAction* microAction() const { return micro_act_; }
    QAction* runAction() const { return run_act_; }
    QAction* pauseAction() const { return pause_act_; }
    QAction* stepAction() const { return step_act_; }
    BreakpointsDock* breakpointsDock() const { return breakpoints_; }
    SpeedControl* speedControl() const { return speed_; }
    RunProgress* runProgress() const { return run_progress_; }
    QString stepLabelText() const;

    // Side docks and the event log sized in proportion to the window (the
    // first show without a saved layout; small screens keep the centre).
    void fitDocksToWindow();
    // Brings a tabbed dock to front (raise() alone does not before the
    // dock area has laid out its tab bar).
    void bringTabToFront(QDockWidget* dock);

  protected:
    void closeEvent(QCloseEvent* e) override;
    void showEvent(QShowEvent* e) override;

  private:
    void refuse(const QString& status, const QString& title, const QString& text,
                const QString& error, bool interactive);
    void buildUi();
    void buildMenus();
    void onSnapshot(const SnapshotPtr& snap);
    void applySnapshot(const SnapshotPtr& snap);
    // A predict step reached by one step forward (interactive only): asks
    // its question before the views show the step, then tells the answer.
    bool shouldAsk(const Snapshot& snap) const;
    void askPrediction(const SnapshotPtr& snap);
    void onScenario(const ScenarioInfo& info);
    void onRefused(const QString& message);
    void onRunning(bool running);
    void showAbout();
    void openDialog();
    void importDialog();
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    QDockWidget* addDock(const QString& title, const QString& name, QWidget* w,
                         Qt::DockWidgetArea area);
    // ---- timeline controls (main_window_timeline.cpp) ----
    void buildBreakpointsDock();
    void buildTimelineControls();
    bool showTimelineView(const QString& name); // "breakpoints"
    void updateTimelineStatus(const Snapshot& snap);
    void onTimelineRunning(bool running);
    void onTimelineScenario(const ScenarioInfo& info);
    void onBreakpointHit(int index, const QString& spec, const QString& what, int step, int event);
    void restoreTimelineSettings();
    void refreshTimelineIcons();
    void saveTimelineSettings() const;
    QAction* micro_act_ = nullptr;
    QMenu* sim_menu_ = nullptr;
    QToolBar* timeline_tb_ = nullptr;
    BreakpointsDock* breakpoints_ = nullptr;
    SpeedControl* speed_ = nullptr;
    RunProgress* run_progress_ = nullptr;
    TimelineShortcutFilter* shortcut_filter_ = nullptr;

    SimulationController* controller_ = nullptr;
    QString path_;
    QString last_error_;
    bool interactive_ = true;
    bool persist_ = false;
    bool layout_restored_ = false; // a saved dock layout was applied
    bool docks_fitted_ = false;
    QDockWidget* bottom_focus_ = nullptr; // the bottom dock showView() brought up
    int bottom_percent_ = 0;              // and the share of the height it gets
    Theme theme_ = Theme::Light;
    double base_point_size_ = 10;

    QTabWidget* tabs_ = nullptr;
    MachineView* machine_ = nullptr;
    MemblockView* memblock_ = nullptr;
    ZonesView* zones_ = nullptr;
    BuddyView* buddy_ = nullptr;
    PageMapView* pagemap_ = nullptr;
    SlabView* slab_ = nullptr;
    EventLog* event_log_ = nullptr;
    QLabel* clock_label_ = nullptr;
    ProcView* proc_ = nullptr;
    ScenarioPanel* scenario_ = nullptr;
    ExplanationPanel* explanation_ = nullptr;
    ChartsDock* charts_ = nullptr;
    QLabel* step_label_ = nullptr;
    QLabel* score_label_ = nullptr;
    bool asking_ = false;
    SnapshotPtr held_;        // arrived while a question was open
    int shown_executed_ = -1; // the step count the views show
    QList<int> asked_;        // predict steps asked since the scenario was opened
    int score_right_ = 0, score_asked_ = 0;
    QLabel* state_label_ = nullptr;
    QLabel* profile_label_ = nullptr;
    QAction* step_act_ = nullptr;
    QAction* back_act_ = nullptr;
    QSlider* scrubber_ = nullptr;
    QAction* run_act_ = nullptr;
    QAction* pause_act_ = nullptr;
    QAction* reset_act_ = nullptr;
    QAction* light_act_ = nullptr;
    QAction* dark_act_ = nullptr;
    QMenu* view_menu_ = nullptr;
    QMenu* recent_menu_ = nullptr;
    QStringList recent_;
};

} // namespace mmsim::ui
