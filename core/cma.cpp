// CMA, the Contiguous Memory Allocator, at boot.
//
// Some devices need large physically contiguous buffers long after boot,
// when the buddy allocator has long scattered unmovable pages everywhere.
// CMA sets a range aside early, while memblock still owns memory, and then
// lends it back: at core_initcall time every pageblock of the range is
// typed MIGRATE_CMA and freed to the buddy allocator, so the pages count as
// managed and free. Only movable allocations (ALLOC_CMA) may be placed in
// MIGRATE_CMA pageblocks and no fallback ever retypes one, so whatever lives
// there can be migrated away when cma_alloc() wants the range back (that
// path, alloc_contig_range, is not modelled).
//
// The default area comes from the command line: cma=SIZE[@BASE[-LIMIT]]
// (x86 Debian-style configs default to no area, CONFIG_CMA_SIZE_MBYTES=0).
// cma_declare_contiguous_nid() rounds size, base and limit to a pageblock
// (CMA_MIN_ALIGNMENT_BYTES, 2 MiB), caps the limit at the end of memblock
// memory and either reserves the fixed range or allocates one: bottom-up
// from 4 GiB when memory reaches that far above the size, else top-down
// below the limit. The pages stay reserved through memblock_free_all; the
// "Memory:" line counts them as cma-reserved.
#include "core/cma.h"

#include "core/page_alloc.h"
#include "core/strfmt.h"

#include <algorithm>

namespace mmsim {

namespace {

constexpr phys_addr_t SZ_1M = 1ull << 20;
constexpr phys_addr_t SZ_4G = 4ull << 30;
constexpr phys_addr_t CMA_MIN_ALIGNMENT_BYTES = PAGE_SIZE * PAGEBLOCK_NR_PAGES;

// %pa of a 64-bit phys_addr_t: 0x and 16 hex digits.
std::string pa(phys_addr_t a) {
    return strprintf("0x%016llx", (unsigned long long)a);
}

// The error line that ends every failed declaration.
void failed(BootState& st, phys_addr_t size) {
    std::string line = strprintf("cma: Failed to reserve %lu MiB", (unsigned long)(size / SZ_1M));
    if (!st.mm.profile.is61()) line += " on node -1";
    st.printk(line);
}

// cma_declare_contiguous_nid(base, size, limit, 0, 0, fixed, "reserved", ...,
// NUMA_NO_NODE).
void declareContiguous(BootState& st, phys_addr_t base, phys_addr_t size, phys_addr_t limit,
                       bool fixed) {
    Memblock& mb = st.memblock;
    const phys_addr_t memblock_end = mb.endOfDRAM();
    const phys_addr_t highmem_start = PFN_PHYS(st.max_pfn); // x86_64: high_memory
    if (!size) return;
    const phys_addr_t align = CMA_MIN_ALIGNMENT_BYTES;
    if (fixed && (base & (align - 1))) {
        st.printk("cma: Region at " + pa(base) + " must be aligned to " + pa(align) + " bytes");
        return failed(st, size);
    }
    base = (base + align - 1) & ~(align - 1);
    size = (size + align - 1) & ~(align - 1);
    limit &= ~(align - 1);
    if (!base) fixed = false;
    if (fixed && base < highmem_start && base + size > highmem_start) {
        st.printk("cma: Region at " + pa(base) + " defined on low/high memory boundary (" +
                  pa(highmem_start) + ")");
        return failed(st, size);
    }
    if (limit == 0 || limit > memblock_end) limit = memblock_end;
    if (base + size > limit) {
        st.printk("cma: Size (" + pa(size) + ") of region at " + pa(base) + " exceeds limit (" +
                  pa(limit) + ")");
        return failed(st, size);
    }
    if (fixed) {
        if (mb.overlapsRegion(mb.reserved(), base, size) ||
            mb.reserve(base, size, "cma_declare_contiguous_nid") < 0)
            return failed(st, size);
    } else {
        phys_addr_t addr = 0;
        // Bottom-up above 4 GiB first, away from DMA/DMA32 (both profiles;
        // 6.1 tries the high-memory split below first, which x86_64, with
        // no highmem, never takes).
        if (!mb.bottomUp() && memblock_end >= SZ_4G + size) {
            mb.setBottomUp(true);
            addr = mb.allocRangeNid(size, align, SZ_4G, limit, NUMA_NO_NODE, true);
            mb.setBottomUp(false);
        }
        if (!addr && base < highmem_start && limit > highmem_start) {
            addr = mb.allocRangeNid(size, align, highmem_start, limit, NUMA_NO_NODE, true);
            limit = highmem_start;
        }
        if (!addr) addr = mb.allocRangeNid(size, align, base, limit, NUMA_NO_NODE, true);
        if (!addr) return failed(st, size);
        base = addr;
    }
    // cma_init_reserved_mem()
    st.mm.cma_areas.push_back({"reserved", base, size >> PAGE_SHIFT, false});
    st.mm.totalcma_pages += size >> PAGE_SHIFT;
    std::string line =
        strprintf("cma: Reserved %lu MiB at ", (unsigned long)(size / SZ_1M)) + pa(base);
    if (!st.mm.profile.is61()) line += " on node -1";
    st.printk(line);
}

} // namespace

void dmaContiguousReserve(BootState& st, phys_addr_t limit) {
    if (!st.mm.profile.cma || !st.opts.cma) return;
    const CmaOption& c = *st.opts.cma;
    // min_not_zero(limit_cmdline, limit)
    const phys_addr_t selected_limit =
        c.limit ? (limit ? std::min(c.limit, limit) : c.limit) : limit;
    const bool fixed = c.base + c.size == c.limit;
    if (c.size) declareContiguous(st, c.base, c.size, selected_limit, fixed);
}

void cmaInitReservedAreas(MmModel& mm) {
    for (MmModel::CmaArea& a : mm.cma_areas) {
        if (a.activated || !a.count) continue;
        const pfn_t base = PFN_DOWN(a.base);
        Zone* z = zoneOfPfn(mm, base);
        Zone* last = zoneOfPfn(mm, base + a.count - 1);
        if (!z || z != last) {
            // Not in one zone: the pages go to the buddy allocator as
            // ordinary memory and the area is gone.
            freeReservedArea(mm, a.base, a.count << PAGE_SHIFT);
            mm.totalcma_pages -= a.count;
            a.count = 0;
            mm.print("cma: CMA area " + a.name + " could not be activated");
            continue;
        }
        // init_cma_reserved_pageblock() on each pageblock: typed CMA, freed
        // whole (its pcp list flushes to the zone at once here), then
        // managed by the zone.
        for (pfn_t pfn = base; pfn < base + a.count; pfn += PAGEBLOCK_NR_PAGES) {
            z->pageblocks.setType(pfn, MIGRATE_CMA);
            freeOnePage(mm, *z, pfn, PAGEBLOCK_ORDER, FPI_NONE, nullptr);
            z->managed_pages += PAGEBLOCK_NR_PAGES;
            mm.totalram_pages += PAGEBLOCK_NR_PAGES;
            z->cma_pages += PAGEBLOCK_NR_PAGES;
        }
        a.activated = true;
    }
}

} // namespace mmsim
