// The buddy allocator's invariant checker: the state every other part of
// mmsim relies on, checked after every step in tests.
#include "core/page_alloc.h"

#include "core/strfmt.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace mmsim {

namespace {

std::string zoneCheck(const Zone& z) {
    const FreeArea& fa = z.free_area;
    const std::string zn = strprintf("node %d zone %s: ", z.nid, z.name());
    // Walk every list: each block once, on the list of its record, aligned,
    // inside the zone.
    std::uint64_t seen = 0, pages = 0;
    // (pfn, pages) of every free, allocated and pcp block; sorted below to
    // find blocks listed twice or overlapping.
    std::vector<std::pair<pfn_t, std::uint64_t>> extents;
    extents.reserve(fa.records().size() + z.allocated.size());
    for (int o = 0; o < NR_PAGE_ORDERS; ++o) {
        std::uint64_t nr = 0;
        for (int mt = 0; mt < MIGRATE_TYPES; ++mt) {
            std::uint64_t len = 0;
            pfn_t prev = NO_PFN;
            for (pfn_t p = fa.first(o, mt); p != NO_PFN;) {
                const FreeBlock* b = fa.find(p);
                if (!b)
                    return zn + strprintf("list %d/%d links pfn %#llx, not free", o, mt,
                                          (unsigned long long)p);
                if (b->order != o || b->mt != mt)
                    return zn + strprintf("block %#llx is on list %d/%d but records %d/%d",
                                          (unsigned long long)p, o, mt, b->order, b->mt);
                if (fa.prev(p) != prev)
                    return zn + strprintf("block %#llx: broken back link", (unsigned long long)p);
                if (p & ((1ull << o) - 1))
                    return zn + strprintf("block %#llx of order %d is not aligned",
                                          (unsigned long long)p, o);
                if (p < z.zone_start_pfn || p + (1ull << o) > z.zone_end_pfn())
                    return zn + strprintf("block %#llx order %d is outside the zone",
                                          (unsigned long long)p, o);
                extents.emplace_back(p, 1ull << o);
                ++len;
                ++seen;
                pages += 1ull << o;
                prev = p;
                p = fa.next(p);
                if (len > fa.records().size()) return zn + "a free list loops";
            }
            if (len != fa.listLength(o, mt))
                return zn + strprintf("list %d/%d has %llu blocks, its length says %llu", o, mt,
                                      (unsigned long long)len,
                                      (unsigned long long)fa.listLength(o, mt));
            nr += len;
        }
        if (nr != fa.nrFree(o))
            return zn + strprintf("nr_free[%d] = %llu but the lists hold %llu", o,
                                  (unsigned long long)fa.nrFree(o), (unsigned long long)nr);
    }
    if (seen != fa.records().size())
        return zn + strprintf("%llu free blocks on lists, %llu recorded", (unsigned long long)seen,
                              (unsigned long long)fa.records().size());
    if (pages != fa.freePages())
        return zn + strprintf("free pages %llu, lists hold %llu",
                              (unsigned long long)fa.freePages(), (unsigned long long)pages);
    std::uint64_t alloc_pages = 0;
    for (const auto& [p, a] : z.allocated) {
        if (p & ((1ull << a.order) - 1) || !z.spans(p) || p + (1ull << a.order) > z.zone_end_pfn())
            return zn + strprintf("allocated block %#llx order %d misplaced", (unsigned long long)p,
                                  a.order);
        extents.emplace_back(p, 1ull << a.order);
        alloc_pages += 1ull << a.order;
    }
    if (alloc_pages != z.allocated_pages) return zn + "allocated page count is off";
    // Pages on the per-CPU lists: each block on one list of its order,
    // aligned, in the zone, neither free in the buddy lists nor allocated;
    // each CPU's count equals what its lists hold.
    std::uint64_t pcp_pages = 0;
    for (std::size_t cpu = 0; cpu < z.pageset.size(); ++cpu) {
        const PerCpuPages& pcp = z.pageset[cpu];
        std::uint64_t held = 0;
        for (int pindex = 0; pindex < NR_PCP_LISTS; ++pindex) {
            const int o = pindexToOrder(pindex);
            for (const PcpPage& pg : pcp.lists[static_cast<std::size_t>(pindex)]) {
                const pfn_t p = pg.pfn;
                if (p & ((1ull << o) - 1) || !z.spans(p) || p + (1ull << o) > z.zone_end_pfn())
                    return zn + strprintf("cpu %zu pcp list %d holds misplaced block %#llx", cpu,
                                          pindex, (unsigned long long)p);
                extents.emplace_back(p, 1ull << o);
                held += 1ull << o;
            }
        }
        if (pcp.count < 0 || held != static_cast<std::uint64_t>(pcp.count))
            return zn + strprintf("cpu %zu: pcp count %d but its lists hold %llu pages", cpu,
                                  pcp.count, (unsigned long long)held);
        pcp_pages += held;
    }
    std::sort(extents.begin(), extents.end());
    pfn_t end = 0;
    for (const auto& [p, n] : extents) {
        if (p < end)
            return zn + strprintf("blocks overlap at pfn %#llx (a block listed twice, or both "
                                  "free, allocated or on a pcp list)",
                                  (unsigned long long)p);
        end = p + n;
    }
    if (pages + alloc_pages + pcp_pages != z.managed_pages)
        return zn + strprintf("free %llu + allocated %llu + pcp %llu != managed %llu",
                              (unsigned long long)pages, (unsigned long long)alloc_pages,
                              (unsigned long long)pcp_pages, (unsigned long long)z.managed_pages);
    // Pageblock counts add up to the pageblocks counted.
    const PageblockCounts c = pageblockCounts(z);
    std::uint64_t total = 0, present = 0;
    for (std::uint64_t n : c.n)
        total += n;
    for (pfn_t p = z.zone_start_pfn; p < z.zone_end_pfn(); p += PAGEBLOCK_NR_PAGES)
        present += z.pageblocks.covers(p) && z.pageblocks.present(z.pageblocks.index(p));
    if (total != present) return zn + "pageblock type counts do not add up";
    // CMA pageblocks are never retyped: as many as the areas released here,
    // holding only CMA free blocks and movable allocations.
    std::uint64_t cma_blocks = 0;
    for (std::size_t i = 0; i < z.pageblocks.count(); ++i)
        cma_blocks += z.pageblocks.typeAt(i) == MIGRATE_CMA;
    if (cma_blocks * PAGEBLOCK_NR_PAGES != z.cma_pages)
        return zn + strprintf("%llu CMA pageblocks but %llu CMA pages released",
                              (unsigned long long)cma_blocks, (unsigned long long)z.cma_pages);
    for (const auto& [p, b] : fa.records())
        if ((b.mt == MIGRATE_CMA) != (pageblockType(z, p) == MIGRATE_CMA))
            return zn + strprintf("free block %#llx is on the %s list in a %s pageblock",
                                  (unsigned long long)p, migratetypeName(b.mt),
                                  migratetypeName(pageblockType(z, p)));
    if (z.cma_pages)
        for (const auto& [p, a] : z.allocated)
            if (pageblockType(z, p) == MIGRATE_CMA && !a.movable)
                return zn + strprintf("unmovable block %#llx in a CMA pageblock",
                                      (unsigned long long)p);
    // 6.12 keeps every free block on its pageblock's list.
    return {};
}

} // namespace

std::string checkBuddyInvariants(const MmModel& mm) {
    for (const Node& n : mm.nodes)
        for (const Zone& z : n.zones) {
            if (!z.spanned_pages) continue;
            std::string r = zoneCheck(z);
            if (!r.empty()) return r;
            if (!mm.profile.is61()) {
                // 6.12 keeps a free block on the list of its pageblock's type.
                for (const auto& [p, b] : z.free_area.records())
                    if (b.mt != pageblockType(z, p))
                        return strprintf("node %d zone %s: free block %#llx is on the %s list "
                                         "in a %s pageblock",
                                         z.nid, z.name(), (unsigned long long)p,
                                         migratetypeName(b.mt),
                                         migratetypeName(pageblockType(z, p)));
            }
        }
    return {};
}

} // namespace mmsim
