// Breakpoints: where a run along the timeline stops. On an event kind (a
// pageblock steal, an allocation failure, a per-CPU list drain, a zone
// falling below its low or min watermark, or any micro-event by its name),
// on a label, on a step number, or on a condition over a zone (or any
// value of the named-number table, expect.h): "free pages of Normal below
// its low watermark", "largest free order below 3", "more than 10 mixed
// pageblocks".
//
// Watermark events and conditions are edge-triggered: they stop the run at
// the step that makes them true (false before it, true after), not at every
// later step while they stay true.
//
// Text form (mmsim-cli run --break SPEC, the GUI's breakpoint list):
//   event:KIND            KIND: pageblock_steal, alloc_fail, pcp_drain,
//                         below_low, below_min, or a micro-event name
//                         (buddy_merge, mm_page_alloc_extfrag, ...)
//   label:NAME            after the step carrying the label
//   step:N                when N steps have run
//   zone:ZONE:NAME OP V   ZONE: Normal (node 0), 1/Normal, or * (any zone);
//                         NAME a zone number of expect.h, with [ORDER] for
//                         nr_free (nr_free[9]); OP one of < <= > >= == !=;
//                         V an integer or min/low/high (the zone's watermark)
//   cache:NAME:VALUE OP V a slab cache's number (active_objs)
//   value:NAME OP V       a number without parameters (last_alloc_pfn, ...)
#pragma once

#include "core/expect.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace mmsim {

class Simulation;

// The event kinds a breakpoint may name beyond raw micro-events.
struct BreakEventKind {
    std::string_view name;
    std::string_view doc;
    bool available = true; // false: the model this needs is not there yet (slab)
};
const std::vector<BreakEventKind>& breakEventKinds();

struct Breakpoint {
    enum Kind { Event, Label, Step, Condition } kind = Event;
    std::string spec; // as written
    std::string name; // Event: the kind; Label: the label
    std::size_t step = 0;
    // Condition
    ValueQuery query;
    bool any_zone = false;
    std::string op; // < <= > >= == !=
    long long value = 0;
    int wmark = -1; // WMARK_* when the value is min/low/high
};
// Parses the text form. Throws std::invalid_argument with the reason.
Breakpoint parseBreakpoint(const std::string& spec);

// Why a breakpoint can never hit on this machine and scenario (empty when
// it can): a condition on a zone the booted machine does not populate, a
// label no step carries, a step past the end. 'length' is the number of
// steps of the scenario; 'sim' any state after boot (zones known).
std::string breakpointProblem(const Breakpoint& b, const Simulation& sim, std::size_t length);

struct BreakHit {
    std::size_t breakpoint = 0; // index in the set
    std::string what;           // "event:alloc_fail at event 3 (alloc_fail: ...)"
    std::size_t event = static_cast<std::size_t>(-1); // the micro-event, if any
};

class BreakpointSet {
  public:
    void add(Breakpoint b) { bps_.push_back(std::move(b)); }
    const std::vector<Breakpoint>& list() const { return bps_; }
    bool empty() const { return bps_.empty(); }
    void clear() {
        bps_.clear();
        prev_.clear();
    }
    // Records the current truth of the edge-triggered ones (call before a run).
    void prime(const Simulation& sim);
    // After a step: the first breakpoint that hits, if any.
    std::optional<BreakHit> check(const Simulation& sim);

  private:
    // Per breakpoint, per zone (node * MAX_NR_ZONES + zone): true last time.
    std::vector<std::vector<char>> prev_;
    std::vector<Breakpoint> bps_;
    std::vector<char> truth(const Breakpoint& b, const Simulation& sim) const;
};

} // namespace mmsim
