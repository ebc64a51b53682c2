// Runs on the controller's worker thread: steps the simulation and builds
// snapshots. Only SimulationController talks to it, through queued calls.
#pragma once

#include "ui/snapshot.h"

#include <QElapsedTimer>
#include <QObject>

#include <atomic>
#include <memory>

namespace mmsim {
class Simulation;
class SeriesRecorder;
struct TimeSeries;
}

namespace mmsim::ui {

class SimulationWorker : public QObject {
    Q_OBJECT
  public:
    enum Command { Load, Step, Run };

    // All called on the worker thread.
    void load(std::shared_ptr<mmsim::Simulation> sim, quint64 generation);
    void step(quint64 generation);
    void run(quint64 generation, std::shared_ptr<std::atomic<bool>> stop);

  signals:
    void snapshotReady(const mmsim::ui::SnapshotPtr& snap, quint64 generation);
    void refused(const QString& message, quint64 generation);
    void idle(quint64 generation);

  private:
    bool stepOnce(quint64 generation); // false when refused
    void publish(quint64 generation, bool final = true);

    std::shared_ptr<mmsim::Simulation> sim_;
    std::size_t log_before_ = 0;
    std::uint64_t serial_ = 0;
    // Time series for the charts, recorded here after every step; a copy
    // goes out with a snapshot at most every kSeriesPublishMs while running.
    std::shared_ptr<mmsim::SeriesRecorder> recorder_;
    std::shared_ptr<const mmsim::TimeSeries> series_;
    bool series_dirty_ = true;
    QElapsedTimer since_series_;
};

} // namespace mmsim::ui
