// Basic vocabulary shared by every part of the model: physical addresses,
// page frame numbers, the kernel constants of x86_64 and the kernel profile
// (which LTS kernel the simulation reproduces).
#pragma once

#include <cstdint>
#include <string>

namespace mmsim {

using phys_addr_t = std::uint64_t;
using pfn_t = std::uint64_t;

constexpr phys_addr_t PHYS_ADDR_MAX = ~phys_addr_t{0};
constexpr int PAGE_SHIFT = 12;
constexpr std::uint64_t PAGE_SIZE = 1ull << PAGE_SHIFT;
constexpr int MAX_PAGE_ORDER = 10;
constexpr int NR_PAGE_ORDERS = MAX_PAGE_ORDER + 1;
constexpr std::uint64_t MAX_ORDER_NR_PAGES = 1ull << MAX_PAGE_ORDER;
constexpr int PAGEBLOCK_ORDER = 9;
constexpr std::uint64_t PAGEBLOCK_NR_PAGES = 1ull << PAGEBLOCK_ORDER;
constexpr int SECTION_SIZE_BITS = 27; // 128 MiB sparsemem sections on x86_64
constexpr std::uint64_t PAGES_PER_SECTION = 1ull << (SECTION_SIZE_BITS - PAGE_SHIFT);
constexpr int MAX_NUMNODES = 1024; // Debian: CONFIG_NODES_SHIFT=10
constexpr int NUMA_NO_NODE = -1;
constexpr std::uint64_t SMP_CACHE_BYTES = 64;
constexpr std::uint64_t STRUCT_PAGE_SIZE = 64; // sizeof(struct page)

constexpr pfn_t PFN_DOWN(phys_addr_t a) { return a >> PAGE_SHIFT; }
constexpr pfn_t PFN_UP(phys_addr_t a) { return (a + PAGE_SIZE - 1) >> PAGE_SHIFT; }
constexpr phys_addr_t PFN_PHYS(pfn_t p) { return p << PAGE_SHIFT; }

// Which LTS kernel the simulation reproduces. Every behavioural difference
// between the two is asked of this object by name, so that the differences
// live in one place instead of in forks of the algorithms.
enum class KernelVersion { V6_1, V6_12 };

struct KernelProfile {
    KernelVersion version = KernelVersion::V6_12;
    // CONFIG_CMA ("kernel": {"cma": true}): Debian's amd64 builds of both
    // kernels leave it off, so it is off unless a scenario asks. It adds the
    // MIGRATE_CMA type (numbered 4, ISOLATE becomes 5) and the cma= option.
    bool cma = false;

    bool is61() const { return version == KernelVersion::V6_1; }
    std::string name() const { return is61() ? "6.1" : "6.12"; }
    // The full release the captures were made with.
    std::string release() const { return is61() ? "6.1.192" : "6.12.117"; }

    // memblock: before 6.3 a merge walks the whole array, since then only
    // the window touched by the insertion (the result is the same for a
    // sorted, merged array; kept for the record and for tests).
    bool memblockMergeWholeArray() const { return is61(); }
    // memblock_dump: 6.12 prints " on node N" for valid node ids, 6.1 for
    // every nid except MAX_NUMNODES.
    bool dumpNodeForNid(int nid) const {
        return is61() ? nid != MAX_NUMNODES : (nid >= 0 && nid < MAX_NUMNODES);
    }
    // memblock: an empty region array keeps one zero dummy region and
    // reports cnt 1 in 6.1; 6.12 reports cnt 0 (and dumps no region).
    bool memblockEmptyKeepsDummy() const { return is61(); }
    // memblock: whether a nid given to the free-range walk or to an
    // allocation picks one node (else: any node). 6.12 asks
    // numa_valid_node(); 6.1 takes anything but NUMA_NO_NODE, after turning
    // MAX_NUMNODES into NUMA_NO_NODE with a warning.
    bool memblockNidSelectsNode(int nid) const {
        return is61() ? (nid != NUMA_NO_NODE && nid != MAX_NUMNODES)
                      : (nid >= 0 && nid < MAX_NUMNODES);
    }
    // The return address memblock_reserve() prints when called from
    // memblock_alloc_range_nid() in Debian's build of each kernel.
    std::string allocRangeNidCaller() const {
        return is61() ? "memblock_alloc_range_nid+0xb0/0x13d"
                      : "memblock_alloc_range_nid+0xbd/0x180";
    }
    // The same for its second memblock_reserve() call, the any-node retry
    // after the requested node had no room (seen in the 6.12 4-node
    // capture). No 6.1 capture shows it yet: 6.1 reuses the first one.
    std::string allocRangeNidFallbackCaller() const {
        return is61() ? allocRangeNidCaller() : "memblock_alloc_range_nid+0x101/0x180";
    }

    // ---- buddy allocator (page_alloc*.cpp) ----
    // Migratetype fallback: 6.12.117 (Debian backport of 6.15's rework)
    // claims a whole block first, then steals a single block
    // (__rmqueue_claim / __rmqueue_steal); 6.1 has __rmqueue_fallback +
    // steal_suitable_fallback.
    bool claimThenSteal() const { return !is61(); }
    // free_one_page() splits a block above pageblock order into pageblocks,
    // each freed with its own type (split_large_buddy, 6.10+).
    bool freeSplitsLargeBuddy() const { return !is61(); }
    // __free_one_page() re-types the buddy's pageblocks when it merges
    // blocks of two (mergeable) types at pageblock order and above (6.10+).
    bool mergeRetypesBuddy() const { return !is61(); }
    // The watermark test hides free HIGHATOMIC pages (nr_free_highatomic,
    // 6.10+) rather than every reserved HIGHATOMIC page (nr_reserved_highatomic).
    bool watermarkHidesFreeHighatomic() const { return !is61(); }
    // get_page_from_freelist() tests the high mark first (ZONE_BELOW_HIGH, 6.7+).
    bool testsHighWatermarkFirst() const { return !is61(); }
    // reserve_highatomic_pageblock(): 6.12 reserves nothing when 1% of the
    // zone is below a pageblock and caps at ALIGN(1%, pageblock); 6.1 caps
    // at 1% + one pageblock.
    bool highatomicLimitAligned() const { return !is61(); }
};

} // namespace mmsim
