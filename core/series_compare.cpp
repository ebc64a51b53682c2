#include "core/series_compare.h"

#include "core/frag_index.h"
#include "core/strfmt.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace mmsim {

namespace {

double sumOf(const TimeSeries& ts, const std::vector<int>& cols, std::size_t row) {
    double s = 0;
    for (int c : cols) {
        const double v = ts.col(c)[row];
        if (!std::isnan(v)) s += v;
    }
    return s;
}

// CSV-safe: quotes a label holding a comma or a quote.
std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string num(double v) {
    if (std::isnan(v)) return "";
    if (v == std::floor(v) && std::fabs(v) < 1e15) return strprintf("%.0f", v);
    return strprintf("%.6g", v);
}

} // namespace

RunSummary summarizeRun(const TimeSeries& ts, std::string label) {
    RunSummary r;
    r.label = std::move(label);
    r.frag_order = ts.frag_order;
    r.step = ts.step;
    r.cycle = ts.cycle;
    const std::vector<int> nr_free = ts.columnsOf(SeriesSet::nr_free);
    const std::vector<int> mixed = ts.columnsOf(SeriesSet::mixed);
    const int steals = ts.column("pageblock_steals"), failures = ts.column("alloc_failures");
    double steals_sum = 0, failures_sum = 0;
    for (std::size_t row = 0; row < ts.rows(); ++row) {
        NrFree total{};
        for (int c : nr_free) {
            const SeriesColumn& col = ts.columns[static_cast<std::size_t>(c)];
            const double v = ts.col(c)[row];
            if (col.order >= 0 && col.order < NR_PAGE_ORDERS && !std::isnan(v))
                total[static_cast<std::size_t>(col.order)] += static_cast<std::uint64_t>(v);
        }
        const ContigPageInfo info = fillContigPageInfo(total, ts.frag_order);
        int largest = -1;
        for (int o = NR_PAGE_ORDERS - 1; o >= 0 && largest < 0; --o)
            if (total[static_cast<std::size_t>(o)]) largest = o;
        r.free_pages.push_back(static_cast<double>(info.free_pages));
        r.largest_order.push_back(largest);
        r.unusable.push_back(unusableFreeIndex(ts.frag_order, info) / 1000.0);
        r.extfrag.push_back(fragmentationIndex(ts.frag_order, info) / 1000.0);
        r.suitable.push_back(static_cast<double>(info.free_blocks_suitable));
        r.mixed.push_back(sumOf(ts, mixed, row));
        if (steals >= 0) steals_sum += ts.col(steals)[row];
        if (failures >= 0) failures_sum += ts.col(failures)[row];
        r.steals.push_back(steals_sum);
        r.failures.push_back(failures_sum);
    }
    return r;
}

std::string comparisonToCsv(const std::vector<RunSummary>& runs) {
    std::string out;
    if (!runs.empty())
        out = strprintf("run,step,cycle,free_pages,largest_order,unusable_o%d,extfrag_o%d,"
                        "suitable_blocks_o%d,mixed_pageblocks,pageblock_steals,alloc_failures\n",
                        runs.front().frag_order, runs.front().frag_order, runs.front().frag_order);
    for (const RunSummary& r : runs)
        for (std::size_t i = 0; i < r.rows(); ++i)
            out += csvField(r.label) +
                   strprintf(",%llu,%llu,", (unsigned long long)r.step[i],
                             (unsigned long long)r.cycle[i]) +
                   num(r.free_pages[i]) + "," + num(r.largest_order[i]) + "," + num(r.unusable[i]) +
                   "," + num(r.extfrag[i]) + "," + num(r.suitable[i]) + "," + num(r.mixed[i]) +
                   "," + num(r.steals[i]) + "," + num(r.failures[i]) + "\n";
    return out;
}

std::string comparisonToJson(const std::vector<RunSummary>& runs) {
    using nlohmann::json;
    json j;
    j["format"] = "mmsim-compare/1";
    j["frag_order"] = runs.empty() ? 3 : runs.front().frag_order;
    json list = json::array();
    for (const RunSummary& r : runs)
        list.push_back({{"label", r.label},
                        {"step", r.step},
                        {"cycle", r.cycle},
                        {"free_pages", r.free_pages},
                        {"largest_order", r.largest_order},
                        {"unusable", r.unusable},
                        {"extfrag", r.extfrag},
                        {"suitable_blocks", r.suitable},
                        {"mixed_pageblocks", r.mixed},
                        {"pageblock_steals", r.steals},
                        {"alloc_failures", r.failures}});
    j["runs"] = list;
    return j.dump(1) + "\n";
}

} // namespace mmsim
