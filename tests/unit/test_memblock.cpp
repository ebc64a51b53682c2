// Tests of the memblock model (core/memblock.*), in the spirit of the
// kernel's own tools/testing/memblock suite, plus byte-for-byte replays of
// the memblock=debug output of real 6.12 and 6.1 boots.
#include "core/memblock.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace mmsim;

namespace {

constexpr phys_addr_t SZ_16 = 0x10;
constexpr phys_addr_t SZ_64 = 0x40;
constexpr phys_addr_t SZ_4K = 0x1000;
constexpr phys_addr_t SZ_8K = 0x2000;
constexpr phys_addr_t SZ_32K = 0x8000;
constexpr phys_addr_t SZ_64K = 0x10000;
constexpr phys_addr_t SZ_128K = 0x20000;
constexpr phys_addr_t SZ_1M = 0x100000;
constexpr phys_addr_t SZ_2M = 0x200000;
constexpr phys_addr_t SZ_4M = 0x400000;

KernelProfile k612() {
    return KernelProfile{};
}
KernelProfile k61() {
    KernelProfile p;
    p.version = KernelVersion::V6_1;
    return p;
}

// Collects what the model prints.
struct Lines {
    std::vector<std::string> v;
    void attach(Memblock& mb) {
        mb.setDebugSink([this](const std::string& s) { v.push_back(s); });
    }
    bool has(const std::string& s) const { return std::find(v.begin(), v.end(), s) != v.end(); }
};

std::vector<std::string> splitLines(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

MemblockRegion rgn(phys_addr_t base, phys_addr_t size, int nid = MAX_NUMNODES,
                   std::uint32_t flags = MEMBLOCK_NONE) {
    return MemblockRegion{base, size, flags, nid};
}

// The memblock output of a fixture boot log (serial part, timestamps
// stripped), from the first line starting with 'first' to the first line
// after it starting with 'last', both included.
std::vector<std::string> logMemblockLines(const std::string& file, const std::string& first,
                                          const std::string& last) {
    std::ifstream in(std::string(MMSIM_FIXTURES) + "/kernel/" + file);
    std::vector<std::string> out;
    bool on = false;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back(); // serial console
        if (line == "=====DMESG") break;
        if (line.rfind("[", 0) != 0) continue;
        const auto close = line.find("] ");
        if (close == std::string::npos) continue;
        const std::string text = line.substr(close + 2);
        if (!on && text.rfind(first, 0) == 0) on = true;
        if (!on) continue;
        const bool ours = text.rfind("memblock", 0) == 0 || text.rfind("MEMBLOCK", 0) == 0 ||
                          text.rfind(" memory", 0) == 0 || text.rfind(" reserved", 0) == 0;
        if (ours) out.push_back(text);
        if (text.rfind(last, 0) == 0) break;
    }
    return out;
}

void append(std::vector<std::string>& to, const std::string& dump) {
    for (const std::string& l : splitLines(dump))
        to.push_back(l);
}

} // namespace

// ===========================================================================
// Adding and reserving

TEST(MemblockBasic, InitialState612) {
    Memblock mb(k612());
    EXPECT_EQ(mb.memory().name, "memory");
    EXPECT_EQ(mb.reserved().name, "reserved");
    EXPECT_EQ(mb.memory().cnt(), 0u); // 6.12: no dummy entry
    EXPECT_EQ(mb.reserved().cnt(), 0u);
    EXPECT_EQ(mb.memory().max, 128u);
    EXPECT_EQ(mb.reserved().max, 128u);
    EXPECT_EQ(mb.physMemSize(), 0u);
    EXPECT_EQ(mb.currentLimit(), MEMBLOCK_ALLOC_ANYWHERE);
    EXPECT_FALSE(mb.bottomUp());
    EXPECT_EQ(mb.checkInvariants(), "");
}

TEST(MemblockBasic, InitialState61HasDummy) {
    Memblock mb(k61());
    EXPECT_EQ(mb.memory().cnt(), 1u); // 6.1: one zero dummy region
    EXPECT_EQ(mb.reserved().cnt(), 1u);
    EXPECT_TRUE(mb.memory().regions.empty());
    EXPECT_EQ(mb.checkInvariants(), "");
}

TEST(MemblockBasic, AddSimple) {
    Memblock mb;
    ASSERT_EQ(mb.add(SZ_1M, SZ_4M), 0);
    ASSERT_EQ(mb.memory().regions.size(), 1u);
    EXPECT_EQ(mb.memory().regions[0], rgn(SZ_1M, SZ_4M, MAX_NUMNODES));
    EXPECT_EQ(mb.memory().cnt(), 1u);
    EXPECT_EQ(mb.memory().total_size, SZ_4M);
}

TEST(MemblockBasic, AddNodeKeepsNidAndFlags) {
    Memblock mb;
    mb.addNode(SZ_1M, SZ_4M, 1, MEMBLOCK_HOTPLUG);
    ASSERT_EQ(mb.memory().regions.size(), 1u);
    EXPECT_EQ(mb.memory().regions[0], rgn(SZ_1M, SZ_4M, 1, MEMBLOCK_HOTPLUG));
}

TEST(MemblockBasic, AddDisjointKeepsOrder) {
    Memblock mb;
    mb.add(0x40000000, SZ_1M);
    mb.add(SZ_1M, SZ_64K); // lower, added second
    ASSERT_EQ(mb.memory().regions.size(), 2u);
    EXPECT_EQ(mb.memory().regions[0].base, SZ_1M);
    EXPECT_EQ(mb.memory().regions[1].base, 0x40000000u);
    EXPECT_EQ(mb.memory().total_size, SZ_1M + SZ_64K);
}

TEST(MemblockBasic, AddOverlapTopAndBottomMerge) {
    Memblock mb;
    mb.add(0x20000, 0x10000);
    mb.add(0x18000, 0x10000); // overlaps the start
    ASSERT_EQ(mb.memory().regions.size(), 1u);
    EXPECT_EQ(mb.memory().regions[0], rgn(0x18000, 0x18000));
    mb.add(0x2c000, 0x10000); // overlaps the end
    ASSERT_EQ(mb.memory().regions.size(), 1u);
    EXPECT_EQ(mb.memory().regions[0], rgn(0x18000, 0x24000));
    EXPECT_EQ(mb.memory().total_size, 0x24000u);
}

TEST(MemblockBasic, AddWithinOrTwiceChangesNothing) {
    Memblock mb;
    mb.add(SZ_1M, SZ_1M);
    mb.add(SZ_1M + SZ_4K, SZ_4K);
    mb.add(SZ_1M, SZ_1M);
    ASSERT_EQ(mb.memory().regions.size(), 1u);
    EXPECT_EQ(mb.memory().regions[0], rgn(SZ_1M, SZ_1M));
    EXPECT_EQ(mb.memory().total_size, SZ_1M);
}

TEST(MemblockBasic, AddBetweenJoinsThree) {
    Memblock mb;
    mb.add(0x10000, 0x1000);
    mb.add(0x30000, 0x1000);
    mb.add(0x11000, 0x1f000); // exactly the gap
    ASSERT_EQ(mb.memory().regions.size(), 1u);
    EXPECT_EQ(mb.memory().regions[0], rgn(0x10000, 0x21000));
}

TEST(MemblockBasic, AddNearMaxCapsSize) {
    Memblock mb;
    const phys_addr_t base = PHYS_ADDR_MAX - SZ_1M;
    mb.add(base, SZ_2M);
    ASSERT_EQ(mb.memory().regions.size(), 1u);
    EXPECT_EQ(mb.memory().regions[0].base, base);
    EXPECT_EQ(mb.memory().regions[0].size, SZ_1M); // base + size == PHYS_ADDR_MAX
    EXPECT_EQ(mb.endOfDRAM(), PHYS_ADDR_MAX);
    EXPECT_EQ(mb.checkInvariants(), "");
}

TEST(MemblockBasic, AddFillsOnlyHolesExistingKeepNidAndFlags) {
    Memblock mb;
    mb.addNode(0x20000, 0x10000, 1, MEMBLOCK_HOTPLUG);
    mb.addNode(0x40000, 0x10000, 2, MEMBLOCK_NONE);
    // Spans both regions and the holes around them.
    mb.addNode(0x10000, 0x50000, 0, MEMBLOCK_NONE);
    const std::vector<MemblockRegion> want = {
        rgn(0x10000, 0x10000, 0), rgn(0x20000, 0x10000, 1, MEMBLOCK_HOTPLUG),
        rgn(0x30000, 0x10000, 0), rgn(0x40000, 0x10000, 2), rgn(0x50000, 0x10000, 0)};
    EXPECT_EQ(mb.memory().regions, want);
    EXPECT_EQ(mb.memory().total_size, 0x50000u);
    EXPECT_EQ(mb.checkInvariants(), "");
}

TEST(MemblockBasic, NeighboursMergeOnlyWithSameNidAndFlags) {
    Memblock mb;
    mb.addNode(0x10000, 0x10000, 0, 0);
    mb.addNode(0x20000, 0x10000, 1, 0);              // other node: stays apart
    mb.addNode(0x30000, 0x10000, 1, MEMBLOCK_NOMAP); // other flags: stays apart
    mb.addNode(0x40000, 0x10000, 1, MEMBLOCK_NOMAP); // same: merges
    const std::vector<MemblockRegion> want = {rgn(0x10000, 0x10000, 0), rgn(0x20000, 0x10000, 1),
                                              rgn(0x30000, 0x20000, 1, MEMBLOCK_NOMAP)};
    EXPECT_EQ(mb.memory().regions, want);
}

TEST(MemblockBasic, ZeroSizeIsNoop) {
    Memblock mb;
    EXPECT_EQ(mb.add(SZ_1M, 0), 0);
    EXPECT_EQ(mb.reserve(SZ_1M, 0), 0);
    EXPECT_TRUE(mb.memory().regions.empty());
    EXPECT_TRUE(mb.reserved().regions.empty());
    mb.add(SZ_1M, SZ_1M);
    EXPECT_EQ(mb.remove(SZ_1M, 0), 0);
    EXPECT_EQ(mb.memory().regions.size(), 1u);
}

TEST(MemblockBasic, ReserveStoresMaxNumnodesAndMerges) {
    for (KernelProfile p : {k612(), k61()}) {
        Memblock mb(p);
        mb.reserve(0x20000, 0x1000);
        mb.reserve(0x21000, 0x1000); // touching: merges
        mb.reserve(0x20800, 0x1000); // within: nothing
        mb.reserve(0x1f000, 0x3000); // overlaps the start
        ASSERT_EQ(mb.reserved().regions.size(), 1u);
        EXPECT_EQ(mb.reserved().regions[0], rgn(0x1f000, 0x3000, MAX_NUMNODES));
        EXPECT_EQ(mb.reservedSize(), 0x3000u);
    }
}

// ===========================================================================
// Removing, freeing, isolating

TEST(MemblockBasic, RemoveSimpleAndAbsent) {
    Memblock mb;
    mb.add(0x10000, 0x10000);
    mb.add(0x40000, 0x10000);
    mb.remove(0x30000, 0x8000); // nothing there
    EXPECT_EQ(mb.memory().regions.size(), 2u);
    mb.remove(0x10000, 0x10000);
    ASSERT_EQ(mb.memory().regions.size(), 1u);
    EXPECT_EQ(mb.memory().regions[0], rgn(0x40000, 0x10000));
    EXPECT_EQ(mb.memory().total_size, 0x10000u);
}

TEST(MemblockBasic, RemoveOverlapTopAndBottom) {
    Memblock mb;
    mb.add(0x20000, 0x10000);
    mb.remove(0x18000, 0x10000); // cuts the start
    ASSERT_EQ(mb.memory().regions.size(), 1u);
    EXPECT_EQ(mb.memory().regions[0], rgn(0x28000, 0x8000));
    mb.remove(0x2c000, 0x10000); // cuts the end
    ASSERT_EQ(mb.memory().regions.size(), 1u);
    EXPECT_EQ(mb.memory().regions[0], rgn(0x28000, 0x4000));
    EXPECT_EQ(mb.memory().total_size, 0x4000u);
}

TEST(MemblockBasic, RemoveWithinSplits) {
    Memblock mb;
    mb.addNode(0x20000, 0x10000, 3, MEMBLOCK_HOTPLUG);
    mb.remove(0x24000, 0x4000);
    const std::vector<MemblockRegion> want = {rgn(0x20000, 0x4000, 3, MEMBLOCK_HOTPLUG),
                                              rgn(0x28000, 0x8000, 3, MEMBLOCK_HOTPLUG)};
    EXPECT_EQ(mb.memory().regions, want);
    EXPECT_EQ(mb.memory().total_size, 0xc000u);
    EXPECT_EQ(mb.checkInvariants(), "");
}

TEST(MemblockBasic, RemoveOverlapTwo) {
    Memblock mb;
    mb.add(0x10000, 0x10000);
    mb.add(0x30000, 0x10000);
    mb.remove(0x18000, 0x20000);
    const std::vector<MemblockRegion> want = {rgn(0x10000, 0x8000), rgn(0x38000, 0x8000)};
    EXPECT_EQ(mb.memory().regions, want);
    EXPECT_EQ(mb.memory().total_size, 0x10000u);
}

TEST(MemblockBasic, RemoveOnlyRegionLeavesEmptyPerProfile) {
    Memblock a(k612()), b(k61());
    for (Memblock* mb : {&a, &b}) {
        mb->add(SZ_1M, SZ_1M);
        mb->remove(0, PHYS_ADDR_MAX); // size capped
        EXPECT_TRUE(mb->memory().regions.empty());
        EXPECT_EQ(mb->memory().total_size, 0u);
    }
    EXPECT_EQ(a.memory().cnt(), 0u);
    EXPECT_EQ(b.memory().cnt(), 1u);
}

TEST(MemblockBasic, PhysFreeWithinAndNearMax) {
    Memblock mb;
    mb.reserve(0x20000, 0x10000);
    mb.physFree(0x22000, 0x1000);
    const std::vector<MemblockRegion> want = {rgn(0x20000, 0x2000), rgn(0x23000, 0xd000)};
    EXPECT_EQ(mb.reserved().regions, want);
    EXPECT_EQ(mb.reservedSize(), 0xf000u);

    const phys_addr_t top = PHYS_ADDR_MAX - SZ_64K;
    mb.reserve(top, SZ_64K);
    mb.physFree(top + SZ_32K, SZ_1M); // capped at PHYS_ADDR_MAX
    EXPECT_EQ(mb.reserved().regions.back(), rgn(top, SZ_32K));
    EXPECT_EQ(mb.checkInvariants(), "");
}

TEST(MemblockBasic, IsolateSplitsWithoutMerging) {
    Memblock mb;
    mb.add(0x10000, 0x10000);
    mb.add(0x30000, 0x10000);
    int start = -1, end = -1;
    ASSERT_EQ(mb.isolateRange(mb.memory(), 0x18000, 0x1c000, start, end), 0);
    // [0x10000,0x18000) [0x18000,0x20000) [0x30000,0x34000) [0x34000,0x40000)
    ASSERT_EQ(mb.memory().regions.size(), 4u);
    EXPECT_EQ(start, 1);
    EXPECT_EQ(end, 3);
    EXPECT_EQ(mb.memory().regions[1], rgn(0x18000, 0x8000));
    EXPECT_EQ(mb.memory().regions[2], rgn(0x30000, 0x4000));
    EXPECT_EQ(mb.memory().total_size, 0x20000u);
    // Nothing merges the split halves back: the invariant check sees it.
    EXPECT_NE(mb.checkInvariants().find("not merged"), std::string::npos);
    mb.mergeRegions(mb.memory(), 0, 4);
    EXPECT_EQ(mb.memory().regions.size(), 2u);
    EXPECT_EQ(mb.checkInvariants(), "");
}

TEST(MemblockBasic, IsolateInHoleGivesEmptyWindow) {
    Memblock mb;
    mb.add(0x10000, 0x10000);
    int start = -1, end = -1;
    ASSERT_EQ(mb.isolateRange(mb.memory(), 0x40000, 0x1000, start, end), 0);
    EXPECT_EQ(start, 0);
    EXPECT_EQ(end, 0);
    EXPECT_EQ(mb.memory().regions.size(), 1u);
}

TEST(MemblockBasic, MergeRegionsOnlyLooksAtTheWindow) {
    Memblock mb;
    auto& r = mb.memory().regions;
    r = {rgn(0x1000, 0x1000), rgn(0x2000, 0x1000), rgn(0x3000, 0x1000), rgn(0x5000, 0x1000),
         rgn(0x6000, 0x1000)};
    mb.memory().total_size = 0x5000;
    // Window [4, 5): compares the pairs (3,4) only.
    mb.mergeRegions(mb.memory(), 4, 5);
    ASSERT_EQ(r.size(), 4u);
    EXPECT_EQ(r[3], rgn(0x5000, 0x2000));
    EXPECT_EQ(r[0], rgn(0x1000, 0x1000)); // outside the window: untouched
    mb.mergeRegions(mb.memory(), 0, 2);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0], rgn(0x1000, 0x3000));
    EXPECT_EQ(mb.checkInvariants(), "");
}

// ===========================================================================
// Flags, nodes, trimming

TEST(MemblockBasic, SetNodeSplitsAndMerges) {
    Memblock mb;
    mb.add(0x1000, 0x7ffff000);
    mb.setNode(0x40000000, 0x40000000, mb.memory(), 1);
    mb.setNode(0, 0x40000000, mb.memory(), 0);
    const std::vector<MemblockRegion> want = {rgn(0x1000, 0x3ffff000, 0),
                                              rgn(0x40000000, 0x40000000, 1)};
    EXPECT_EQ(mb.memory().regions, want);
    mb.setNode(0, PHYS_ADDR_MAX, mb.memory(), 1); // all to node 1: one region again
    ASSERT_EQ(mb.memory().regions.size(), 1u);
    EXPECT_EQ(mb.memory().regions[0], rgn(0x1000, 0x7ffff000, 1));
}

TEST(MemblockBasic, SetNodeOnReserved) {
    Memblock mb;
    mb.reserve(0, SZ_1M);
    mb.setNode(0x1000, 0x3ffff000, mb.reserved(), 0);
    const std::vector<MemblockRegion> want = {rgn(0, 0x1000, MAX_NUMNODES),
                                              rgn(0x1000, SZ_1M - 0x1000, 0)};
    EXPECT_EQ(mb.reserved().regions, want);
    EXPECT_EQ(mb.reservedSize(), SZ_1M);
}

TEST(MemblockBasic, HotplugMarkAndClearRoundTrip) {
    Memblock mb;
    mb.add(0x100000, 0x300000);
    mb.markHotplug(0x200000, 0x100000);
    const std::vector<MemblockRegion> marked = {
        rgn(0x100000, 0x100000), rgn(0x200000, 0x100000, MAX_NUMNODES, MEMBLOCK_HOTPLUG),
        rgn(0x300000, 0x100000)};
    EXPECT_EQ(mb.memory().regions, marked);
    mb.clearHotplug(0, PHYS_ADDR_MAX);
    ASSERT_EQ(mb.memory().regions.size(), 1u);
    EXPECT_EQ(mb.memory().regions[0], rgn(0x100000, 0x300000));
    EXPECT_EQ(mb.checkInvariants(), "");
}

TEST(MemblockBasic, NomapMarkAndClearKeepOtherFlags) {
    Memblock mb;
    mb.addNode(0x100000, 0x100000, 0, MEMBLOCK_HOTPLUG);
    mb.markNomap(0x100000, 0x100000);
    ASSERT_EQ(mb.memory().regions.size(), 1u);
    EXPECT_EQ(mb.memory().regions[0].flags, MEMBLOCK_HOTPLUG | MEMBLOCK_NOMAP);
    mb.clearNomap(0x180000, 0x1000);
    ASSERT_EQ(mb.memory().regions.size(), 3u);
    EXPECT_EQ(mb.memory().regions[1], rgn(0x180000, 0x1000, 0, MEMBLOCK_HOTPLUG));
}

TEST(MemblockBasic, TrimAlignedAndTooSmall) {
    Memblock mb;
    mb.add(SZ_64, SZ_64 * 2);
    mb.add(SZ_64 * 4, SZ_64 - 2); // smaller than the alignment
    mb.trimMemory(SZ_64);
    ASSERT_EQ(mb.memory().regions.size(), 1u);
    EXPECT_EQ(mb.memory().regions[0], rgn(SZ_64, SZ_64 * 2));
    EXPECT_EQ(mb.checkInvariants(), "");
}

TEST(MemblockBasic, TrimUnalignedEndsLeavesTotalSize) {
    Memblock mb;
    mb.add(0x1000, 0x9ec00);      // ends at 0x9fc00
    mb.add(0x100002, 0x1000 - 2); // starts mid-page, ends on a page
    mb.add(0x200000, 0x1800);
    const phys_addr_t before = mb.physMemSize();
    mb.trimMemory(PAGE_SIZE);
    const std::vector<MemblockRegion> want = {rgn(0x1000, 0x9e000), rgn(0x200000, 0x1000)};
    EXPECT_EQ(mb.memory().regions, want);
    // The kernel only subtracts what it removes; shrunk regions keep their
    // old size in total_size (the real boot logs show 0x...dc00).
    EXPECT_EQ(mb.physMemSize(), before - (0x1000 - 2));
    EXPECT_EQ(mb.checkInvariants(), "");
}

TEST(MemblockBasic, EmptiedArrayRestartsTotalSize) {
    Memblock mb;
    mb.add(0x1000, 0x1800);
    mb.trimMemory(PAGE_SIZE); // total_size keeps 0x800 too much
    EXPECT_EQ(mb.physMemSize(), 0x1800u);
    mb.remove(0, PHYS_ADDR_MAX);
    EXPECT_TRUE(mb.memory().regions.empty());
    EXPECT_EQ(mb.physMemSize(), 0x800u); // the kernel warns and leaves it
    EXPECT_EQ(mb.checkInvariants(), "");
    // The first region of an empty array sets total_size afresh.
    mb.add(SZ_1M, SZ_1M);
    EXPECT_EQ(mb.physMemSize(), SZ_1M);
    EXPECT_EQ(mb.checkInvariants(), "");
}

// ===========================================================================
// Queries

TEST(MemblockBasic, OverlapsRegionAndIsReserved) {
    Memblock mb;
    mb.reserve(0x10000, 0x1000);
    mb.reserve(0x30000, 0x1000);
    EXPECT_TRUE(mb.overlapsRegion(mb.reserved(), 0xf000, 0x1001));
    EXPECT_FALSE(mb.overlapsRegion(mb.reserved(), 0xf000, 0x1000));
    EXPECT_FALSE(mb.overlapsRegion(mb.reserved(), 0x11000, 0x1f000));
    EXPECT_TRUE(mb.overlapsRegion(mb.reserved(), 0x20000, PHYS_ADDR_MAX)); // capped
    EXPECT_FALSE(mb.isReserved(0xffff));
    EXPECT_TRUE(mb.isReserved(0x10000));
    EXPECT_TRUE(mb.isReserved(0x10fff));
    EXPECT_FALSE(mb.isReserved(0x11000));
    EXPECT_TRUE(mb.isReserved(0x30800));
    EXPECT_FALSE(mb.isReserved(0x31000));
}

TEST(MemblockBasic, StartAndEndOfDram) {
    Memblock mb;
    EXPECT_EQ(mb.startOfDRAM(), 0u);
    EXPECT_EQ(mb.endOfDRAM(), 0u);
    mb.add(0x100000, 0x7fedf000);
    mb.add(0x1000, 0x9e000);
    EXPECT_EQ(mb.startOfDRAM(), 0x1000u);
    EXPECT_EQ(mb.endOfDRAM(), 0x7ffdf000u);
}

// ===========================================================================
// Debug lines

TEST(MemblockDebug, RangeLinesWithAndWithoutCaller) {
    Memblock mb;
    Lines out;
    out.attach(mb);
    mb.add(0x1000, 0x9ec00, "e820__memblock_setup+0x73/0xb0");
    mb.reserve(0x5e800000, 0x11000);
    mb.remove(0x2000, 0x1000, "x");
    mb.physFree(0x5e800000, 0x1000, "init_mem_mapping+0x1f5/0x3e0");
    const std::vector<std::string> want = {
        "memblock_add: [0x0000000000001000-0x000000000009fbff] e820__memblock_setup+0x73/0xb0",
        "memblock_reserve: [0x000000005e800000-0x000000005e810fff]",
        "memblock_remove: [0x0000000000002000-0x0000000000002fff] x",
        "memblock_phys_free: [0x000000005e800000-0x000000005e800fff] "
        "init_mem_mapping+0x1f5/0x3e0"};
    EXPECT_EQ(out.v, want);
}

TEST(MemblockDebug, AddNodeLine) {
    Memblock mb;
    Lines out;
    out.attach(mb);
    mb.addNode(0x40000000, 0x40000000, 1, MEMBLOCK_HOTPLUG | MEMBLOCK_DRIVER_MANAGED, "f+0x1/0x2");
    mb.addNode(0x100000, 0x1000, 0, 0);
    const std::vector<std::string> want = {
        "memblock_add_node: [0x0000000040000000-0x000000007fffffff] nid=1 flags=9 f+0x1/0x2",
        "memblock_add_node: [0x0000000000100000-0x0000000000100fff] nid=0 flags=0"};
    EXPECT_EQ(out.v, want);
}

TEST(MemblockDebug, ZeroSizePrintsBaseMinusOne) {
    Memblock mb;
    Lines out;
    out.attach(mb);
    mb.reserve(0x1000, 0);
    ASSERT_EQ(out.v.size(), 1u);
    EXPECT_EQ(out.v[0], "memblock_reserve: [0x0000000000001000-0x0000000000000fff]");
}

TEST(MemblockDebug, AllocLinesPerProfile) {
    for (KernelProfile p : {k612(), k61()}) {
        Memblock mb(p);
        mb.add(SZ_1M, 0x7fedf000);
        Lines out;
        out.attach(mb);
        EXPECT_EQ(mb.allocTryNid("memblock_alloc_try_nid", 32768, 0x40, 0, 0, NUMA_NO_NODE, false,
                                 "sparse_init+0x456/0x490"),
                  0x7ffd7000u);
        EXPECT_EQ(mb.allocTryNid("memblock_alloc_exact_nid_raw", 4096, 0x1000, 0x1000000, 0,
                                 MAX_NUMNODES, true),
                  0x7ffd6000u);
        const std::vector<std::string> want = {
            "memblock_alloc_try_nid: 32768 bytes align=0x40 nid=-1 from=0x0000000000000000 "
            "max_addr=0x0000000000000000 sparse_init+0x456/0x490",
            "memblock_reserve: [0x000000007ffd7000-0x000000007ffdefff] " + p.allocRangeNidCaller(),
            "memblock_alloc_exact_nid_raw: 4096 bytes align=0x1000 nid=1024 "
            "from=0x0000000001000000 max_addr=0x0000000000000000",
            "memblock_reserve: [0x000000007ffd6000-0x000000007ffd6fff] " + p.allocRangeNidCaller()};
        EXPECT_EQ(out.v, want);
    }
}

TEST(MemblockDebug, PhysAllocTryNidPrintsOnlyTheReserve) {
    Memblock mb;
    mb.add(SZ_1M, SZ_1M);
    Lines out;
    out.attach(mb);
    EXPECT_EQ(mb.physAllocTryNid(SZ_4K, SZ_4K, NUMA_NO_NODE), SZ_2M - SZ_4K);
    const std::vector<std::string> want = {
        "memblock_reserve: [0x00000000001ff000-0x00000000001fffff] "
        "memblock_alloc_range_nid+0xbd/0x180"};
    EXPECT_EQ(out.v, want);
}

TEST(MemblockDebug, AnyNodeRetryReservesFromItsOwnCallSite) {
    // memblock_alloc_range_nid() calls memblock_reserve() twice; the 6.12
    // 4-node capture shows the second (any-node) call at +0x101.
    Memblock mb(k612());
    mb.addNode(SZ_1M, SZ_1M, 0, 0);
    mb.addNode(SZ_2M, SZ_1M, 1, 0);
    Lines out;
    out.attach(mb);
    EXPECT_EQ(mb.physAllocTryNid(SZ_4K, SZ_4K, 3), 0x2ff000u); // node 3 has no memory
    EXPECT_EQ(mb.physAllocTryNid(SZ_4K, SZ_4K, 0), 0x1ff000u);
    const std::vector<std::string> want = {
        "memblock_reserve: [0x00000000002ff000-0x00000000002fffff] "
        "memblock_alloc_range_nid+0x101/0x180",
        "memblock_reserve: [0x00000000001ff000-0x00000000001fffff] "
        "memblock_alloc_range_nid+0xbd/0x180"};
    EXPECT_EQ(out.v, want);
}

TEST(MemblockDebug, FailedAllocPrintsOnlyTheRequest) {
    Memblock mb;
    mb.add(SZ_1M, SZ_1M);
    Lines out;
    out.attach(mb);
    EXPECT_EQ(mb.physAllocRange(SZ_4M, SZ_4K, 0, MEMBLOCK_ALLOC_ANYWHERE, "c"), 0u);
    ASSERT_EQ(out.v.size(), 1u);
    EXPECT_EQ(out.v[0], "memblock_phys_alloc_range: 4194304 bytes align=0x1000 "
                        "from=0x0000000000000000 max_addr=0xffffffffffffffff c");
    EXPECT_TRUE(mb.reserved().regions.empty());
}

// ===========================================================================
// memblock_dump

TEST(MemblockDump, Empty612) {
    Memblock mb(k612());
    EXPECT_EQ(mb.dump(), "MEMBLOCK configuration:\n"
                         " memory size = 0x0000000000000000 reserved size = 0x0000000000000000\n"
                         " memory.cnt  = 0x0\n"
                         " reserved.cnt  = 0x0");
}

TEST(MemblockDump, Empty61ShowsTheDummy) {
    Memblock mb(k61());
    const std::string boot = "MEMBLOCK configuration:\n"
                             " memory size = 0x0000000000000000 reserved size = "
                             "0x0000000000000000\n"
                             " memory.cnt  = 0x1\n"
                             " memory[0x0]\t[0x0000000000000000-0xffffffffffffffff], "
                             "0x0000000000000000 bytes on node 0 flags: 0x0\n"
                             " reserved.cnt  = 0x1\n"
                             " reserved[0x0]\t[0x0000000000000000-0xffffffffffffffff], "
                             "0x0000000000000000 bytes on node 0 flags: 0x0";
    EXPECT_EQ(mb.dump(), boot);
    // Once emptied, the dummy carries MAX_NUMNODES, which 6.1 does not print.
    mb.reserve(SZ_1M, SZ_1M);
    mb.physFree(SZ_1M, SZ_1M);
    const auto lines = splitLines(mb.dump());
    EXPECT_EQ(lines.back(), " reserved[0x0]\t[0x0000000000000000-0xffffffffffffffff], "
                            "0x0000000000000000 bytes flags: 0x0");
}

TEST(MemblockDump, OnNodeRulePerProfile) {
    for (KernelProfile p : {k612(), k61()}) {
        Memblock mb(p);
        mb.addNode(0x1000, 0x1000, 0, 0);
        mb.reserve(0x1000, 0x1000); // MAX_NUMNODES
        mb.reserve(0x3000, 0x1000);
        mb.setNode(0x3000, 0x1000, mb.reserved(), NUMA_NO_NODE);
        const auto lines = splitLines(mb.dump());
        ASSERT_EQ(lines.size(), 7u);
        EXPECT_EQ(lines[3], " memory[0x0]\t[0x0000000000001000-0x0000000000001fff], "
                            "0x0000000000001000 bytes on node 0 flags: 0x0");
        EXPECT_EQ(lines[5], " reserved[0x0]\t[0x0000000000001000-0x0000000000001fff], "
                            "0x0000000000001000 bytes flags: 0x0");
        // NUMA_NO_NODE: not a node for 6.12, printed as is by 6.1.
        EXPECT_EQ(lines[6], std::string(" reserved[0x1]\t[0x0000000000003000-0x0000000000003fff], "
                                        "0x0000000000001000 bytes") +
                                (p.is61() ? " on node -1" : "") + " flags: 0x0");
    }
}

TEST(MemblockDump, HexIndexAndFlags) {
    Memblock mb;
    for (int i = 0; i < 11; ++i)
        mb.add(0x10000 * (i + 1), 0x1000);
    mb.markNomap(0xb0000, 0x1000);
    mb.markHotplug(0xb0000, 0x1000);
    const auto lines = splitLines(mb.dump());
    EXPECT_EQ(lines[1], " memory size = 0x000000000000b000 reserved size = 0x0000000000000000");
    EXPECT_EQ(lines[2], " memory.cnt  = 0xb");
    EXPECT_EQ(lines[13], " memory[0xa]\t[0x00000000000b0000-0x00000000000b0fff], "
                         "0x0000000000001000 bytes flags: 0x5");
}

// The start of Debian's boots (qemu, 2 nodes of 1 GiB), replayed call by call
// up to the second dump: the output must be what the kernel printed, byte for
// byte. The two profiles differ in the callers' offsets, where KASLR put the
// kernel, the NUMA reset (NUMA_NO_NODE + clear_hotplug vs MAX_NUMNODES), the
// start of node 0 (start of DRAM vs 0) and the size of pg_data_t.
struct BootReplay {
    const char* name;
    KernelProfile profile;
    const char* log;
    const char* last_line; // the last line of the second dump
    std::size_t lines;
    phys_addr_t image_start, image_end; // reserved before memblock=debug
    const char* smp_scan[2];
    const char* setup_arch[2]; // setup_data reserve, reserve of the first MiB
    const char* e820;
    const char* real_mode;
    const char* init_mem_mapping[2];
    const char* acpi;
    int numa_reset_nid;
    bool numa_clear_hotplug;
    phys_addr_t node0_start;
    phys_addr_t node_data_size, node_data0, node_data1;
};

class MemblockReplay : public ::testing::TestWithParam<BootReplay> {};

TEST_P(MemblockReplay, BootLogByteForByte) {
    const BootReplay& r = GetParam();
    Memblock mb(r.profile);
    // Reserved before memblock=debug is parsed: low 64K, the BIOS area, the
    // kernel image, the initrd.
    mb.reserve(0, 0x10000);
    mb.reserve(0x9f000, 0x61000);
    mb.reserve(r.image_start, r.image_end - r.image_start);
    mb.reserve(0x7fed4000, 0x7ffd0000 - 0x7fed4000);
    Lines out;
    out.attach(mb);
    mb.setCurrentLimit(0x100000); // ISA_END_ADDRESS
    mb.reserve(0xf5ba0, 0x10, r.smp_scan[0]);
    mb.reserve(0xf5bb0, 0xd0, r.smp_scan[1]);
    mb.reserve(r.image_end, 0x11000, r.setup_arch[0]);
    mb.add(0x1000, 0x9ec00, r.e820);
    mb.add(0x100000, 0x7fedf000, r.e820);
    mb.trimMemory(PAGE_SIZE);
    append(out.v, mb.dump());
    // reserve_real_mode() and init_mem_mapping()
    EXPECT_EQ(mb.physAllocRange(28672, 0x1000, 0, 0x100000, r.real_mode), 0x98000u);
    mb.reserve(0, 0x100000, r.setup_arch[1]);
    EXPECT_EQ(mb.physAllocRange(0x200000, 0x200000, 0x100000, 0x7ffdf000, r.init_mem_mapping[0]),
              0x7fc00000u);
    mb.physFree(0x7fc00000, 0x200000, r.init_mem_mapping[1]);
    mb.setCurrentLimit(0x7ffdf000);
    // The ACPI tables.
    const std::vector<std::pair<phys_addr_t, phys_addr_t>> acpi = {
        {0x7ffe2138, 0x7ffe222b}, {0x7ffe0040, 0x7ffe2137}, {0x7ffe0000, 0x7ffe003f},
        {0x7ffe222c, 0x7ffe22ab}, {0x7ffe22ac, 0x7ffe22e3}, {0x7ffe22e4, 0x7ffe23d3},
        {0x7ffe23d4, 0x7ffe240f}, {0x7ffe2410, 0x7ffe2437}};
    for (auto [first, last] : acpi)
        mb.reserve(first, last - first + 1, r.acpi);
    // NUMA init and registration: node 0 up to 1G, node 1 [1G, max_pfn).
    mb.setNode(0, PHYS_ADDR_MAX, mb.memory(), r.numa_reset_nid);
    mb.setNode(0, PHYS_ADDR_MAX, mb.reserved(), r.numa_reset_nid);
    if (r.numa_clear_hotplug) mb.clearHotplug(0, PHYS_ADDR_MAX);
    for (MemblockType* t : {&mb.memory(), &mb.reserved()}) {
        mb.setNode(r.node0_start, 0x40000000 - r.node0_start, *t, 0);
        mb.setNode(0x40000000, 0x7ffdf000 - 0x40000000, *t, 1);
    }
    // alloc_node_data()
    EXPECT_EQ(mb.physAllocTryNid(r.node_data_size, SMP_CACHE_BYTES, 0), r.node_data0);
    EXPECT_EQ(mb.physAllocTryNid(r.node_data_size, SMP_CACHE_BYTES, 1), r.node_data1);
    append(out.v, mb.dump());

    const auto want = logMemblockLines(r.log, "memblock_reserve: [0x00000000000f5ba0", r.last_line);
    ASSERT_EQ(want.size(), r.lines);
    EXPECT_EQ(out.v, want);
    EXPECT_EQ(mb.checkInvariants(), "");
}

INSTANTIATE_TEST_SUITE_P(
    MemblockDump, MemblockReplay,
    ::testing::Values(
        BootReplay{"Linux612", k612(), "qemu-6.12-n2-2G.log", " reserved[0x6]", 45, 0x5bc00000,
                   0x5e800000, {"smp_scan_config+0xca/0x150", "smp_scan_config+0x13a/0x150"},
                   {"setup_arch+0xc7e/0xe70", "setup_arch+0x891/0xe70"},
                   "e820__memblock_setup+0x73/0xb0", "reserve_real_mode+0x57/0x90",
                   {"init_mem_mapping+0x1d5/0x3e0", "init_mem_mapping+0x1f5/0x3e0"},
                   "acpi_reserve_initial_tables+0x4a/0x70", NUMA_NO_NODE, true, 0x1000,
                   0x2a980, 0x3ffd5680, 0x7fea9680},
        // 6.1 rounds pg_data_t to a page and resets nids to MAX_NUMNODES.
        BootReplay{"Linux61", k61(), "qemu-6.1-n2-2G.log", " reserved[0x5]", 44, 0x2d600000,
                   0x30a00000, {"smp_scan_config+0xa7/0xff", "smp_scan_config+0xbe/0xff"},
                   {"setup_arch+0x797/0xd4f", "setup_arch+0x7e0/0xd4f"},
                   "e820__memblock_setup+0x65/0x7d", "reserve_real_mode+0x50/0x89",
                   {"init_mem_mapping+0x1ee/0x31f", "init_mem_mapping+0x22e/0x31f"},
                   "acpi_reserve_initial_tables+0x51/0x61", MAX_NUMNODES, false, 0, 0x2b000,
                   0x3ffd5000, 0x7fea9000}),
    [](const auto& info) { return std::string(info.param.name); });

// ===========================================================================
// Finding and allocating

TEST(MemblockAlloc, TopDownTakesTheHighestPlace) {
    Memblock mb;
    mb.add(SZ_1M, SZ_4M);
    const phys_addr_t got =
        mb.allocRangeNid(SZ_64K, SZ_4K, 0, MEMBLOCK_ALLOC_ANYWHERE, NUMA_NO_NODE, false);
    EXPECT_EQ(got, SZ_1M + SZ_4M - SZ_64K);
    ASSERT_EQ(mb.reserved().regions.size(), 1u);
    EXPECT_EQ(mb.reserved().regions[0], rgn(got, SZ_64K, MAX_NUMNODES));
}

TEST(MemblockAlloc, BottomUpTakesTheLowestPlace) {
    Memblock mb;
    mb.add(SZ_1M, SZ_4M);
    mb.reserve(SZ_1M, 0x100);
    mb.setBottomUp(true);
    EXPECT_EQ(mb.allocRangeNid(SZ_64K, 0x10000, 0, MEMBLOCK_ALLOC_ANYWHERE, NUMA_NO_NODE, false),
              0x110000u);
    EXPECT_EQ(mb.allocRangeNid(0x100, 0x10, 0, MEMBLOCK_ALLOC_ANYWHERE, NUMA_NO_NODE, false),
              0x100100u);
}

TEST(MemblockAlloc, PageZeroIsNeverHandedOut) {
    Memblock mb;
    mb.add(0, SZ_64K);
    mb.setBottomUp(true);
    EXPECT_EQ(mb.findInRangeNode(SZ_4K, SZ_4K, 0, SZ_64K, NUMA_NO_NODE, 0), SZ_4K);
    mb.setBottomUp(false);
    EXPECT_EQ(mb.findInRangeNode(SZ_4K, SZ_4K, 0, SZ_8K, NUMA_NO_NODE, 0), SZ_4K);
    EXPECT_EQ(mb.findInRangeNode(SZ_8K, SZ_4K, 0, SZ_8K, NUMA_NO_NODE, 0), 0u);
}

TEST(MemblockAlloc, AlignmentRoundsDownOrUp) {
    Memblock mb;
    mb.add(0x100000, 0x100000);
    mb.reserve(0x1f0000, 0x10000);
    EXPECT_EQ(mb.findInRangeNode(0x100, 0x10000, 0, MEMBLOCK_ALLOC_ANYWHERE, NUMA_NO_NODE, 0),
              0x1e0000u);
    mb.reserve(0x100000, 0x100);
    mb.setBottomUp(true);
    EXPECT_EQ(mb.findInRangeNode(0x100, 0x10000, 0, MEMBLOCK_ALLOC_ANYWHERE, NUMA_NO_NODE, 0),
              0x110000u);
}

TEST(MemblockAlloc, OddAlignmentBehavesLikeTheKernelMasks) {
    Memblock mb;
    mb.add(0x1000, 0x1000);
    // round_down(0x1ff0, 0x30) as a mask: 0x1ff0 & ~0x2f.
    EXPECT_EQ(mb.findInRangeNode(0x10, 0x30, 0, MEMBLOCK_ALLOC_ANYWHERE, NUMA_NO_NODE, 0), 0x1fd0u);
    mb.setBottomUp(true);
    // round_up(0x1000, 0x30) = ((0x1000 - 1) | 0x2f) + 1 = 0x1000.
    EXPECT_EQ(mb.findInRangeNode(0x10, 0x30, 0, MEMBLOCK_ALLOC_ANYWHERE, NUMA_NO_NODE, 0), 0x1000u);
}

TEST(MemblockAlloc, AlignZeroUsesCacheLine) {
    Memblock mb;
    mb.add(0x100000, 0x100000);
    mb.reserve(0x1ff000, 0x1000);
    Lines out;
    out.attach(mb);
    EXPECT_EQ(mb.physAllocRange(100, 0, 0, MEMBLOCK_ALLOC_ANYWHERE), 0x1fef80u);
    ASSERT_EQ(out.v.size(), 2u);
    EXPECT_EQ(out.v[0], "memblock_phys_alloc_range: 100 bytes align=0x0 "
                        "from=0x0000000000000000 max_addr=0xffffffffffffffff");
    EXPECT_EQ(out.v[1], "memblock_reserve: [0x00000000001fef80-0x00000000001fefe3] "
                        "memblock_alloc_range_nid+0xbd/0x180");
}

TEST(MemblockAlloc, AccessibleAndNoLeakTraceMeanCurrentLimit) {
    Memblock mb;
    mb.add(SZ_1M, 0x10000000 - SZ_1M);
    mb.setCurrentLimit(0x800000);
    EXPECT_EQ(mb.allocRangeNid(SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE, false),
              0x7ff000u);
    EXPECT_EQ(mb.allocRangeNid(SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_NOLEAKTRACE, NUMA_NO_NODE, false),
              0x7fe000u);
    // An explicit end is not clipped by alloc_range_nid itself...
    EXPECT_EQ(mb.allocRangeNid(SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ANYWHERE, NUMA_NO_NODE, false),
              0xffff000u);
    EXPECT_EQ(mb.allocRangeNid(SZ_4K, SZ_4K, 0, 0x4000000, NUMA_NO_NODE, false), 0x3fff000u);
    // ...but memblock_alloc_internal clips max_addr to the limit.
    EXPECT_EQ(mb.allocInternal(SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ANYWHERE, NUMA_NO_NODE, false),
              0x7fd000u);
}

TEST(MemblockAlloc, MinAddrIsDroppedWhenNothingFitsAbove) {
    Memblock mb;
    mb.add(SZ_1M, SZ_1M);
    EXPECT_EQ(mb.allocRangeNid(SZ_4K, SZ_4K, 0x300000, 0, NUMA_NO_NODE, false), 0u);
    EXPECT_TRUE(mb.reserved().regions.empty());
    EXPECT_EQ(mb.allocInternal(SZ_4K, SZ_4K, 0x300000, 0, NUMA_NO_NODE, false), 0x1ff000u);
}

TEST(MemblockAlloc, MinMaxWindowIsRespected) {
    Memblock mb;
    mb.add(SZ_1M, SZ_1M);
    EXPECT_EQ(mb.allocRangeNid(SZ_4K, SZ_4K, 0x140000, 0x150000, NUMA_NO_NODE, false), 0x14f000u);
    mb.setBottomUp(true);
    EXPECT_EQ(mb.allocRangeNid(SZ_4K, SZ_4K, 0x140000, 0x150000, NUMA_NO_NODE, false), 0x140000u);
    // The window is too narrow once both ends are taken.
    EXPECT_EQ(mb.allocRangeNid(0xe000, SZ_4K, 0x140000, 0x150000, NUMA_NO_NODE, false), 0x141000u);
    EXPECT_EQ(mb.allocRangeNid(SZ_4K, SZ_4K, 0x140000, 0x150000, NUMA_NO_NODE, false), 0u);
}

TEST(MemblockAlloc, AllocationsMergeInReserved) {
    // Like the kernel's alloc_nid_reserved_full_merge check.
    Memblock mb;
    mb.add(SZ_1M, SZ_1M);
    const phys_addr_t r1 = SZ_2M - 2 * SMP_CACHE_BYTES;
    const phys_addr_t r2 = r1 - (SZ_64 + 128);
    mb.reserve(r1, SMP_CACHE_BYTES);
    mb.reserve(r2, 128);
    EXPECT_EQ(mb.allocInternal(SZ_64, SMP_CACHE_BYTES, r2 + 128, r1, NUMA_NO_NODE, false),
              r2 + 128);
    ASSERT_EQ(mb.reserved().regions.size(), 1u);
    EXPECT_EQ(mb.reserved().regions[0], rgn(r2, 128 + SZ_64 + SMP_CACHE_BYTES));
}

TEST(MemblockAlloc, NidIsPreferredThenAnyNode) {
    for (KernelProfile p : {k612(), k61()}) {
        Memblock mb(p);
        mb.addNode(SZ_1M, SZ_1M, 0, 0);
        mb.addNode(SZ_2M, SZ_4M, 1, 0);
        EXPECT_EQ(mb.allocRangeNid(SZ_4K, SZ_4K, 0, 0, 0, false), SZ_2M - SZ_4K);
        // Too big for node 0: any node.
        EXPECT_EQ(mb.allocRangeNid(0x180000, SZ_4K, 0, 0, 0, false), 0x480000u);
        // Exact node: fails.
        EXPECT_EQ(mb.allocRangeNid(0x180000, SZ_4K, 0, 0, 0, true), 0u);
        // MAX_NUMNODES means any node in both kernels.
        EXPECT_EQ(mb.allocRangeNid(SZ_4K, SZ_4K, 0, 0, MAX_NUMNODES, true), 0x47f000u);
        // A node with no memory at all, exact: fails; else falls back.
        EXPECT_EQ(mb.allocRangeNid(SZ_4K, SZ_4K, 0, 0, 5, true), 0u);
        EXPECT_EQ(mb.allocRangeNid(SZ_4K, SZ_4K, 0, 0, 5, false), 0x47e000u);
    }
}

TEST(MemblockAlloc, TryNidWithMinFallsBackAcrossNodes) {
    // alloc_nid_top_down_numa_split_range_low in spirit: the node ends
    // inside [min, max); the block ends at the end of the node.
    Memblock mb;
    mb.addNode(SZ_1M, SZ_1M, 0, 0);
    mb.addNode(SZ_2M, SZ_1M, 1, 0);
    const phys_addr_t min = SZ_2M - 0x100;
    EXPECT_EQ(mb.allocInternal(0x200, SMP_CACHE_BYTES, min, min + 0x200, 0, false), SZ_2M - 0x200);
}

TEST(MemblockAlloc, MirrorIsPreferredThenDropped) {
    Memblock mb;
    mb.add(SZ_1M, SZ_1M);
    mb.add(SZ_2M, SZ_4M);
    EXPECT_EQ(mb.chooseFlags(), MEMBLOCK_NONE);
    mb.markMirror(SZ_1M, SZ_1M);
    EXPECT_EQ(mb.chooseFlags(), MEMBLOCK_MIRROR);
    EXPECT_EQ(mb.allocRangeNid(SZ_4K, SZ_4K, 0, 0, NUMA_NO_NODE, false), SZ_2M - SZ_4K);
    Lines out;
    out.attach(mb);
    EXPECT_EQ(mb.allocRangeNid(SZ_2M, SZ_4K, 0, 0, NUMA_NO_NODE, false), SZ_4M);
    EXPECT_TRUE(out.has("Could not allocate 0x0000000000200000 bytes of mirrored memory"));
}

TEST(MemblockAlloc, SkipsHotplugOnlyWithMovableNode) {
    Memblock mb;
    mb.add(SZ_1M, SZ_1M);
    mb.addNode(SZ_2M, SZ_1M, MAX_NUMNODES, MEMBLOCK_HOTPLUG);
    EXPECT_EQ(mb.findInRangeNode(SZ_4K, SZ_4K, 0, 0, NUMA_NO_NODE, 0), 0x2ff000u);
    mb.setMovableNode(true);
    EXPECT_EQ(mb.findInRangeNode(SZ_4K, SZ_4K, 0, 0, NUMA_NO_NODE, 0), 0x1ff000u);
    EXPECT_EQ(mb.findInRangeNode(SZ_4K, SZ_4K, 0, 0, NUMA_NO_NODE, MEMBLOCK_HOTPLUG), 0x2ff000u);
}

TEST(MemblockAlloc, SkipsNomapAndDriverManaged) {
    Memblock mb;
    mb.add(SZ_1M, SZ_1M);
    mb.addNode(SZ_2M, SZ_1M, MAX_NUMNODES, MEMBLOCK_DRIVER_MANAGED);
    mb.add(SZ_4M, SZ_1M);
    mb.markNomap(SZ_4M, SZ_1M);
    EXPECT_EQ(mb.findInRangeNode(SZ_4K, SZ_4K, 0, 0, NUMA_NO_NODE, 0), 0x1ff000u);
    EXPECT_EQ(mb.findInRangeNode(SZ_4K, SZ_4K, 0, 0, NUMA_NO_NODE, MEMBLOCK_NOMAP), 0x4ff000u);
    EXPECT_EQ(mb.findInRangeNode(SZ_4K, SZ_4K, 0, 0, NUMA_NO_NODE, MEMBLOCK_DRIVER_MANAGED),
              0x2ff000u);
}

TEST(MemblockAlloc, FailureReservesNothing) {
    Memblock mb;
    mb.add(SZ_1M, SZ_1M);
    mb.reserve(SZ_1M, SZ_1M);
    EXPECT_EQ(mb.allocInternal(SZ_4K, SZ_4K, SZ_64K, 0, 0, false), 0u);
    EXPECT_EQ(mb.reserved().regions.size(), 1u);
    EXPECT_EQ(mb.reservedSize(), SZ_1M);
}

TEST(MemblockAlloc, SixtyFourBitAddressesUpToPhysAddrMax) {
    Memblock mb;
    const phys_addr_t base = 0xffffffff00000000ull;
    mb.add(base, 0x100000000ull); // capped to end at PHYS_ADDR_MAX
    EXPECT_EQ(mb.memory().regions[0].size, 0xffffffffull);
    Lines out;
    out.attach(mb);
    EXPECT_EQ(mb.physAllocRange(SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ANYWHERE), 0xffffffffffffe000ull);
    EXPECT_EQ(out.v.back(), "memblock_reserve: [0xffffffffffffe000-0xffffffffffffefff] "
                            "memblock_alloc_range_nid+0xbd/0x180");
    mb.setBottomUp(true);
    EXPECT_EQ(mb.physAllocRange(SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ANYWHERE), base);
    EXPECT_EQ(mb.checkInvariants(), "");
}

// ===========================================================================
// Free ranges

TEST(MemblockFree, AscendingAndDescending) {
    Memblock mb;
    mb.addNode(0x1000, 0x9e000, 0, 0);
    mb.addNode(0x100000, 0x3ff00000, 0, 0);
    mb.addNode(0x40000000, 0x3ffdf000, 1, 0);
    mb.reserve(0, 0x10000);
    mb.reserve(0x98000, 0x68000);
    mb.reserve(0x3ff00000, 0x200000); // across the node boundary
    const auto up = mb.freeRanges(NUMA_NO_NODE, MEMBLOCK_NONE);
    ASSERT_EQ(up.size(), 3u);
    EXPECT_EQ(up[0].start, 0x10000u);
    EXPECT_EQ(up[0].end, 0x98000u);
    EXPECT_EQ(up[0].nid, 0);
    EXPECT_EQ(up[1].start, 0x100000u);
    EXPECT_EQ(up[1].end, 0x3ff00000u);
    EXPECT_EQ(up[2].start, 0x40100000u);
    EXPECT_EQ(up[2].end, 0x7ffdf000u);
    EXPECT_EQ(up[2].nid, 1);
    const auto down = mb.freeRanges(NUMA_NO_NODE, MEMBLOCK_NONE, true);
    ASSERT_EQ(down.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(down[i].start, up[2 - i].start);
        EXPECT_EQ(down[i].end, up[2 - i].end);
    }
    const auto n1 = mb.freeRanges(1, MEMBLOCK_NONE);
    ASSERT_EQ(n1.size(), 1u);
    EXPECT_EQ(n1[0].start, 0x40100000u);
}

TEST(MemblockFree, SplitAtMemoryRegionBoundaries) {
    Memblock mb;
    mb.addNode(0x100000, 0x100000, 0, 0);
    mb.addNode(0x200000, 0x100000, 1, 0); // touching, other node
    const auto up = mb.freeRanges(NUMA_NO_NODE, MEMBLOCK_NONE);
    ASSERT_EQ(up.size(), 2u);
    EXPECT_EQ(up[0].end, 0x200000u);
    EXPECT_EQ(up[1].start, 0x200000u);
    // And an allocation never spans the two.
    EXPECT_EQ(mb.findInRangeNode(0x180000, SZ_4K, 0, 0, NUMA_NO_NODE, 0), 0u);
}

TEST(MemblockFree, TouchingReservedRegionsLeaveNoEmptyRange) {
    Memblock mb;
    mb.add(0x1000, 0x4000);
    mb.reserve(0x2000, 0x1000);
    mb.reserve(0x3000, 0x1000);
    mb.setNode(0x3000, 0x1000, mb.reserved(), 0); // touching, not merged
    ASSERT_EQ(mb.reserved().regions.size(), 2u);
    for (bool rev : {false, true}) {
        const auto f = mb.freeRanges(NUMA_NO_NODE, MEMBLOCK_NONE, rev);
        ASSERT_EQ(f.size(), 2u);
        for (const auto& r : f)
            EXPECT_LT(r.start, r.end);
    }
}

TEST(MemblockFree, MirrorRequestSkipsPlainMemory) {
    Memblock mb;
    mb.add(SZ_1M, SZ_1M);
    mb.add(SZ_4M, SZ_1M);
    mb.markMirror(SZ_4M, SZ_1M);
    const auto f = mb.freeRanges(NUMA_NO_NODE, MEMBLOCK_MIRROR);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].start, SZ_4M);
    EXPECT_EQ(mb.freeRanges(NUMA_NO_NODE, MEMBLOCK_NONE).size(), 2u);
}

// ===========================================================================
// Growing the arrays

TEST(MemblockDouble, AddManyDoublesMemory) {
    // Like the kernel's memblock_add_many check.
    Memblock mb;
    Lines out;
    out.attach(mb);
    const phys_addr_t array_bytes = 0x2000; // PAGE_ALIGN(256 * 24)
    phys_addr_t base = SZ_1M;
    mb.add(base, array_bytes);
    base += array_bytes + SZ_64;
    for (int i = 0; i < INIT_MEMBLOCK_REGIONS; ++i) {
        mb.add(base, SZ_64);
        base += 2 * SZ_64;
        ASSERT_EQ(mb.memory().cnt(), static_cast<std::size_t>(i + 2));
    }
    EXPECT_EQ(mb.memory().max, 256u);
    ASSERT_EQ(mb.reserved().regions.size(), 1u);
    EXPECT_EQ(mb.reserved().regions[0], rgn(SZ_1M, array_bytes));
    EXPECT_TRUE(out.has("memblock: memory is doubled to 256 at "
                        "[0x0000000000100000-0x00000000001017ff]"));
    EXPECT_TRUE(out.has("memblock_reserve: [0x0000000000100000-0x0000000000101fff]"));
    mb.add(SZ_16 * 0x1000, SZ_16 * 0x1000);
    EXPECT_EQ(mb.memory().regions[0].base, 0x10000u);
    EXPECT_EQ(mb.memory().cnt(), 130u);
    EXPECT_EQ(mb.checkInvariants(), "");
}

TEST(MemblockDouble, ReserveManyAtAllLocations) {
    const phys_addr_t mem = 0x10000000;
    const phys_addr_t array_bytes = 0x2000;
    for (int skip : {0, 1, 63, 127, 128}) {
        Memblock mb;
        mb.add(mem, SZ_32K);
        auto at = [](int i) { return SZ_128K + 2 * SZ_32K * static_cast<phys_addr_t>(i); };
        for (int i = 0; i <= INIT_MEMBLOCK_REGIONS; ++i)
            if (i != skip) mb.reserve(at(i), SZ_32K);
        ASSERT_EQ(mb.reserved().cnt(), 128u);
        mb.reserve(at(skip), SZ_32K);
        EXPECT_EQ(mb.reserved().cnt(), 130u) << skip;
        EXPECT_EQ(mb.reserved().max, 256u);
        EXPECT_EQ(mb.reservedSize(), 129 * SZ_32K + array_bytes);
        EXPECT_TRUE(mb.isReserved(mem + SZ_32K - array_bytes));
        mb.reserve(SZ_16 * 0x400, SZ_16 * 0x400);
        EXPECT_EQ(mb.reserved().regions[0], rgn(0x4000, 0x4000));
        EXPECT_EQ(mb.checkInvariants(), "");
    }
}

TEST(MemblockDouble, NewReservedArrayAvoidsTheRangeBeingReserved) {
    // Like memblock_reserve_many_may_conflict: the range being reserved is
    // free memory itself, above the other candidate.
    const phys_addr_t off = 0x10000000;
    auto at = [&](int i) { return off + 2 * SZ_32K * static_cast<phys_addr_t>(i); };
    for (int skip : {1, 64, 129}) {
        Memblock mb;
        mb.add(at(0), SZ_32K);
        mb.add(at(skip), SZ_32K);
        for (int i = 1; i <= INIT_MEMBLOCK_REGIONS + 1; ++i)
            if (i != skip) mb.reserve(at(i), SZ_32K);
        mb.reserve(at(skip), SZ_32K);
        EXPECT_EQ(mb.reserved().cnt(), 130u);
        EXPECT_EQ(mb.reserved().regions[0], rgn(at(0) + SZ_32K - 0x2000, 0x2000));
        EXPECT_EQ(mb.checkInvariants(), "");
    }
}

TEST(MemblockDouble, SecondDoublingFreesTheFirstArray) {
    Memblock mb;
    mb.add(SZ_1M, SZ_1M);
    Lines out;
    out.attach(mb);
    for (int i = 0; i < 300; ++i)
        mb.reserve(0x10000000 + 0x20 * static_cast<phys_addr_t>(i), 0x10);
    EXPECT_EQ(mb.reserved().max, 512u);
    // 256 * 24 bytes = 0x1800 in 0x2000; 512 * 24 = 0x3000.
    const std::vector<std::string> want = {
        "memblock: reserved is doubled to 256 at [0x00000000001fe000-0x00000000001ff7ff]",
        "memblock_reserve: [0x00000000001fe000-0x00000000001fffff]",
        "memblock: reserved is doubled to 512 at [0x00000000001fb000-0x00000000001fdfff]",
        "memblock_phys_free: [0x00000000001fe000-0x00000000001fffff]",
        "memblock_reserve: [0x00000000001fb000-0x00000000001fdfff]"};
    std::vector<std::string> got;
    for (const auto& l : out.v)
        if (l.rfind("memblock_reserve: [0x0000000010", 0) != 0) got.push_back(l);
    EXPECT_EQ(got, want);
    EXPECT_EQ(mb.reserved().regions[0], rgn(0x1fb000, 0x3000));
    EXPECT_EQ(mb.reserved().cnt(), 301u);
    EXPECT_EQ(mb.checkInvariants(), "");
}

TEST(MemblockDouble, IsolateMakesRoomForTwoSplits) {
    Memblock mb;
    mb.add(SZ_1M, SZ_1M);
    for (int i = 0; i < 126; ++i)
        mb.add(0x300000 + 0x80 * static_cast<phys_addr_t>(i), SZ_64);
    ASSERT_EQ(mb.memory().cnt(), 127u);
    Lines out;
    out.attach(mb);
    mb.markHotplug(0x180000, 0x1000);
    EXPECT_EQ(mb.memory().max, 256u);
    EXPECT_EQ(mb.memory().cnt(), 129u);
    ASSERT_GE(out.v.size(), 1u);
    EXPECT_EQ(out.v[0], "memblock: memory is doubled to 256 at "
                        "[0x00000000001fe000-0x00000000001ff7ff]");
    EXPECT_TRUE(mb.isReserved(0x1fe000));
}

TEST(MemblockDouble, NewArrayPrefersMirrorThenAnyMemory) {
    Memblock mb;
    mb.add(SZ_1M, SZ_4K); // mirrored, too small for the new array
    mb.add(SZ_2M, SZ_1M);
    mb.markMirror(SZ_1M, SZ_4K);
    Lines out;
    out.attach(mb);
    for (int i = 0; i <= INIT_MEMBLOCK_REGIONS; ++i)
        mb.reserve(0x10000000 + 0x20 * static_cast<phys_addr_t>(i), 0x10);
    EXPECT_EQ(mb.reserved().max, 256u);
    EXPECT_TRUE(out.has("Could not allocate 0x0000000000002000 bytes of mirrored memory"));
    EXPECT_TRUE(out.has("memblock: reserved is doubled to 256 at "
                        "[0x00000000002fe000-0x00000000002ff7ff]"));
}

TEST(MemblockDouble, FailsWithoutFreeMemory) {
    Memblock mb;
    Lines out;
    out.attach(mb);
    for (int i = 0; i < INIT_MEMBLOCK_REGIONS; ++i)
        EXPECT_EQ(mb.reserve(0x20 * static_cast<phys_addr_t>(i), 0x10), 0);
    EXPECT_EQ(mb.reserve(0x10000, 0x10), -ENOMEM);
    EXPECT_EQ(mb.reserved().cnt(), 128u);
    EXPECT_TRUE(out.has("memblock: Failed to double reserved array from 128 to 256 entries !"));
    EXPECT_EQ(mb.checkInvariants(), "");
}

// ===========================================================================
// Invariants, and random operations against a simple reference

TEST(MemblockInvariants, DetectBrokenArrays) {
    auto broken = [](auto mutate) {
        Memblock mb;
        mb.add(0x10000, 0x1000);
        mb.add(0x30000, 0x1000);
        mutate(mb);
        return mb.checkInvariants();
    };
    EXPECT_EQ(broken([](Memblock&) {}), "");
    EXPECT_NE(broken([](Memblock& mb) {
                  std::swap(mb.memory().regions[0], mb.memory().regions[1]);
              }).find("not sorted"),
              std::string::npos);
    EXPECT_NE(broken([](Memblock& mb) { mb.memory().regions[0].size = 0x30000; }).find("overlaps"),
              std::string::npos);
    EXPECT_NE(broken([](Memblock& mb) {
                  mb.memory().regions[0].size = 0;
                  mb.memory().total_size -= 0x1000;
              }).find("size 0"),
              std::string::npos);
    EXPECT_NE(broken([](Memblock& mb) { mb.memory().total_size = 1; }).find("total_size"),
              std::string::npos);
    EXPECT_NE(broken([](Memblock& mb) { mb.memory().max = 1; }).find("cnt 2 > max 1"),
              std::string::npos);
    EXPECT_NE(
        broken([](Memblock& mb) { mb.memory().regions[1].base = 0x11000; }).find("not merged"),
        std::string::npos);
}

namespace {

// Byte-granular model of the two arrays over a small address space.
struct RefUnit {
    bool present = false;
    int nid = 0;
    std::uint32_t flags = 0;
};
constexpr phys_addr_t UNIT = 0x100;
constexpr std::size_t UNITS = 512; // 128 KiB

std::vector<RefUnit> expand(const MemblockType& t) {
    std::vector<RefUnit> u(UNITS);
    for (const MemblockRegion& r : t.regions)
        for (phys_addr_t a = r.base; a < r.end(); a += UNIT)
            u[a / UNIT] = {true, r.nid, r.flags};
    return u;
}

bool sameUnits(const std::vector<RefUnit>& a, const std::vector<RefUnit>& b) {
    for (std::size_t i = 0; i < UNITS; ++i) {
        if (a[i].present != b[i].present) return false;
        if (a[i].present && (a[i].nid != b[i].nid || a[i].flags != b[i].flags)) return false;
    }
    return true;
}

void randomOps(KernelProfile profile, unsigned seed) {
    std::mt19937 rng(seed);
    auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
    Memblock mb(profile);
    // Room enough that no array is doubled (a doubling reserves memory of
    // its own, which the reference does not model).
    mb.memory().max = 4096;
    mb.reserved().max = 4096;
    std::vector<RefUnit> mem(UNITS), res(UNITS);
    const int nids[] = {0, 1, MAX_NUMNODES};
    for (int step = 0; step < 1500; ++step) {
        const std::size_t a = pick(UNITS), n = 1 + pick(48);
        const std::size_t b = std::min(UNITS, a + n);
        const phys_addr_t base = a * UNIT, size = (b - a) * UNIT;
        const int nid = nids[pick(3)];
        const std::uint32_t fl = pick(3) == 0 ? MEMBLOCK_HOTPLUG : MEMBLOCK_NONE;
        const std::size_t op = pick(9);
        for (std::size_t i = a; i < b; ++i) {
            switch (op) {
            case 0:
                if (!mem[i].present) mem[i] = {true, nid, fl};
                break;
            case 1:
                mem[i].present = false;
                break;
            case 2:
                if (!res[i].present) res[i] = {true, MAX_NUMNODES, 0};
                break;
            case 3:
                res[i].present = false;
                break;
            case 4:
                mem[i].flags |= MEMBLOCK_HOTPLUG;
                break;
            case 5:
                mem[i].flags &= ~MEMBLOCK_HOTPLUG;
                break;
            case 6:
                mem[i].flags |= MEMBLOCK_NOMAP;
                break;
            case 7:
                mem[i].nid = nid;
                break;
            case 8:
                res[i].nid = nid;
                break;
            }
        }
        switch (op) {
        case 0:
            mb.addNode(base, size, nid, fl);
            break;
        case 1:
            mb.remove(base, size);
            break;
        case 2:
            mb.reserve(base, size);
            break;
        case 3:
            mb.physFree(base, size);
            break;
        case 4:
            mb.markHotplug(base, size);
            break;
        case 5:
            mb.clearHotplug(base, size);
            break;
        case 6:
            mb.markNomap(base, size);
            break;
        case 7:
            mb.setNode(base, size, mb.memory(), nid);
            break;
        case 8:
            mb.setNode(base, size, mb.reserved(), nid);
            break;
        }
        ASSERT_EQ(mb.checkInvariants(), "") << "step " << step;
        ASSERT_TRUE(sameUnits(expand(mb.memory()), mem)) << "step " << step;
        ASSERT_TRUE(sameUnits(expand(mb.reserved()), res)) << "step " << step;
        ASSERT_EQ(mb.memory().cnt(), mb.memory().regions.empty() ? (profile.is61() ? 1u : 0u)
                                                                 : mb.memory().regions.size());

        // Free ranges: exactly the units in memory, not NOMAP, not reserved.
        std::vector<bool> free(UNITS, false);
        const auto up = mb.freeRanges(NUMA_NO_NODE, MEMBLOCK_NONE);
        const auto down = mb.freeRanges(NUMA_NO_NODE, MEMBLOCK_NONE, true);
        ASSERT_EQ(up.size(), down.size());
        for (std::size_t k = 0; k < up.size(); ++k) {
            ASSERT_LT(up[k].start, up[k].end);
            if (k) {
                ASSERT_LE(up[k - 1].end, up[k].start);
            }
            ASSERT_EQ(up[k].start, down[up.size() - 1 - k].start);
            ASSERT_EQ(up[k].end, down[up.size() - 1 - k].end);
            for (phys_addr_t x = up[k].start; x < up[k].end; x += UNIT) {
                free[x / UNIT] = true;
                ASSERT_EQ(up[k].nid, mem[x / UNIT].nid);
            }
        }
        for (std::size_t i = 0; i < UNITS; ++i)
            ASSERT_EQ(free[i],
                      mem[i].present && !(mem[i].flags & MEMBLOCK_NOMAP) && !res[i].present)
                << "unit " << i << " step " << step;
    }
}

} // namespace

TEST(MemblockInvariants, RandomOpsMatchReference612) {
    randomOps(k612(), 1);
}
TEST(MemblockInvariants, RandomOpsMatchReference61) {
    randomOps(k61(), 2);
}

TEST(MemblockInvariants, RandomAllocsMatchBruteForce) {
    // One node, no flags: the free ranges are the maximal runs of free
    // bytes, so the kernel's answer is the highest (lowest) aligned block
    // that fits in [max(start, PAGE_SIZE), end).
    constexpr phys_addr_t G = 0x10;        // granule
    constexpr std::size_t N = 0x20000 / G; // 128 KiB
    for (bool bottom_up : {false, true}) {
        std::mt19937 rng(bottom_up ? 7 : 8);
        auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
        Memblock mb;
        mb.reserved().max = 4096; // fragmented: keep the array from doubling
        mb.setBottomUp(bottom_up);
        std::vector<bool> freeg(N, false);
        mb.add(0, N * G);
        for (std::size_t i = 0; i < N; ++i)
            freeg[i] = true;
        for (int step = 0; step < 1500; ++step) {
            const std::size_t a = pick(N), n = 1 + pick(64), b = std::min(N, a + n);
            if (pick(4) == 0) {
                mb.physFree(a * G, (b - a) * G);
                for (std::size_t i = a; i < b; ++i)
                    freeg[i] = true;
                continue;
            }
            const phys_addr_t size = (1 + pick(64)) * G;
            const phys_addr_t align = G << pick(9);
            phys_addr_t start = pick(N) * G, end = pick(N + 1) * G;
            if (pick(3) == 0) start = 0;
            if (pick(3) == 0) end = MEMBLOCK_ALLOC_ANYWHERE;
            const phys_addr_t lo = std::max(start, phys_addr_t{PAGE_SIZE});
            const phys_addr_t eff_end = end <= MEMBLOCK_ALLOC_NOLEAKTRACE ? PHYS_ADDR_MAX : end;
            const phys_addr_t hi = std::min(std::max(lo, eff_end), phys_addr_t{N * G});
            phys_addr_t want = 0;
            auto fits = [&](phys_addr_t x) {
                if (x < lo || x + size > hi) return false;
                for (phys_addr_t g = x / G; g < (x + size) / G; ++g)
                    if (!freeg[g]) return false;
                return true;
            };
            if (bottom_up) {
                for (phys_addr_t x = (lo + align - 1) / align * align; x + size <= hi; x += align)
                    if (fits(x)) {
                        want = x;
                        break;
                    }
            } else if (hi >= size) {
                for (phys_addr_t x = (hi - size) / align * align + align; x >= align;) {
                    x -= align;
                    if (x < lo) break;
                    if (fits(x)) {
                        want = x;
                        break;
                    }
                }
            }
            const phys_addr_t got = mb.allocRangeNid(size, align, start, end, NUMA_NO_NODE, false);
            ASSERT_EQ(got, want) << "step " << step << " size " << size << " align " << align
                                 << " start " << start << " end " << end;
            if (got)
                for (phys_addr_t g = got / G; g < (got + size) / G; ++g)
                    freeg[g] = false;
            ASSERT_EQ(mb.checkInvariants(), "");
        }
    }
}
