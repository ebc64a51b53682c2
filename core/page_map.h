// The page map: what every pageblock of a zone holds, as plain values the
// views can draw without touching the allocator.
//
// The buddy allocator keeps three kinds of pages in a zone: free pages on
// the free_area lists (a block per list entry, named by its first pfn and
// its order), pages sitting on a CPU's per-CPU lists (neither free for
// nr_free nor allocated), and allocated blocks. Every pageblock of 512 pages
// carries one migratetype. A pageblock is "mixed" when it holds allocated
// pages of a mobility type other than its own: the fragmentation the
// fallback and steal logic tries to keep rare.
//
// This file is the only place outside page_*.cpp that reads how allocated
// blocks and per-CPU pages are stored (allocatedBlocks(), pcpBlocks()), so
// a change to that storage is fixed here once. Building a zone's map costs
// one pass over its pageblocks and one over its blocks; a 64 GiB machine
// (32k pageblocks) takes milliseconds. For drawing, summarize() folds runs
// of 2^k pageblocks into one cell (level of detail).
#pragma once

#include "core/free_area.h"
#include "core/types.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace mmsim {

struct Zone;
struct MmModel;

// One block of pages: a free block (mt = its list), an allocated block (mt =
// the migratetype of the request) or a page on a per-CPU list (mt = its
// list's type, cpu set).
struct PageBlockRef {
    pfn_t pfn = 0;
    std::uint8_t order = 0;
    std::uint8_t mt = 0;
    std::int16_t cpu = -1;
};

// The zone's blocks, read from the allocator's storage (sorted by pfn).
std::vector<PageBlockRef> freeBlocks(const Zone& z);
std::vector<PageBlockRef> allocatedBlocks(const Zone& z);
std::vector<PageBlockRef> pcpBlocks(const Zone& z);

struct PageblockInfo {
    pfn_t start_pfn = 0;
    std::uint16_t pages = 0;                          // pages of the block inside the zone span
    std::uint8_t mt = 0;                              // the pageblock's migratetype
    bool present = false;                             // has a memory map (a present section)
    std::uint16_t free = 0;                           // pages free on the buddy lists
    std::uint16_t pcp = 0;                            // pages on per-CPU lists
    std::array<std::uint16_t, MIGRATE_TYPES> alloc{}; // allocated pages by request migratetype
    bool mixed = false;

    std::uint32_t allocated() const {
        std::uint32_t n = 0;
        for (auto a : alloc)
            n += a;
        return n;
    }
};

// Counts over a set of pageblocks (a zone, a node, the machine, a cell).
struct PageMapTotals {
    std::uint64_t pageblocks = 0;
    std::array<std::uint64_t, MIGRATE_TYPES> pageblocks_by_mt{};
    std::uint64_t pages = 0;
    std::uint64_t free = 0;
    std::uint64_t pcp = 0;
    std::array<std::uint64_t, MIGRATE_TYPES> alloc{};
    std::uint64_t mixed = 0;

    std::uint64_t allocated() const {
        std::uint64_t n = 0;
        for (auto a : alloc)
            n += a;
        return n;
    }
    void add(const PageblockInfo& b);
    void add(const PageMapTotals& t);
};

struct ZonePageMap {
    int nid = 0;
    int zone = 0; // ZoneType
    std::string name;
    pfn_t start_pfn = 0, end_pfn = 0;  // zone span
    std::vector<PageblockInfo> blocks; // ascending pfn, from the first aligned pageblock
    std::vector<PageBlockRef> free_blocks;
    std::vector<PageBlockRef> allocated;
    std::vector<PageBlockRef> pcp;
    // nr_free per order and free blocks per (order, list), as free_area counts them.
    std::array<std::uint64_t, NR_PAGE_ORDERS> nr_free{};
    std::array<std::array<std::uint64_t, MIGRATE_TYPES>, NR_PAGE_ORDERS> nr_free_mt{};
    PageMapTotals totals;

    // The block holding pfn: its kind and record; false when pfn is none of them.
    enum class State { Free, Allocated, Pcp, Unavailable };
    State stateOf(pfn_t pfn, PageBlockRef* block) const;
    // The pageblock holding pfn, or nullptr.
    const PageblockInfo* pageblockOf(pfn_t pfn) const;
};

struct NodePageMap {
    int nid = 0;
    std::vector<ZonePageMap> zones; // populated zones, ascending pfn
    PageMapTotals totals;
};

struct MachinePageMap {
    std::vector<NodePageMap> nodes;
    PageMapTotals totals;
    const ZonePageMap* zoneOf(pfn_t pfn) const;
};

ZonePageMap buildZonePageMap(const Zone& z);
MachinePageMap buildPageMap(const MmModel& mm);

// Level of detail: one cell per 2^level consecutive pageblocks of a list of
// pageblocks. A cell's dominant type is the most common pageblock type
// (ties: the lower type); mixed when any of its pageblocks is.
struct PageMapCell {
    pfn_t start_pfn = 0;
    std::uint32_t nr_blocks = 0;
    std::uint8_t dominant_mt = 0;
    PageMapTotals totals;
};
std::vector<PageMapCell> summarize(const std::vector<PageblockInfo>& blocks, int level);
// The smallest level whose cell count is at most max_cells.
int levelFor(std::size_t nr_blocks, std::size_t max_cells);
// Every pageblock of a node (or of the machine with nid < 0), in pfn order.
std::vector<PageblockInfo> pageblocksOf(const MachinePageMap& m, int nid);

const char* pageStateName(ZonePageMap::State s);

} // namespace mmsim
