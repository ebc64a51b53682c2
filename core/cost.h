// The cycle cost model and the simulation clock. Every micro-event of the
// page allocator is charged a number of CPU cycles from a table (one entry
// per event kind, overridable per scenario); an event that touches memory of
// a node other than the CPU's is charged distance/10 times as much (the SLIT
// distance: 10 local, 21 one hop, ...). A step costs the sum of its events.
//
// The figures are order-of-magnitude teaching numbers for a current x86
// server core, not measurements of any one machine: what matters for the
// lessons is the ratio between paths (a per-CPU list hit is tens of cycles,
// taking the zone lock and splitting a block hundreds, stealing a pageblock
// thousands). Where each default comes from is written beside it in
// cost.cpp.
#pragma once

#include "core/cost_model.h"
#include "core/page_alloc.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace mmsim {

// The paths an operation can take, for the latency histograms.
enum class CostPath : std::uint8_t {
    pcp_hit,  // served from a per-CPU list: no zone lock, no buddy take
    buddy,    // __rmqueue_smallest on the preferred migratetype
    fallback, // a migratetype fallback (extfrag event, pageblock steal/claim)
    slow,     // the slow path (watermarks below low, kswapd woken, min mark)
    failure,  // NULL
    free,     // a free that merged nothing
    merge,    // a free that merged with its buddy at least once
};
constexpr int NR_COST_PATHS = 7;
const char* costPathName(CostPath p);

// Log2 buckets: bucket i counts values in [2^i, 2^(i+1)) cycles (0 in bucket 0).
struct LatencyHistogram {
    static constexpr int NR_BUCKETS = 32;
    std::array<std::uint64_t, NR_BUCKETS> buckets{};
    std::uint64_t count = 0, sum = 0, min = 0, max = 0;
    void add(std::uint64_t cycles);
};

// One allocation or free inside a step: events [first, first + n) of the step.
struct OpCost {
    CostPath path = CostPath::buddy;
    std::uint32_t first = 0, n = 0;
    std::uint64_t cycles = 0;
};

// One executed operation of the simulation (boot operations cost 0).
struct StepCycles {
    std::uint32_t op = 0; // index into CycleStats::op_names ("alloc_pages", ...)
    std::int16_t cpu = 0;
    std::uint64_t start = 0;  // the clock when the step began
    std::uint64_t cycles = 0; // sum of its events' costs
};

// Everything the clock has recorded, as plain values for the GUI and views.
struct CycleStats {
    std::uint64_t now = 0; // the clock: cycles since the simulation started
    std::vector<std::string> op_names;
    std::vector<StepCycles> steps; // per executed operation, in order
    std::array<LatencyHistogram, NR_COST_PATHS> paths;
    std::array<std::uint64_t, 256> event_count{}; // by BuddyEvent::Kind
    std::array<std::uint64_t, 256> event_cycles{};
};

// The cost model resolved into a table by kind, and the clock it drives.
class CycleClock {
  public:
    explicit CycleClock(const CostModel& m = {});
    const CostModel& model() const { return model_; }
    std::uint32_t base(BuddyEvent::Kind k) const { return table_[k]; }
    // The cost of one event on a CPU of node cpu_nid.
    std::uint64_t cost(const BuddyEvent& e, int cpu_nid, const MmModel& mm) const;

    // Charges a step's events: advances the clock, records the step, the
    // per-event costs (lastEventCycles(), parallel to the events), the
    // operations they form (lastOps()) and the histograms. Returns the cost.
    std::uint64_t charge(const std::string& op, int cpu, const EventSink& events,
                         const MmModel& mm);
    const std::vector<std::uint64_t>& lastEventCycles() const { return last_cycles_; }
    const std::vector<OpCost>& lastOps() const { return last_ops_; }
    const CycleStats& stats() const { return stats_; }
    std::uint64_t now() const { return stats_.now; }
    // Checkpoints (the timeline): a copy without the per-step record, and
    // going back to such a copy keeping this clock's first n_steps records
    // (taken from 'history' past the ones this clock has, when given).
    CycleClock withoutStepRecords() const;
    void rewindTo(const CycleClock& saved, std::size_t n_steps,
                  const std::vector<StepCycles>* history = nullptr);

  private:
    CostModel model_;
    std::array<std::uint32_t, 256> table_{};
    CycleStats stats_;
    std::vector<std::uint64_t> last_cycles_;
    std::vector<OpCost> last_ops_;
};

// The node of a CPU (0 when no node lists it).
int cpuToNode(const MmModel& mm, int cpu);

// ---- views ----
// The `cycles` view: the clock, per-op-kind count/avg/min/max, per-event-kind
// totals and the per-path histograms.
std::string viewCycles(const CycleStats& st);
// ftrace's trace file: the header and one line per event of the last step,
// stamped with the cycle clock at the event's completion.
std::string traceHeader();
std::string traceLines(const EventSink& events, const std::vector<std::uint64_t>& cycles,
                       std::uint64_t step_start, int cpu, const KernelProfile& p);

} // namespace mmsim
