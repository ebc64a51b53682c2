#include "ui/simulation_worker.h"

#include "core/breakpoint.h"
#include "core/simulation.h"
#include "core/slab_series.h"
#include "core/timeline.h"
#include "core/timeseries.h"

#include <QThread>

#include <algorithm>

namespace mmsim::ui {

namespace {
constexpr qint64 kRunPublishMs = 16;
constexpr qint64 kSeriesPublishMs = 250;
constexpr std::size_t kUnknown = static_cast<std::size_t>(-1);
} // namespace

void SimulationWorker::load(std::shared_ptr<Timeline> timeline, quint64 generation) {
    tl_ = std::move(timeline);
    log_len_.clear();
    last_.reset();
    step_.reset();
    log_before_ = tl_ ? tl_->sim().kernelLog().size() : 0;
    if (tl_) noteLogLength();
    recorder_ = std::make_shared<SeriesRecorder>();
    recorder_->addProvider(makeSlabSeriesProvider());
    series_.reset();
    series_dirty_ = true;
    bp_reported_ = false;
    if (tl_) publish(generation);
    finish(generation);
}

void SimulationWorker::noteLogLength() {
    const std::size_t pos = tl_->position();
    if (log_len_.size() <= pos) log_len_.resize(pos + 1, kUnknown);
    log_len_[pos] = tl_->sim().kernelLog().size();
}

bool SimulationWorker::stepOnce(quint64 generation, bool micro) {
    const std::size_t before = tl_->position();
    const std::size_t log_before = tl_->sim().kernelLog().size();
    try {
        if (micro)
            tl_->microStep();
        else
            tl_->step();
    } catch (const std::exception& e) {
        emit refused(QString::fromStdString(e.what()), generation);
        return false;
    }
    if (tl_->position() != before) {
        log_before_ = log_before;
        stepped();
    }
    return true;
}

void SimulationWorker::stepped() {
    noteLogLength();
    recorder_->sample(tl_->sim());
    series_dirty_ = true;
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

void SimulationWorker::publish(quint64 generation, bool final, int micro, const BreakInfo* brk) {
    SnapshotPtr snap;
    const int pos = static_cast<int>(tl_->position());
    // The whole step's snapshot: made once per step, shared by its micro-steps.
    const bool same_step = micro >= 0 && step_ && step_->executed == pos;
    if (!same_step) step_ = makeSnapshot(tl_->sim(), ++serial_, log_before_);
    if (micro >= 0 && static_cast<std::size_t>(micro) < tl_->sim().lastEvents().size()) {
        // Part of the step shown: the machine after its revealed events.
        tl_->setMicroCursor(static_cast<std::size_t>(micro));
        snap = makeMicroSnapshot(*step_, tl_->microSim(), ++serial_);
    } else if (same_step) {
        snap = std::make_shared<Snapshot>(*step_);
        std::const_pointer_cast<Snapshot>(snap)->serial = ++serial_;
    } else {
        // step_ is not shared yet: completing it below is safe (its copies
        // get their own micro fields).
        snap = step_;
    }
    auto* s = std::const_pointer_cast<Snapshot>(snap).get();
    s->micro = micro;
    s->micro_clock = micro >= 0 ? tl_->microClock() : s->clock_now;
    const BreakInfo none;
    if (!brk) brk = &none;
    s->break_index = brk->index;
    s->break_spec = brk->spec;
    s->break_what = brk->what;
    s->break_event = brk->event;
    if (series_dirty_ &&
        (final || !since_series_.isValid() || since_series_.elapsed() >= kSeriesPublishMs)) {
        series_ = std::make_shared<const TimeSeries>(recorder_->series(tl_->sim()));
        series_dirty_ = false;
        since_series_.restart();
    }
    // The snapshot is new and not shared yet: completing it here is safe.
    s->series = series_;
    last_ = snap;
    emit snapshotReady(snap, generation);
}

void SimulationWorker::step(quint64 generation) {
    if (tl_ && !tl_->atEnd()) {
        stepOnce(generation);
        publish(generation);
    }
    finish(generation);
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
    finish(generation);
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
    finish(generation);
}

void SimulationWorker::microStep(quint64 generation) {
    if (tl_ && !(tl_->atEnd() && tl_->microCursor() >= tl_->sim().lastEvents().size())) {
        if (stepOnce(generation, true))
            publish(generation, true, static_cast<int>(tl_->microCursor()));
    }
    finish(generation);
}

void SimulationWorker::setBreakpointSpecs(quint64 generation, QStringList specs) {
    if (specs != bp_specs_) {
        bp_specs_ = std::move(specs);
        bp_reported_ = false;
    }
    finish(generation);
}

void SimulationWorker::finish(quint64 generation) {
    const bool zones_known = tl_ && tl_->sim().state().mm.zones_initialised;
    if (tl_ && (!bp_reported_ || zones_known != bp_zones_known_)) {
        QStringList problems;
        for (const QString& spec : bp_specs_) {
            std::string why;
            try {
                why = breakpointProblem(parseBreakpoint(spec.toStdString()), tl_->sim(),
                                        tl_->length());
            } catch (const std::exception&) {
                // Does not parse: the dock says so already.
            }
            problems << QString::fromStdString(why);
        }
        bp_zones_known_ = zones_known;
        if (!bp_reported_ || problems != bp_problems_) {
            bp_problems_ = problems;
            emit breakpointProblems(bp_specs_, bp_problems_, generation);
        }
        bp_reported_ = true;
    }
    emit idle(generation);
}

bool SimulationWorker::waitUntil(const QElapsedTimer& clock, qint64 due,
                                 const std::atomic<bool>& stop) {
    // Short sleeps: a pause is honoured within a few milliseconds.
    for (qint64 left = due - clock.elapsed(); left > 0; left = due - clock.elapsed()) {
        if (stop.load()) return false;
        QThread::msleep(static_cast<unsigned long>(std::min<qint64>(left, 5)));
    }
    return !stop.load();
}

void SimulationWorker::run(quint64 generation, std::shared_ptr<std::atomic<bool>> stop,
                           RunParams params) {
    if (tl_) {
        QElapsedTimer since_publish, clock;
        since_publish.start();
        clock.start();
        qint64 due = 0;
        bool dirty = false;
        BreakpointSet* bps = params.breakpoints.get();
        if (bps && !bps->empty()) bps->prime(tl_->sim());
        while (!tl_->atEnd() && !stop->load()) {
            const bool ok = stepOnce(generation);
            dirty = true;
            if (!ok) break;
            if (bps && !bps->empty()) {
                if (auto hit = bps->check(tl_->sim())) {
                    // Stop here and show the event that hit, as a micro-step.
                    const int ev = hit->event == static_cast<std::size_t>(-1)
                                       ? -1
                                       : static_cast<int>(hit->event);
                    const std::size_t i = hit->breakpoint;
                    BreakInfo b;
                    b.index = i < params.ids.size() ? params.ids[i] : static_cast<int>(i);
                    b.spec = i < params.specs.size() ? params.specs[i] : QString();
                    b.what = QString::fromStdString(hit->what);
                    b.event = ev;
                    publish(generation, true, ev >= 0 ? ev + 1 : -1, &b);
                    dirty = false;
                    break;
                }
            }
            const int interval = params.interval_ms ? params.interval_ms->load() : 0;
            if (interval > 0) {
                // Paced: every step is shown, then the run waits its turn.
                publish(generation, false);
                dirty = false;
                since_publish.restart();
                due = std::max(due + interval, clock.elapsed());
                if (tl_->atEnd() || !waitUntil(clock, due, *stop)) break;
                continue;
            }
            due = clock.elapsed();
            // Snapshots cost more than most steps: build one per frame.
            if (since_publish.elapsed() >= kRunPublishMs) {
                publish(generation, false);
                dirty = false;
                since_publish.restart();
            }
        }
        if (dirty) publish(generation);
    }
    finish(generation);
}

} // namespace mmsim::ui
