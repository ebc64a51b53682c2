#include "ui/simulation_controller.h"

#include "core/breakpoint.h"
#include "core/simulation.h"
#include "core/timeline.h"
#include "ui/simulation_worker.h"

#include <QCoreApplication>
#include <QDeadlineTimer>

namespace mmsim::ui {

SimulationController::SimulationController(QObject* parent)
    : QObject(parent), stop_(std::make_shared<std::atomic<bool>>(false)),
      interval_ms_(std::make_shared<std::atomic<int>>(0)) {
    qRegisterMetaType<mmsim::ui::SnapshotPtr>();
    thread_.setObjectName("mmsim-simulation");
    worker_ = new SimulationWorker;
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(worker_, &SimulationWorker::snapshotReady, this,
            &SimulationController::onWorkerSnapshot, Qt::QueuedConnection);
    connect(worker_, &SimulationWorker::refused, this, &SimulationController::onWorkerRefused,
            Qt::QueuedConnection);
    connect(worker_, &SimulationWorker::idle, this, &SimulationController::onWorkerIdle,
            Qt::QueuedConnection);
    connect(
        worker_, &SimulationWorker::breakpointProblems, this,
        [this](const QStringList& specs, const QStringList& problems, quint64 generation) {
            if (generation == generation_) emit breakpointProblems(specs, problems);
        },
        Qt::QueuedConnection);
    refresh_.setSingleShot(true);
    refresh_.setInterval(kRefreshIntervalMs);
    connect(&refresh_, &QTimer::timeout, this, &SimulationController::flush);
    thread_.start();
}

SimulationController::~SimulationController() {
    stop_->store(true);
    thread_.quit();
    thread_.wait();
}

bool SimulationController::open(const QString& path, QString* error) {
    try {
        auto sc = std::make_shared<const Scenario>(loadScenarioFile(path.toStdString()));
        auto tl = std::make_shared<Timeline>(Scenario(*sc));
        scenario_ = std::move(sc);
        info_ = makeScenarioInfo(*scenario_, path);
        install(std::move(tl));
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
    emit scenarioChanged(info_);
    return true;
}

const Simulation* SimulationController::simulation() const {
    return timeline_ ? &timeline_->sim() : nullptr;
}

void SimulationController::queued() {
    ++pending_commands_;
    if (pending_commands_ == 1) emit busyChanged(true);
}

void SimulationController::install(std::shared_ptr<Timeline> tl) {
    // Stop a run of the old simulation; its late snapshots carry an old
    // generation and are dropped.
    stop_->store(true);
    stop_ = std::make_shared<std::atomic<bool>>(false);
    ++generation_;
    pending_.reset();
    timeline_ = tl;
    seek_target_ = std::make_shared<std::atomic<long long>>(-1);
    if (running_) {
        running_ = false;
        emit runningChanged(false);
    }
    queued();
    const quint64 gen = generation_;
    SimulationWorker* w = worker_;
    QMetaObject::invokeMethod(
        worker_, [w, tl, gen] { w->load(tl, gen); }, Qt::QueuedConnection);
}

void SimulationController::command(int kind) {
    if (!timeline_) return;
    queued();
    const quint64 gen = generation_;
    SimulationWorker* w = worker_;
    if (kind == SimulationWorker::Run) {
        running_ = true;
        emit runningChanged(true);
        auto stop = stop_;
        SimulationWorker::RunParams params;
        params.interval_ms = interval_ms_;
        // A fresh set per run: the worker primes and checks its own copy.
        params.breakpoints = std::make_shared<BreakpointSet>();
        for (int i = 0; i < break_specs_.size(); ++i) {
            try {
                params.breakpoints->add(parseBreakpoint(break_specs_[i].toStdString()));
                params.specs.push_back(break_specs_[i]);
                params.ids.push_back(i);
            } catch (const std::exception&) {
                // Left out (setBreakpoints reported it).
            }
        }
        QMetaObject::invokeMethod(
            worker_, [w, gen, stop, params] { w->run(gen, stop, params); }, Qt::QueuedConnection);
    } else if (kind == SimulationWorker::MicroStep) {
        QMetaObject::invokeMethod(
            worker_, [w, gen] { w->microStep(gen); }, Qt::QueuedConnection);
    } else if (kind == SimulationWorker::Back) {
        QMetaObject::invokeMethod(
            worker_, [w, gen] { w->back(gen); }, Qt::QueuedConnection);
    } else {
        QMetaObject::invokeMethod(
            worker_, [w, gen] { w->step(gen); }, Qt::QueuedConnection);
    }
}

void SimulationController::step() {
    // Step during a (paced) run: stop it there, then one more step.
    if (running_) pause();
    command(SimulationWorker::Step);
}

void SimulationController::microStep() {
    if (running_) pause();
    command(SimulationWorker::MicroStep);
}

void SimulationController::setRunSpeed(int steps_per_second) {
    speed_ = std::max(0, steps_per_second);
    interval_ms_->store(speed_ > 0 ? 1000 / speed_ : 0);
}

QStringList SimulationController::setBreakpoints(const QStringList& specs) {
    QStringList errors;
    const bool same = specs == break_specs_;
    break_specs_ = specs;
    for (const QString& s : specs) {
        try {
            parseBreakpoint(s.toStdString());
            errors << QString();
        } catch (const std::exception& e) {
            errors << QString::fromStdString(e.what());
        }
    }
    // The worker tells which of them can never hit (it has the machine).
    if (same) return errors;
    queued();
    const quint64 gen = generation_;
    SimulationWorker* w = worker_;
    QMetaObject::invokeMethod(
        worker_, [w, gen, specs] { w->setBreakpointSpecs(gen, specs); }, Qt::QueuedConnection);
    return errors;
}

void SimulationController::run() {
    if (running_) return;
    command(SimulationWorker::Run);
}

void SimulationController::pause() {
    // The worker checks the flag between steps; later commands get a new one.
    stop_->store(true);
    stop_ = std::make_shared<std::atomic<bool>>(false);
}

void SimulationController::back() {
    if (!timeline_) return;
    if (running_) pause();
    command(SimulationWorker::Back);
}

void SimulationController::seek(int n) {
    if (!timeline_ || n < 0) return;
    if (running_) pause();
    // A seek already queued and not started takes the new target itself.
    if (seek_target_->exchange(n) != -1) return;
    queued();
    const quint64 gen = generation_;
    SimulationWorker* w = worker_;
    auto target = seek_target_;
    QMetaObject::invokeMethod(
        worker_, [w, gen, target] { w->seek(gen, target); }, Qt::QueuedConnection);
}

void SimulationController::reset() {
    if (!scenario_) return;
    try {
        install(std::make_shared<Timeline>(Scenario(*scenario_)));
    } catch (const std::exception& e) {
        emit stepRefused(QString::fromStdString(e.what()));
    }
}

void SimulationController::onWorkerSnapshot(const SnapshotPtr& snap, quint64 generation) {
    if (generation != generation_) return;
    pending_ = snap;
    if (!refresh_.isActive()) refresh_.start();
}

void SimulationController::onWorkerRefused(const QString& message, quint64 generation) {
    if (generation != generation_) return;
    emit stepRefused(message);
}

void SimulationController::onWorkerIdle(quint64 generation) {
    --pending_commands_;
    if (generation == generation_ && running_ && pending_commands_ == 0) {
        running_ = false;
        emit runningChanged(false);
    }
    if (pending_commands_ == 0) emit busyChanged(false);
}

void SimulationController::flush() {
    refresh_.stop();
    if (!pending_) return;
    delivered_ = std::move(pending_);
    pending_.reset();
    const SnapshotPtr snap = delivered_;
    emit snapshotChanged(snap);
    if (snap->break_index >= 0)
        emit breakpointHit(snap->break_index, snap->break_spec, snap->break_what, snap->executed,
                           snap->break_event);
}

bool SimulationController::waitIdle(int timeout_ms) {
    QDeadlineTimer deadline(timeout_ms);
    while (busy() && !deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        if (busy()) QThread::msleep(1);
    }
    flush();
    return !busy();
}

} // namespace mmsim::ui
