// Taking a block from a zone's free lists (mm/page_alloc.c: rmqueue_buddy,
// __rmqueue, __rmqueue_smallest, expand) and the migratetype fallback of
// each profile: 6.12.117's claim-then-steal (__rmqueue_claim,
// try_to_steal_block, __rmqueue_steal) and 6.1's __rmqueue_fallback with
// steal_suitable_fallback. Also boost_watermark() and the HIGHATOMIC
// reserve.
#include "core/page_alloc.h"

#include "core/page_alloc_internal.h"

#include <algorithm>

namespace mmsim {

using buddy::changePageblockRange;
using buddy::cmaBalanceFirst;
using buddy::emit;
using buddy::event;
using buddy::expand;
using buddy::rmqueue;
using buddy::rmqueueSmallest;

namespace {

// fallbacks[]: where each mobility type looks when its own lists are empty.
constexpr int kFallbacks[MIGRATE_PCPTYPES][MIGRATE_PCPTYPES - 1] = {
    {MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE},   // UNMOVABLE
    {MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE}, // MOVABLE
    {MIGRATE_UNMOVABLE, MIGRATE_MOVABLE},     // RECLAIMABLE
};

// page_del_and_expand()
void delAndExpand(Zone& z, pfn_t pfn, int low, int high, int mt, EventSink* ev) {
    z.free_area.del(pfn);
    expand(z, pfn, low, high, mt, ev);
}

// can_steal_fallback(): may a request of start_mt take over the whole
// pageblock of a fallback block of this order?
bool canStealFallback(const MmModel& mm, int order, int start_mt) {
    return order >= PAGEBLOCK_ORDER / 2 || start_mt == MIGRATE_RECLAIMABLE ||
           start_mt == MIGRATE_UNMOVABLE || mm.page_group_by_mobility_disabled;
}

// find_suitable_fallback(only_stealable = false)
int findSuitableFallback(const MmModel& mm, const Zone& z, int order, int start_mt,
                         bool* can_steal) {
    if (!z.free_area.nrFree(order)) return -1;
    *can_steal = false;
    for (int fmt : kFallbacks[start_mt]) {
        if (z.free_area.empty(order, fmt)) continue;
        *can_steal = canStealFallback(mm, order, start_mt);
        return fmt;
    }
    return -1;
}

std::uint64_t multFrac(std::uint64_t x, std::uint64_t n, std::uint64_t d) {
    return (x / d) * n + (x % d) * n / d;
}

// boost_watermark()
bool boostWatermark(Zone& z, EventSink* ev) {
    if (!WATERMARK_BOOST_FACTOR) return false;
    if (PAGEBLOCK_NR_PAGES * 4 > z.managed_pages) return false;
    std::uint64_t max_boost = multFrac(z.watermark[WMARK_HIGH], WATERMARK_BOOST_FACTOR, 10000);
    if (!max_boost) return false;
    max_boost = std::max<std::uint64_t>(PAGEBLOCK_NR_PAGES, max_boost);
    z.watermark_boost = std::min(z.watermark_boost + PAGEBLOCK_NR_PAGES, max_boost);
    BuddyEvent e = event(BuddyEvent::boost_watermark, z);
    e.nr = z.watermark_boost;
    emit(ev, e);
    return true;
}

// Walk [start, end) as the kernel walks struct pages: count free pages
// (moving each free block to new_mt's tail when new_mt >= 0) and allocated
// pages that could be migrated.
void walkBlock(Zone& z, pfn_t start, pfn_t end, int new_mt, std::uint64_t* free,
               std::uint64_t* movable) {
    std::uint64_t nf = 0, nm = 0;
    for (pfn_t p = start; p < end;) {
        if (const FreeBlock* b = z.free_area.find(p)) {
            const std::uint64_t n = 1ull << b->order;
            if (new_mt >= 0) z.free_area.move(p, new_mt);
            nf += n;
            p += n;
            continue;
        }
        if (z.allocated.contains(p)) {
            const AllocatedBlock a = z.allocated.get(p);
            const std::uint64_t n = std::min<std::uint64_t>(1ull << a.order, end - p);
            if (a.movable) nm += n;
            p += n;
            continue;
        }
        ++p;
    }
    if (free) *free = nf;
    if (movable) *movable = nm;
}

void stealEvent(EventSink* ev, const Zone& z, pfn_t pb, int new_mt, int old_mt,
                std::uint64_t moved) {
    BuddyEvent e = event(BuddyEvent::pageblock_steal, z);
    e.pfn = pb;
    e.mt = static_cast<std::int8_t>(new_mt);
    e.fallback_mt = static_cast<std::int8_t>(old_mt);
    e.nr = moved;
    emit(ev, e);
}

void extfragEvent(EventSink* ev, const Zone& z, pfn_t page, int order, int fallback_order,
                  int start_mt, int fallback_mt) {
    BuddyEvent e = event(BuddyEvent::mm_page_alloc_extfrag, z);
    e.pfn = page;
    e.order = static_cast<std::int8_t>(order);
    e.from_order = static_cast<std::int8_t>(fallback_order);
    e.mt = static_cast<std::int8_t>(start_mt);
    e.fallback_mt = static_cast<std::int8_t>(fallback_mt);
    e.change_ownership = start_mt == pageblockType(z, page);
    emit(ev, e);
}

std::uint64_t alikePages(int start_mt, int block_type, std::uint64_t free, std::uint64_t movable) {
    if (start_mt == MIGRATE_MOVABLE) return movable;
    return block_type == MIGRATE_MOVABLE ? PAGEBLOCK_NR_PAGES - (free + movable) : 0;
}

// ---- 6.12: claim, then steal ----

// prep_move_freepages_block(): the pageblock must lie inside the zone.
bool prepMoveFreepagesBlock(const Zone& z, pfn_t pfn, pfn_t* start) {
    const pfn_t s = pfn & ~(PAGEBLOCK_NR_PAGES - 1);
    if (!z.spans(s) || !z.spans(s + PAGEBLOCK_NR_PAGES - 1)) return false;
    *start = s;
    return true;
}

// __move_freepages_block(): every free block of the pageblock to new_mt, and
// the pageblock's type.
std::uint64_t moveFreepagesBlock612(Zone& z, pfn_t start, int new_mt) {
    std::uint64_t moved = 0;
    walkBlock(z, start, start + PAGEBLOCK_NR_PAGES, new_mt, &moved, nullptr);
    z.pageblocks.setType(start, new_mt);
    return moved;
}

pfn_t tryToStealBlock(MmModel& mm, Zone& z, pfn_t page, int current_order, int order, int start_mt,
                      unsigned alloc_flags, EventSink* ev) {
    const int block_type = pageblockType(z, page);
    if (block_type == MIGRATE_HIGHATOMIC) return NO_PFN;
    if (current_order >= PAGEBLOCK_ORDER) {
        // Take ownership of every pageblock of the block.
        z.free_area.del(page);
        changePageblockRange(z, page, current_order, start_mt);
        stealEvent(ev, z, page, start_mt, block_type, 1ull << current_order);
        expand(z, page, order, current_order, start_mt, ev);
        return page;
    }
    if (boostWatermark(z, ev) && (alloc_flags & allocflag::KSWAPD)) z.boosted_watermark = true;
    pfn_t start = 0;
    if (!prepMoveFreepagesBlock(z, page, &start)) return NO_PFN;
    std::uint64_t free = 0, movable = 0;
    walkBlock(z, start, start + PAGEBLOCK_NR_PAGES, -1, &free, &movable);
    const std::uint64_t alike = alikePages(start_mt, block_type, free, movable);
    if (free + alike >= PAGEBLOCK_NR_PAGES / 2 || mm.page_group_by_mobility_disabled) {
        const std::uint64_t moved = moveFreepagesBlock612(z, start, start_mt);
        stealEvent(ev, z, start, start_mt, block_type, moved);
        return rmqueueSmallest(z, order, start_mt, ev);
    }
    return NO_PFN;
}

pfn_t rmqueueClaim(MmModel& mm, Zone& z, int order, int start_mt, unsigned alloc_flags,
                   EventSink* ev) {
    int min_order = order;
    if (order < PAGEBLOCK_ORDER && (alloc_flags & allocflag::NOFRAGMENT))
        min_order = PAGEBLOCK_ORDER;
    // Largest first: roughly the pageblock with the most free pages.
    for (int cur = MAX_PAGE_ORDER; cur >= min_order; --cur) {
        bool can_steal = false;
        const int fmt = findSuitableFallback(mm, z, cur, start_mt, &can_steal);
        if (fmt == -1) continue;
        if (!can_steal) break;
        const pfn_t head = z.free_area.first(cur, fmt);
        const pfn_t page = tryToStealBlock(mm, z, head, cur, order, start_mt, alloc_flags, ev);
        if (page != NO_PFN) {
            extfragEvent(ev, z, page, order, cur, start_mt, fmt);
            return page;
        }
    }
    return NO_PFN;
}

pfn_t rmqueueSteal(MmModel& mm, Zone& z, int order, int start_mt, EventSink* ev) {
    // Smallest first, and the leftovers stay with the victim's type.
    for (int cur = order; cur < NR_PAGE_ORDERS; ++cur) {
        bool can_steal = false;
        const int fmt = findSuitableFallback(mm, z, cur, start_mt, &can_steal);
        if (fmt == -1) continue;
        const pfn_t page = z.free_area.first(cur, fmt);
        delAndExpand(z, page, order, cur, fmt, ev);
        extfragEvent(ev, z, page, order, cur, start_mt, fmt);
        return page;
    }
    return NO_PFN;
}

// ---- 6.1: __rmqueue_fallback / steal_suitable_fallback ----

// move_freepages_block() of 6.1: returns the free pages moved (0 when the
// pageblock's end lies outside the zone).
std::uint64_t moveFreepagesBlock61(Zone& z, pfn_t pfn, int mt, std::uint64_t* movable) {
    pfn_t start = pfn & ~(PAGEBLOCK_NR_PAGES - 1);
    const pfn_t end = start + PAGEBLOCK_NR_PAGES; // exclusive
    if (movable) *movable = 0;
    if (!z.spans(start)) start = pfn;
    if (!z.spans(end - 1)) return 0;
    std::uint64_t moved = 0;
    walkBlock(z, start, end, mt, &moved, movable);
    return moved;
}

void stealSuitableFallback(MmModel& mm, Zone& z, pfn_t page, unsigned alloc_flags, int start_mt,
                           bool whole_block, EventSink* ev) {
    const int current_order = z.free_area.find(page)->order;
    const int old_type = pageblockType(z, page);
    bool single = true;
    if (old_type == MIGRATE_HIGHATOMIC) {
        // single page
    } else if (current_order >= PAGEBLOCK_ORDER) {
        changePageblockRange(z, page, current_order, start_mt);
        stealEvent(ev, z, page, start_mt, old_type, 0);
    } else {
        if (boostWatermark(z, ev) && (alloc_flags & allocflag::KSWAPD)) z.boosted_watermark = true;
        if (whole_block) {
            std::uint64_t movable = 0;
            const std::uint64_t free = moveFreepagesBlock61(z, page, start_mt, &movable);
            const std::uint64_t alike = alikePages(start_mt, old_type, free, movable);
            if (free) {
                single = false;
                if (free + alike >= PAGEBLOCK_NR_PAGES / 2 || mm.page_group_by_mobility_disabled) {
                    z.pageblocks.setType(page, start_mt);
                    stealEvent(ev, z, page & ~(PAGEBLOCK_NR_PAGES - 1), start_mt, old_type, free);
                }
            }
        }
    }
    if (single) z.free_area.move(page, start_mt);
}

bool rmqueueFallback61(MmModel& mm, Zone& z, int order, int start_mt, unsigned alloc_flags,
                       EventSink* ev) {
    int min_order = order;
    if (order < PAGEBLOCK_ORDER && (alloc_flags & allocflag::NOFRAGMENT))
        min_order = PAGEBLOCK_ORDER;
    int cur = MAX_PAGE_ORDER, fmt = -1;
    bool can_steal = false;
    for (; cur >= min_order; --cur) {
        fmt = findSuitableFallback(mm, z, cur, start_mt, &can_steal);
        if (fmt != -1) break;
    }
    if (cur < min_order) return false;
    if (!can_steal && start_mt == MIGRATE_MOVABLE && cur > order) {
        // find_smallest: a movable request that cannot take the block
        // splits the smallest fallback block instead of the largest.
        for (cur = order; cur < NR_PAGE_ORDERS; ++cur) {
            fmt = findSuitableFallback(mm, z, cur, start_mt, &can_steal);
            if (fmt != -1) break;
        }
    }
    const pfn_t page = z.free_area.first(cur, fmt);
    stealSuitableFallback(mm, z, page, alloc_flags, start_mt, can_steal, ev);
    extfragEvent(ev, z, page, order, cur, start_mt, fmt);
    return true;
}

// ---- CMA (CONFIG_CMA) ----
// MIGRATE_CMA pageblocks (cma.cpp released them at boot) serve only
// requests carrying ALLOC_CMA, i.e. movable ones: whatever is placed there
// must be movable out again when the area's owner wants it contiguous. No
// fallback table lists CMA, so the claim/steal paths never take or retype
// such a block; a request reaches it through __rmqueue_cma_fallback only.

// __rmqueue_cma_fallback()
pfn_t rmqueueCmaFallback(Zone& z, int order, EventSink* ev) {
    return rmqueueSmallest(z, order, MIGRATE_CMA, ev);
}

} // namespace

namespace buddy {
// __rmqueue() whole: the CMA balance, the request's own lists, then the
// fallbacks of each profile.
pfn_t rmqueueSlow(MmModel& mm, Zone& z, int order, int mt, unsigned alloc_flags, RmqueueMode& mode,
                  EventSink* ev) {
    if (cmaBalanceFirst(mm, z, alloc_flags)) {
        const pfn_t p = rmqueueCmaFallback(z, order, ev);
        if (p != NO_PFN) return p;
    }
    const bool cma = mm.profile.cma && (alloc_flags & allocflag::CMA);
    if (!mm.profile.claimThenSteal()) {
        for (;;) {
            pfn_t p = rmqueueSmallest(z, order, mt, ev);
            if (p != NO_PFN) return p;
            // 6.1: the CMA area before any fallback type.
            if (cma && (p = rmqueueCmaFallback(z, order, ev)) != NO_PFN) return p;
            if (!rmqueueFallback61(mm, z, order, mt, alloc_flags, ev)) return NO_PFN;
        }
    }
    // The mode remembers the stage that last succeeded (for bulk refills).
    if (mode == RmqueueMode::Normal) {
        const pfn_t p = rmqueueSmallest(z, order, mt, ev);
        if (p != NO_PFN) return p;
    }
    if ((mode == RmqueueMode::Normal || mode == RmqueueMode::Cma) && cma) {
        const pfn_t p = rmqueueCmaFallback(z, order, ev);
        if (p != NO_PFN) {
            mode = RmqueueMode::Cma;
            return p;
        }
    }
    if (mode != RmqueueMode::Steal) {
        const pfn_t p = rmqueueClaim(mm, z, order, mt, alloc_flags, ev);
        if (p != NO_PFN) {
            mode = RmqueueMode::Normal;
            return p;
        }
    }
    if (!(alloc_flags & allocflag::NOFRAGMENT)) {
        const pfn_t p = rmqueueSteal(mm, z, order, mt, ev);
        if (p != NO_PFN) {
            mode = RmqueueMode::Steal;
            return p;
        }
    }
    return NO_PFN;
}
} // namespace buddy

pfn_t rmqueueBuddyMode(MmModel& mm, Zone& z, int order, int mt, unsigned alloc_flags,
                       RmqueueMode& mode, EventSink* ev) {
    pfn_t p = NO_PFN;
    if (alloc_flags & allocflag::HIGHATOMIC) p = rmqueueSmallest(z, order, MIGRATE_HIGHATOMIC, ev);
    if (p == NO_PFN) {
        p = rmqueue(mm, z, order, mt, alloc_flags, mode, ev);
        // Failing now is worse than failing a high-order atomic request later.
        if (p == NO_PFN && (alloc_flags & (allocflag::OOM | allocflag::NON_BLOCK)))
            p = rmqueueSmallest(z, order, MIGRATE_HIGHATOMIC, ev);
    }
    return p;
}

pfn_t rmqueueBuddy(MmModel& mm, Zone& z, int order, int mt, unsigned alloc_flags, EventSink* ev) {
    RmqueueMode mode = RmqueueMode::Normal;
    return rmqueueBuddyMode(mm, z, order, mt, alloc_flags, mode, ev);
}

namespace buddy {

void reserveHighatomicPageblock(MmModel& mm, Zone& z, pfn_t pfn, int order, EventSink* ev) {
    const std::uint64_t pct = z.managed_pages / 100;
    std::uint64_t max_managed;
    if (mm.profile.highatomicLimitAligned()) {
        if (pct < PAGEBLOCK_NR_PAGES) return;
        max_managed = (pct + PAGEBLOCK_NR_PAGES - 1) & ~(PAGEBLOCK_NR_PAGES - 1);
    } else {
        max_managed = pct + PAGEBLOCK_NR_PAGES;
    }
    if (z.nr_reserved_highatomic >= max_managed) return;
    const int mt = pageblockType(z, pfn);
    if (!migratetypeIsMergeable(mt)) return;
    BuddyEvent e = event(BuddyEvent::reserve_highatomic, z);
    e.pfn = pfn & ~(PAGEBLOCK_NR_PAGES - 1);
    e.fallback_mt = static_cast<std::int8_t>(mt);
    if (mm.profile.highatomicLimitAligned()) {
        if (order < PAGEBLOCK_ORDER) {
            pfn_t start = 0;
            if (!prepMoveFreepagesBlock(z, pfn, &start)) return;
            moveFreepagesBlock612(z, start, MIGRATE_HIGHATOMIC);
            z.nr_reserved_highatomic += PAGEBLOCK_NR_PAGES;
        } else {
            changePageblockRange(z, pfn, order, MIGRATE_HIGHATOMIC);
            z.nr_reserved_highatomic += 1ull << order;
        }
    } else {
        z.nr_reserved_highatomic += PAGEBLOCK_NR_PAGES;
        z.pageblocks.setType(pfn, MIGRATE_HIGHATOMIC);
        moveFreepagesBlock61(z, pfn, MIGRATE_HIGHATOMIC, nullptr);
    }
    emit(ev, e);
}

bool unreserveHighatomicPageblock(MmModel& mm, const std::vector<Zone*>& zonelist,
                                  int highest_zoneidx, int mt, bool force, EventSink* ev) {
    for (Zone* zp : zonelist) {
        Zone& z = *zp;
        if (z.idx > highest_zoneidx) continue;
        if (!force && z.nr_reserved_highatomic <= PAGEBLOCK_NR_PAGES) continue;
        for (int order = 0; order < NR_PAGE_ORDERS; ++order) {
            const pfn_t page = z.free_area.first(order, MIGRATE_HIGHATOMIC);
            if (page == NO_PFN) continue;
            const int old_mt = pageblockType(z, page);
            BuddyEvent e = event(BuddyEvent::unreserve_highatomic, z);
            e.pfn = page & ~(PAGEBLOCK_NR_PAGES - 1);
            e.order = static_cast<std::int8_t>(order);
            e.mt = static_cast<std::int8_t>(mt);
            e.fallback_mt = static_cast<std::int8_t>(old_mt);
            std::uint64_t moved = 0;
            if (mm.profile.highatomicLimitAligned()) {
                // 6.12: the reserve shrinks by the block's pageblocks.
                if (old_mt == MIGRATE_HIGHATOMIC) {
                    const std::uint64_t size = std::min<std::uint64_t>(
                        std::max<std::uint64_t>(PAGEBLOCK_NR_PAGES, 1ull << order),
                        z.nr_reserved_highatomic);
                    z.nr_reserved_highatomic -= size;
                }
                if (order < PAGEBLOCK_ORDER) {
                    pfn_t start = 0;
                    if (!prepMoveFreepagesBlock(z, page, &start))
                        continue; // never: it was reserved
                    moved = moveFreepagesBlock612(z, start, mt);
                } else {
                    z.free_area.move(page, mt);
                    changePageblockRange(z, page, order, mt);
                    moved = 1ull << order;
                }
            } else {
                // 6.1: one pageblock's worth, the type set before the move.
                if (old_mt == MIGRATE_HIGHATOMIC)
                    z.nr_reserved_highatomic -=
                        std::min<std::uint64_t>(PAGEBLOCK_NR_PAGES, z.nr_reserved_highatomic);
                z.pageblocks.setType(page, mt);
                moved = moveFreepagesBlock61(z, page, mt, nullptr);
            }
            e.nr = moved;
            emit(ev, e);
            if (moved) return true;
        }
    }
    return false;
}

} // namespace buddy

} // namespace mmsim
