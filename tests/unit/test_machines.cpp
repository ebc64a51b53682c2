// Hand-built machines, with the expected figures worked out by hand from
// the kernel's rules (mm/mm_init.c, arch/x86): holes, memmap=, mem=,
// movablecore=/kernelcore=, several NUMA nodes with asymmetric distances,
// a node without memory.
#include "core/report.h"
#include "core/scenario.h"
#include "core/simulation.h"
#include "core/strfmt.h"
#include "zoneinfo_parse.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace mmsim;

namespace {

std::string machineJson(const std::string& e820, const std::string& extra = "",
                        const std::string& kernel = "6.12") {
    return R"({"format": "mmsim-scenario/1", "machine": {"cpus": 2, "e820": [)" + e820 +
           R"(], "kernel": {"version": ")" + kernel + "\"}" + extra + R"(}, "boot": "auto"})";
}

const std::string kLow = R"({"addr": "0x0", "size": "0x9fc00", "type": "usable"},
  {"addr": "0x9fc00", "size": "0x400", "type": "reserved"},
  {"addr": "0xf0000", "size": "0x10000", "type": "reserved"})";

std::unique_ptr<Simulation> boot(const std::string& text) {
    auto sim = std::make_unique<Simulation>(loadScenario(text, "test.json"));
    sim->runAll();
    return sim;
}

std::vector<std::string> bootLines(const Simulation& s) { return splitLines(viewBoot(s.state())); }

const Zone& zone(const Simulation& s, int nid, int idx) {
    return s.state().mm.nodes.at(static_cast<size_t>(nid)).zones.at(static_cast<size_t>(idx));
}

// 4 GiB PC: 3 GiB below 4G ending unaligned, 1 GiB above.
const std::string kPc4G = kLow + R"(,
  {"addr": "0x100000", "size": "0xbfedf000", "type": "usable"},
  {"addr": "0xbffdf000", "size": "0x21000", "type": "reserved"},
  {"addr": "0x100000000", "size": "0x40000000", "type": "usable"})";

TEST(Machines, Pc4GZoneRangesAndHoles) {
    auto s = boot(machineJson(kPc4G));
    const std::vector<std::string> want = {
        "Zone ranges:",
        "  DMA      [mem 0x0000000000001000-0x0000000000ffffff]",
        "  DMA32    [mem 0x0000000001000000-0x00000000ffffffff]",
        "  Normal   [mem 0x0000000100000000-0x000000013fffffff]",
        "  Device   empty",
        "Movable zone start for each node",
        "Early memory node ranges",
        "  node   0: [mem 0x0000000000001000-0x000000000009efff]",
        "  node   0: [mem 0x0000000000100000-0x00000000bffdefff]",
        "  node   0: [mem 0x0000000100000000-0x000000013fffffff]",
        "Initmem setup node 0 [mem 0x0000000000001000-0x000000013fffffff]",
        // pfn 0; 0x9f..0xff; the tail of the section holding 0xbffdf000,
        // counted against the zone of the next range (Normal).
        "On node 0, zone DMA: 1 pages in unavailable ranges",
        "On node 0, zone DMA: 97 pages in unavailable ranges",
        "On node 0, zone Normal: 33 pages in unavailable ranges",
        "Fallback order for Node 0: 0 ",
        // 6.12: Total pages = sum of present pages = 3998 + 782303 + 262144
        "Built 1 zonelists, mobility grouping on.  Total pages: 1048445",
        "Policy zone: Normal"};
    EXPECT_EQ(bootLines(*s), want);
    EXPECT_EQ(zone(*s, 0, ZONE_DMA).spanned_pages, 4095u);
    EXPECT_EQ(zone(*s, 0, ZONE_DMA).present_pages, 3998u);
    EXPECT_EQ(zone(*s, 0, ZONE_DMA32).zone_start_pfn, 4096u);
    EXPECT_EQ(zone(*s, 0, ZONE_DMA32).spanned_pages, 0x100000u - 4096u);
    EXPECT_EQ(zone(*s, 0, ZONE_DMA32).present_pages, 0xbffdfu - 0x1000u);
    EXPECT_EQ(zone(*s, 0, ZONE_NORMAL).present_pages, 262144u);
    // Nothing below 1 MiB reaches the buddy allocator: DMA holds 16 MiB - 1 MiB.
    EXPECT_EQ(zone(*s, 0, ZONE_DMA).managed_pages, 3840u);
}

TEST(Machines, MemmapReservesAHole) {
    // memmap=64M$0x10000000 turns 64 MiB of RAM into reserved e820.
    auto s = boot(machineJson(kPc4G, R"(, "cmdline": "memmap=64M$0x10000000")"));
    const auto e820 = splitLines(viewE820(s->state()));
    EXPECT_NE(std::find(e820.begin(), e820.end(), "user-defined physical RAM map:"), e820.end());
    EXPECT_NE(std::find(e820.begin(), e820.end(),
                        "user: [mem 0x0000000010000000-0x0000000013ffffff] reserved"),
              e820.end());
    EXPECT_EQ(zone(*s, 0, ZONE_DMA32).present_pages, 0xbffdfu - 0x1000u - 16384u);
    EXPECT_EQ(zone(*s, 0, ZONE_DMA32).spanned_pages, 0x100000u - 4096u);
}

TEST(Machines, MemLimitsMaxPfn) {
    auto s = boot(machineJson(kPc4G, R"(, "cmdline": "mem=1G")"));
    const auto lines = bootLines(*s);
    EXPECT_EQ(lines[2], "  DMA32    [mem 0x0000000001000000-0x000000003fffffff]");
    EXPECT_EQ(lines[3], "  Normal   empty");
    EXPECT_EQ(zone(*s, 0, ZONE_NORMAL).spanned_pages, 0u);
    EXPECT_EQ(s->state().max_pfn, 0x40000u);
}

TEST(Machines, MovablecoreCarvesTheTopOfNormal) {
    // movablecore=512M: 131072 pages rounded up to 1024 -> kernelcore =
    // total - 131072; with one node the movable zone starts where the
    // kernel's share ends, rounded up to 1024 pages.
    auto s = boot(machineJson(kPc4G, R"(, "cmdline": "movablecore=512M")"));
    const Zone& mov = zone(*s, 0, ZONE_MOVABLE);
    const Zone& nor = zone(*s, 0, ZONE_NORMAL);
    // total pages = 0x9e + (0xbffdf - 0x100) + 0x40000 = 1048445;
    // kernelcore = 1048445 - 131072 = 917373 pages. Below Normal (pfn
    // 0x100000) lie 0x9e + 0xbfedf = 786301 pages, so 131072 more come from
    // Normal: 0x100000 + 131072 = 0x120000, already 1024-aligned.
    EXPECT_EQ(mov.zone_start_pfn, 0x120000u);
    EXPECT_EQ(mov.spanned_pages, 0x140000u - 0x120000u);
    EXPECT_EQ(nor.spanned_pages, 0x20000u);
    const auto lines = bootLines(*s);
    EXPECT_NE(std::find(lines.begin(), lines.end(), "  Node 0: 0x0000000120000000"), lines.end());
    // Top-down memblock allocations (memmap, per-CPU areas) land at the top
    // of memory, inside the movable zone, as in the 4-node capture.
    EXPECT_LT(mov.managed_pages, mov.present_pages);
    // Movable zone watermarks (6.12): min = clamp(managed/1024, 32, 128).
    EXPECT_EQ(mov.watermark[WMARK_MIN],
              std::clamp<std::uint64_t>(mov.wmark_managed / 1024, 32, 128));
}

TEST(Machines, KernelcoreSpreadsOverNodes) {
    // Two nodes of 2 GiB above 4G-less layout: kernelcore=1G -> 512 MiB per
    // node stays kernel memory, the rest of each node is ZONE_MOVABLE.
    const std::string e820 = kLow + R"(,
      {"addr": "0x100000", "size": "0xbff00000", "type": "usable"},
      {"addr": "0x100000000", "size": "0x40000000", "type": "usable"})";
    const std::string numa = R"(, "numa": {"nodes": [
        {"id": 0, "ranges": [["0x0", "0x7fffffff"]], "cpus": [0]},
        {"id": 1, "ranges": [["0x80000000", "0x13fffffff"]], "cpus": [1]}]},
        "cmdline": "kernelcore=1G")";
    auto s = boot(machineJson(e820, numa));
    // Normal starts at 0x100000: node 0 has no Normal memory, so its share
    // is spent below usable_startpfn and node 0 gets no movable zone; node 1
    // keeps its DMA32 part (0x80000..0xc0000 = 262144 pages) as kernel memory,
    // which already exceeds its 131072-page share: the first pfn of Normal
    // starts ZONE_MOVABLE there.
    EXPECT_EQ(zone(*s, 0, ZONE_MOVABLE).spanned_pages, 0u);
    EXPECT_EQ(zone(*s, 1, ZONE_MOVABLE).zone_start_pfn, 0x100000u);
    EXPECT_EQ(zone(*s, 1, ZONE_NORMAL).spanned_pages, 0u);
}

std::string nodesJson(int n, const std::vector<std::vector<int>>& dist, bool last_memoryless) {
    // n nodes of 256 MiB each from 16 MiB up (node 0 also holds low memory).
    std::string e820 = kLow + strprintf(R"(, {"addr": "0x100000", "size": "%#llx", "type": "usable"})",
                                        (unsigned long long)(0x10000000ull * n - 0x100000));
    std::string nodes;
    for (int i = 0; i < n; ++i) {
        if (i) nodes += ",";
        unsigned long long lo = 0x10000000ull * i, hi = lo + 0x10000000ull - 1;
        if (last_memoryless && i == n - 1)
            nodes += strprintf(R"({"id": %d, "ranges": [], "cpus": [%d]})", i, i);
        else
            nodes += strprintf(R"({"id": %d, "ranges": [["%#llx", "%#llx"]], "cpus": [%d]})", i, lo,
                               hi, i);
    }
    std::string d = "[";
    for (size_t i = 0; i < dist.size(); ++i) {
        d += i ? ",[" : "[";
        for (size_t j = 0; j < dist[i].size(); ++j) d += (j ? "," : "") + std::to_string(dist[i][j]);
        d += "]";
    }
    d += "]";
    std::string m = R"({"format": "mmsim-scenario/1", "machine": {"cpus": )" + std::to_string(n) +
                    R"(, "e820": [)" + e820 + R"(], "numa": {"nodes": [)" + nodes +
                    R"(], "distance": )" + d + R"(}}, "boot": "auto"})";
    return m;
}

std::vector<std::string> fallbackLines(const Simulation& s) {
    std::vector<std::string> out;
    for (const std::string& l : bootLines(s))
        if (l.rfind("Fallback order", 0) == 0) out.push_back(l);
    return out;
}

TEST(Machines, ZonelistsAsymmetricDistances) {
    // find_next_best_node by hand: val = (dist + (n < local) + 1 (CPUs)) *
    // 1024 + node_load[n]; node_load[n]++ when the distance changes.
    const std::vector<std::vector<int>> d = {
        {10, 20, 30, 25}, {20, 10, 15, 25}, {30, 15, 10, 12}, {25, 25, 12, 10}};
    auto s = boot(nodesJson(4, d, false));
    const std::vector<std::string> want = {
        "Fallback order for Node 0: 0 1 3 2 ", "Fallback order for Node 1: 1 2 0 3 ",
        "Fallback order for Node 2: 2 3 1 0 ", "Fallback order for Node 3: 3 2 0 1 "};
    EXPECT_EQ(fallbackLines(*s), want);
}

TEST(Machines, ZonelistTieBreakingRoundRobin) {
    // Four nodes at equal distance 20: node_load spreads the second choice.
    const std::vector<std::vector<int>> d = {
        {10, 20, 20, 20}, {20, 10, 20, 20}, {20, 20, 10, 20}, {20, 20, 20, 10}};
    auto s = boot(nodesJson(4, d, false));
    // Node 0: 1 (load1=1), 2, 3. Node 1: candidates 0 (+1 for n<local), 2,
    // 3: 2 wins (load 0) -> load2=1; then 3, then 0... worked out:
    const std::vector<std::string> want = {
        "Fallback order for Node 0: 0 1 2 3 ", "Fallback order for Node 1: 1 2 3 0 ",
        "Fallback order for Node 2: 2 3 0 1 ", "Fallback order for Node 3: 3 0 1 2 "};
    EXPECT_EQ(fallbackLines(*s), want);
}

TEST(Machines, EightNodes) {
    std::vector<std::vector<int>> d(8, std::vector<int>(8));
    for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 8; ++j) d[i][j] = i == j ? 10 : 10 + 6 * std::abs(i - j);
    auto s = boot(nodesJson(8, d, false));
    auto lines = fallbackLines(*s);
    ASSERT_EQ(lines.size(), 8u);
    EXPECT_EQ(lines[0], "Fallback order for Node 0: 0 1 2 3 4 5 6 7 ");
    EXPECT_EQ(lines[7], "Fallback order for Node 7: 7 6 5 4 3 2 1 0 ");
    // Node 3: 2 and 4 both at 16; 2 < 3 pays 1 -> 4 first.
    EXPECT_EQ(lines[3], "Fallback order for Node 3: 3 4 2 5 1 6 0 7 ");
    const auto all = bootLines(*s);
    EXPECT_NE(std::find(all.begin(), all.end(),
                        "Built 8 zonelists, mobility grouping on.  Total pages: 524190"),
              all.end());
}

TEST(Machines, NodeWithoutMemory) {
    const std::vector<std::vector<int>> d = {{10, 20, 20}, {20, 10, 20}, {20, 20, 10}};
    auto s = boot(nodesJson(3, d, true));
    const auto lines = bootLines(*s);
    EXPECT_NE(std::find(lines.begin(), lines.end(), "Initmem setup node 2 as memoryless"),
              lines.end());
    // A memoryless node still gets a zonelist (it has a CPU); 6.12 leaves
    // the node itself out, 0 and 1 tie at (20 + 1 + 1) * 1024 + 1.
    EXPECT_NE(std::find(lines.begin(), lines.end(), "Fallback order for Node 2: 0 1 "),
              lines.end());
    EXPECT_EQ(s->state().mm.nodes[2].node_present_pages, 0u);
}

TEST(Machines, NodeWithoutMemory61ListsItselfFirst) {
    const std::vector<std::vector<int>> d = {{10, 20, 20}, {20, 10, 20}, {20, 20, 10}};
    std::string text = nodesJson(3, d, true);
    text.replace(text.find("\"boot\""), 0, "");
    text.insert(text.find("\"e820\""), "\"kernel\": {\"version\": \"6.1\"}, ");
    auto s = boot(text);
    const auto lines = bootLines(*s);
    EXPECT_NE(std::find(lines.begin(), lines.end(), "Fallback order for Node 2: 2 0 1 "),
              lines.end());
}

TEST(Machines, Profile61TotalPagesSubtractsMemmapAndDmaReserve) {
    auto s = boot(machineJson(kPc4G, "", "6.1"));
    const auto lines = bootLines(*s);
    // 6.1: sum over zones of present - memmap pages, minus dma_reserve in DMA.
    const MmModel& mm = s->state().mm;
    std::uint64_t want = 0;
    for (int z = 0; z < 3; ++z) {
        const Zone& zn = zone(*s, 0, z);
        std::uint64_t memmap = (zn.spanned_pages * 64 + 4095) / 4096;
        if (zn.spanned_pages > zn.present_pages + zn.present_pages / 16)
            memmap = (zn.present_pages * 64 + 4095) / 4096;
        want += zn.present_pages - memmap - (z == 0 ? mm.dma_reserve : 0);
    }
    EXPECT_GT(mm.dma_reserve, 0u);
    EXPECT_NE(std::find(lines.begin(), lines.end(),
                        strprintf("Built 1 zonelists, mobility grouping on.  Total pages: %llu",
                                  (unsigned long long)want)),
              lines.end());
}

TEST(Machines, SmallMachineDisablesMobilityGrouping) {
    // 8 MiB: fewer than 512 * 5 pages -> grouping off; THP off below 512 MiB.
    auto s = boot(machineJson(kLow + R"(, {"addr": "0x100000", "size": "0x700000", "type": "usable"})",
                              R"(, "kernel_image": {"addr": "0x200000", "size": "0x200000"})"));
    const auto lines = bootLines(*s);
    EXPECT_NE(lines.back().find("Policy zone: DMA"), std::string::npos);
    EXPECT_NE(lines[lines.size() - 2].find("mobility grouping off"), std::string::npos);
    // min_free_kbytes from the formula (THP is off below 512 MiB):
    // clamp(int_sqrt(lowmem_kb * 16), 128, 262144), lowmem = managed pages.
    std::uint64_t managed = zone(*s, 0, ZONE_DMA).wmark_managed;
    long want = static_cast<long>(std::floor(std::sqrt(static_cast<double>(managed * 4 * 16))));
    want = std::max(128L, want);
    EXPECT_GT(managed, 0u);
    EXPECT_EQ(s->state().mm.min_free_kbytes, want);
}

TEST(Machines, SysctlsRecomputeWatermarksAndReserves) {
    auto s = boot(machineJson(kPc4G, R"(, "sysctl": {"vm.min_free_kbytes": 8192,
        "vm.watermark_scale_factor": 100, "vm.lowmem_reserve_ratio": [128, 64, 16, 0, 0]})"));
    const MmModel& mm = s->state().mm;
    EXPECT_EQ(mm.min_free_kbytes, 8192);
    const Zone& dma = zone(*s, 0, ZONE_DMA);
    const Zone& dma32 = zone(*s, 0, ZONE_DMA32);
    const Zone& normal = zone(*s, 0, ZONE_NORMAL);
    const std::uint64_t lowmem = dma.wmark_managed + dma32.wmark_managed + normal.wmark_managed;
    for (const Zone* z : {&dma, &dma32, &normal}) {
        const std::uint64_t min = 2048 * z->wmark_managed / lowmem; // 8192 KiB = 2048 pages
        const std::uint64_t step = std::max(min / 4, z->wmark_managed * 100 / 10000);
        EXPECT_EQ(z->watermark[WMARK_MIN], min) << z->name();
        EXPECT_EQ(z->watermark[WMARK_LOW], min + step) << z->name();
        EXPECT_EQ(z->watermark[WMARK_HIGH], min + 2 * step) << z->name();
    }
    EXPECT_EQ(dma.lowmem_reserve[ZONE_DMA32], dma32.lowmem_managed / 128);
    EXPECT_EQ(dma.lowmem_reserve[ZONE_NORMAL], (dma32.lowmem_managed + normal.lowmem_managed) / 128);
    EXPECT_EQ(dma32.lowmem_reserve[ZONE_NORMAL], normal.lowmem_managed / 64);
    EXPECT_EQ(normal.lowmem_reserve[ZONE_MOVABLE], 0u); // nothing above Normal
}

TEST(Machines, CopiedStateOwnsItsZonelists) {
    // Found under ASan in the GUI: a state copied before a step (to restore
    // it if the step is refused) kept zonelist pointers into the original.
    auto s = boot(machineJson(kPc4G));
    auto copy = std::make_unique<BootState>(s->state());
    s.reset(); // the original zones are gone
    for (const Node& n : copy->mm.nodes)
        for (const Zone* z : n.zonelist) {
            EXPECT_EQ(z, &copy->mm.nodes[static_cast<size_t>(z->nid)].zones[static_cast<size_t>(z->idx)]);
            EXPECT_GT(z->managed_pages, 0u);
        }
}

TEST(Machines, RefusedStepThenAllocate) {
    auto sim = std::make_unique<Simulation>(loadScenario(
        R"({"format": "mmsim-scenario/1", "machine": {"cpus": 1, "e820": [)" + kPc4G + R"(]},
            "steps": [{"op": "free_pages", "ref": "nobody"},
                      {"op": "alloc_pages", "order": 0, "gfp": "GFP_KERNEL", "as": "a"}]})",
        "refused.json"));
    sim->step(); // boot
    EXPECT_THROW(sim->step(), InputError);
    EXPECT_EQ(sim->executed(), 1u);
    // The refused step is skipped by hand: run the allocation through the
    // restored state's zonelists.
    EXPECT_FALSE(sim->state().mm.nodes[0].zonelist.empty());
    for (const Zone* z : sim->state().mm.nodes[0].zonelist) EXPECT_GT(z->managed_pages, 0u);
}

TEST(Machines, MemoryOnANodeTheMachineDoesNotHave) {
    // An explicit boot may add memory with a nid the machine has no node
    // for: it counts as node 0 (as on a kernel without NUMA), instead of
    // indexing past the node array.
    auto sim = std::make_unique<Simulation>(loadScenario(
        R"({"format": "mmsim-scenario/1", "machine": {"e820": []}, "boot": [
            {"op": "memblock_add", "base": "0x100000", "size": "64M", "nid": 5},
            {"op": "memblock_free_all"}]})",
        "nid5.json"));
    sim->runAll();
    const MmModel& mm = sim->state().mm;
    ASSERT_EQ(mm.nodes.size(), 1u);
    EXPECT_EQ(mm.nodes[0].node_present_pages, (64u << 20) / 4096);
    EXPECT_GT(mm.nodes[0].zones[ZONE_DMA32].managed_pages, 0u);
}

} // namespace
