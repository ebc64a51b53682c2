// Time series of a simulation run, for charts and their CSV/JSON export.
//
// A SeriesRecorder watches a Simulation: after every executed operation it
// is handed the machine state and the operation's events and cycles. It
// keeps two kinds of values per row:
//
//  - state values, read from the machine at the row's step: nr_free per
//    order of every populated zone (the numbers of /proc/buddyinfo), the
//    zone's free pages, the unusable free space index and the fragmentation
//    index at one chosen order (debugfs extfrag, mm/vmstat.c formulas in
//    frag_index.h), the largest order with a free block, the pageblocks of
//    each migratetype (what /proc/pagetypeinfo counts) and the mixed
//    pageblocks;
//  - interval values, summed over every operation since the previous row:
//    operations executed, their cycles (sum and max), pageblock steals,
//    extfrag fallbacks (mm_page_alloc_extfrag) and allocation failures. No
//    event is lost when rows are thinned out.
//
// Long runs: the rows are capped. Rows are kept at every k-th operation
// (k = the stride, starting at 1); when the cap is reached k doubles and
// every other stored row is dropped, its interval values being added to
// the next row. The first row is always kept, and a snapshot (series())
// ends with the newest operation as its last row, so first and last are
// exact; the row count never exceeds the cap. State values are read only
// for rows that are kept, which is what keeps recording cheap: the per-step
// work is a pass over the step's events.
//
// Keeping rows cheap: the pageblock counts and the mixed pageblocks of a
// zone would take a walk over every pageblock and every allocated block per
// row. The recorder instead keeps, per zone, each pageblock's type and mixed
// flag as of the last row, and marks the pageblocks an operation touched
// (the pfn ranges of its mm_page_alloc, mm_page_free, pageblock_steal and
// HIGHATOMIC reserve/unreserve events: the only ways a page changes owner or
// a pageblock its type once the buddy allocator runs); a row re-reads only
// those. The first row after a (re)start reads everything.
//
// Mixed pageblocks: a pageblock of type UNMOVABLE, MOVABLE or RECLAIMABLE
// holding an allocated block whose request asked for another of these types
// (Zone::allocated keeps each allocated block's gfp migratetype). Pages on
// per-CPU lists count as free (as the kernel's nr_free does not, they are
// in neither). HIGHATOMIC and ISOLATE pageblocks are never counted as mixed:
// they exist to hold other types' pages.
//
// Extension point: a SeriesProvider adds its own columns (the slab
// allocator's active/total objects and slabs per list, for example). Its
// columns may appear late (a cache created mid-run): earlier rows read NaN.
#pragma once

#include "core/cost.h"
#include "core/page_alloc.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mmsim {

class Simulation;

// What a column measures; charts pick their columns by set.
enum class SeriesSet : std::uint8_t {
    nr_free,       // free blocks of one order in one zone (buddyinfo)
    free_pages,    // free pages of a zone
    unusable,      // unusable free space index at frag_order (0..1)
    extfrag,       // fragmentation index at frag_order (-1: would succeed, 0..1)
    largest_order, // highest order with a free block, -1 when none
    pageblocks,    // pageblocks of one migratetype in one zone
    mixed,         // mixed pageblocks of a zone
    events,        // interval sums: steals, extfrag fallbacks, failures
    cycles,        // interval: ops, cycles sum and max
    provider,      // a SeriesProvider's column
};
const char* seriesSetName(SeriesSet s);

struct SeriesColumn {
    std::string name; // unique, CSV header friendly: "nr_free.n0.Normal.o3"
    SeriesSet set = SeriesSet::provider;
    std::string unit;  // "blocks", "pages", "index", "order", "events", "cycles", ...
    std::string group; // provider set name ("slab"); zone columns: "n0.Normal"
    int nid = -1, zone = -1, order = -1, mt = -1;
};

// The recorded series: plain values, copyable to another thread.
struct TimeSeries {
    static constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
    int frag_order = 3;
    std::uint64_t stride = 1; // operations per stored row
    std::vector<SeriesColumn> columns;
    std::vector<std::uint64_t> step;         // Simulation::executed() after the row's operation
    std::vector<std::uint64_t> cycle;        // the clock after it
    std::vector<std::vector<double>> values; // values[column][row]
    // The per-path latency histograms and op kinds at the last row.
    std::array<LatencyHistogram, NR_COST_PATHS> paths{};

    std::size_t rows() const { return step.size(); }
    int column(const std::string& name) const;
    std::vector<int> columnsOf(SeriesSet s) const;
    // The populated zones with columns, as "n0.Normal" groups in order.
    std::vector<std::string> zoneGroups() const;
    const std::vector<double>& col(int i) const { return values[static_cast<std::size_t>(i)]; }
};

// What a recorder sees of one executed operation.
struct StepInput {
    const MmModel& mm;
    const EventSink& events;
    std::uint64_t step = 0;  // operations executed so far
    std::uint64_t cycle = 0; // the clock
    std::uint64_t op_cycles = 0;
    const Simulation* sim = nullptr; // when recording a Simulation (providers)
};

// Extra columns. onStep() sees every operation; sample() is asked for the
// values of a row that is kept: it appends (column, value) pairs; a column
// named for the first time is added (earlier rows NaN), one not given reads NaN.
class SeriesProvider {
  public:
    virtual ~SeriesProvider() = default;
    virtual void onStep(const StepInput&) {}
    virtual void sample(const StepInput& in, std::vector<std::pair<SeriesColumn, double>>& out) = 0;
};

class SeriesRecorder {
  public:
    static constexpr std::size_t kDefaultCap = 4096;
    explicit SeriesRecorder(std::size_t cap = kDefaultCap, int frag_order = 3);

    void addProvider(std::shared_ptr<SeriesProvider> p) { providers_.push_back(std::move(p)); }
    // After every executed operation. Before the buddy allocator exists
    // nothing is recorded. A step count that does not follow the previous
    // one (a reset, a step back) restarts the series.
    void sample(const Simulation& sim);
    void sample(const StepInput& in);
    // The rows so far, ending with the newest operation (from 'sim', or the
    // state passed, which must be the one last sampled).
    TimeSeries series(const Simulation& sim) const;
    TimeSeries series(const StepInput& current) const;
    void reset();

    std::size_t cap() const { return cap_; }
    std::uint64_t stride() const { return data_.stride; }
    std::size_t storedRows() const { return data_.rows(); }

  private:
    // Per populated zone, in forEachZone order: what the last row saw.
    struct ZoneCache {
        pfn_t start = 0, end = 0;           // the zone's span
        std::size_t first = 0, last = 0;    // its pageblocks [first, last) in pageblocks
        std::vector<std::uint8_t> type;     // per pageblock, as counted
        std::vector<std::uint8_t> mixed;    // per pageblock
        std::vector<std::uint8_t> is_dirty; // per pageblock: in 'dirty'
        std::vector<std::uint32_t> dirty;   // pageblocks touched since
        PageblockCounts counts;
        std::uint64_t nr_mixed = 0;
    };
    void markDirty(const BuddyEvent& e);
    // Brings 'c' up to date with zone 'z' (every pageblock when !valid).
    void refresh(ZoneCache& c, const Zone& z) const;
    struct Interval {
        double ops = 0, cycles = 0, cycles_max = 0, steals = 0, extfrag = 0, failures = 0;
    };
    void ensureColumns(const MmModel& mm);
    void account(const StepInput& in);
    // Appends the state at 'in' with interval 'iv' to 'ts'.
    void appendRow(TimeSeries& ts, const StepInput& in, const Interval& iv) const;
    void compact();

    std::size_t cap_;
    TimeSeries data_;
    std::vector<std::shared_ptr<SeriesProvider>> providers_;
    Interval pending_;    // since the last stored row
    std::uint64_t n_ = 0; // operations sampled since the first row
    std::uint64_t last_step_ = 0;
    bool started_ = false;
    bool last_stored_ = false;      // the last sampled operation is a stored row
    std::size_t fixed_columns_ = 0; // columns before providers' columns
    // Refreshed by appendRow (also from the const series()): re-reading a
    // touched pageblock is right whenever it happens.
    mutable std::vector<ZoneCache> zones_;
    mutable bool zones_valid_ = false;
};

// Zone-level values, also used by tests as the independent view.
int largestFreeOrder(const Zone& z);
std::uint64_t mixedPageblocks(const Zone& z);

} // namespace mmsim
