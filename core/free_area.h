// Free lists of one zone (struct free_area[NR_PAGE_ORDERS]): for every order
// a list per migrate type and nr_free, the count of blocks of that order.
// Blocks are identified by their first pfn. Freeing merges a block with its
// buddy (pfn ^ (1 << order)) while the buddy is free at the same order, as
// __free_one_page does.
#pragma once

#include "core/types.h"

#include <array>
#include <cstdint>
#include <map>
#include <set>

namespace mmsim {

enum MigrateType : int {
    MIGRATE_UNMOVABLE = 0,
    MIGRATE_MOVABLE,
    MIGRATE_RECLAIMABLE,
    MIGRATE_HIGHATOMIC,
    MIGRATE_ISOLATE,
    MIGRATE_TYPES
};
const char* migratetypeName(int mt);

struct FreeBlock {
    int order = 0;
    int mt = MIGRATE_MOVABLE;
};

class FreeArea {
public:
    // __free_one_page without pageblock type changes: merge upwards while the
    // buddy is free at the same order (and inside [lo, hi) pfn, the zone).
    void freeOnePage(pfn_t pfn, int order, int mt, pfn_t zone_lo, pfn_t zone_hi);

    std::uint64_t nrFree(int order) const { return nr_free_[order]; }
    std::uint64_t nrFreeOf(int order, int mt) const { return lists_[order][mt].size(); }
    std::uint64_t freePages() const { return free_pages_; }
    const std::map<pfn_t, FreeBlock>& blocks() const { return blocks_; }
    const std::set<pfn_t>& list(int order, int mt) const { return lists_[order][mt]; }

private:
    std::map<pfn_t, FreeBlock> blocks_; // every free block by head pfn
    std::array<std::array<std::set<pfn_t>, MIGRATE_TYPES>, NR_PAGE_ORDERS> lists_;
    std::array<std::uint64_t, NR_PAGE_ORDERS> nr_free_{};
    std::uint64_t free_pages_ = 0;
};

} // namespace mmsim
