// Helpers shared by the page_alloc*.cpp files (not part of the API).
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
