#include "ui/simulation_worker.h"

#include "core/simulation.h"
#include "core/slab_series.h"
#include "core/timeseries.h"

namespace mmsim::ui {

namespace {
constexpr qint64 kRunPublishMs = 16;
constexpr qint64 kSeriesPublishMs = 250;
}

void SimulationWorker::load(std::shared_ptr<Simulation> sim, quint64 generation) {
    sim_ = std::move(sim);
    log_before_ = sim_ ? sim_->kernelLog().size() : 0;
    recorder_ = std::make_shared<SeriesRecorder>();
    recorder_->addProvider(makeSlabSeriesProvider());
    series_.reset();
    series_dirty_ = true;
    if (sim_) publish(generation);
    emit idle(generation);
}

bool SimulationWorker::stepOnce(quint64 generation) {
    log_before_ = sim_->kernelLog().size();
    try {
        sim_->step();
    } catch (const std::exception& e) {
        emit refused(QString::fromStdString(e.what()), generation);
        return false;
    }
    recorder_->sample(*sim_);
    series_dirty_ = true;
    return true;
}

void SimulationWorker::publish(quint64 generation, bool final) {
    SnapshotPtr snap = makeSnapshot(*sim_, ++serial_, log_before_);
    if (series_dirty_ && (final || !since_series_.isValid() || since_series_.elapsed() >= kSeriesPublishMs)) {
        series_ = std::make_shared<const TimeSeries>(recorder_->series(*sim_));
        series_dirty_ = false;
        since_series_.restart();
    }
    // The snapshot is new and not shared yet: completing it here is safe.
    std::const_pointer_cast<Snapshot>(snap)->series = series_;
    emit snapshotReady(snap, generation);
}

void SimulationWorker::step(quint64 generation) {
    if (sim_ && !sim_->done()) {
        stepOnce(generation);
        publish(generation);
    }
    emit idle(generation);
}

void SimulationWorker::run(quint64 generation, std::shared_ptr<std::atomic<bool>> stop) {
    if (sim_) {
        QElapsedTimer since_publish;
        since_publish.start();
        bool dirty = false;
        while (!sim_->done() && !stop->load()) {
            const bool ok = stepOnce(generation);
            dirty = true;
            if (!ok) break;
            // Snapshots cost more than most steps: build one per frame.
            if (since_publish.elapsed() >= kRunPublishMs) {
                publish(generation, false);
                dirty = false;
                since_publish.restart();
            }
        }
        if (dirty) publish(generation);
    }
    emit idle(generation);
}

} // namespace mmsim::ui
