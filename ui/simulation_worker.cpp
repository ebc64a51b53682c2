#include "ui/simulation_worker.h"

#include "core/simulation.h"
#include "core/slab_series.h"
#include "core/timeline.h"
#include "core/timeseries.h"

namespace mmsim::ui {

namespace {
constexpr qint64 kRunPublishMs = 16;
constexpr qint64 kSeriesPublishMs = 250;
constexpr std::size_t kUnknown = static_cast<std::size_t>(-1);
}

void SimulationWorker::load(std::shared_ptr<Timeline> timeline, quint64 generation) {
    tl_ = std::move(timeline);
    log_len_.clear();
    log_before_ = tl_ ? tl_->sim().kernelLog().size() : 0;
    if (tl_) noteLogLength();
    recorder_ = std::make_shared<SeriesRecorder>();
    recorder_->addProvider(makeSlabSeriesProvider());
    series_.reset();
    series_dirty_ = true;
    if (tl_) publish(generation);
    emit idle(generation);
}

void SimulationWorker::noteLogLength() {
    const std::size_t pos = tl_->position();
    if (log_len_.size() <= pos) log_len_.resize(pos + 1, kUnknown);
    log_len_[pos] = tl_->sim().kernelLog().size();
}

bool SimulationWorker::stepOnce(quint64 generation) {
    log_before_ = tl_->sim().kernelLog().size();
    try {
        tl_->step();
    } catch (const std::exception& e) {
        emit refused(QString::fromStdString(e.what()), generation);
        return false;
    }
    noteLogLength();
    recorder_->sample(tl_->sim());
    series_dirty_ = true;
    return true;
}

void SimulationWorker::moved() {
    noteLogLength();
    const std::size_t pos = tl_->position();
    log_before_ = pos > 0 && log_len_[pos - 1] != kUnknown ? log_len_[pos - 1]
                                                           : tl_->sim().kernelLog().size();
    // The recorder starts a new series when the step count does not follow
    // the last one it saw; at the start there is nothing to record.
    if (pos == 0)
        recorder_->reset();
    else
        recorder_->sample(tl_->sim());
    series_dirty_ = true;
}

void SimulationWorker::publish(quint64 generation, bool final) {
    SnapshotPtr snap = makeSnapshot(tl_->sim(), ++serial_, log_before_);
    if (series_dirty_ && (final || !since_series_.isValid() || since_series_.elapsed() >= kSeriesPublishMs)) {
        series_ = std::make_shared<const TimeSeries>(recorder_->series(tl_->sim()));
        series_dirty_ = false;
        since_series_.restart();
    }
    // The snapshot is new and not shared yet: completing it here is safe.
    std::const_pointer_cast<Snapshot>(snap)->series = series_;
    emit snapshotReady(snap, generation);
}

void SimulationWorker::step(quint64 generation) {
    if (tl_ && !tl_->atEnd()) {
        stepOnce(generation);
        publish(generation);
    }
    emit idle(generation);
}

void SimulationWorker::back(quint64 generation) {
    if (tl_ && tl_->position() > 0) {
        try {
            tl_->stepBack();
            moved();
        } catch (const std::exception& e) {
            emit refused(QString::fromStdString(e.what()), generation);
        }
        publish(generation);
    }
    emit idle(generation);
}

void SimulationWorker::seek(quint64 generation, std::shared_ptr<std::atomic<long long>> target) {
    const long long n = target->exchange(-1);
    if (tl_ && n >= 0 && static_cast<std::size_t>(n) != tl_->position()) {
        try {
            tl_->seek(static_cast<std::size_t>(n));
            moved();
        } catch (const std::exception& e) {
            // A refused step on the way: the timeline stops before it.
            emit refused(QString::fromStdString(e.what()), generation);
            moved();
        }
        publish(generation);
    }
    emit idle(generation);
}

void SimulationWorker::run(quint64 generation, std::shared_ptr<std::atomic<bool>> stop) {
    if (tl_) {
        QElapsedTimer since_publish;
        since_publish.start();
        bool dirty = false;
        while (!tl_->atEnd() && !stop->load()) {
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
