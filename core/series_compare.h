// Comparing runs: the same lesson under two configurations (mobility
// grouping on and off, SLAB and SLUB, 6.1 and 6.12) is best judged on one
// chart. A RunSummary boils a run's TimeSeries down to machine-wide numbers
// that mean the same thing on machines of different sizes and zone layouts:
//
//  - free pages, summed over every populated zone;
//  - the largest order with a free block anywhere (-1: nothing free);
//  - the unusable free space index and the fragmentation index at the
//    series' chosen order, computed (mm/vmstat.c formulas, frag_index.h)
//    from the free block counts of all zones added together, as if the
//    machine were one zone: "how much of all free memory could serve an
//    order-N request", which is what a student compares;
//  - how many order-N requests the free blocks could serve right now
//    (free_blocks_suitable);
//  - mixed pageblocks, summed;
//  - pageblock steals and allocation failures, cumulative from the start.
//
// Values are plain doubles per row, ready for a chart or a CSV.
#pragma once

#include "core/timeseries.h"

#include <string>
#include <vector>

namespace mmsim {

struct RunSummary {
    std::string label; // the scenario's title, or its file name
    int frag_order = 3;
    std::vector<std::uint64_t> step, cycle;
    std::vector<double> free_pages, largest_order, unusable, extfrag, suitable, mixed, steals,
        failures;
    std::size_t rows() const { return step.size(); }
};

RunSummary summarizeRun(const TimeSeries& ts, std::string label);

// One CSV of several runs side by side: a "run" column, then step, cycle
// and the summary values, one line per row of each run.
std::string comparisonToCsv(const std::vector<RunSummary>& runs);
// The same as JSON: {"format": "mmsim-compare/1", "frag_order", "runs": [{label, step, cycle,
// free_pages, …}]}.
std::string comparisonToJson(const std::vector<RunSummary>& runs);

} // namespace mmsim
