#include "core/free_area.h"

namespace mmsim {

const char* migratetypeName(int mt) {
    static const char* const names[] = {"Unmovable", "Movable", "Reclaimable", "HighAtomic",
                                        "Isolate"};
    return mt >= 0 && mt < MIGRATE_TYPES ? names[mt] : "?";
}

void FreeArea::freeOnePage(pfn_t pfn, int order, int mt, pfn_t zone_lo, pfn_t zone_hi) {
    free_pages_ += 1ull << order;
    while (order < MAX_PAGE_ORDER) {
        pfn_t buddy = pfn ^ (1ull << order);
        if (buddy < zone_lo || buddy + (1ull << order) > zone_hi) break;
        auto it = blocks_.find(buddy);
        if (it == blocks_.end() || it->second.order != order) break;
        lists_[order][it->second.mt].erase(buddy);
        --nr_free_[order];
        blocks_.erase(it);
        pfn &= buddy;
        ++order;
    }
    blocks_[pfn] = FreeBlock{order, mt};
    lists_[order][mt].insert(pfn);
    ++nr_free_[order];
}

} // namespace mmsim
