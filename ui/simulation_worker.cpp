#include "ui/simulation_worker.h"

#include "core/simulation.h"

namespace mmsim::ui {

namespace {
constexpr qint64 kRunPublishMs = 16;
}

void SimulationWorker::load(std::shared_ptr<Simulation> sim, quint64 generation) {
    sim_ = std::move(sim);
    log_before_ = sim_ ? sim_->kernelLog().size() : 0;
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
    return true;
}

void SimulationWorker::publish(quint64 generation) {
    emit snapshotReady(makeSnapshot(*sim_, ++serial_, log_before_), generation);
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
                publish(generation);
                dirty = false;
                since_publish.restart();
            }
        }
        if (dirty) publish(generation);
    }
    emit idle(generation);
}

} // namespace mmsim::ui
