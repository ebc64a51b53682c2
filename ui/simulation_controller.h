// The bridge between core and the views. It owns the core::Timeline (a
// Simulation that can also go back and seek), moves it on a worker thread and publishes immutable
// snapshots through queued signals; repaint is coalesced by a refresh timer in the GUI thread (at
// most 60 snapshots per second reach the views). It never decides what memory does: it only moves
// the timeline.
#pragma once

#include "ui/snapshot.h"

#include <QObject>
#include <QStringList>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <memory>

namespace mmsim {
class Simulation;
class Timeline;
struct Scenario;
} // namespace mmsim

namespace mmsim::ui {

class SimulationWorker;

class SimulationController : public QObject {
    Q_OBJECT
  public:
    explicit SimulationController(QObject* parent = nullptr);
    ~SimulationController() override;

    // Loads a scenario file on the calling thread. On bad input returns
    // false with the file:line:col message in *error and keeps the current
    // scenario. On success the worker gets the new simulation and a first
    // snapshot follows.
    bool open(const QString& path, QString* error);
    bool hasScenario() const { return scenario_ != nullptr; }
    const ScenarioInfo& info() const { return info_; }

    // One step (stops a run first).
    void step();
    // One micro-event of the current step (the next step when all are shown).
    void microStep();
    void run();
    void pause();
    void reset();
    // One step back (stops a run first).
    void back();
    // To the state after n steps (stops a run first). Requests made while
    // the worker is busy collapse: only the newest position is sought.
    void seek(int n);

    bool busy() const { return pending_commands_ > 0; }
    int pendingCommands() const { return pending_commands_; }
    bool running() const { return running_; }
    // A seek asked for and not started yet.
    bool seekPending() const { return seek_target_ && seek_target_->load() != -1; }
    // Processes events until every queued command has finished and its
    // snapshot has reached the views (or the timeout expires).
    bool waitIdle(int timeout_ms = 30000);
    // The newest snapshot the views were given (may be null before open).
    SnapshotPtr snapshot() const { return delivered_; }
    // The live simulation: read it only while !busy() (tests, screenshots).
    const mmsim::Simulation* simulation() const;
    const mmsim::Timeline* timeline() const { return timeline_.get(); }

    static constexpr int kRefreshIntervalMs = 16; // ~60 fps

    // Run speed in steps per second (0: as fast as possible). It applies to
    // a run in progress at its next step.
    void setRunSpeed(int steps_per_second);
    int runSpeed() const { return speed_; }
    // Milliseconds between two steps of a run (0: no wait).
    int runIntervalMs() const { return interval_ms_->load(); }

    // The breakpoints a run stops at, in the text form of core/breakpoint.h
    // (as mmsim-cli run --break). Each is parsed; a bad one is left out and
    // its error returned by index (empty string: parsed). A snapshot where a
    // run stopped names the hit by its index in this list.
    QStringList setBreakpoints(const QStringList& specs);
    const QStringList& breakpoints() const { return break_specs_; }

  signals:
    void scenarioChanged(const mmsim::ui::ScenarioInfo& info);
    void snapshotChanged(const mmsim::ui::SnapshotPtr& snap);
    void stepRefused(const QString& message);
    void runningChanged(bool running);
    void busyChanged(bool busy);
    // A run stopped at a breakpoint (also carried by the snapshot).
    void breakpointHit(int index, const QString& spec, const QString& what, int step, int event);
    // Why each of the breakpoints can never hit on this scenario and machine
    // ("" when it can or is not known yet), as mmsim-cli run warns.
    void breakpointProblems(const QStringList& specs, const QStringList& problems);

  private:
    void install(std::shared_ptr<mmsim::Timeline> timeline);
    void queued();
    void command(int kind);
    void onWorkerSnapshot(const mmsim::ui::SnapshotPtr& snap, quint64 generation);
    void onWorkerRefused(const QString& message, quint64 generation);
    void onWorkerIdle(quint64 generation);
    void flush();

    QThread thread_;
    SimulationWorker* worker_ = nullptr;
    std::shared_ptr<const mmsim::Scenario> scenario_;
    std::shared_ptr<mmsim::Timeline> timeline_;
    std::shared_ptr<std::atomic<long long>> seek_target_;
    ScenarioInfo info_;
    quint64 generation_ = 0;
    int pending_commands_ = 0;
    bool running_ = false;
    std::shared_ptr<std::atomic<bool>> stop_;
    SnapshotPtr pending_;
    SnapshotPtr delivered_;
    QTimer refresh_;
    int speed_ = 0;
    std::shared_ptr<std::atomic<int>> interval_ms_;
    QStringList break_specs_;
};

} // namespace mmsim::ui
