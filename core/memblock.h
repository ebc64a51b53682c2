// memblock: the boot-time physical memory allocator (mm/memblock.c).
//
// Two sorted arrays of regions describe physical memory before the page
// allocator exists: "memory" (RAM that exists) and "reserved" (RAM in use).
// Adding a range fills only the holes among existing regions and then merges
// neighbours with the same nid and flags; removing a range first isolates it
// (splitting regions at its edges) and deletes what lies inside. Allocation
// searches the free ranges (memory minus reserved) top-down by default and
// reserves what it finds. See the essay at the top of memblock.cpp.
#pragma once

#include "core/types.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mmsim {

enum MemblockFlags : std::uint32_t {
    MEMBLOCK_NONE = 0x0,
    MEMBLOCK_HOTPLUG = 0x1,
    MEMBLOCK_MIRROR = 0x2,
    MEMBLOCK_NOMAP = 0x4,
    MEMBLOCK_DRIVER_MANAGED = 0x8,
    MEMBLOCK_RSRV_NOINIT = 0x10,
};

// Special 'end' values of the allocation API.
constexpr phys_addr_t MEMBLOCK_ALLOC_ANYWHERE = ~phys_addr_t{0};
constexpr phys_addr_t MEMBLOCK_ALLOC_ACCESSIBLE = 0;
constexpr phys_addr_t MEMBLOCK_ALLOC_NOLEAKTRACE = 1;
constexpr int INIT_MEMBLOCK_REGIONS = 128;

struct MemblockRegion {
    phys_addr_t base = 0;
    phys_addr_t size = 0;
    std::uint32_t flags = 0;
    int nid = 0;
    phys_addr_t end() const { return base + size; }
    bool operator==(const MemblockRegion&) const = default;
};

struct MemblockType {
    std::string name; // "memory" or "reserved"
    std::vector<MemblockRegion> regions; // sorted, disjoint; empty vector = empty type
    std::size_t max = INIT_MEMBLOCK_REGIONS; // capacity, doubled on demand
    // Sum of the region sizes as the kernel keeps it. memblock_trim_memory()
    // shrinks regions without updating it, so after a trim of unaligned
    // memory it stays above the sum (the kernel's dump shows this too).
    phys_addr_t total_size = 0;
    // The kernel's cnt of an empty type: 6.1 keeps one zero dummy region and
    // reports 1, 6.12 reports 0. Set by Memblock from its profile.
    std::size_t empty_cnt = 0;
    // nid of 6.1's dummy region (0 at boot, MAX_NUMNODES once emptied): the
    // 6.1 dump prints it.
    int dummy_nid = 0;
    // The kernel's cnt.
    std::size_t cnt() const { return regions.empty() ? empty_cnt : regions.size(); }
};

// A free range as the iterators yield it: [start, end) on node nid.
struct MemblockFreeRange {
    phys_addr_t start = 0;
    phys_addr_t end = 0;
    int nid = 0;
};

class Memblock {
public:
    // Receives every line memblock=debug would print (without "\n"), and
    // memblock's own warnings ("Could not allocate ... of mirrored memory",
    // "memblock: Failed to double ..."). The array doubling's own
    // memblock_reserve/memblock_phys_free lines carry no caller (Debian's
    // offsets in memblock_double_array are not known).
    // Not printed: the stack dumps for align 0 and for nid MAX_NUMNODES (6.1).
    using DebugSink = std::function<void(const std::string&)>;

    explicit Memblock(KernelProfile profile = {});

    void setDebugSink(DebugSink sink) { debug_ = std::move(sink); }
    const DebugSink& debugSink() const { return debug_; }
    const KernelProfile& profile() const { return profile_; }

    MemblockType& memory() { return memory_; }
    MemblockType& reserved() { return reserved_; }
    const MemblockType& memory() const { return memory_; }
    const MemblockType& reserved() const { return reserved_; }

    // Low-level array operations (return 0 or a negative errno like the kernel).
    int addRange(MemblockType& type, phys_addr_t base, phys_addr_t size, int nid,
                 std::uint32_t flags);
    int removeRange(MemblockType& type, phys_addr_t base, phys_addr_t size);
    int isolateRange(MemblockType& type, phys_addr_t base, phys_addr_t size, int& start_rgn,
                     int& end_rgn);
    void mergeRegions(MemblockType& type, int start_rgn, int end_rgn);

    // The kernel API. 'caller' is what %pS prints at the end of the debug
    // line (may be empty: then the line ends after the range).
    int add(phys_addr_t base, phys_addr_t size, const std::string& caller = {});
    int addNode(phys_addr_t base, phys_addr_t size, int nid, std::uint32_t flags,
                const std::string& caller = {});
    int reserve(phys_addr_t base, phys_addr_t size, const std::string& caller = {});
    int remove(phys_addr_t base, phys_addr_t size, const std::string& caller = {});
    int physFree(phys_addr_t base, phys_addr_t size, const std::string& caller = {});
    int markHotplug(phys_addr_t base, phys_addr_t size);
    int clearHotplug(phys_addr_t base, phys_addr_t size);
    // The kernel acts only with kernelcore=mirror; the caller checks that.
    int markMirror(phys_addr_t base, phys_addr_t size);
    int markNomap(phys_addr_t base, phys_addr_t size);
    int clearNomap(phys_addr_t base, phys_addr_t size);
    int setNode(phys_addr_t base, phys_addr_t size, MemblockType& type, int nid);
    void trimMemory(phys_addr_t align);
    void setBottomUp(bool enable) { bottom_up_ = enable; }
    bool bottomUp() const { return bottom_up_; }
    void setCurrentLimit(phys_addr_t limit) { current_limit_ = limit; }
    phys_addr_t currentLimit() const { return current_limit_; }
    void setMovableNode(bool on) { movable_node_ = on; }

    // Allocation. Return the physical address, or 0 on failure.
    phys_addr_t findInRangeNode(phys_addr_t size, phys_addr_t align, phys_addr_t start,
                                phys_addr_t end, int nid, std::uint32_t flags) const;
    phys_addr_t allocRangeNid(phys_addr_t size, phys_addr_t align, phys_addr_t start,
                              phys_addr_t end, int nid, bool exact_nid);
    // memblock_alloc_internal(): max clipped to current_limit, retry with
    // min = 0 when min != 0 fails.
    phys_addr_t allocInternal(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
                              phys_addr_t max_addr, int nid, bool exact_nid);

    // The debug-printing front ends, one per kernel function, printing the
    // kernel's line (e.g. "memblock_alloc_try_nid: 32768 bytes align=0x40
    // nid=-1 from=0x0000000000000000 max_addr=0x0000000000000000 CALLER")
    // before allocating. 'fn' is the function name printed.
    phys_addr_t physAllocRange(phys_addr_t size, phys_addr_t align, phys_addr_t start,
                               phys_addr_t end, const std::string& caller = {});
    phys_addr_t physAllocTryNid(phys_addr_t size, phys_addr_t align, int nid);
    phys_addr_t allocTryNid(const std::string& fn, phys_addr_t size, phys_addr_t align,
                            phys_addr_t min_addr, phys_addr_t max_addr, int nid, bool exact_nid,
                            const std::string& caller = {});

    // Free ranges (memory minus reserved), ascending or descending, with the
    // kernel's region skipping (nid, HOTPLUG with movable_node, MIRROR, NOMAP,
    // DRIVER_MANAGED). nid NUMA_NO_NODE = any node.
    std::vector<MemblockFreeRange> freeRanges(int nid, std::uint32_t flags,
                                              bool reverse = false) const;

    phys_addr_t startOfDRAM() const;
    phys_addr_t endOfDRAM() const;
    phys_addr_t physMemSize() const { return memory_.total_size; }
    phys_addr_t reservedSize() const { return reserved_.total_size; }
    bool isReserved(phys_addr_t addr) const;
    bool overlapsRegion(const MemblockType& type, phys_addr_t base, phys_addr_t size) const;
    // choose_memblock_flags(): MIRROR once markMirror() has been called (the
    // kernel's sticky system_has_some_mirror), else NONE.
    std::uint32_t chooseFlags() const;

    // "MEMBLOCK configuration:" and the lines after it, as __memblock_dump_all
    // prints them (no trailing newline on the last line; lines joined by "\n").
    std::string dump() const;

    // Consistency checks (sorted, disjoint, merged neighbours, sizes add up,
    // cnt <= max). Returns an empty string when all hold, else what is wrong.
    std::string checkInvariants() const;

private:
    void dbg(const std::string& line) const {
        if (debug_) debug_(line);
    }
    int doubleArray(MemblockType& type, phys_addr_t new_area_start, phys_addr_t new_area_size);
    // memblock_find_in_range(): any node, mirrored memory first if any.
    phys_addr_t findInRange(phys_addr_t start, phys_addr_t end, phys_addr_t size,
                            phys_addr_t align);
    int setClearFlag(MemblockType& type, phys_addr_t base, phys_addr_t size, bool set,
                     std::uint32_t flag);
    // Merge after a change to [start_rgn, end_rgn): the window in 6.12, the
    // whole array in 6.1.
    void mergeAfterChange(MemblockType& type, int start_rgn, int end_rgn);
    bool shouldSkipRegion(const MemblockRegion& m, int nid, std::uint32_t flags) const;
    // The kernel's free-range iterators (for_each_free_mem_range[_reverse]):
    // calls fn(start, end, nid) until it returns true.
    void walkFree(int nid, std::uint32_t flags, bool reverse,
                  const std::function<bool(phys_addr_t, phys_addr_t, int)>& fn) const;

    KernelProfile profile_;
    MemblockType memory_;
    MemblockType reserved_;
    bool bottom_up_ = false;
    bool movable_node_ = false;
    phys_addr_t current_limit_ = MEMBLOCK_ALLOC_ANYWHERE;
    bool has_mirror_ = false; // system_has_some_mirror
    // Where the region arrays live once doubled (0: the static initial ones).
    phys_addr_t memory_array_ = 0;
    phys_addr_t reserved_array_ = 0;
    // memory_.total_size minus the sum of its regions (left by trimMemory).
    phys_addr_t memory_size_drift_ = 0;
    DebugSink debug_;
};

} // namespace mmsim
