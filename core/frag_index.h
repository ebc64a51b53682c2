// External fragmentation metrics (mm/vmstat.c): from the free block counts
// per order of a zone, how much free memory cannot serve an allocation of a
// given order (the unusable free space index), and whether a failure at that
// order would be due to lack of memory (near 0) or to fragmentation (near
// 1000) (the fragmentation index, also used by compaction).
#pragma once

#include "core/types.h"

#include <array>
#include <cstdint>
#include <string>

namespace mmsim {

using NrFree = std::array<std::uint64_t, NR_PAGE_ORDERS>;

struct ContigPageInfo {
    std::uint64_t free_pages = 0;
    std::uint64_t free_blocks_total = 0;
    std::uint64_t free_blocks_suitable = 0;
};

ContigPageInfo fillContigPageInfo(const NrFree& nr_free, int suitable_order);
// In thousandths: 0 = every free page usable at this order, 1000 = none.
int unusableFreeIndex(int order, const ContigPageInfo& info);
// In thousandths: -1000 when the allocation would succeed.
int fragmentationIndex(int order, const ContigPageInfo& info);

// One line of debugfs extfrag/unusable_index and extfrag/extfrag_index.
std::string unusableIndexLine(int nid, const char* zone, const NrFree& nr_free);
std::string extfragIndexLine(int nid, const char* zone, const NrFree& nr_free);

} // namespace mmsim
