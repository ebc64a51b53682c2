/*
 * memblock: the allocator of the earliest boot, modelled on mm/memblock.c.
 *
 * Before there are struct pages, zones or a buddy allocator, the kernel still
 * has to place page tables, the node descriptors, the memory map itself and a
 * few hundred small boot objects. memblock serves these with two sorted
 * arrays of regions, each region being {base, size, flags, nid}:
 *
 *   memory    - the RAM the firmware reported (on x86 the usable e820
 *               entries), later split along node boundaries;
 *   reserved  - the parts of it already in use: the kernel image, the
 *               initrd, firmware tables and every memblock allocation.
 *
 * Both arrays stay sorted by address and free of overlaps, and neighbours
 * that touch and carry the same nid and flags are always merged into one
 * region. Adding a range never changes a region that is already there: only
 * the holes between existing regions are filled, with the caller's nid and
 * flags, and then the new pieces are merged with their neighbours. Every
 * change that touches part of a region (remove, set a flag, set a node)
 * first isolates the range: regions that cross its edges are split there, so
 * the range is covered by whole regions that can be edited or dropped.
 *
 * The free memory is never stored: it is "memory minus reserved", walked by
 * two indices that step through the memory regions and through the gaps
 * between reserved regions in lockstep. An allocation walks these free
 * ranges from the top down (or bottom up when asked), clipped to the allowed
 * window, and takes the first aligned place large enough; page 0 is never
 * handed out, because 0 means failure. What it found is then simply added to
 * "reserved". When a node was asked for and has no room, the search is
 * repeated on any node unless the caller insisted on the exact node, and
 * when mirrored memory was preferred the search is repeated without it.
 *
 * The arrays start as static tables of 128 entries. When an insertion would
 * not fit, the array is doubled: the new table is itself found with the
 * allocator (avoiding the range about to be reserved) and reserved, which
 * can add one more region to "reserved" along the way.
 *
 * memblock keeps a few quirks that this model keeps too, because the real
 * boot logs show them: trimming regions to page boundaries does not update
 * the total size, an empty array reports a count of one dummy region in 6.1
 * (zero in 6.12), and the alignment helpers are bit masks, so an alignment
 * that is not a power of two gives the results the kernel gives.
 *
 * Once the buddy allocator is ready, every free range is handed to it
 * (memblock_free_all, in mm_init.cpp) and memblock is done.
 */

#include "core/memblock.h"

#include "core/strfmt.h"

#include <algorithm>
#include <cerrno>

namespace mmsim {

namespace {

// sizeof(struct memblock_region) on x86_64 with CONFIG_NUMA: two 64-bit
// fields, the flags enum and the nid.
constexpr phys_addr_t REGION_BYTES = 24;

// The kernel's round_down()/round_up(): masks, exact for powers of two.
phys_addr_t roundDown(phys_addr_t x, phys_addr_t a) {
    return x & ~(a - 1);
}
phys_addr_t roundUp(phys_addr_t x, phys_addr_t a) {
    return ((x - 1) | (a - 1)) + 1;
}
phys_addr_t pageAlign(phys_addr_t x) {
    return roundUp(x, PAGE_SIZE);
}

// Keep base + size from wrapping past PHYS_ADDR_MAX.
phys_addr_t capSize(phys_addr_t base, phys_addr_t size) {
    return std::min(size, PHYS_ADDR_MAX - base);
}

phys_addr_t clampTo(phys_addr_t v, phys_addr_t lo, phys_addr_t hi) {
    return std::min(std::max(v, lo), hi);
}

std::string withCaller(std::string line, const std::string& caller) {
    if (!caller.empty()) {
        line += ' ';
        line += caller;
    }
    return line;
}

// "<fn>: [%pa-%pa] %pS" with the inclusive end the kernel prints (computed
// from the size as given, so a zero size prints base - 1).
std::string rangeLine(const char* fn, phys_addr_t base, phys_addr_t size,
                      const std::string& caller) {
    return withCaller(strprintf("%s: [%s-%s]", fn, pa(base).c_str(), pa(base + size - 1).c_str()),
                      caller);
}

void insertRegion(MemblockType& type, std::size_t idx, phys_addr_t base, phys_addr_t size, int nid,
                  std::uint32_t flags) {
    type.regions.insert(type.regions.begin() + static_cast<std::ptrdiff_t>(idx),
                        MemblockRegion{base, size, flags, nid});
    type.total_size += size;
}

// memblock_remove_region(): when the last region goes, the kernel warns if
// total_size is not 0 but leaves it as it is, and resets the dummy.
void removeRegion(MemblockType& type, std::size_t idx) {
    type.total_size -= type.regions[idx].size;
    type.regions.erase(type.regions.begin() + static_cast<std::ptrdiff_t>(idx));
    if (type.regions.empty()) type.dummy_nid = MAX_NUMNODES;
}

} // namespace

Memblock::Memblock(KernelProfile profile) : profile_(profile) {
    memory_.name = "memory";
    reserved_.name = "reserved";
    const std::size_t empty = profile_.memblockEmptyKeepsDummy() ? 1 : 0;
    memory_.empty_cnt = empty;
    reserved_.empty_cnt = empty;
}

// ---------------------------------------------------------------------------
// The region arrays

void Memblock::mergeRegions(MemblockType& type, int start_rgn, int end_rgn) {
    auto& r = type.regions;
    if (r.size() < 2 || end_rgn <= 0) return;
    // Compare the pairs (start_rgn - 1, start_rgn) ... (end_rgn - 1, end_rgn).
    std::size_t i = start_rgn > 0 ? static_cast<std::size_t>(start_rgn - 1) : 0;
    std::size_t last = std::min(static_cast<std::size_t>(end_rgn), r.size() - 1);
    while (i < last) {
        MemblockRegion& cur = r[i];
        const MemblockRegion& next = r[i + 1];
        if (cur.end() != next.base || cur.nid != next.nid || cur.flags != next.flags) {
            ++i;
            continue;
        }
        cur.size += next.size;
        r.erase(r.begin() + static_cast<std::ptrdiff_t>(i + 1));
        --last;
    }
}

void Memblock::mergeAfterChange(MemblockType& type, int start_rgn, int end_rgn) {
    if (profile_.memblockMergeWholeArray())
        mergeRegions(type, 0, static_cast<int>(type.regions.size()));
    else
        mergeRegions(type, start_rgn, end_rgn);
}

int Memblock::addRange(MemblockType& type, phys_addr_t base, phys_addr_t size, int nid,
                       std::uint32_t flags) {
    size = capSize(base, size);
    const phys_addr_t end = base + size;
    if (!size) return 0;

    // An empty array takes the range as its first region, and its total
    // size starts afresh.
    if (type.regions.empty()) {
        type.regions.push_back(MemblockRegion{base, size, flags, nid});
        type.total_size = size;
        if (&type == &memory_) memory_size_drift_ = 0;
        return 0;
    }

    // First pass: how many new regions are needed (one per hole covered,
    // plus the part above the last region)? Grow the array if they do not
    // fit. The kernel skips this pass when 2 * cnt + 1 fits anyway; the
    // outcome is the same.
    std::size_t nr_new = 0;
    {
        phys_addr_t cursor = base;
        for (const MemblockRegion& rgn : type.regions) {
            if (rgn.base >= end) break;
            if (rgn.end() <= cursor) continue;
            if (rgn.base > cursor) ++nr_new;
            cursor = std::min(rgn.end(), end);
        }
        if (cursor < end) ++nr_new;
    }
    if (!nr_new) return 0;
    while (type.cnt() + nr_new > type.max)
        if (doubleArray(type, base, size) < 0) return -ENOMEM;

    // Second pass: fill the holes. Existing regions are left as they are,
    // whatever their nid and flags.
    int start_rgn = -1, end_rgn = 0;
    phys_addr_t cursor = base;
    std::size_t idx = 0;
    for (; idx < type.regions.size(); ++idx) {
        const phys_addr_t rbase = type.regions[idx].base;
        const phys_addr_t rend = type.regions[idx].end();
        if (rbase >= end) break;
        if (rend <= cursor) continue;
        if (rbase > cursor) {
            if (start_rgn == -1) start_rgn = static_cast<int>(idx);
            end_rgn = static_cast<int>(idx) + 1;
            insertRegion(type, idx, cursor, rbase - cursor, nid, flags);
            ++idx; // now the existing region again
        }
        cursor = std::min(rend, end);
    }
    if (cursor < end) {
        if (start_rgn == -1) start_rgn = static_cast<int>(idx);
        end_rgn = static_cast<int>(idx) + 1;
        insertRegion(type, idx, cursor, end - cursor, nid, flags);
    }
    mergeAfterChange(type, start_rgn, end_rgn);
    return 0;
}

int Memblock::isolateRange(MemblockType& type, phys_addr_t base, phys_addr_t size, int& start_rgn,
                           int& end_rgn) {
    size = capSize(base, size);
    const phys_addr_t end = base + size;
    start_rgn = end_rgn = 0;
    if (!size) return 0;

    // At most two splits: make room for both first.
    while (type.cnt() + 2 > type.max)
        if (doubleArray(type, base, size) < 0) return -ENOMEM;

    for (std::size_t idx = 0; idx < type.regions.size(); ++idx) {
        MemblockRegion& rgn = type.regions[idx];
        const phys_addr_t rbase = rgn.base;
        const phys_addr_t rend = rgn.end();
        if (rbase >= end) break;
        if (rend <= base) continue;

        if (rbase < base) {
            // Crosses the lower edge: cut off [rbase, base); the upper part,
            // now at idx + 1, is looked at next.
            rgn.base = base;
            rgn.size -= base - rbase;
            type.total_size -= base - rbase;
            insertRegion(type, idx, rbase, base - rbase, rgn.nid, rgn.flags);
        } else if (rend > end) {
            // Crosses the upper edge: cut off [end, rend) and look at the
            // lower part, now at idx, again.
            rgn.base = end;
            rgn.size -= end - rbase;
            type.total_size -= end - rbase;
            insertRegion(type, idx, rbase, end - rbase, rgn.nid, rgn.flags);
            --idx;
        } else {
            // Inside: part of the window.
            if (!end_rgn) start_rgn = static_cast<int>(idx);
            end_rgn = static_cast<int>(idx) + 1;
        }
    }
    return 0;
}

int Memblock::removeRange(MemblockType& type, phys_addr_t base, phys_addr_t size) {
    int start_rgn = 0, end_rgn = 0;
    if (int ret = isolateRange(type, base, size, start_rgn, end_rgn)) return ret;
    for (int i = end_rgn - 1; i >= start_rgn; --i)
        removeRegion(type, static_cast<std::size_t>(i));
    return 0;
}

int Memblock::doubleArray(MemblockType& type, phys_addr_t new_area_start,
                          phys_addr_t new_area_size) {
    const phys_addr_t old_size = type.max * REGION_BYTES;
    const phys_addr_t new_size = old_size << 1;
    // Whole pages, so that the array can be freed page by page later.
    const phys_addr_t old_alloc_size = pageAlign(old_size);
    const phys_addr_t new_alloc_size = pageAlign(new_size);

    const bool is_reserved = &type == &reserved_;
    phys_addr_t* where =
        &type == &memory_ ? &memory_array_ : (is_reserved ? &reserved_array_ : nullptr);

    // Only a new reserved array has to keep clear of the range that is
    // about to be reserved: look above it first, then below it.
    if (!is_reserved) new_area_start = new_area_size = 0;
    phys_addr_t addr =
        findInRange(new_area_start + new_area_size, current_limit_, new_alloc_size, PAGE_SIZE);
    if (!addr && new_area_size)
        addr = findInRange(0, std::min(new_area_start, current_limit_), new_alloc_size, PAGE_SIZE);
    if (!addr) {
        dbg(strprintf("memblock: Failed to double %s array from %ld to %ld entries !",
                      type.name.c_str(), static_cast<long>(type.max),
                      static_cast<long>(type.max * 2)));
        return -1;
    }

    dbg(strprintf("memblock: %s is doubled to %ld at [%s-%s]", type.name.c_str(),
                  static_cast<long>(type.max * 2), pa(addr).c_str(),
                  pa(addr + new_size - 1).c_str()));

    // Move over first: the array being doubled may be "reserved" itself,
    // which the two calls below edit.
    type.max <<= 1;
    const phys_addr_t old_addr = where ? *where : 0;
    if (where) *where = addr;
    if (old_addr) physFree(old_addr, old_alloc_size); // the static table is never freed
    reserve(addr, new_alloc_size);
    return 0;
}

// ---------------------------------------------------------------------------
// The API

int Memblock::add(phys_addr_t base, phys_addr_t size, const std::string& caller) {
    dbg(rangeLine("memblock_add", base, size, caller));
    return addRange(memory_, base, size, MAX_NUMNODES, MEMBLOCK_NONE);
}

int Memblock::addNode(phys_addr_t base, phys_addr_t size, int nid, std::uint32_t flags,
                      const std::string& caller) {
    dbg(withCaller(strprintf("memblock_add_node: [%s-%s] nid=%d flags=%x", pa(base).c_str(),
                             pa(base + size - 1).c_str(), nid, flags),
                   caller));
    return addRange(memory_, base, size, nid, flags);
}

int Memblock::reserve(phys_addr_t base, phys_addr_t size, const std::string& caller) {
    dbg(rangeLine("memblock_reserve", base, size, caller));
    return addRange(reserved_, base, size, MAX_NUMNODES, MEMBLOCK_NONE);
}

int Memblock::remove(phys_addr_t base, phys_addr_t size, const std::string& caller) {
    dbg(rangeLine("memblock_remove", base, size, caller));
    return removeRange(memory_, base, size);
}

int Memblock::physFree(phys_addr_t base, phys_addr_t size, const std::string& caller) {
    dbg(rangeLine("memblock_phys_free", base, size, caller));
    return removeRange(reserved_, base, size);
}

int Memblock::setClearFlag(MemblockType& type, phys_addr_t base, phys_addr_t size, bool set,
                           std::uint32_t flag) {
    int start_rgn = 0, end_rgn = 0;
    if (int ret = isolateRange(type, base, size, start_rgn, end_rgn)) return ret;
    for (int i = start_rgn; i < end_rgn; ++i) {
        std::uint32_t& f = type.regions[static_cast<std::size_t>(i)].flags;
        f = set ? (f | flag) : (f & ~flag);
    }
    mergeAfterChange(type, start_rgn, end_rgn);
    return 0;
}

int Memblock::markHotplug(phys_addr_t base, phys_addr_t size) {
    return setClearFlag(memory_, base, size, true, MEMBLOCK_HOTPLUG);
}

int Memblock::clearHotplug(phys_addr_t base, phys_addr_t size) {
    return setClearFlag(memory_, base, size, false, MEMBLOCK_HOTPLUG);
}

int Memblock::markMirror(phys_addr_t base, phys_addr_t size) {
    has_mirror_ = true;
    return setClearFlag(memory_, base, size, true, MEMBLOCK_MIRROR);
}

int Memblock::markNomap(phys_addr_t base, phys_addr_t size) {
    return setClearFlag(memory_, base, size, true, MEMBLOCK_NOMAP);
}

int Memblock::clearNomap(phys_addr_t base, phys_addr_t size) {
    return setClearFlag(memory_, base, size, false, MEMBLOCK_NOMAP);
}

int Memblock::setNode(phys_addr_t base, phys_addr_t size, MemblockType& type, int nid) {
    int start_rgn = 0, end_rgn = 0;
    if (int ret = isolateRange(type, base, size, start_rgn, end_rgn)) return ret;
    for (int i = start_rgn; i < end_rgn; ++i)
        type.regions[static_cast<std::size_t>(i)].nid = nid;
    mergeAfterChange(type, start_rgn, end_rgn);
    return 0;
}

void Memblock::trimMemory(phys_addr_t align) {
    // Shrink every memory region to whole multiples of align; drop what
    // does not keep anything. No merging, and total_size is not touched
    // (only a dropped region is subtracted), as in the kernel.
    for (std::size_t i = 0; i < memory_.regions.size(); ++i) {
        MemblockRegion& r = memory_.regions[i];
        const phys_addr_t orig_start = r.base;
        const phys_addr_t orig_end = r.end();
        const phys_addr_t start = roundUp(orig_start, align);
        const phys_addr_t end = roundDown(orig_end, align);
        if (start == orig_start && end == orig_end) continue;
        if (start < end) {
            memory_size_drift_ += r.size - (end - start);
            r.base = start;
            r.size = end - start;
        } else {
            removeRegion(memory_, i);
            --i; // look at the region that moved into slot i
        }
    }
}

// ---------------------------------------------------------------------------
// Free ranges and allocation

bool Memblock::shouldSkipRegion(const MemblockRegion& m, int nid, std::uint32_t flags) const {
    if (profile_.memblockNidSelectsNode(nid) && nid != m.nid) return true;
    if (movable_node_ && (m.flags & MEMBLOCK_HOTPLUG) && !(flags & MEMBLOCK_HOTPLUG)) return true;
    if ((flags & MEMBLOCK_MIRROR) && !(m.flags & MEMBLOCK_MIRROR)) return true;
    if (!(flags & MEMBLOCK_NOMAP) && (m.flags & MEMBLOCK_NOMAP)) return true;
    if (!(flags & MEMBLOCK_DRIVER_MANAGED) && (m.flags & MEMBLOCK_DRIVER_MANAGED)) return true;
    return false;
}

void Memblock::walkFree(int nid, std::uint32_t flags, bool reverse,
                        const std::function<bool(phys_addr_t, phys_addr_t, int)>& fn) const {
    const auto& mem = memory_.regions;
    const auto& res = reserved_.regions;
    const std::size_t nres = res.size();
    // Gap b lies between reserved region b - 1 and reserved region b: gap 0
    // starts at 0, gap nres ends at PHYS_ADDR_MAX.
    auto gapStart = [&](std::size_t b) -> phys_addr_t { return b ? res[b - 1].end() : 0; };
    auto gapEnd = [&](std::size_t b) -> phys_addr_t {
        return b < nres ? res[b].base : PHYS_ADDR_MAX;
    };

    if (!reverse) {
        std::size_t b = 0;
        for (const MemblockRegion& m : mem) {
            if (shouldSkipRegion(m, nid, flags)) continue;
            const phys_addr_t m_start = m.base, m_end = m.end();
            while (b < nres + 1) {
                const phys_addr_t r_start = gapStart(b), r_end = gapEnd(b);
                if (r_start >= m_end) break; // the gaps are past this region
                if (m_start < r_end) {
                    if (fn(std::max(m_start, r_start), std::min(m_end, r_end), m.nid)) return;
                    // Step whichever of the two ends first.
                    if (m_end <= r_end) break;
                }
                ++b;
            }
        }
        return;
    }

    std::size_t b = nres + 1; // one above the gap index, to count down safely
    for (std::size_t a = mem.size(); a-- > 0;) {
        const MemblockRegion& m = mem[a];
        if (shouldSkipRegion(m, nid, flags)) continue;
        const phys_addr_t m_start = m.base, m_end = m.end();
        while (b > 0) {
            const phys_addr_t r_start = gapStart(b - 1), r_end = gapEnd(b - 1);
            if (r_end <= m_start) break; // the gaps are below this region
            if (m_end > r_start) {
                if (fn(std::max(m_start, r_start), std::min(m_end, r_end), m.nid)) return;
                if (m_start >= r_start) break;
            }
            --b;
        }
    }
}

std::vector<MemblockFreeRange> Memblock::freeRanges(int nid, std::uint32_t flags,
                                                    bool reverse) const {
    std::vector<MemblockFreeRange> out;
    walkFree(nid, flags, reverse, [&](phys_addr_t s, phys_addr_t e, int n) {
        // Two touching reserved regions (different nid or flags) leave an
        // empty gap the kernel's iterator yields as an empty range; drop it.
        if (s < e) out.push_back(MemblockFreeRange{s, e, n});
        return false;
    });
    return out;
}

phys_addr_t Memblock::findInRangeNode(phys_addr_t size, phys_addr_t align, phys_addr_t start,
                                      phys_addr_t end, int nid, std::uint32_t flags) const {
    if (end == MEMBLOCK_ALLOC_ACCESSIBLE || end == MEMBLOCK_ALLOC_NOLEAKTRACE) end = current_limit_;
    // Never hand out page 0.
    start = std::max(start, phys_addr_t{PAGE_SIZE});
    end = std::max(start, end);

    phys_addr_t found = 0;
    if (bottom_up_) {
        walkFree(nid, flags, false, [&](phys_addr_t s, phys_addr_t e, int) {
            s = clampTo(s, start, end);
            e = clampTo(e, start, end);
            const phys_addr_t cand = roundUp(s, align);
            if (cand < e && e - cand >= size) {
                found = cand;
                return true;
            }
            return false;
        });
    } else {
        walkFree(nid, flags, true, [&](phys_addr_t s, phys_addr_t e, int) {
            s = clampTo(s, start, end);
            e = clampTo(e, start, end);
            if (e < size) return false;
            const phys_addr_t cand = roundDown(e - size, align);
            if (cand >= s) {
                found = cand;
                return true;
            }
            return false;
        });
    }
    return found;
}

phys_addr_t Memblock::findInRange(phys_addr_t start, phys_addr_t end, phys_addr_t size,
                                  phys_addr_t align) {
    std::uint32_t flags = chooseFlags();
    for (;;) {
        const phys_addr_t ret = findInRangeNode(size, align, start, end, NUMA_NO_NODE, flags);
        if (ret || !(flags & MEMBLOCK_MIRROR)) return ret;
        dbg(strprintf("Could not allocate %s bytes of mirrored memory", pa(size).c_str()));
        flags &= ~MEMBLOCK_MIRROR;
    }
}

phys_addr_t Memblock::allocRangeNid(phys_addr_t size, phys_addr_t align, phys_addr_t start,
                                    phys_addr_t end, int nid, bool exact_nid) {
    std::uint32_t flags = chooseFlags();
    // The kernel dumps the stack here and carries on with a cache line.
    if (!align) align = SMP_CACHE_BYTES;
    const std::string caller = profile_.allocRangeNidCaller();

    for (;;) {
        phys_addr_t found = findInRangeNode(size, align, start, end, nid, flags);
        if (found && !reserve(found, size, caller)) return found;

        if (profile_.memblockNidSelectsNode(nid) && !exact_nid) {
            found = findInRangeNode(size, align, start, end, NUMA_NO_NODE, flags);
            if (found && !reserve(found, size, profile_.allocRangeNidFallbackCaller()))
                return found;
        }

        if (!(flags & MEMBLOCK_MIRROR)) return 0;
        flags &= ~MEMBLOCK_MIRROR;
        dbg(strprintf("Could not allocate %s bytes of mirrored memory", pa(size).c_str()));
    }
}

phys_addr_t Memblock::allocInternal(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
                                    phys_addr_t max_addr, int nid, bool exact_nid) {
    if (max_addr > current_limit_) max_addr = current_limit_;
    phys_addr_t alloc = allocRangeNid(size, align, min_addr, max_addr, nid, exact_nid);
    // The lower limit is only a wish: drop it if nothing fits above it.
    if (!alloc && min_addr) alloc = allocRangeNid(size, align, 0, max_addr, nid, exact_nid);
    return alloc;
}

phys_addr_t Memblock::physAllocRange(phys_addr_t size, phys_addr_t align, phys_addr_t start,
                                     phys_addr_t end, const std::string& caller) {
    dbg(withCaller(strprintf("memblock_phys_alloc_range: %llu bytes align=0x%llx from=%s "
                             "max_addr=%s",
                             static_cast<unsigned long long>(size),
                             static_cast<unsigned long long>(align), pa(start).c_str(),
                             pa(end).c_str()),
                   caller));
    return allocRangeNid(size, align, start, end, NUMA_NO_NODE, false);
}

phys_addr_t Memblock::physAllocTryNid(phys_addr_t size, phys_addr_t align, int nid) {
    return allocRangeNid(size, align, 0, MEMBLOCK_ALLOC_ACCESSIBLE, nid, false);
}

phys_addr_t Memblock::allocTryNid(const std::string& fn, phys_addr_t size, phys_addr_t align,
                                  phys_addr_t min_addr, phys_addr_t max_addr, int nid,
                                  bool exact_nid, const std::string& caller) {
    dbg(withCaller(strprintf("%s: %llu bytes align=0x%llx nid=%d from=%s max_addr=%s", fn.c_str(),
                             static_cast<unsigned long long>(size),
                             static_cast<unsigned long long>(align), nid, pa(min_addr).c_str(),
                             pa(max_addr).c_str()),
                   caller));
    return allocInternal(size, align, min_addr, max_addr, nid, exact_nid);
}

// ---------------------------------------------------------------------------
// Queries

phys_addr_t Memblock::startOfDRAM() const {
    return memory_.regions.empty() ? 0 : memory_.regions.front().base;
}

phys_addr_t Memblock::endOfDRAM() const {
    return memory_.regions.empty() ? 0 : memory_.regions.back().end();
}

bool Memblock::isReserved(phys_addr_t addr) const {
    const auto& r = reserved_.regions;
    // Binary search like memblock_search(): the first region ending above addr.
    auto it = std::upper_bound(r.begin(), r.end(), addr,
                               [](phys_addr_t a, const MemblockRegion& g) { return a < g.end(); });
    return it != r.end() && it->base <= addr;
}

bool Memblock::overlapsRegion(const MemblockType& type, phys_addr_t base, phys_addr_t size) const {
    size = capSize(base, size);
    for (const MemblockRegion& r : type.regions)
        if (base < r.base + r.size && r.base < base + size) return true;
    return false;
}

std::uint32_t Memblock::chooseFlags() const {
    return has_mirror_ ? MEMBLOCK_MIRROR : MEMBLOCK_NONE;
}

std::string Memblock::dump() const {
    std::string out = "MEMBLOCK configuration:\n";
    out += strprintf(" memory size = %s reserved size = %s", pa(memory_.total_size).c_str(),
                     pa(reserved_.total_size).c_str());
    for (const MemblockType* type : {&memory_, &reserved_}) {
        out += strprintf("\n %s.cnt  = 0x%lx", type->name.c_str(),
                         static_cast<unsigned long>(type->cnt()));
        std::vector<MemblockRegion> shown = type->regions;
        // 6.1's dummy region is printed like any other (its end wraps).
        if (shown.empty() && type->cnt() == 1)
            shown.push_back(MemblockRegion{0, 0, 0, type->dummy_nid});
        for (std::size_t idx = 0; idx < shown.size(); ++idx) {
            const MemblockRegion& r = shown[idx];
            const std::string node =
                profile_.dumpNodeForNid(r.nid) ? strprintf(" on node %d", r.nid) : std::string();
            // The kernel's %#x prints 0 as "0x0", unlike printf's.
            out += strprintf("\n %s[0x%x]\t[%s-%s], %s bytes%s flags: 0x%x", type->name.c_str(),
                             static_cast<unsigned>(idx), pa(r.base).c_str(),
                             pa(r.base + r.size - 1).c_str(), pa(r.size).c_str(), node.c_str(),
                             r.flags);
        }
    }
    return out;
}

std::string Memblock::checkInvariants() const {
    std::string err;
    auto check = [&](const MemblockType& t, phys_addr_t drift) {
        const auto& r = t.regions;
        if (t.cnt() > t.max)
            err += strprintf("%s: cnt %zu > max %zu\n", t.name.c_str(), t.cnt(), t.max);
        phys_addr_t sum = 0;
        for (std::size_t i = 0; i < r.size(); ++i) {
            sum += r[i].size;
            if (r[i].size == 0) err += strprintf("%s[%zu]: size 0\n", t.name.c_str(), i);
            if (r[i].size > PHYS_ADDR_MAX - r[i].base)
                err += strprintf("%s[%zu]: end past PHYS_ADDR_MAX\n", t.name.c_str(), i);
            if (i + 1 == r.size()) continue;
            const MemblockRegion& a = r[i];
            const MemblockRegion& b = r[i + 1];
            if (a.base >= b.base)
                err += strprintf("%s[%zu]: not sorted\n", t.name.c_str(), i);
            else if (a.end() > b.base)
                err += strprintf("%s[%zu]: overlaps the next\n", t.name.c_str(), i);
            else if (a.end() == b.base && a.nid == b.nid && a.flags == b.flags)
                err += strprintf("%s[%zu]: not merged with the next\n", t.name.c_str(), i);
        }
        if (t.total_size != sum + drift)
            err += strprintf("%s: total_size %s != %s\n", t.name.c_str(), pa(t.total_size).c_str(),
                             pa(sum + drift).c_str());
    };
    check(memory_, memory_size_drift_);
    check(reserved_, 0);
    if (!err.empty()) err.pop_back();
    return err;
}

} // namespace mmsim
