// Pageblock flags of one zone (include/linux/pageblock-flags.h): a
// migratetype per pageblock of 2^pageblock_order = 512 pages, as the
// kernel's usemap keeps three bits per block. The zone span is covered from
// its first pageblock-aligned pfn. Beside the type, mmsim keeps per block
// the count of allocated pages that could be migrated (what the kernel
// counts as PageLRU || __PageMovable when it weighs claiming a block; here:
// pages allocated with __GFP_MOVABLE) and whether the block has a memory
// map at all (a present sparsemem section), which /proc/pagetypeinfo asks.
#pragma once

#include "core/free_area.h"
#include "core/types.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace mmsim {

class Pageblocks {
  public:
    void init(pfn_t zone_start, pfn_t zone_end) {
        base_ = zone_start & ~(PAGEBLOCK_NR_PAGES - 1);
        const std::size_t n =
            zone_end > base_ ? (zone_end - base_ + PAGEBLOCK_NR_PAGES - 1) >> PAGEBLOCK_ORDER : 0;
        type_.assign(n, MIGRATE_UNMOVABLE); // a pageblock never initialised reads 0
        movable_.assign(n, 0);
        present_.assign(n, 0);
    }
    std::size_t count() const { return type_.size(); }
    pfn_t base() const { return base_; }
    bool covers(pfn_t pfn) const { return pfn >= base_ && index(pfn) < type_.size(); }
    std::size_t index(pfn_t pfn) const { return (pfn - base_) >> PAGEBLOCK_ORDER; }
    pfn_t startOf(std::size_t i) const { return base_ + (pfn_t(i) << PAGEBLOCK_ORDER); }

    int type(pfn_t pfn) const { return type_[index(pfn)]; }
    void setType(pfn_t pfn, int mt) { type_[index(pfn)] = static_cast<std::uint8_t>(mt); }
    int typeAt(std::size_t i) const { return type_[i]; }

    std::uint32_t movable(pfn_t pfn) const { return movable_[index(pfn)]; }
    void addMovable(pfn_t pfn, std::uint64_t nr, bool add) {
        // nr pages from pfn on, possibly over several pageblocks
        while (nr) {
            const pfn_t end = (pfn | (PAGEBLOCK_NR_PAGES - 1)) + 1;
            const std::uint64_t n = std::min<std::uint64_t>(nr, end - pfn);
            std::uint16_t& m = movable_[index(pfn)];
            m = static_cast<std::uint16_t>(add ? m + n : m - n);
            pfn += n;
            nr -= n;
        }
    }
    bool present(std::size_t i) const { return present_[i] != 0; }
    void setPresent(std::size_t i) { present_[i] = 1; }

  private:
    pfn_t base_ = 0;
    std::vector<std::uint8_t> type_;
    std::vector<std::uint16_t> movable_;
    std::vector<std::uint8_t> present_;
};

} // namespace mmsim
