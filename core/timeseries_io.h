// CSV and JSON forms of a TimeSeries, and reading them back.
//
// CSV: a header "step,cycle,<column>..." and one line per row; numbers in
// their shortest exact form, an empty field for a missing value (NaN).
// JSON ("mmsim-series/1"): the columns with their metadata, the step and
// cycle arrays, the values by column name (null for a missing value) and
// the per-path latency histograms.
#pragma once

#include "core/timeseries.h"

#include <string>

namespace mmsim {

std::string seriesToCsv(const TimeSeries& ts);
std::string seriesToJson(const TimeSeries& ts);
// Throw std::runtime_error on malformed text. CSV keeps only names and
// values (columns come back as SeriesSet::provider with no metadata).
TimeSeries seriesFromCsv(const std::string& text);
TimeSeries seriesFromJson(const std::string& text);

} // namespace mmsim
