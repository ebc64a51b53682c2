// Freeing: the callers of __free_one_page() (mm/page_alloc.c; the merge loop
// itself, freeOneBlock(), is inline in page_alloc_internal.h), the boot
// hand-over of memblock_free_all() and the pageblock set-up of memmap_init().
#include "core/page_alloc.h"

#include "core/page_alloc_internal.h"

#include <algorithm>
#include <map>
#include <vector>

#include "core/strfmt.h"

namespace mmsim {

Zone* zoneOfPfn(MmModel& mm, pfn_t pfn) {
    for (Node& node : mm.nodes)
        for (Zone& z : node.zones)
            if (z.spanned_pages && z.spans(pfn)) return &z;
    return nullptr;
}

void freeOnePage(MmModel& mm, Zone& z, pfn_t pfn, int order, unsigned fpi, EventSink* ev) {
    if (!mm.profile.freeSplitsLargeBuddy() || order <= PAGEBLOCK_ORDER) {
        freeOneBlock(mm, z, pfn, order, pageblockType(z, pfn), fpi, ev);
        return;
    }
    // split_large_buddy()
    const pfn_t end = pfn + (1ull << order);
    for (; pfn < end; pfn += PAGEBLOCK_NR_PAGES)
        freeOneBlock(mm, z, pfn, PAGEBLOCK_ORDER, pageblockType(z, pfn), fpi, ev);
}

namespace {

// Why a free was refused (nothing changed).
[[gnu::noinline, gnu::cold]] FreeOutcome freeRefused(pfn_t pfn, int order, int found,
                                                     const AllocatedBlock& blk) {
    FreeOutcome out;
    if (order < 0 || order > MAX_PAGE_ORDER)
        out.error = strprintf("order %d is above MAX_PAGE_ORDER (%d)", order, MAX_PAGE_ORDER);
    else if (!found)
        out.error = strprintf("pfn %#llx is not an allocated block (double free?)",
                              (unsigned long long)pfn);
    else
        out.error = strprintf("block at pfn %#llx has order %d, not %d", (unsigned long long)pfn,
                              blk.order, order);
    return out;
}

} // namespace

FreeOutcome freePages(MmModel& mm, pfn_t pfn, int order, EventSink* ev, int cpu) {
    AllocatedBlock blk;
    if (order < 0 || order > MAX_PAGE_ORDER) [[unlikely]]
        return freeRefused(pfn, order, 0, blk);
    Zone* z = zoneOfPfn(mm, pfn);
    const int found = z ? z->allocated.removeIfOrder(pfn, order, &blk) : 0;
    if (found <= 0) [[unlikely]]
        return freeRefused(pfn, order, found, blk);
    if (blk.movable) z->pageblocks.addMovable(pfn, 1ull << order, false);
    z->allocated_pages -= 1ull << order;
    BuddyEvent& e = buddy::push(ev, BuddyEvent::mm_page_free, *z);
    e.pfn = pfn;
    e.order = static_cast<std::int8_t>(order);
    // free_unref_page() (pcp orders) or __free_pages_ok() (the others).
    freeUnrefPage(mm, *z, pfn, order, cpu, ev);
    return FreeOutcome{true, {}}; // every return a prvalue: no copy of the outcome
}

// page_zone() as pagetypeinfo sees it: a page of memory belongs to the
// zone of its own node that spans it; a page in a hole gets the zone
// memmap_init() gave it (the zone of the memory range after the hole, or for
// the tail of the last section the last zone). pfn_to_online_page() only
// knows pages of 2 MiB subsections that hold memory (sparse's subsection
// map), so a hole of whole subsections (memmap=nn$ss) counts for no zone
// even though its struct pages exist. A pageblock is "present" in a zone when
// the pfn pagetypeinfo_showblockcount_print() looks at for it (zone start +
// k pageblocks) is such a page of this zone.
static void markPageZones(MmModel& mm, const Memblock& mb) {
    const std::vector<PfnRange> ranges = memPfnRanges(mm, mb);
    // Does the subsection holding pfn hold any memory? (ranges are sorted)
    constexpr pfn_t PAGES_PER_SUBSECTION = 512;
    auto onlineSubsection = [&](pfn_t pfn) {
        const pfn_t a = pfn & ~(PAGES_PER_SUBSECTION - 1), b = a + PAGES_PER_SUBSECTION;
        auto it = std::lower_bound(ranges.begin(), ranges.end(), a,
                                   [](const PfnRange& r, pfn_t v) { return r.end <= v; });
        return it != ranges.end() && it->start < b;
    };
    std::map<Zone*, std::vector<std::pair<pfn_t, pfn_t>>> owned;
    pfn_t hole = 0, last_end = 0;
    Zone* last = nullptr;
    for (const PfnRange& r : ranges) {
        for (Zone& z : mm.nodes[static_cast<std::size_t>(r.nid)].zones) {
            if (!z.populated()) continue;
            const pfn_t zs = std::clamp(r.start, z.zone_start_pfn, z.zone_end_pfn());
            const pfn_t ze = std::clamp(r.end, z.zone_start_pfn, z.zone_end_pfn());
            last = &z;
            if (zs >= ze) continue;
            owned[&z].push_back({std::min(hole, zs), ze});
            hole = ze;
        }
        last_end = r.end;
    }
    if (last) {
        const pfn_t tail =
            (last_end + PAGES_PER_SECTION - 1) / PAGES_PER_SECTION * PAGES_PER_SECTION;
        if (hole < tail) owned[last].push_back({hole, tail});
    }
    for (auto& [z, ivs] : owned) {
        for (pfn_t p = z->zone_start_pfn; p < z->zone_end_pfn(); p += PAGEBLOCK_NR_PAGES) {
            if (!onlineSubsection(p) || !z->pageblocks.covers(p)) continue;
            for (const auto& [a, b] : ivs)
                if (p >= a && p < b) {
                    z->pageblocks.setPresent(z->pageblocks.index(p));
                    break;
                }
        }
    }
}

void initPageblocks(MmModel& mm, const Memblock& mb) {
    mm.forEachZone([](Zone& z) {
        if (z.spanned_pages) z.pageblocks.init(z.zone_start_pfn, z.zone_end_pfn());
    });
    for (const MemblockRegion& r : mb.memory().regions) {
        const pfn_t s = PFN_UP(r.base), e = PFN_DOWN(r.end());
        if (s >= e) continue;
        // memmap_init_range(): MOVABLE on every pageblock-aligned pfn it
        // initialises, in the zone spanning it.
        mm.forEachZone([&](Zone& z) {
            if (!z.spanned_pages) return;
            const pfn_t zs = std::max(s, z.zone_start_pfn), ze = std::min(e, z.zone_end_pfn());
            for (pfn_t p = (zs + PAGEBLOCK_NR_PAGES - 1) & ~(PAGEBLOCK_NR_PAGES - 1); p < ze;
                 p += PAGEBLOCK_NR_PAGES)
                z.pageblocks.setType(p, MIGRATE_MOVABLE);
        });
    }
    markPageZones(mm, mb);
}

PageblockCounts pageblockCounts(const Zone& z) {
    PageblockCounts c;
    // pagetypeinfo_showblockcount_print(): from the zone's first pfn in
    // steps of a pageblock.
    for (pfn_t p = z.zone_start_pfn; p < z.zone_end_pfn(); p += PAGEBLOCK_NR_PAGES) {
        if (!z.pageblocks.covers(p) || !z.pageblocks.present(z.pageblocks.index(p))) continue;
        c.n[static_cast<std::size_t>(z.pageblocks.type(p))] += 1;
    }
    return c;
}

} // namespace mmsim
