#include "core/frag_index.h"

#include "core/strfmt.h"

namespace mmsim {

ContigPageInfo fillContigPageInfo(const NrFree& nr_free, int suitable_order) {
    ContigPageInfo info;
    for (int order = 0; order < NR_PAGE_ORDERS; ++order) {
        const std::uint64_t blocks = nr_free[static_cast<size_t>(order)];
        info.free_blocks_total += blocks;
        info.free_pages += blocks << order;
        if (order >= suitable_order) info.free_blocks_suitable += blocks << (order - suitable_order);
    }
    return info;
}

int unusableFreeIndex(int order, const ContigPageInfo& info) {
    if (info.free_pages == 0) return 1000; // nothing free: all of it unusable
    return static_cast<int>((info.free_pages - (info.free_blocks_suitable << order)) * 1000ull /
                            info.free_pages);
}

int fragmentationIndex(int order, const ContigPageInfo& info) {
    if (order > MAX_PAGE_ORDER || !info.free_blocks_total) return 0;
    if (info.free_blocks_suitable) return -1000;
    const std::uint64_t requested = 1ull << order;
    return 1000 - static_cast<int>((1000 + info.free_pages * 1000ull / requested) /
                                   info.free_blocks_total);
}

static std::string indexLine(int nid, const char* zone, const NrFree& nr_free, bool extfrag) {
    std::string line = strprintf("Node %d, zone %8s ", nid, zone);
    for (int order = 0; order < NR_PAGE_ORDERS; ++order) {
        const ContigPageInfo info = fillContigPageInfo(nr_free, order);
        const int index = extfrag ? fragmentationIndex(order, info) : unusableFreeIndex(order, info);
        // The kernel prints index/1000 and index%1000 with C's truncating
        // division, so -1000 reads "-1.000".
        line += strprintf(extfrag ? "%2d.%03d " : "%d.%03d ", index / 1000, index % 1000);
    }
    return line;
}

std::string unusableIndexLine(int nid, const char* zone, const NrFree& nr_free) {
    return indexLine(nid, zone, nr_free, false);
}

std::string extfragIndexLine(int nid, const char* zone, const NrFree& nr_free) {
    return indexLine(nid, zone, nr_free, true);
}

} // namespace mmsim
