// The x86_64 boot path ("boot": "auto"), following setup_arch():
//
//  1. The firmware's e820 map is sanitised and printed (BIOS-e820 lines).
//  2. early_reserve_memory(): the kernel image, the first 64 KiB, the
//     initrd and the BIOS area below 1 MiB are reserved in memblock before
//     memblock knows any memory (reservations need no memory to exist).
//  3. mem= and memmap= edit the e820 map ("user-defined physical RAM map").
//  4. trim_bios_range(): page 0 becomes reserved, RAM in 640K..1M goes.
//  5. e820__memblock_setup(): every usable entry is added to memblock,
//     then trimmed to whole pages.
//  6. reserve_real_mode(): the SMP trampoline is allocated below 1 MiB and
//     then all of the first MiB is reserved.
//  7. NUMA: memblock regions get their node ids from the firmware's SRAT
//     (the scenario's numa nodes), and each node's pg_data_t is allocated
//     on the node itself.
//  8. sparse_init(): the struct page arrays (memmap, 2 MiB per 128 MiB
//     section) are allocated on each node; per-CPU areas follow.
//  9. free_area_init() sizes zones; build_all_zonelists() orders them;
//     memblock_free_all() hands the free ranges to the buddy allocator;
//     init_per_zone_wmark_min() sets the watermarks.
// With CONFIG_CMA, a cma= area is reserved right after NUMA set-up (7) and
// released to the buddy allocator as MIGRATE_CMA before the watermarks
// (cma.cpp).
// Debian's kernel facts (image size, trampoline size, ...) come from the
// captures in tests/fixtures/kernel; the rest is computed.
#include "core/x86_setup.h"

#include "core/cma.h"
#include "core/strfmt.h"

#include <algorithm>
#include <map>
#include <set>

namespace mmsim {

KernelImageLayout imageLayout(const KernelProfile& p) {
    if (p.is61()) return {0x3400000, 2804, 3136, 28672, 0x2b000, 0x3f000};
    return {0x2c00000, 4264, 4904, 28672, 0x2a980, 0x42000};
}

void setupMachine(BootState& st, const MachineSpec& m) {
    st.opts = parseCmdline(m.cmdline);
    std::vector<E820Entry> entries;
    for (const E820EntrySpec& e : m.e820) entries.push_back({e.addr, e.size, e.type});
    st.bios_e820 = E820Table(entries);
    st.bios_e820.sanitize();
    st.e820 = st.bios_e820;
    st.mm.profile = m.profile;
    st.mm.pcp_enabled = m.pcp;
    st.memblock = Memblock(m.profile);
    // Nodes: the scenario's, or one node holding everything.
    int max_nid = 0;
    for (const NumaNodeSpec& n : m.nodes) max_nid = std::max(max_nid, n.id);
    st.mm.nodes.clear();
    st.mm.nodes.resize(static_cast<size_t>(max_nid) + 1);
    for (size_t i = 0; i < st.mm.nodes.size(); ++i) st.mm.nodes[i].nid = static_cast<int>(i);
    if (m.nodes.empty()) {
        for (int c = 0; c < m.cpus; ++c) st.mm.nodes[0].cpus.push_back(c);
    } else {
        for (const NumaNodeSpec& n : m.nodes) st.mm.nodes[static_cast<size_t>(n.id)].cpus = n.cpus;
    }
    // Distances: the scenario's matrix is indexed by position in numa.nodes.
    const size_t nn = st.mm.nodes.size();
    st.mm.distance.assign(nn, std::vector<int>(nn, 20));
    for (size_t i = 0; i < nn; ++i) st.mm.distance[i][i] = 10;
    for (size_t i = 0; i < m.distance.size() && i < m.nodes.size(); ++i)
        for (size_t j = 0; j < m.distance[i].size() && j < m.nodes.size(); ++j)
            st.mm.distance[static_cast<size_t>(m.nodes[i].id)][static_cast<size_t>(m.nodes[j].id)] =
                m.distance[i][j];
    st.mm.thp_enabled = m.thp;
    st.mm.sysctl.watermark_scale_factor = m.sysctl.watermark_scale_factor;
    for (size_t i = 0; i < m.sysctl.lowmem_reserve_ratio.size() && i < MAX_NR_ZONES; ++i)
        st.mm.sysctl.lowmem_reserve_ratio[i] = m.sysctl.lowmem_reserve_ratio[i];
    st.mm.sysctl.min_free_kbytes = m.sysctl.min_free_kbytes ? *m.sysctl.min_free_kbytes : -1;
}

void setMaxZonePfns(BootState& st) {
    const pfn_t max_low_pfn = st.max_pfn;
    st.mm.max_zone_pfn = {};
    st.mm.max_zone_pfn[ZONE_DMA] = std::min<pfn_t>((16ull << 20) >> PAGE_SHIFT, max_low_pfn);
    st.mm.max_zone_pfn[ZONE_DMA32] = std::min<pfn_t>((4ull << 30) >> PAGE_SHIFT, max_low_pfn);
    st.mm.max_zone_pfn[ZONE_NORMAL] = max_low_pfn;
}

namespace {

struct NumaMemblk {
    std::uint64_t start, end;
    int nid;
};

void applyCommandLineToE820(BootState& st) {
    for (const MemmapOption& o : st.opts.memmap) {
        st.user_defined_map = true;
        switch (o.kind) {
        case MemmapOption::ExactMap: st.e820 = E820Table(); break;
        case MemmapOption::AddRam: st.e820.rangeAdd(o.start, o.size, E820_TYPE_RAM); break;
        case MemmapOption::AddAcpi: st.e820.rangeAdd(o.start, o.size, E820_TYPE_ACPI); break;
        case MemmapOption::AddReserved: st.e820.rangeAdd(o.start, o.size, E820_TYPE_RESERVED); break;
        case MemmapOption::AddPram: st.e820.rangeAdd(o.start, o.size, E820_TYPE_PRAM); break;
        case MemmapOption::Limit:
            st.e820.rangeRemove(o.size, ~0ull - o.size, E820_TYPE_RAM, true);
            break;
        }
    }
    if (st.opts.mem) {
        st.user_defined_map = true;
        st.e820.rangeRemove(*st.opts.mem, ~0ull - *st.opts.mem, E820_TYPE_RAM, true);
    }
    if (st.user_defined_map) {
        st.e820.sanitize();
        st.printk("user-defined physical RAM map:");
        for (const std::string& l : st.e820.printLines("user")) st.printk(l);
    }
}

void reserveBiosRegions(BootState& st) {
    // The EBDA sits right below 640 KiB; reserve from it (never above
    // 0x9f000) to 1 MiB. The end of the first usable entry stands in for
    // the BIOS data area's pointer.
    std::uint64_t bios_start = 0x9f000;
    for (const E820Entry& e : st.bios_e820.entries())
        if (e.type == E820_TYPE_RAM && e.addr < 0xa0000 && e.end() > 0x10000)
            bios_start = std::min<std::uint64_t>(bios_start, e.end() & ~(PAGE_SIZE - 1));
    st.memblock.reserve(bios_start, 0x100000 - bios_start);
}

} // namespace

void x86NumaInit(BootState& st, const MachineSpec& m) {
    Memblock& mb = st.memblock;
    const bool is61 = m.profile.is61();
    const int unset = is61 ? MAX_NUMNODES : NUMA_NO_NODE;
    mb.setNode(0, PHYS_ADDR_MAX, mb.memory(), unset);
    mb.setNode(0, PHYS_ADDR_MAX, mb.reserved(), unset);
    mb.clearHotplug(0, PHYS_ADDR_MAX);

    std::vector<NumaMemblk> mi;
    if (m.nodes.empty()) {
        mi.push_back({0, PFN_PHYS(st.max_pfn), 0}); // dummy_numa_init
    } else {
        for (const NumaNodeSpec& n : m.nodes)
            for (const auto& r : n.ranges) mi.push_back({r.first, r.second, n.id});
    }
    // numa_cleanup_meminfo()
    const std::uint64_t low = is61 ? 0 : mb.startOfDRAM();
    const std::uint64_t high = is61 ? PFN_PHYS(st.max_pfn) : mb.endOfDRAM();
    for (size_t i = 0; i < mi.size(); ++i) {
        NumaMemblk& b = mi[i];
        if (!mb.overlapsRegion(mb.memory(), b.start, b.end - b.start)) {
            mi.erase(mi.begin() + static_cast<long>(i--));
            continue;
        }
        b.start = std::max(b.start, low);
        if (b.end > high) b.end = high;
        if (b.start >= b.end) mi.erase(mi.begin() + static_cast<long>(i--));
    }
    for (size_t i = 0; i < mi.size(); ++i) {
        for (size_t j = i + 1; j < mi.size(); ++j) {
            NumaMemblk &bi = mi[i], &bj = mi[j];
            if (bi.nid != bj.nid) continue;
            std::uint64_t s = std::min(bi.start, bj.start), e = std::max(bi.end, bj.end);
            bool blocked = false;
            for (const NumaMemblk& bk : mi)
                if (bk.nid != bi.nid && s < bk.end && e > bk.start) blocked = true;
            if (blocked) continue;
            st.printk(strprintf("NUMA: Node %d [mem ", bi.nid) + hex0x(bi.start, 10) + "-" +
                      hex0x(bi.end - 1, 10) + "] + [mem " + hex0x(bj.start, 10) + "-" +
                      hex0x(bj.end - 1, 10) + "] -> [mem " + hex0x(s, 10) + "-" + hex0x(e - 1, 10) +
                      "]");
            bi.start = s;
            bi.end = e;
            mi.erase(mi.begin() + static_cast<long>(j--));
        }
    }
    for (const NumaMemblk& b : mi) mb.setNode(b.start, b.end - b.start, mb.memory(), b.nid);
    for (const NumaMemblk& b : mi) mb.setNode(b.start, b.end - b.start, mb.reserved(), b.nid);

    // NODE_DATA for every node with memory, on the node itself.
    const KernelImageLayout lay = imageLayout(m.profile);
    for (Node& n : st.mm.nodes) {
        bool has = false;
        for (const NumaMemblk& b : mi) has |= b.nid == n.nid;
        if (!has) continue;
        phys_addr_t pa_nd = mb.physAllocTryNid(lay.node_data_size, SMP_CACHE_BYTES, n.nid);
        if (pa_nd)
            st.printk(strprintf("NODE_DATA(%d) allocated [mem ", n.nid) + hex0x(pa_nd, 10) + "-" +
                      hex0x(pa_nd + lay.node_data_size - 1, 10) + "]");
        n.node_data_pa = pa_nd;
    }
}

void prepareE820(BootState& st) {
    st.printk("BIOS-provided physical RAM map:");
    for (const std::string& l : st.bios_e820.printLines("BIOS-e820")) st.printk(l);
    st.e820.setPrinter(st.printk);
    applyCommandLineToE820(st);
    // trim_bios_range()
    st.e820.rangeUpdate(0, PAGE_SIZE, E820_TYPE_RAM, E820_TYPE_RESERVED);
    st.e820.rangeRemove(0xa0000, 0x60000, E820_TYPE_RAM, true);
    st.e820.sanitize();
    st.e820.setPrinter(nullptr);
    st.max_pfn = st.e820.endOfRamPfn();
    if (st.max_pfn)
        st.printk("last_pfn = " + hex0x(st.max_pfn) + " max_arch_pfn = " +
                  hex0x(E820Table::MAX_ARCH_PFN));
}

void x86AutoBoot(BootState& st, const MachineSpec& m) {
    Memblock& mb = st.memblock;
    const KernelImageLayout lay = imageLayout(m.profile);
    prepareE820(st);

    // early_reserve_memory() runs before memblock=debug is parsed: silent.
    Memblock::DebugSink sink = mb.debugSink();
    mb.setDebugSink(nullptr);
    const PhysRange image = m.kernel_image ? *m.kernel_image : PhysRange{0x1000000, lay.image_size};
    mb.reserve(image.addr, image.size);
    mb.reserve(0, 0x10000);
    if (m.initrd) mb.reserve(m.initrd->addr & ~(PAGE_SIZE - 1),
                             ((m.initrd->addr + m.initrd->size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)) -
                                 (m.initrd->addr & ~(PAGE_SIZE - 1)));
    reserveBiosRegions(st);
    mb.setDebugSink(sink);

    // e820__memblock_setup()
    mb.setCurrentLimit(0x100000);
    for (const E820Entry& e : st.e820.entries()) {
        if (e.type == E820_TYPE_SOFT_RESERVED) mb.reserve(e.addr, e.size);
        if (e.type != E820_TYPE_RAM && e.type != E820_TYPE_RESERVED_KERN) continue;
        mb.add(e.addr, e.size, "e820__memblock_setup");
    }
    mb.trimMemory(PAGE_SIZE);
    for (const std::string& l : splitLines(mb.dump())) st.printk(l);

    // reserve_real_mode()
    mb.physAllocRange(lay.real_mode_size, PAGE_SIZE, 0, 0x100000, "reserve_real_mode");
    mb.reserve(0, 0x100000, "setup_arch");
    // init_mem_mapping(): a page-table buffer is borrowed and given back.
    phys_addr_t pgt = mb.physAllocRange(2ull << 20, 2ull << 20, 0x100000, PFN_PHYS(st.max_pfn),
                                        "init_mem_mapping");
    if (pgt) mb.physFree(pgt, 2ull << 20, "init_mem_mapping");
    mb.setCurrentLimit(MEMBLOCK_ALLOC_ANYWHERE);

    x86NumaInit(st, m);
    for (const std::string& l : splitLines(mb.dump())) st.printk(l);
    // dma_contiguous_reserve(max_pfn_mapped << PAGE_SHIFT): the cma= area
    // (CONFIG_CMA only). All of RAM is mapped by now.
    dmaContiguousReserve(st, PFN_PHYS(st.max_pfn));

    // sparse_init(): the section root array, then per node its usemaps
    // (56 bytes a section, near NODE_DATA) and its memmap (2 MiB a section).
    std::set<pfn_t> sections;
    std::map<int, std::uint64_t> sections_per_node;
    for (const MemblockRegion& r : mb.memory().regions) {
        pfn_t s = PFN_UP(r.base), e = PFN_DOWN(r.end());
        if (s >= e) continue;
        for (pfn_t sec = s / PAGES_PER_SECTION; sec <= (e - 1) / PAGES_PER_SECTION; ++sec)
            if (sections.insert(sec).second) sections_per_node[r.nid < 0 || r.nid >= MAX_NUMNODES ? 0 : r.nid]++;
    }
    mb.allocTryNid("memblock_alloc_try_nid", 32768, SMP_CACHE_BYTES, 0, 0, NUMA_NO_NODE, false,
                   "sparse_init");
    for (const auto& [nid, count] : sections_per_node) {
        phys_addr_t goal = st.mm.nodes[static_cast<size_t>(nid)].node_data_pa;
        phys_addr_t sec_lo = goal & ~((1ull << SECTION_SIZE_BITS) - 1);
        mb.allocTryNid("memblock_alloc_try_nid", 56 * count, SMP_CACHE_BYTES, sec_lo,
                       sec_lo + (1ull << SECTION_SIZE_BITS), nid, false, "sparse_init_nid");
        mb.allocTryNid("memblock_alloc_exact_nid_raw", count * (2ull << 20), 2ull << 20,
                       16ull << 20, 0, nid, true, "sparse_init_nid");
    }
    // Per-CPU first chunk: 2 MiB per CPU on its node, the unused tail freed.
    for (const Node& n : st.mm.nodes) {
        for (size_t c = 0; c < n.cpus.size(); ++c) {
            phys_addr_t pc = mb.allocTryNid("memblock_alloc_try_nid", 2ull << 20, 2ull << 20,
                                            16ull << 20, 0, n.nid, false, "pcpu_fc_alloc");
            if (pc) mb.physFree(pc + lay.percpu_unit, (2ull << 20) - lay.percpu_unit,
                                "pcpu_embed_first_chunk");
        }
    }

    setMaxZonePfns(st);
    freeAreaInit(st.mm, mb, st.opts);
    buildAllZonelists(st.mm);
    memblockFreeAll(st.mm, mb);
    cmaInitReservedAreas(st.mm); // core_initcall, before postcore's watermarks
    initPerZoneWmarkMin(st.mm);
    applyWatermarkSysctls(st.mm);

    // After boot: the initrd and the kernel's init sections are returned.
    if (m.initrd) {
        std::uint64_t n = freeReservedArea(st.mm, m.initrd->addr, m.initrd->size);
        st.printk(strprintf("Freeing initrd memory: %lluK", (unsigned long long)(n << 2)));
    }
    const std::uint64_t init_bytes = lay.init_kb << 10;
    const std::uint64_t init_start =
        (image.addr + image.size - (lay.bss_kb << 10) - init_bytes) & ~(PAGE_SIZE - 1);
    std::uint64_t freed = freeReservedArea(st.mm, init_start, init_bytes);
    st.printk(strprintf("Freeing unused kernel image (initmem) memory: %lluK",
                        (unsigned long long)(freed << 2)));
}

} // namespace mmsim
