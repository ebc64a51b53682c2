// Time-series columns of the slab layer (a SeriesProvider, timeseries.h):
// per cache that has held objects, its active and total objects as
// /proc/slabinfo counts them, so the slab utilisation chart can plot them.
#pragma once

#include "core/timeseries.h"

#include <memory>

namespace mmsim {

std::shared_ptr<SeriesProvider> makeSlabSeriesProvider();

} // namespace mmsim
