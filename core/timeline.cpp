// The timeline (see timeline.h).
#include "core/timeline.h"

#include "core/micro_state.h"

#include <algorithm>

namespace mmsim {

Timeline::Timeline(Scenario scenario, TimelineOptions opt)
    : Timeline(compileScenario(std::move(scenario)), opt) {}

Timeline::Timeline(std::shared_ptr<const Program> program, TimelineOptions opt)
    : opt_(opt), sim_(std::move(program)), interval_(std::max<std::size_t>(1, opt.first_interval)) {
    opt_.max_checkpoints = std::max<std::size_t>(2, opt_.max_checkpoints);
    coarse_[0] = std::make_shared<Simulation::Snapshot>(sim_.snapshot());
}

void Timeline::addCoarse() {
    const std::size_t pos = position();
    if (pos % interval_ || coarse_.count(pos)) return;
    coarse_[pos] = std::make_shared<Simulation::Snapshot>(sim_.snapshot());
    // Thin: double the interval and keep the checkpoints on it.
    while (coarse_.size() > opt_.max_checkpoints) {
        interval_ *= 2;
        for (auto it = coarse_.begin(); it != coarse_.end();)
            it = it->first % interval_ ? coarse_.erase(it) : std::next(it);
    }
}

void Timeline::afterStep() {
    cursor_ = sim_.lastEvents().size();
    sim_.recordJournals(history_);
    addCoarse();
    const std::size_t pos = position();
    const Op& op = sim_.program().ops[pos - 1];
    if (op.kind == Op::Step && op.step->op == "checkpoint" && !hints_.count(pos)) {
        hints_[pos] = std::make_shared<Simulation::Snapshot>(sim_.snapshot());
        if (hints_.size() > opt_.hint_checkpoints) hints_.erase(hints_.begin());
    }
}

bool Timeline::step() {
    if (atEnd()) return false;
    sim_.step();
    afterStep();
    return true;
}

bool Timeline::microStep() {
    if (cursor_ < sim_.lastEvents().size()) {
        ++cursor_;
        return true;
    }
    if (atEnd()) return false;
    // The state before the step, to show its events one by one.
    pre_ = std::make_shared<Simulation::Snapshot>(sim_.snapshot());
    pre_pos_ = position();
    if (!step()) return false;
    cursor_ = std::min<std::size_t>(1, sim_.lastEvents().size());
    return true;
}

std::uint64_t Timeline::microClock() const {
    const StepCycles* s = sim_.lastStep();
    if (!s) return 0;
    std::uint64_t c = s->start;
    const auto& cyc = sim_.lastEventCycles();
    for (std::size_t i = 0; i < cursor_ && i < cyc.size(); ++i)
        c += cyc[i];
    return c;
}

void Timeline::setMicroCursor(std::size_t k) {
    cursor_ = std::min(k, sim_.lastEvents().size());
}

Simulation& Timeline::scratch() {
    if (!scratch_) scratch_ = std::make_unique<Simulation>(sim_.programPtr());
    return *scratch_;
}

Timeline::SnapPtr Timeline::nearestCheckpoint(std::size_t target, std::size_t* base) const {
    SnapPtr snap;
    *base = 0;
    for (const auto* m : {&coarse_, &fine_, &hints_}) {
        auto it = m->upper_bound(target);
        if (it == m->begin()) continue;
        --it;
        if (!snap || it->first > *base) {
            *base = it->first;
            snap = it->second;
        }
    }
    return snap;
}

Timeline::SnapPtr Timeline::preStep() {
    const std::size_t target = position() - 1;
    if (pre_ && pre_pos_ == target) return pre_;
    std::size_t base = 0;
    SnapPtr snap = nearestCheckpoint(target, &base);
    if (base != target) {
        // Replay from the checkpoint on the scratch copy (the run's own
        // position and journals stay as they are).
        Simulation& s = scratch();
        s.restore(*snap, &history_);
        while (s.executed() < target)
            s.step();
        snap = std::make_shared<Simulation::Snapshot>(s.snapshot());
        micro_pos_ = npos;
    }
    pre_ = snap;
    pre_pos_ = target;
    return pre_;
}

const Simulation& Timeline::microSim() {
    if (position() == 0 || cursor_ >= sim_.lastEvents().size()) return sim_;
    if (micro_pos_ == position() && micro_at_ == cursor_) return *scratch_;
    const SnapPtr pre = preStep();
    Simulation& s = scratch();
    s.restore(*pre, &history_);
    stepUntilEvents(s, cursor_);
    micro_pos_ = position();
    micro_at_ = cursor_;
    return s;
}

bool Timeline::stepBack() {
    if (position() == 0) return false;
    goTo(position() - 1);
    return true;
}

void Timeline::seek(std::size_t n) {
    goTo(std::min(n, length()));
}

void Timeline::reset() {
    goTo(0);
}

void Timeline::goTo(std::size_t target) {
    const std::size_t pos = position();
    if (target == pos) {
        cursor_ = sim_.lastEvents().size();
        return;
    }
    // The nearest checkpoint at or before the target.
    std::size_t base = 0;
    SnapPtr snap = nearestCheckpoint(target, &base);
    const bool forward = target > pos && target - pos <= target - base;
    if (!forward) {
        sim_.recordJournals(history_);
        sim_.restore(*snap, &history_);
    }
    // Going back: leave finer checkpoints in this stretch for the next step back.
    const bool backward = target < pos;
    const std::size_t from = position();
    const std::size_t fine_step =
        std::max<std::size_t>(1, interval_ / std::max<std::size_t>(1, opt_.fine_checkpoints));
    if (backward && target - from > fine_step) {
        // A new stretch: drop the fine checkpoints of another one.
        auto keepFrom = from, keepTo = target;
        for (auto it = fine_.begin(); it != fine_.end();)
            it = (it->first < keepFrom || it->first > keepTo) ? fine_.erase(it) : std::next(it);
    }
    while (position() < target) {
        sim_.step();
        sim_.recordJournals(history_);
        const std::size_t p = position();
        if (p % interval_ == 0) addCoarse();
        if (backward && p < target && (p - from) % fine_step == 0 && !coarse_.count(p) &&
            !fine_.count(p)) {
            fine_[p] = std::make_shared<Simulation::Snapshot>(sim_.snapshot());
            while (fine_.size() > opt_.fine_checkpoints)
                fine_.erase(fine_.begin());
        }
    }
    cursor_ = sim_.lastEvents().size();
}

std::optional<std::size_t> Timeline::labelPosition(const std::string& name,
                                                   std::size_t from) const {
    for (const auto& [l, i] : labels())
        if (i >= from && l == name) return i + 1;
    return std::nullopt;
}

Timeline::RunResult Timeline::run(BreakpointSet& bps, std::size_t max_steps,
                                  const std::function<void(std::size_t)>& progress) {
    RunResult r;
    bps.prime(sim_);
    for (std::size_t n = 0;; ++n) {
        if (atEnd()) {
            r.stop = RunResult::End;
            return r;
        }
        if (n >= max_steps) {
            r.stop = RunResult::Limit;
            return r;
        }
        step();
        if (progress && (n & 4095) == 0) progress(position());
        if (!bps.empty()) {
            if (auto h = bps.check(sim_)) {
                r.stop = RunResult::Breakpoint;
                r.hit = std::move(h);
                return r;
            }
        }
    }
}

} // namespace mmsim
