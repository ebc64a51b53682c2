// The timeline: a run a student can move along freely. step() executes the
// next operation whole; microStep() reveals the current step's micro-events
// one at a time (the step has already executed: the cursor only says how
// much of it to show, and the GUI animates it; microSim() is the machine
// after the revealed events, core/micro_state.h); stepBack(), seek(n) and
// reset() go anywhere.
//
// Going back is restoring a checkpoint (a Simulation::Snapshot: the machine
// state without the append-only journals) and replaying forward: the model
// is deterministic, so the replay reproduces the same state, log and clock.
// Checkpoints are kept every `interval` steps; when there would be more than
// max_checkpoints the interval doubles and every other one is dropped, so
// memory stays bounded by max_checkpoints + fine_checkpoints +
// hint_checkpoints copies of the state whatever the run's length, and a seek
// replays at most `interval` steps. Stepping back repeatedly would replay the
// same stretch again and again, so the first step back into a stretch leaves
// finer checkpoints in it (every interval/fine_checkpoints steps); the next
// steps back replay only that much. A scenario's `checkpoint` step leaves a
// checkpoint at its position too (the most recent hint_checkpoints kept).
#pragma once

#include "core/breakpoint.h"
#include "core/simulation.h"

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>

namespace mmsim {

struct TimelineOptions {
    std::size_t first_interval = 1024; // steps between checkpoints at first
    std::size_t max_checkpoints = 64;  // coarse checkpoints before the interval doubles
    std::size_t fine_checkpoints = 16; // per stretch stepped back into
    std::size_t hint_checkpoints = 16; // from `checkpoint` steps
};

class Timeline {
  public:
    explicit Timeline(Scenario scenario, TimelineOptions opt = {});
    explicit Timeline(std::shared_ptr<const Program> program, TimelineOptions opt = {});

    const Simulation& sim() const { return sim_; }
    std::size_t position() const { return sim_.executed(); } // steps executed
    std::size_t length() const { return sim_.totalOps(); }
    bool atEnd() const { return sim_.done(); }
    std::uint64_t clock() const { return sim_.clock().now(); }

    // Executes the next step (false at the end). Throws InputError when the
    // step is refused (the position does not move).
    bool step();
    // Reveals the next micro-event of the current step; when all are shown,
    // executes the next step and reveals its first event. False at the end.
    bool microStep();
    // How many micro-events of the last step are revealed (all after step()).
    std::size_t microCursor() const { return cursor_; }
    // The clock at the cursor: the step's start plus its revealed events' cost.
    std::uint64_t microClock() const;
    // Moves the cursor within the last step (clamped to its events), e.g. to
    // the event a breakpoint hit.
    void setMicroCursor(std::size_t k);
    // The machine after the revealed micro-events of the last step: sim()
    // when all are revealed (or none was executed), else the step run again
    // on a copy of the state before it and stopped right after its last
    // revealed event (core/micro_state.h). Read only its state(); the copy
    // is kept for the next call at the same cursor.
    const Simulation& microSim();
    // One step back (false at the start).
    bool stepBack();
    // To the state after n steps (n clamped to length()).
    void seek(std::size_t n);
    // Back to the freshly loaded scenario.
    void reset();

    // Labels (name, op index) in op order; the position just after a label's
    // step at or after 'from', if any.
    const std::vector<std::pair<std::string, std::size_t>>& labels() const {
        return sim_.program().labels;
    }
    std::optional<std::size_t> labelPosition(const std::string& name, std::size_t from = 0) const;

    // Runs until a breakpoint hits, the end, or max_steps more steps. The
    // progress callback (if any) is called every 4096 steps.
    struct RunResult {
        enum Stop { End, Breakpoint, Limit } stop = End;
        std::optional<BreakHit> hit;
    };
    RunResult run(BreakpointSet& bps, std::size_t max_steps = static_cast<std::size_t>(-1),
                  const std::function<void(std::size_t)>& progress = {});

    // The question of the predict step just executed (the GUI asks it).
    const std::optional<Prediction>& pendingPrediction() const { return sim_.lastPrediction(); }

    // Memory: checkpoints held and the current interval.
    std::size_t checkpointCount() const { return coarse_.size() + fine_.size() + hints_.size(); }
    std::size_t checkpointInterval() const { return interval_; }

  private:
    using SnapPtr = std::shared_ptr<const Simulation::Snapshot>;
    void afterStep();
    void goTo(std::size_t target);
    void addCoarse();
    // The nearest checkpoint at or before target, and its position.
    SnapPtr nearestCheckpoint(std::size_t target, std::size_t* base) const;
    // The state before the last step (cached for the position).
    SnapPtr preStep();
    Simulation& scratch();

    TimelineOptions opt_;
    Simulation sim_;
    std::size_t cursor_ = 0;
    std::size_t interval_;
    std::map<std::size_t, SnapPtr> coarse_; // every interval_ steps (and 0)
    std::map<std::size_t, SnapPtr> fine_;   // in the stretch last stepped back into
    std::map<std::size_t, SnapPtr> hints_;  // `checkpoint` steps
    Simulation::Journals history_;          // the journals as far as the run went
    // Micro-stepping: the state before the step at pre_pos_ + 1, and a
    // scratch simulation stopped after micro_at_ events of the step at
    // micro_pos_ (npos: none).
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    SnapPtr pre_;
    std::size_t pre_pos_ = npos;
    std::unique_ptr<Simulation> scratch_;
    std::size_t micro_pos_ = npos, micro_at_ = npos;
};

} // namespace mmsim
