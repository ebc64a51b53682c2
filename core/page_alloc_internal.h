// Helpers shared by the page_alloc*.cpp and page_*.cpp files (not part of
// the API), and the innermost loops of the buddy allocator, inline here so
// that the pcp layer's bulk refill and bulk free run them without a call per
// block: __free_one_page() (freeOneBlock), expand(), __rmqueue_smallest()
// and the common case of __rmqueue().
#pragma once

#include "core/event_probe.h"
#include "core/page_alloc.h"

namespace mmsim::buddy {

inline void emit(EventSink* ev, const BuddyEvent& e) {
    if (ev) {
        ev->push_back(e);
        probeRecorded(*ev);
    }
}
inline BuddyEvent event(BuddyEvent::Kind k, const Zone& z) {
    BuddyEvent e;
    e.kind = k;
    e.nid = static_cast<std::int16_t>(z.nid);
    e.zone = static_cast<std::int8_t>(z.idx);
    return e;
}
// Appends an event of kind k in zone z to the sink, constructed in place,
// and returns it for the caller to fill in (when nothing is recorded, a
// scratch record that is thrown away).
inline BuddyEvent& push(EventSink* ev, BuddyEvent::Kind k, const Zone& z) {
    static thread_local BuddyEvent scratch;
    BuddyEvent* e;
    if (ev) {
        e = &ev->emplace_back();
        probeRecorded(*ev);
    } else {
        scratch = BuddyEvent{};
        e = &scratch;
    }
    e->kind = k;
    e->nid = static_cast<std::int16_t>(z.nid);
    e->zone = static_cast<std::int8_t>(z.idx);
    return *e;
}
// change_pageblock_range(): every pageblock of a block of this order.
inline void changePageblockRange(Zone& z, pfn_t pfn, int order, int mt) {
    const std::uint64_t n = order > PAGEBLOCK_ORDER ? 1ull << (order - PAGEBLOCK_ORDER) : 1;
    for (std::uint64_t i = 0; i < n; ++i)
        if (z.pageblocks.covers(pfn + i * PAGEBLOCK_NR_PAGES))
            z.pageblocks.setType(pfn + i * PAGEBLOCK_NR_PAGES, mt);
}
// zone_watermark_ok() (__zone_watermark_ok on NR_FREE_PAGES).
bool zoneWatermarkOkSimple(const MmModel& mm, const Zone& z, int order, std::uint64_t mark,
                           int highest_zoneidx, unsigned alloc_flags);
// reserve_highatomic_pageblock(), after a successful ALLOC_HIGHATOMIC allocation.
void reserveHighatomicPageblock(MmModel& mm, Zone& z, pfn_t pfn, int order, EventSink* ev);
// unreserve_highatomic_pageblock(): gives the first HIGHATOMIC free block
// found (lowest order first, zones of the zonelist at or below
// highest_zoneidx in order) and its pageblock back to migratetype mt. Unless
// force, a zone keeps its last reserved pageblock. True when a block moved.
bool unreserveHighatomicPageblock(MmModel& mm, const std::vector<Zone*>& zonelist,
                                  int highest_zoneidx, int mt, bool force, EventSink* ev);

} // namespace mmsim::buddy

namespace mmsim {

// __free_one_page() with an explicit migratetype: merge with the buddy while
// it is a free block of the same order (and, at pageblock order and above,
// of a type it may merge with), then put the result at the head of its
// list, or at the tail when buddy_merge_likely(). Inline: every pcp bulk
// free and every free of another order runs it.
inline void freeOneBlock(MmModel& mm, Zone& z, pfn_t pfn, int order, int mt, unsigned fpi,
                         EventSink* ev) {
    FreeArea& fa = z.free_area;
    while (order < MAX_PAGE_ORDER) {
        const pfn_t buddy = pfn ^ (1ull << order);
        if (!z.spans(buddy)) break;
        const std::uint32_t bi = fa.indexAt(buddy, order);
        if (bi == FreeBlockTable::NIL) break;
        int buddy_mt = mt;
        if (order >= PAGEBLOCK_ORDER) {
            // Never merge a HIGHATOMIC/ISOLATE block with another type.
            buddy_mt = pageblockType(z, buddy);
            if (mt != buddy_mt &&
                (!migratetypeIsMergeable(mt) || !migratetypeIsMergeable(buddy_mt)))
                break;
        }
        fa.delAt(bi);
        if (buddy_mt != mt && mm.profile.mergeRetypesBuddy())
            buddy::changePageblockRange(z, buddy, order, mt);
        pfn &= buddy;
        ++order;
        BuddyEvent& e = buddy::push(ev, BuddyEvent::buddy_merge, z);
        e.pfn = pfn;
        e.order = static_cast<std::int8_t>(order);
        e.mt = static_cast<std::int8_t>(mt);
    }
    bool to_tail;
    if (fpi & FPI_TO_TAIL) {
        to_tail = true;
    } else if (order >= MAX_PAGE_ORDER - 1) {
        to_tail = false; // buddy_merge_likely(): not below the second largest order
    } else {
        // buddy_merge_likely(): if the block one merge up has its buddy free,
        // this one will likely merge soon: keep it at the tail, unused.
        const pfn_t higher = pfn & ~(1ull << order);
        const pfn_t hbuddy = higher ^ (1ull << (order + 1));
        to_tail = z.spans(hbuddy) && fa.isFreeAt(hbuddy, order + 1);
    }
    fa.add(pfn, order, mt, to_tail);
}

} // namespace mmsim

namespace mmsim::buddy {

// The events of __rmqueue_smallest (taking the block at pfn of from_order
// for a request of order) and of one split in expand (the upper half at
// upper put back at order).
inline void recordTake(EventSink* ev, const Zone& z, pfn_t pfn, int order, int from_order, int mt) {
    BuddyEvent& e = buddy::push(ev, BuddyEvent::rmqueue_smallest, z);
    e.pfn = pfn;
    e.order = static_cast<std::int8_t>(order);
    e.from_order = static_cast<std::int8_t>(from_order);
    e.mt = static_cast<std::int8_t>(mt);
}
inline void recordSplit(EventSink* ev, const Zone& z, pfn_t upper, int order, int mt) {
    BuddyEvent& e = buddy::push(ev, BuddyEvent::buddy_split, z);
    e.pfn = upper;
    e.from_order = static_cast<std::int8_t>(order + 1);
    e.order = static_cast<std::int8_t>(order);
    e.mt = static_cast<std::int8_t>(mt);
}

// expand(): split a block of order high down to low; the upper half of each
// split goes to the head of the lower order's list.
[[gnu::always_inline]] inline void expand(Zone& z, pfn_t pfn, int low, int high, int mt,
                                          EventSink* ev) {
    while (high > low) {
        --high;
        const pfn_t upper = pfn + (1ull << high);
        z.free_area.add(upper, high, mt, false);
        recordSplit(ev, z, upper, high, mt);
    }
}

// __rmqueue_smallest(): the first block of the smallest order >= order
// with one on mt's list, split down to order.
[[gnu::always_inline]] inline pfn_t rmqueueSmallest(Zone& z, int order, int mt, EventSink* ev) {
    const int o = z.free_area.lowestOrderWithBlocks(order, mt);
    if (o < 0) return NO_PFN;
    const std::uint32_t n = z.free_area.firstIndex(o, mt);
    const pfn_t p = z.free_area.pfnOf(n);
    z.free_area.delAt(n); // before the event: it is recorded once done
    recordTake(ev, z, p, order, o, mt);
    expand(z, p, order, o, mt, ev);
    return p;
}

// The balance rule at the top of __rmqueue() (both profiles): a movable
// request is served from the CMA area first while the area holds more than
// half of the zone's free pages (NR_FREE_CMA_PAGES > NR_FREE_PAGES / 2).
// The kernel reads the zone counters without the per-CPU deltas not yet
// folded in; mmsim's counters are exact.
inline bool cmaBalanceFirst(const MmModel& mm, const Zone& z, unsigned alloc_flags) {
    if (!mm.profile.cma || !(alloc_flags & allocflag::CMA)) return false;
    const std::uint64_t nr_free =
        z.free_area.freePages() - z.free_area.freePagesOf(MIGRATE_ISOLATE);
    return z.free_area.freePagesOf(MIGRATE_CMA) > nr_free / 2;
}

// Whether __rmqueue() tries the request's own lists before anything else in
// this mode: always in 6.1; in 6.12 unless a bulk refill's mode says an
// earlier block came from a fallback (the CMA balance aside).
inline bool ownListsFirst(const MmModel& mm, RmqueueMode mode) {
    return mode == RmqueueMode::Normal || !mm.profile.claimThenSteal();
}

// __rmqueue() whole: the CMA balance, the request's own lists, then the
// fallbacks of each profile (page_rmqueue.cpp).
pfn_t rmqueueSlow(MmModel& mm, Zone& z, int order, int mt, unsigned alloc_flags, RmqueueMode& mode,
                  EventSink* ev);
// __rmqueue(): nearly always the request's own lists have a block (in 6.12
// unless the last block of a bulk refill came from a fallback), so that
// case is inline and everything else goes to rmqueueSlow(), which starts
// over (a failed __rmqueue_smallest changes nothing).
[[gnu::always_inline]] inline pfn_t rmqueue(MmModel& mm, Zone& z, int order, int mt,
                                            unsigned alloc_flags, RmqueueMode& mode,
                                            EventSink* ev) {
    if (ownListsFirst(mm, mode) && !cmaBalanceFirst(mm, z, alloc_flags)) [[likely]] {
        const pfn_t p = rmqueueSmallest(z, order, mt, ev);
        if (p != NO_PFN) return p;
    }
    return rmqueueSlow(mm, z, order, mt, alloc_flags, mode, ev);
}

} // namespace mmsim::buddy
