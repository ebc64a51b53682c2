// Sizing nodes and zones (mm/mm_init.c: free_area_init and friends).
//
// The architecture says where each zone type may lie (x86_64: DMA below
// 16 MiB, DMA32 below 4 GiB, Normal above); ZONE_MOVABLE has no fixed place
// and is carved out of the top of each node when kernelcore=/movablecore=/
// movable_node ask for it. For every node the span is taken from the
// memblock memory regions carrying its nid; each zone's span is the
// intersection of the node span with the zone's possible range, its present
// pages the part of that span memblock knows as memory. Pages in holes that
// still have a struct page (the section is present) are initialised as
// reserved, and the kernel reports how many per call. Managed pages start
// as an estimate and are recounted when memblock_free_all hands the free
// ranges to the buddy allocator: only pages actually freed count.
#include "core/mm_model.h"
#include "core/page_alloc.h"

#include "core/strfmt.h"

#include <algorithm>
#include <set>

namespace mmsim {

const char* zoneName(int zone_type) {
    static const char* const names[] = {"DMA", "DMA32", "Normal", "Movable", "Device"};
    return zone_type >= 0 && zone_type < MAX_NR_ZONES ? names[zone_type] : "?";
}

int MmModel::nodeDistance(int a, int b) const {
    if (a >= 0 && b >= 0 && static_cast<size_t>(a) < distance.size() &&
        static_cast<size_t>(b) < distance[static_cast<size_t>(a)].size())
        return distance[static_cast<size_t>(a)][static_cast<size_t>(b)];
    return a == b ? 10 : 20;
}

// for_each_mem_pfn_range(): memory regions as whole pages. A region whose
// node id names no node of the machine counts as node 0 (what a kernel
// without NUMA sees).
std::vector<PfnRange> memPfnRanges(const MmModel& mm, const Memblock& mb, int nid_filter) {
    std::vector<PfnRange> out;
    for (const MemblockRegion& r : mb.memory().regions) {
        pfn_t s = PFN_UP(r.base), e = PFN_DOWN(r.base + r.size);
        if (s >= e) continue;
        int nid = (r.nid >= 0 && static_cast<std::size_t>(r.nid) < mm.nodes.size()) ? r.nid : 0;
        if (nid_filter != MAX_NUMNODES && nid != nid_filter) continue;
        out.push_back({s, e, nid});
    }
    return out;
}

namespace {

void pfnRangeForNid(const MmModel& mm, const Memblock& mb, int nid, pfn_t& start, pfn_t& end) {
    start = ~pfn_t{0};
    end = 0;
    for (const PfnRange& r : memPfnRanges(mm, mb, nid)) {
        start = std::min(start, r.start);
        end = std::max(end, r.end);
    }
    if (start == ~pfn_t{0}) start = 0;
}

std::uint64_t absentPagesInRange(const MmModel& mm, const Memblock& mb, int nid, pfn_t lo, pfn_t hi) {
    std::uint64_t absent = hi - lo;
    for (const PfnRange& r : memPfnRanges(mm, mb, nid)) {
        pfn_t s = std::clamp(r.start, lo, hi), e = std::clamp(r.end, lo, hi);
        absent -= e - s;
    }
    return absent;
}

void findZoneMovablePfnsForNodes(MmModel& mm, const Memblock& mb, const CmdlineOptions& opts) {
    const size_t n = mm.nodes.size();
    mm.zone_movable_pfn.assign(n, 0);
    std::uint64_t totalpages = 0;
    std::set<int> with_memory;
    for (const PfnRange& r : memPfnRanges(mm, mb, MAX_NUMNODES)) {
        totalpages += r.end - r.start;
        with_memory.insert(r.nid);
    }
    // find_usable_zone_for_movable()
    int zi = MAX_NR_ZONES - 1;
    for (; zi >= 0; --zi) {
        if (zi == ZONE_MOVABLE) continue;
        if (mm.arch_zone_highest_possible_pfn[static_cast<size_t>(zi)] >
            mm.arch_zone_lowest_possible_pfn[static_cast<size_t>(zi)])
            break;
    }
    mm.movable_zone = std::max(zi, 0);

    bool roundup_and_check = false;
    if (opts.movable_node) {
        for (const MemblockRegion& r : mb.memory().regions) {
            if (!(r.flags & MEMBLOCK_HOTPLUG)) continue;
            int nid = (r.nid >= 0 && static_cast<size_t>(r.nid) < n) ? r.nid : 0;
            pfn_t s = PFN_UP(r.base);
            pfn_t& z = mm.zone_movable_pfn[static_cast<size_t>(nid)];
            z = z ? std::min(s, z) : s;
        }
        roundup_and_check = true;
    } else if (opts.kernelcore_mirror) {
        bool has_mirror = false;
        for (const MemblockRegion& r : mb.memory().regions) has_mirror |= (r.flags & MEMBLOCK_MIRROR) != 0;
        if (!has_mirror) {
            mm.print("The system has no mirror memory, ignore kernelcore=mirror.");
            return;
        }
        for (const MemblockRegion& r : mb.memory().regions) {
            if (r.flags & MEMBLOCK_MIRROR) continue;
            int nid = (r.nid >= 0 && static_cast<size_t>(r.nid) < n) ? r.nid : 0;
            pfn_t s = PFN_UP(r.base);
            if (s < PFN_DOWN(4ull << 30)) continue;
            pfn_t& z = mm.zone_movable_pfn[static_cast<size_t>(nid)];
            z = z ? std::min(s, z) : s;
        }
        roundup_and_check = true;
    } else {
        std::uint64_t required_kernelcore = 0, required_movablecore = 0;
        if (opts.kernelcore) {
            required_kernelcore = opts.kernelcore->percent
                                      ? totalpages * 100 * opts.kernelcore->percent / 10000
                                      : opts.kernelcore->bytes >> PAGE_SHIFT;
        }
        if (opts.movablecore) {
            required_movablecore = opts.movablecore->percent
                                       ? totalpages * 100 * opts.movablecore->percent / 10000
                                       : opts.movablecore->bytes >> PAGE_SHIFT;
        }
        if (required_movablecore) {
            required_movablecore = (required_movablecore + MAX_ORDER_NR_PAGES - 1) /
                                   MAX_ORDER_NR_PAGES * MAX_ORDER_NR_PAGES;
            required_movablecore = std::min(totalpages, required_movablecore);
            std::uint64_t corepages = totalpages - required_movablecore;
            required_kernelcore = std::max(required_kernelcore, corepages);
        }
        if (!required_kernelcore || required_kernelcore >= totalpages) return;

        const pfn_t usable_startpfn =
            mm.arch_zone_lowest_possible_pfn[static_cast<size_t>(mm.movable_zone)];
        std::uint64_t usable_nodes = with_memory.size();
        for (;;) {
            std::uint64_t kernelcore_node = required_kernelcore / usable_nodes;
            for (int nid : with_memory) {
                if (required_kernelcore < kernelcore_node)
                    kernelcore_node = required_kernelcore / usable_nodes;
                std::uint64_t kernelcore_remaining = kernelcore_node;
                pfn_t& zmp = mm.zone_movable_pfn[static_cast<size_t>(nid)];
                for (PfnRange r : memPfnRanges(mm, mb, nid)) {
                    pfn_t start_pfn = std::max(r.start, zmp);
                    pfn_t end_pfn = r.end;
                    if (start_pfn >= end_pfn) continue;
                    if (start_pfn < usable_startpfn) {
                        std::uint64_t kernel_pages = std::min(end_pfn, usable_startpfn) - start_pfn;
                        kernelcore_remaining -= std::min(kernel_pages, kernelcore_remaining);
                        required_kernelcore -= std::min(kernel_pages, required_kernelcore);
                        if (end_pfn <= usable_startpfn) {
                            zmp = end_pfn;
                            continue;
                        }
                        start_pfn = usable_startpfn;
                    }
                    std::uint64_t size_pages = end_pfn - start_pfn;
                    if (size_pages > kernelcore_remaining) size_pages = kernelcore_remaining;
                    zmp = start_pfn + size_pages;
                    required_kernelcore -= std::min(required_kernelcore, size_pages);
                    kernelcore_remaining -= size_pages;
                    if (!kernelcore_remaining) break;
                }
            }
            --usable_nodes;
            if (usable_nodes && required_kernelcore > usable_nodes) continue;
            break;
        }
        roundup_and_check = true;
    }
    if (!roundup_and_check) return;
    for (size_t nid = 0; nid < n; ++nid) {
        pfn_t& z = mm.zone_movable_pfn[nid];
        z = (z + MAX_ORDER_NR_PAGES - 1) / MAX_ORDER_NR_PAGES * MAX_ORDER_NR_PAGES;
        pfn_t s, e;
        pfnRangeForNid(mm, mb, static_cast<int>(nid), s, e);
        if (z >= e) z = 0;
    }
}

void adjustZoneRangeForZoneMovable(const MmModel& mm, int nid, int zone_type, pfn_t node_end_pfn,
                                   pfn_t& zs, pfn_t& ze, bool mirrored) {
    const pfn_t zmp = mm.zone_movable_pfn[static_cast<size_t>(nid)];
    if (!zmp) return;
    if (zone_type == ZONE_MOVABLE) {
        zs = zmp;
        ze = std::min(node_end_pfn,
                      mm.arch_zone_highest_possible_pfn[static_cast<size_t>(mm.movable_zone)]);
    } else if (!mirrored && zs < zmp && ze > zmp) {
        ze = zmp;
    } else if (zs >= zmp) {
        zs = ze;
    }
}

// 6.1 estimate of the memmap's size for a zone (calc_memmap_size).
std::uint64_t calcMemmapSize(std::uint64_t spanned, std::uint64_t present) {
    std::uint64_t pages = spanned;
    if (spanned > present + (present >> 4)) pages = present;
    return (pages * STRUCT_PAGE_SIZE + PAGE_SIZE - 1) >> PAGE_SHIFT;
}

// 6.1: x86's memblock_find_dma_reserve().
std::uint64_t findDmaReserve(const MmModel& mm, const Memblock& mb) {
    const pfn_t MAX_DMA_PFN = (16ull << 20) >> PAGE_SHIFT;
    std::uint64_t nr_pages = 0, nr_free = 0;
    for (const PfnRange& r : memPfnRanges(mm, mb, MAX_NUMNODES))
        nr_pages += std::min(r.end, MAX_DMA_PFN) - std::min(r.start, MAX_DMA_PFN);
    for (const MemblockFreeRange& f : mb.freeRanges(NUMA_NO_NODE, MEMBLOCK_NONE)) {
        pfn_t s = std::min(PFN_UP(f.start), MAX_DMA_PFN), e = std::min(PFN_DOWN(f.end), MAX_DMA_PFN);
        if (s < e) nr_free += e - s;
    }
    return nr_pages > nr_free ? nr_pages - nr_free : 0;
}

// Pages of [spfn, epfn) whose section holds any memory (pfn_valid).
std::uint64_t countValidPages(const std::set<pfn_t>& present_sections, pfn_t spfn, pfn_t epfn) {
    std::uint64_t count = 0;
    pfn_t pfn = spfn;
    while (pfn < epfn) {
        pfn_t sec = pfn / PAGES_PER_SECTION;
        pfn_t sec_end = std::min(epfn, (sec + 1) * PAGES_PER_SECTION);
        if (present_sections.count(sec)) count += sec_end - pfn;
        pfn = sec_end;
    }
    return count;
}

} // namespace

void freeAreaInit(MmModel& mm, const Memblock& mb, const CmdlineOptions& opts) {
    const bool is61 = mm.profile.is61();
    mm.arch_zone_lowest_possible_pfn.fill(0);
    mm.arch_zone_highest_possible_pfn.fill(0);
    pfn_t start_pfn = PFN_DOWN(mb.startOfDRAM());
    for (int z = 0; z < MAX_NR_ZONES; ++z) {
        if (z == ZONE_MOVABLE) continue;
        pfn_t end_pfn = std::max(mm.max_zone_pfn[static_cast<size_t>(z)], start_pfn);
        mm.arch_zone_lowest_possible_pfn[static_cast<size_t>(z)] = start_pfn;
        mm.arch_zone_highest_possible_pfn[static_cast<size_t>(z)] = end_pfn;
        start_pfn = end_pfn;
    }
    findZoneMovablePfnsForNodes(mm, mb, opts);

    mm.print("Zone ranges:");
    for (int z = 0; z < MAX_NR_ZONES; ++z) {
        if (z == ZONE_MOVABLE) continue;
        std::string line = strprintf("  %-8s ", zoneName(z));
        pfn_t lo = mm.arch_zone_lowest_possible_pfn[static_cast<size_t>(z)];
        pfn_t hi = mm.arch_zone_highest_possible_pfn[static_cast<size_t>(z)];
        if (lo == hi) line += "empty";
        else line += "[mem " + hex0x(PFN_PHYS(lo), 18) + "-" + hex0x(PFN_PHYS(hi) - 1, 18) + "]";
        mm.print(line);
    }
    mm.print("Movable zone start for each node");
    for (size_t nid = 0; nid < mm.zone_movable_pfn.size(); ++nid) {
        if (mm.zone_movable_pfn[nid])
            mm.print(strprintf("  Node %d: ", static_cast<int>(nid)) +
                     hex0x(PFN_PHYS(mm.zone_movable_pfn[nid]), 18));
    }
    mm.print("Early memory node ranges");
    std::set<pfn_t> present_sections;
    for (const PfnRange& r : memPfnRanges(mm, mb, MAX_NUMNODES)) {
        mm.print(strprintf("  node %3d: [mem ", r.nid) + hex0x(PFN_PHYS(r.start), 18) + "-" +
                 hex0x(PFN_PHYS(r.end) - 1, 18) + "]");
        for (pfn_t s = r.start / PAGES_PER_SECTION; s <= (r.end - 1) / PAGES_PER_SECTION; ++s)
            present_sections.insert(s);
    }

    if (is61) mm.dma_reserve = findDmaReserve(mm, mb);
    bool mirrored = opts.kernelcore_mirror;
    for (Node& node : mm.nodes) {
        const int nid = node.nid;
        pfn_t s, e;
        pfnRangeForNid(mm, mb, nid, s, e);
        node.node_start_pfn = s;
        node.node_spanned_pages = 0;
        node.node_present_pages = 0;
        for (int z = 0; z < MAX_NR_ZONES; ++z) {
            Zone& zone = node.zones[static_cast<size_t>(z)];
            zone = Zone{};
            zone.nid = nid;
            zone.idx = z;
        }
        if (s == e) {
            if (node.online || !node.cpus.empty())
                mm.print(strprintf("Initmem setup node %d as memoryless", nid));
            continue;
        }
        mm.print(strprintf("Initmem setup node %d [mem ", nid) + hex0x(PFN_PHYS(s), 18) + "-" +
                 hex0x(e ? PFN_PHYS(e) - 1 : 0, 18) + "]");
        node.has_memory = true;
        node.online = true;
        node.node_spanned_pages = e - s;
        for (int z = 0; z < MAX_NR_ZONES; ++z) {
            Zone& zone = node.zones[static_cast<size_t>(z)];
            pfn_t zlow = mm.arch_zone_lowest_possible_pfn[static_cast<size_t>(z)];
            pfn_t zhigh = mm.arch_zone_highest_possible_pfn[static_cast<size_t>(z)];
            pfn_t zs = std::clamp(s, zlow, zhigh), ze = std::clamp(e, zlow, zhigh);
            adjustZoneRangeForZoneMovable(mm, nid, z, e, zs, ze, mirrored);
            std::uint64_t spanned = 0;
            if (!(ze < s || zs > e)) {
                ze = std::min(ze, e);
                zs = std::max(zs, s);
                spanned = ze > zs ? ze - zs : 0;
            }
            std::uint64_t absent = 0;
            if (spanned) {
                absent = absentPagesInRange(mm, mb, nid, zs, ze);
                if (mirrored && mm.zone_movable_pfn[static_cast<size_t>(nid)]) {
                    for (const MemblockRegion& r : mb.memory().regions) {
                        pfn_t rs = std::clamp(PFN_DOWN(r.base), zs, ze);
                        pfn_t re = std::clamp(PFN_DOWN(r.base + r.size), zs, ze);
                        if (z == ZONE_MOVABLE && (r.flags & MEMBLOCK_MIRROR)) absent += re - rs;
                        if (z == ZONE_NORMAL && !(r.flags & MEMBLOCK_MIRROR)) absent += re - rs;
                    }
                }
            }
            zone.zone_start_pfn = spanned ? zs : 0;
            zone.spanned_pages = spanned;
            zone.present_pages = spanned - absent;
            node.node_present_pages += zone.present_pages;
            // Managed pages before memblock_free_all: 6.12 starts from the
            // present pages, 6.1 from an estimate less the memmap and, in
            // ZONE_DMA, the pages memblock holds reserved there.
            std::uint64_t freesize = zone.present_pages;
            if (is61) {
                std::uint64_t memmap = calcMemmapSize(spanned, zone.present_pages);
                if (freesize >= memmap) freesize -= memmap;
                if (z == 0 && freesize > mm.dma_reserve) freesize -= mm.dma_reserve;
            }
            zone.managed_pages = freesize;
        }
    }

    // memmap_init(): report the holes that still get struct pages.
    pfn_t hole_pfn = 0;
    int last_zone = 0, last_nid = 0;
    pfn_t last_end = 0;
    for (const PfnRange& r : memPfnRanges(mm, mb, MAX_NUMNODES)) {
        Node& node = mm.nodes[static_cast<size_t>(r.nid)];
        for (int z = 0; z < MAX_NR_ZONES; ++z) {
            Zone& zone = node.zones[static_cast<size_t>(z)];
            if (!zone.populated()) continue;
            pfn_t zs = zone.zone_start_pfn, ze = zone.zone_end_pfn();
            pfn_t s = std::clamp(r.start, zs, ze), e = std::clamp(r.end, zs, ze);
            last_zone = z;
            if (s >= e) continue;
            if (hole_pfn < s) {
                std::uint64_t n = countValidPages(present_sections, hole_pfn, s);
                if (n)
                    mm.print(strprintf("On node %d, zone %s: %llu pages in unavailable ranges",
                                       r.nid, zoneName(z), (unsigned long long)n));
            }
            hole_pfn = e;
        }
        last_nid = r.nid;
        last_end = r.end;
    }
    pfn_t end_pfn = (last_end + PAGES_PER_SECTION - 1) / PAGES_PER_SECTION * PAGES_PER_SECTION;
    if (hole_pfn < end_pfn) {
        std::uint64_t n = countValidPages(present_sections, hole_pfn, end_pfn);
        if (n)
            mm.print(strprintf("On node %d, zone %s: %llu pages in unavailable ranges", last_nid,
                               zoneName(last_zone), (unsigned long long)n));
    }
    mm.zones_initialised = true;
}

// __free_pages_core(): the pages become managed by the zone and go to the
// buddy allocator through __free_pages_ok(FPI_TO_TAIL).
static void freePagesCore(MmModel& mm, Zone& z, pfn_t pfn, int order, unsigned fpi) {
    z.managed_pages += 1ull << order;
    mm.totalram_pages += 1ull << order;
    freeOnePage(mm, z, pfn, order, fpi, nullptr);
}

// The zone a page belongs to (page_zone()): memmap_init() gave it the zone
// of its memblock node that spans it; pages of a range without a valid node
// go to the first zone spanning them.
static Zone* pageZone(MmModel& mm, pfn_t pfn, int nid) {
    if (nid >= 0 && static_cast<std::size_t>(nid) < mm.nodes.size())
        for (Zone& z : mm.nodes[static_cast<std::size_t>(nid)].zones)
            if (z.spanned_pages && z.spans(pfn)) return &z;
    return zoneOfPfn(mm, pfn);
}

// __free_pages_memory(): the largest naturally aligned blocks, ascending.
static void freePagesMemory(MmModel& mm, pfn_t start, pfn_t end, int nid) {
    Zone* z = nullptr;
    while (start < end) {
        int order = start == 0 ? MAX_PAGE_ORDER
                               : std::min(MAX_PAGE_ORDER, __builtin_ctzll(start));
        while (start + (1ull << order) > end) --order;
        // The zone holding this block (usually the previous block's).
        if (!z || !z->spans(start)) z = pageZone(mm, start, nid);
        if (z) freePagesCore(mm, *z, start, order, FPI_TO_TAIL);
        start += 1ull << order;
    }
}

void memblockFreeAll(MmModel& mm, Memblock& mb) {
    mm.forEachZone([](Zone& z) { z.managed_pages = 0; });
    mm.totalram_pages = 0;
    // memmap_init() typed the pageblocks when it initialised the memory map.
    initPageblocks(mm, mb);
    mb.clearHotplug(0, PHYS_ADDR_MAX);
    for (const MemblockFreeRange& f : mb.freeRanges(NUMA_NO_NODE, MEMBLOCK_NONE)) {
        pfn_t s = PFN_UP(f.start), e = PFN_DOWN(f.end);
        if (s < e) freePagesMemory(mm, s, e, f.nid);
    }
    mm.buddy_ready = true;
}

std::uint64_t freeReservedArea(MmModel& mm, phys_addr_t base, phys_addr_t size) {
    pfn_t s = PFN_UP(base), e = PFN_DOWN(base + size);
    if (s >= e) return 0;
    // free_reserved_area() frees page by page (free_reserved_page: the
    // page becomes managed, then __free_page, no FPI flags); the buddy
    // allocator merges them.
    Zone* z = nullptr;
    for (pfn_t pfn = s; pfn < e; ++pfn) {
        if (!z || !z->spans(pfn)) z = zoneOfPfn(mm, pfn);
        if (z) freePagesCore(mm, *z, pfn, 0, FPI_NONE);
    }
    return e - s;
}

} // namespace mmsim
