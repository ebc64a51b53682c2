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
