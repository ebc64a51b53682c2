// Runs on the controller's worker thread: moves the timeline (forward, back,
// to any position) and builds snapshots. Only SimulationController talks to it, through queued
// calls.
#pragma once

#include "ui/snapshot.h"

#include <QElapsedTimer>
#include <QObject>

#include <atomic>
#include <memory>
#include <vector>

namespace mmsim {
class BreakpointSet;
class Timeline;
class SeriesRecorder;
struct TimeSeries;
} // namespace mmsim

namespace mmsim::ui {

class SimulationWorker : public QObject {
    Q_OBJECT
  public:
    enum Command { Load, Step, Run, Back, Seek, MicroStep };

    // How a run goes: its pace (milliseconds between steps, 0: as fast as
    // possible; read before every step, so a change applies at once) and the
    // breakpoints it stops at (their truth is primed when the run starts).
    struct RunParams {
        std::shared_ptr<std::atomic<int>> interval_ms;
        std::shared_ptr<mmsim::BreakpointSet> breakpoints;
        std::vector<QString> specs; // the breakpoints' text, by index
        std::vector<int> ids;       // the controller's index of each
    };

    // All called on the worker thread.
    void load(std::shared_ptr<mmsim::Timeline> timeline, quint64 generation);
    void step(quint64 generation);
    void run(quint64 generation, std::shared_ptr<std::atomic<bool>> stop, RunParams params);
    // Reveals the next micro-event of the current step (executing the next
    // step when all are shown).
    void microStep(quint64 generation);
    void back(quint64 generation);
    // Seeks to the newest position in *target (taking it, leaving -1):
    // requests made while the worker was busy collapse into one seek.
    void seek(quint64 generation, std::shared_ptr<std::atomic<long long>> target);
    // The breakpoints whose problems breakpointProblems() reports (their
    // text; one that does not parse has none).
    void setBreakpointSpecs(quint64 generation, QStringList specs);

  signals:
    void snapshotReady(const mmsim::ui::SnapshotPtr& snap, quint64 generation);
    void refused(const QString& message, quint64 generation);
    void idle(quint64 generation);
    // Why each breakpoint of setBreakpointSpecs() can never hit on this
    // scenario and machine ("" when it can, or when that is not known yet:
    // a condition on a zone before the machine has booted), as mmsim-cli
    // run warns (core's breakpointProblem). Sent when that changes.
    void breakpointProblems(const QStringList& specs, const QStringList& problems,
                            quint64 generation);

  private:
    bool stepOnce(quint64 generation, bool micro = false); // false when refused
    // After the timeline executed a step: the log length and the series.
    void stepped();
    struct BreakInfo {
        int index = -1;
        QString spec, what;
        int event = -1;
    };
    void publish(quint64 generation, bool final = true, int micro = -1,
                 const BreakInfo* brk = nullptr);
    // The end of every command: the breakpoints' problems if they changed,
    // then idle.
    void finish(quint64 generation);
    // Sleeps until 'due' (ms of 'clock') or a stop; false when stopped.
    static bool waitUntil(const QElapsedTimer& clock, qint64 due, const std::atomic<bool>& stop);
    // After a move other than one step forward: the step log and the series.
    void moved();
    void noteLogLength();

    std::shared_ptr<mmsim::Timeline> tl_;
    std::size_t log_before_ = 0;
    // Kernel log length after n steps, as far as known (the run is
    // deterministic, so a replay gives the same lengths): the step log of
    // the step before a position reached going back.
    std::vector<std::size_t> log_len_;
    std::uint64_t serial_ = 0;
    SnapshotPtr last_; // the last snapshot published
    SnapshotPtr step_; // the last whole step's snapshot (micro-steps within it reuse it)
    // Time series for the charts, recorded here after every step; a copy
    // goes out with a snapshot at most every kSeriesPublishMs while running.
    std::shared_ptr<mmsim::SeriesRecorder> recorder_;
    std::shared_ptr<const mmsim::TimeSeries> series_;
    bool series_dirty_ = true;
    QElapsedTimer since_series_;
    // The breakpoints' problems, worked out again only when the specs
    // change, a scenario is loaded or the machine's zones become known.
    QStringList bp_specs_, bp_problems_;
    bool bp_reported_ = false, bp_zones_known_ = false;
};

} // namespace mmsim::ui
