/*
 * The zoned buddy allocator (mm/page_alloc.c), as mmsim models it.
 *
 * Physical memory is handed out in blocks of 2^order pages, order 0 to
 * MAX_PAGE_ORDER (10: 4 MiB). Every block is naturally aligned: a block of
 * order n starts at a pfn that is a multiple of 2^n. Two aligned blocks of
 * order n that together form an aligned block of order n+1 are "buddies";
 * the buddy of the block at pfn is at pfn ^ (1 << n), so nothing has to be
 * stored to find it.
 *
 * Each zone keeps free_area[order]: for every order one list of free blocks
 * per migrate type, and nr_free, the number of free blocks of that order.
 *
 * Allocating (rmqueue): take the first block of the requested order and
 * type; if that list is empty, take the first block of the next larger
 * order that has one and split it (expand): the upper half of each split
 * goes to the head of the list one order down, the lower half is split
 * again, until a block of the requested order is left. The caller gets the
 * lowest-addressed piece.
 *
 * Freeing (__free_one_page): while the buddy of the freed block is itself a
 * free block of the same order in the same zone, take the buddy off its
 * list and merge, one order up. The result goes to the head of its list,
 * or to the tail when the block one merge higher has a free buddy
 * (buddy_merge_likely): such a block will probably merge soon, so it is
 * better not to hand it out first. Boot's hand-over always uses the tail.
 *
 * Migrate types keep fragmentation in check. The zone is cut into
 * pageblocks of 512 pages (order 9); each pageblock has a type, MOVABLE at
 * boot. A free block lives on the list of its pageblock's type, and a
 * request asks for the type its GFP flags imply (gfp_migratetype):
 * UNMOVABLE, MOVABLE (__GFP_MOVABLE) or RECLAIMABLE (__GFP_RECLAIMABLE).
 * When the request's lists are empty it falls back to the other types
 * (fallbacks[]), preferring to take over a whole pageblock so that types
 * stay apart:
 *
 *   6.12 (Debian's 6.12.117 has 6.15's rework): claim, then steal. Claim
 *   looks from the largest order down for a fallback block; a block of a
 *   pageblock or more is retyped whole, a smaller one only if its pageblock
 *   is at least half free or "alike" (free + compatible pages >= 256), in
 *   which case all its free blocks move to the request's type. A MOVABLE
 *   request only claims from blocks of order 4 and up. Failing that, steal
 *   takes the smallest fallback block and leaves its pageblock as it was.
 *
 *   6.1: __rmqueue_fallback takes the largest fallback block (or, for a
 *   MOVABLE request that cannot take the block over, the smallest), moves
 *   the free pages of its pageblock to the request's type and retypes the
 *   pageblock if half of it is free or alike; then allocates normally.
 *
 * Every fallback inside a pageblock boosts the zone's watermarks
 * (boost_watermark) so that kswapd reclaims a little more.
 *
 * Which zone: the request's GFP flags give the highest zone it may use
 * (gfp_zone); the CPU's node's zonelist lists the zones to try, highest
 * first, then those of other nodes by distance. A zone is used only if its
 * free pages stay above a watermark plus lowmem_reserve (protection of low
 * zones against requests that could have used higher ones). The fast path
 * asks for the LOW mark; the slow path wakes kswapd and asks for MIN, less
 * for __GFP_HIGH and atomic requests. Below MIN the kernel would reclaim
 * and compact: mmsim does not model either and fails the request there,
 * saying so. A request for Normal on a machine with DMA32 first refuses to
 * fragment pageblocks (ALLOC_NOFRAGMENT), preferring a lower zone, and
 * retries allowing it only when every zone failed.
 *
 * A high-order atomic request that succeeds reserves its pageblock as
 * HIGHATOMIC (up to about 1% of the zone), kept for later such requests.
 *
 * Per-CPU page lists (pcp, page_pcp.cpp) sit in front of rmqueueBuddy()
 * and freeOnePage() for orders 0..3 and 9: once a zone passed its watermark
 * check, the request is served from the asking CPU's list for its order and
 * type, refilled from the zone in batches. "pcp": false sends every request
 * straight to the zone's lists.
 */
#include "core/page_alloc.h"

#include "core/page_alloc_internal.h"
#include "core/strfmt.h"

#include <algorithm>

namespace mmsim {

using buddy::emit;
using buddy::event;

namespace {

enum class Wmark { Ok, BelowMark, NoBlock };

std::int64_t nrFreePages(const Zone& z) {
    return static_cast<std::int64_t>(z.free_area.freePages() -
                                     z.free_area.freePagesOf(MIGRATE_ISOLATE));
}

// __zone_watermark_ok()
Wmark zoneWatermarkOk(const MmModel& mm, const Zone& z, int order, std::int64_t mark,
                      int highest_zoneidx, unsigned flags, std::int64_t free_pages) {
    std::int64_t unusable = (std::int64_t{1} << order) - 1;
    if (!(flags & allocflag::RESERVES))
        unusable += static_cast<std::int64_t>(mm.profile.watermarkHidesFreeHighatomic()
                                                  ? z.free_area.freePagesOf(MIGRATE_HIGHATOMIC)
                                                  : z.nr_reserved_highatomic);
    // Free CMA pages do not count for a request that may not use them.
    if (!(flags & allocflag::CMA))
        unusable += static_cast<std::int64_t>(z.free_area.freePagesOf(MIGRATE_CMA));
    free_pages -= unusable;
    std::int64_t min = mark;
    if (flags & allocflag::RESERVES) {
        if (flags & allocflag::MIN_RESERVE) {
            min -= min / 2;
            if (flags & allocflag::NON_BLOCK) min -= min / 4;
        }
        if (flags & allocflag::OOM) min -= min / 2;
    }
    if (free_pages <= min + static_cast<std::int64_t>(z.lowmem_reserve[highest_zoneidx]))
        return Wmark::BelowMark;
    if (!order) return Wmark::Ok;
    for (int o = order; o < NR_PAGE_ORDERS; ++o) {
        if (!z.free_area.nrFree(o)) continue;
        for (int mt = 0; mt < MIGRATE_PCPTYPES; ++mt)
            if (!z.free_area.empty(o, mt)) return Wmark::Ok;
        if ((flags & allocflag::CMA) && !z.free_area.empty(o, MIGRATE_CMA)) return Wmark::Ok;
        if ((flags & (allocflag::HIGHATOMIC | allocflag::OOM)) &&
            !z.free_area.empty(o, MIGRATE_HIGHATOMIC))
            return Wmark::Ok;
    }
    return Wmark::NoBlock;
}

// zone_watermark_fast()
Wmark zoneWatermarkFast(const MmModel& mm, const Zone& z, int order, std::int64_t mark,
                        int highest_zoneidx, unsigned flags) {
    const std::int64_t free_pages = nrFreePages(z);
    if (!order) {
        std::int64_t reserved = 0;
        if (!(flags & allocflag::RESERVES))
            reserved = static_cast<std::int64_t>(mm.profile.watermarkHidesFreeHighatomic()
                                                     ? z.free_area.freePagesOf(MIGRATE_HIGHATOMIC)
                                                     : z.nr_reserved_highatomic);
        if (!(flags & allocflag::CMA))
            reserved += static_cast<std::int64_t>(z.free_area.freePagesOf(MIGRATE_CMA));
        const std::int64_t usable = free_pages - std::min(free_pages, reserved);
        if (usable > mark + static_cast<std::int64_t>(z.lowmem_reserve[highest_zoneidx]))
            return Wmark::Ok;
    }
    Wmark r = zoneWatermarkOk(mm, z, order, mark, highest_zoneidx, flags, free_pages);
    if (r == Wmark::Ok) return r;
    // __GFP_HIGH order-0 requests at MIN ignore the boost.
    if (!order && (flags & allocflag::MIN_RESERVE) && z.watermark_boost &&
        (flags & allocflag::WMARK_MASK) == allocflag::WMARK_MIN)
        return zoneWatermarkOk(mm, z, order, static_cast<std::int64_t>(z.watermark[WMARK_MIN]),
                               highest_zoneidx, flags, free_pages);
    return r;
}

std::uint64_t wmarkPages(const Zone& z, int i) {
    return z.watermark[i] + z.watermark_boost;
}

const char* markName(int i) {
    static const char* const n[] = {"min", "low", "high", "promo"};
    return n[i];
}

struct AllocContext {
    const std::vector<Zone*>* zonelist = nullptr;
    std::size_t preferred = 0; // index of the preferred zoneref
    int highest_zoneidx = 0;
    int migratetype = 0;
    gfp_t gfp = 0;
    int order = 0;
    int nr_online = 1;
    int cpu = 0;
    const char* pass = "";
};

// Why a zone failed its watermark check, for the outcome (only when the
// request fails in the end does anyone read it: kept off the hot path).
[[gnu::noinline, gnu::cold]] void noteWatermarkSkip(const Zone& z, const AllocContext& ac, int mark,
                                                    unsigned flags, Wmark r, const BuddyEvent& e,
                                                    AllocOutcome& out) {
    // Free CMA pages do not count for a request without ALLOC_CMA.
    const std::uint64_t cma_free =
        (flags & allocflag::CMA) ? 0 : z.free_area.freePagesOf(MIGRATE_CMA);
    const std::string cma_note =
        cma_free ? strprintf(" (%llu of them in CMA pageblocks, which this request may not use)",
                             (unsigned long long)cma_free)
                 : std::string();
    std::string why =
        r == Wmark::BelowMark
            ? strprintf("%s: free %lld%s is not above the %s watermark %llu + lowmem_reserve %llu",
                        ac.pass, (long long)e.free, cma_note.c_str(), markName(mark),
                        (unsigned long long)e.mark_pages, (unsigned long long)e.reserve)
            : strprintf("%s: no free block of order >= %d this request may use", ac.pass, ac.order);
    out.skips.push_back({z.nid, z.idx, std::move(why)});
}

[[gnu::noinline, gnu::cold]] void noteNoBlock(const Zone& z, const AllocContext& ac,
                                              AllocOutcome& out) {
    out.skips.push_back(
        {z.nid, z.idx,
         strprintf("%s: no free block of order >= %d in any list it may use", ac.pass, ac.order)});
}

[[gnu::always_inline]] inline bool checkMark(MmModel& mm, Zone& z, const AllocContext& ac, int mark,
                                             unsigned flags, AllocOutcome& out, EventSink* ev,
                                             bool record) {
    const std::uint64_t mark_pages = wmarkPages(z, mark);
    const Wmark r = zoneWatermarkFast(mm, z, ac.order, static_cast<std::int64_t>(mark_pages),
                                      ac.highest_zoneidx, flags);
    BuddyEvent& e = buddy::push(ev, BuddyEvent::watermark_check, z);
    e.order = static_cast<std::int8_t>(ac.order);
    e.mark = static_cast<std::int8_t>(mark);
    e.mark_pages = mark_pages;
    e.free = nrFreePages(z);
    e.reserve = z.lowmem_reserve[static_cast<std::size_t>(ac.highest_zoneidx)];
    e.pass = r == Wmark::Ok;
    e.alloc_flags = flags;
    if (r != Wmark::Ok && record) [[unlikely]]
        noteWatermarkSkip(z, ac, mark, flags, r, e, out);
    return r == Wmark::Ok;
}

// get_page_from_freelist()
pfn_t getPageFromFreelist(MmModel& mm, const AllocContext& ac, unsigned flags, AllocOutcome& out,
                          Zone** got, unsigned* used_flags, EventSink* ev) {
    const std::vector<Zone*>& zl = *ac.zonelist;
    Zone* preferred = zl[ac.preferred];
retry:
    const bool no_fallback = flags & allocflag::NOFRAGMENT;
    for (std::size_t i = ac.preferred; i < zl.size(); ++i) {
        Zone& z = *zl[i];
        if (z.idx > ac.highest_zoneidx) continue;
        if (no_fallback && ac.nr_online > 1 && &z != preferred && z.nid != preferred->nid) {
            // Locality matters more than fragmentation: retry allowing it.
            flags &= ~allocflag::NOFRAGMENT;
            emit(ev, event(BuddyEvent::nofragment_retry, z));
            goto retry;
        }
        bool ok = false;
        if (mm.profile.testsHighWatermarkFirst() && !z.below_high) {
            ok = checkMark(mm, z, ac, WMARK_HIGH, flags, out, ev, false);
            if (!ok) z.below_high = true;
        }
        if (!ok) {
            const int mark = static_cast<int>(flags & allocflag::WMARK_MASK);
            ok = checkMark(mm, z, ac, mark, flags, out, ev, !(flags & allocflag::NO_WATERMARKS));
            // node_reclaim() is off (zone_reclaim_mode 0): next zone.
            if (!ok && !(flags & allocflag::NO_WATERMARKS)) continue;
        }
        const pfn_t page = rmqueueZone(mm, z, ac.order, ac.migratetype, flags, ac.cpu, ev);
        if (page != NO_PFN) {
            if ((flags & allocflag::KSWAPD) && z.boosted_watermark) {
                z.boosted_watermark = false;
                BuddyEvent e = event(BuddyEvent::kswapd_wake, z);
                e.reason = "boosted watermark";
                emit(ev, e);
            }
            *got = &z;
            *used_flags = flags;
            return page;
        }
        noteNoBlock(z, ac, out);
    }
    if (no_fallback) {
        flags &= ~allocflag::NOFRAGMENT;
        BuddyEvent e = event(BuddyEvent::nofragment_retry, *preferred);
        emit(ev, e);
        goto retry;
    }
    return NO_PFN;
}

int cpuNode(const MmModel& mm, int cpu) {
    for (const Node& n : mm.nodes)
        for (int c : n.cpus)
            if (c == cpu) return n.nid;
    return 0;
}

// A failed request: the outcome with its reason, and the events the kernel's
// tracepoints show for it.
[[gnu::noinline, gnu::cold]] void failAlloc(AllocOutcome& out, const AllocRequest& req,
                                            std::string why, EventSink* ev) {
    out.ok = false;
    out.pfn = NO_PFN;
    out.reason = std::move(why);
    BuddyEvent e;
    e.kind = BuddyEvent::alloc_fail;
    e.order = static_cast<std::int8_t>(std::clamp(req.order, 0, 127));
    e.gfp = req.gfp;
    emit(ev, e);
    e.kind = BuddyEvent::mm_page_alloc;
    e.mt = static_cast<std::int8_t>(out.migratetype);
    emit(ev, e);
}

// __alloc_pages_slowpath() as far as mmsim models it: wake kswapd, retry at
// the MIN watermark (less for __GFP_HIGH and atomic requests), then on the
// reserves for __GFP_MEMALLOC; with direct reclaim allowed, give HIGHATOMIC
// pageblocks back before failing. NO_PFN when the request fails (the
// outcome then says why).
[[gnu::noinline]] pfn_t allocPagesSlowpath(MmModel& mm, const AllocRequest& req, AllocContext& ac,
                                           unsigned cma_flag, AllocOutcome& out, Zone** got,
                                           unsigned* used, EventSink* ev) {
    const int hz = ac.highest_zoneidx;
    const int mt = ac.migratetype;
    Zone* preferred = (*ac.zonelist)[ac.preferred];
    unsigned flags = gfpToAllocFlags(req.gfp, req.order) | cma_flag;
    // wake_all_kswapds(): once per node of the zonelist.
    auto wakeKswapds = [&] {
        if (!(flags & allocflag::KSWAPD)) return;
        int last = -1;
        for (std::size_t i = ac.preferred; i < ac.zonelist->size(); ++i) {
            const Zone& z = *(*ac.zonelist)[i];
            if (z.idx > hz || z.nid == last) continue;
            last = z.nid;
            BuddyEvent e = event(BuddyEvent::kswapd_wake, z);
            e.order = static_cast<std::int8_t>(req.order);
            e.zone = static_cast<std::int8_t>(hz);
            e.gfp = req.gfp;
            e.reason = "below the low watermark";
            emit(ev, e);
        }
        out.kswapd_woken = true;
    };
    wakeKswapds();
    ac.pass = "slow path";
    pfn_t page = getPageFromFreelist(mm, ac, flags, out, got, used, ev);
    if (page == NO_PFN) {
        if (const unsigned reserve = gfpPfmemallocFlags(req.gfp)) {
            flags = reserve | cma_flag | (flags & allocflag::KSWAPD);
            ac.pass = "no watermarks";
            page = getPageFromFreelist(mm, ac, flags, out, got, used, ev);
        }
    }
    if (page == NO_PFN && (req.gfp & gfpbit::DIRECT_RECLAIM)) {
        BuddyEvent e = event(BuddyEvent::direct_reclaim, *preferred);
        e.order = static_cast<std::int8_t>(req.order);
        e.gfp = req.gfp;
        emit(ev, e);
        // Nothing is reclaimable in mmsim, so reclaim makes no progress
        // and its own unreserve (which needs progress) never runs. A
        // request that may retry (not __GFP_NORETRY; above
        // PAGE_ALLOC_COSTLY_ORDER only with __GFP_RETRY_MAYFAIL and
        // compaction allowed, i.e. __GFP_IO) loops in
        // should_reclaim_retry() until MAX_RECLAIM_RETRIES and then, before
        // the OOM killer, unreserves HIGHATOMIC pageblocks with force and
        // retries after each one. The identical failed retries before
        // that are not repeated here.
        const bool costly = req.order > PAGE_ALLOC_COSTLY_ORDER;
        const bool may_retry =
            !(req.gfp & gfpbit::NORETRY) &&
            (!costly || ((req.gfp & gfpbit::RETRY_MAYFAIL) && (req.gfp & gfpbit::IO)));
        if (may_retry) {
            ac.pass = "after unreserving a HIGHATOMIC pageblock";
            while (page == NO_PFN && buddy::unreserveHighatomicPageblock(
                                         mm, *ac.zonelist, ac.highest_zoneidx, mt, true, ev)) {
                wakeKswapds();
                page = getPageFromFreelist(mm, ac, flags, out, got, used, ev);
            }
        }
    }
    if (page != NO_PFN) return page;
    std::string why = strprintf("no zone could serve order %d", req.order);
    for (const ZoneSkip& s : out.skips)
        why += strprintf("; node %d %s: %s", s.nid, zoneName(s.zone), s.why.c_str());
    if (req.gfp & gfpbit::DIRECT_RECLAIM) {
        out.would_reclaim = true;
        why += "; the kernel would now compact and reclaim directly (not modelled)";
        if (req.gfp & gfpbit::NOFAIL) why += " and, with __GFP_NOFAIL, retry forever";
    } else {
        why += "; no __GFP_DIRECT_RECLAIM: the kernel fails it too";
    }
    failAlloc(out, req, std::move(why), ev);
    return NO_PFN;
}

} // namespace

namespace buddy {
bool zoneWatermarkOkSimple(const MmModel& mm, const Zone& z, int order, std::uint64_t mark,
                           int highest_zoneidx, unsigned alloc_flags) {
    return zoneWatermarkOk(mm, z, order, static_cast<std::int64_t>(mark), highest_zoneidx,
                           alloc_flags, nrFreePages(z)) == Wmark::Ok;
}
} // namespace buddy

AllocOutcome allocPages(MmModel& mm, const AllocRequest& req, EventSink* ev) {
    AllocOutcome out;
    out.order = req.order;
    if (req.order < 0 || req.order > MAX_PAGE_ORDER) [[unlikely]] {
        failAlloc(out, req,
                  strprintf("order %d is above MAX_PAGE_ORDER (%d)", req.order, MAX_PAGE_ORDER),
                  ev);
        return out;
    }
    if (!mm.buddy_ready) [[unlikely]] {
        failAlloc(out, req, "the buddy allocator is not up yet", ev);
        return out;
    }
    // The highest zone as a plain int (-1: bad modifiers): an optional kept
    // across the body costs a store-forwarding stall on every request.
    const int hz = gfpZone(req.gfp).value_or(-1);
    if (hz < 0) [[unlikely]] {
        failAlloc(out, req,
                  "invalid GFP zone modifiers: at most one of __GFP_DMA, __GFP_HIGHMEM, "
                  "__GFP_DMA32 (GFP_ZONE_BAD)",
                  ev);
        return out;
    }
    const int mt = gfpMigratetype(req.gfp, mm.page_group_by_mobility_disabled);
    if (mt < 0) [[unlikely]] {
        failAlloc(out, req, "__GFP_MOVABLE and __GFP_RECLAIMABLE together", ev);
        return out;
    }
    out.migratetype = mt;
    int nid = req.nid == NUMA_NO_NODE ? cpuNode(mm, req.cpu) : req.nid;
    if (nid < 0 || static_cast<std::size_t>(nid) >= mm.nodes.size()) [[unlikely]] {
        failAlloc(out, req, strprintf("node %d does not exist", nid), ev);
        return out;
    }
    const Node& node = mm.nodes[static_cast<std::size_t>(nid)];
    AllocContext ac;
    ac.zonelist = (req.gfp & gfpbit::THISNODE) ? &node.zonelist_nofallback : &node.zonelist;
    ac.highest_zoneidx = hz;
    ac.migratetype = mt;
    ac.gfp = req.gfp;
    ac.order = req.order;
    ac.cpu = req.cpu;
    ac.nr_online = 0;
    for (const Node& n : mm.nodes)
        ac.nr_online += n.online;
    // first_zones_zonelist(): the preferred zone.
    ac.preferred = ac.zonelist->size();
    for (std::size_t i = 0; i < ac.zonelist->size(); ++i)
        if ((*ac.zonelist)[i]->idx <= hz) {
            ac.preferred = i;
            break;
        }
    if (ac.preferred == ac.zonelist->size()) [[unlikely]] {
        failAlloc(out, req,
                  strprintf("node %d's zonelist has no zone at or below %s", nid, zoneName(hz)),
                  ev);
        return out;
    }
    const Zone* preferred = (*ac.zonelist)[ac.preferred];

    // Fast path: the low watermark; ALLOC_NOFRAGMENT when the preferred zone
    // is Normal and DMA32 is there to take unmovable spill-over.
    // gfp_to_alloc_flags_cma(): with CONFIG_CMA every movable request may
    // use the CMA area, in the fast path, the slow path and on the reserves.
    const unsigned cma_flag = mm.profile.cma && mt == MIGRATE_MOVABLE ? allocflag::CMA : 0u;
    unsigned flags = allocflag::WMARK_LOW | cma_flag;
    if (req.gfp & gfpbit::KSWAPD_RECLAIM) flags |= allocflag::KSWAPD;
    if (preferred->idx == ZONE_NORMAL) {
        const Zone& dma32 = mm.nodes[static_cast<std::size_t>(preferred->nid)].zones[ZONE_DMA32];
        if (!(ac.nr_online > 1 && !dma32.populated())) flags |= allocflag::NOFRAGMENT;
    }
    Zone* got = nullptr;
    unsigned used = 0;
    ac.pass = "fast path";
    pfn_t page = getPageFromFreelist(mm, ac, flags, out, &got, &used, ev);
    if (page == NO_PFN) [[unlikely]] {
        page = allocPagesSlowpath(mm, req, ac, cma_flag, out, &got, &used, ev);
        if (page == NO_PFN) return out; // failAlloc() said why
    }
    // A high-order atomic allocation reserves its pageblock for the next ones.
    const bool reserve_highatomic = used & allocflag::HIGHATOMIC;
    Zone& z = *got;
    Zone::AllocatedBlock blk;
    blk.order = static_cast<std::uint8_t>(req.order);
    blk.mt = static_cast<std::uint8_t>(mt);
    blk.movable = (req.gfp & gfpbit::MOVABLE) != 0;
    z.allocated.insert(page, blk);
    z.allocated_pages += 1ull << req.order;
    if (blk.movable) z.pageblocks.addMovable(page, 1ull << req.order, true);
    if (reserve_highatomic) buddy::reserveHighatomicPageblock(mm, z, page, req.order, ev);
    out.ok = true;
    out.pfn = page;
    out.nid = z.nid;
    out.zone = z.idx;
    BuddyEvent& e = buddy::push(ev, BuddyEvent::mm_page_alloc, z);
    e.pfn = page;
    e.order = static_cast<std::int8_t>(req.order);
    e.mt = static_cast<std::int8_t>(mt);
    e.gfp = req.gfp;
    return out;
}
} // namespace mmsim
