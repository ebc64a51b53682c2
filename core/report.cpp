// The text views. Each reproduces the kernel's format string for the same
// state; counters mmsim does not model (LRU sizes, NUMA hit counts, ...)
// print 0 so the layout stays identical to a real /proc file.
#include "core/report.h"

#include "core/frag_index.h"
#include "core/strfmt.h"

#include <stdexcept>

namespace mmsim {

namespace {

const char* const kNodeStats61[] = {
    "nr_inactive_anon", "nr_active_anon", "nr_inactive_file", "nr_active_file",
    "nr_unevictable", "nr_slab_reclaimable", "nr_slab_unreclaimable", "nr_isolated_anon",
    "nr_isolated_file", "workingset_nodes", "workingset_refault_anon", "workingset_refault_file",
    "workingset_activate_anon", "workingset_activate_file", "workingset_restore_anon",
    "workingset_restore_file", "workingset_nodereclaim", "nr_anon_pages", "nr_mapped",
    "nr_file_pages", "nr_dirty", "nr_writeback", "nr_writeback_temp", "nr_shmem",
    "nr_shmem_hugepages", "nr_shmem_pmdmapped", "nr_file_hugepages", "nr_file_pmdmapped",
    "nr_anon_transparent_hugepages", "nr_vmscan_write", "nr_vmscan_immediate_reclaim",
    "nr_dirtied", "nr_written", "nr_throttled_written", "nr_kernel_misc_reclaimable",
    "nr_foll_pin_acquired", "nr_foll_pin_released", "nr_kernel_stack", "nr_page_table_pages",
    "nr_sec_page_table_pages", "nr_swapcached", "pgpromote_success", "pgpromote_candidate"};
// 6.12 adds nr_iommu_pages before nr_swapcached and three pgdemote items.
std::vector<std::string> nodeStatNames(const KernelProfile& p) {
    std::vector<std::string> v(std::begin(kNodeStats61), std::end(kNodeStats61));
    if (!p.is61()) {
        for (size_t i = 0; i < v.size(); ++i)
            if (v[i] == "nr_swapcached") {
                v.insert(v.begin() + static_cast<long>(i), "nr_iommu_pages");
                break;
            }
        v.insert(v.end(), {"pgdemote_kswapd", "pgdemote_direct", "pgdemote_khugepaged"});
    }
    return v;
}

std::vector<std::string> zoneStatNames(const KernelProfile& p) {
    std::vector<std::string> v = {"nr_free_pages", "nr_zone_inactive_anon", "nr_zone_active_anon",
                                  "nr_zone_inactive_file", "nr_zone_active_file",
                                  "nr_zone_unevictable", "nr_zone_write_pending", "nr_mlock",
                                  "nr_bounce", "nr_zspages", "nr_free_cma"};
    if (!p.is61()) v.push_back("nr_unaccepted");
    return v;
}

int fls64(std::uint64_t x) { return x ? 64 - __builtin_clzll(x) : 0; }

// calculate_normal_threshold()
int statThreshold(const Zone& z, int online_cpus) {
    std::uint64_t mem = z.managed_pages >> (27 - PAGE_SHIFT);
    int threshold = 2 * fls64(static_cast<std::uint64_t>(online_cpus)) * (1 + fls64(mem));
    return std::min(threshold, 125);
}

} // namespace

std::string viewE820(const BootState& st) {
    std::string out = "BIOS-provided physical RAM map:\n";
    for (const std::string& l : st.bios_e820.printLines("BIOS-e820")) out += l + "\n";
    if (st.user_defined_map) {
        out += "user-defined physical RAM map:\n";
        for (const std::string& l : st.e820.printLines("user")) out += l + "\n";
    }
    return out;
}

std::string viewMemblock(const BootState& st) { return st.memblock.dump() + "\n"; }

std::string viewBoot(const BootState& st) {
    if (!st.mm.zones_initialised)
        throw std::logic_error("no zones yet: the simulation is still in the memblock phase");
    std::string out;
    for (const std::string& l : st.mm.boot_lines) out += l + "\n";
    return out;
}

std::string viewIomem(const BootState& st) {
    // Top level of /proc/iomem as far as e820 decides it (device windows
    // such as PCI buses are not modelled).
    std::string out;
    for (const E820Entry& e : st.e820.entries()) {
        const char* name = "Reserved";
        switch (e.type) {
        case E820_TYPE_RESERVED_KERN:
        case E820_TYPE_RAM: name = "System RAM"; break;
        case E820_TYPE_ACPI: name = "ACPI Tables"; break;
        case E820_TYPE_NVS: name = "ACPI Non-volatile Storage"; break;
        case E820_TYPE_UNUSABLE: name = "Unusable memory"; break;
        case E820_TYPE_PRAM: name = "Persistent Memory (legacy)"; break;
        case E820_TYPE_PMEM: name = "Persistent Memory"; break;
        case E820_TYPE_SOFT_RESERVED: name = "Soft Reserved"; break;
        default: break;
        }
        out += strprintf("%08llx-%08llx : %s\n", (unsigned long long)e.addr,
                         (unsigned long long)(e.addr + e.size - 1), name);
    }
    return out;
}

std::string viewZoneinfo(const BootState& st, int cpus) {
    if (!st.mm.zones_initialised)
        throw std::logic_error("no zones yet: the simulation is still in the memblock phase");
    const KernelProfile& p = st.mm.profile;
    const auto node_stats = nodeStatNames(p);
    const auto zone_stats = zoneStatNames(p);
    static const char* const numa_stats[] = {"numa_hit",        "numa_miss",  "numa_foreign",
                                             "numa_interleave", "numa_local", "numa_other"};
    std::string out;
    for (const Node& n : st.mm.nodes) {
        if (!n.online) continue;
        bool first_populated_done = false;
        for (const Zone& z : n.zones) {
            out += strprintf("Node %d, zone %8s", n.nid, z.name());
            if (z.populated() && !first_populated_done) {
                first_populated_done = true;
                out += "\n  per-node stats";
                for (const std::string& s : node_stats)
                    out += strprintf("\n      %-12s %lu", s.c_str(), 0ul);
            }
            const unsigned long nr_free = z.free_area.freePages();
            out += strprintf("\n  pages free     %lu\n        boost    %lu\n        min      %lu"
                             "\n        low      %lu\n        high     %lu",
                             nr_free, (unsigned long)z.watermark_boost,
                             (unsigned long)z.watermark[WMARK_MIN],
                             (unsigned long)z.watermark[WMARK_LOW],
                             (unsigned long)z.watermark[WMARK_HIGH]);
            if (!p.is61())
                out += strprintf("\n        promo    %lu", (unsigned long)z.watermark[WMARK_PROMO]);
            out += strprintf("\n        spanned  %lu\n        present  %lu\n        managed  %lu"
                             "\n        cma      %lu",
                             (unsigned long)z.spanned_pages, (unsigned long)z.present_pages,
                             (unsigned long)z.managed_pages, (unsigned long)z.cma_pages);
            out += strprintf("\n        protection: (%ld", (long)z.lowmem_reserve[0]);
            for (int i = 1; i < MAX_NR_ZONES; ++i)
                out += strprintf(", %ld", (long)z.lowmem_reserve[static_cast<size_t>(i)]);
            out += ')';
            if (!z.populated()) {
                out += '\n';
                continue;
            }
            const unsigned long nr_free_cma = z.free_area.freePagesOf(MIGRATE_CMA);
            for (const std::string& s : zone_stats)
                out += strprintf("\n      %-12s %lu", s.c_str(),
                                 s == "nr_free_pages" ? nr_free
                                 : s == "nr_free_cma" ? nr_free_cma
                                                      : 0ul);
            for (const char* s : numa_stats) out += strprintf("\n      %-12s %lu", s, 0ul);
            out += "\n  pagesets";
            for (int cpu = 0; cpu < cpus; ++cpu) {
                // The CPU's pageset; before setup_per_cpu_pageset the boot one.
                PerCpuPages boot;
                const PerCpuPages& pcp = static_cast<std::size_t>(cpu) < z.pageset.size()
                                             ? z.pageset[static_cast<std::size_t>(cpu)]
                                             : boot;
                out += strprintf("\n    cpu: %i\n              count: %i\n              high:  %i"
                                 "\n              batch: %i",
                                 cpu, pcp.count, pcp.high, pcp.batch);
                out += strprintf("\n  vm stats threshold: %d", statThreshold(z, cpus));
            }
            out += strprintf("\n  node_unreclaimable:  %u\n  start_pfn:           %lu\n", 0u,
                             (unsigned long)z.zone_start_pfn);
        }
    }
    return out;
}

std::string viewBuddyinfo(const BootState& st) {
    if (!st.mm.buddy_ready)
        throw std::logic_error("no buddy allocator yet: memblock_free_all has not run");
    std::string out;
    for (const Node& n : st.mm.nodes) {
        for (const Zone& z : n.zones) {
            if (!z.populated()) continue;
            out += strprintf("Node %d, zone %8s ", n.nid, z.name());
            for (int o = 0; o < NR_PAGE_ORDERS; ++o)
                out += strprintf("%6lu ", (unsigned long)z.free_area.nrFree(o));
            out += "\n";
        }
    }
    return out;
}

static std::string fragView(const BootState& st, bool extfrag) {
    if (!st.mm.buddy_ready)
        throw std::logic_error("no buddy allocator yet: memblock_free_all has not run");
    std::string out;
    for (const Node& n : st.mm.nodes) {
        if (!n.has_memory) continue;
        for (const Zone& z : n.zones) {
            if (!z.populated()) continue;
            NrFree nr{};
            for (int o = 0; o < NR_PAGE_ORDERS; ++o) nr[static_cast<size_t>(o)] = z.free_area.nrFree(o);
            out += (extfrag ? extfragIndexLine(n.nid, z.name(), nr)
                            : unusableIndexLine(n.nid, z.name(), nr)) +
                   "\n";
        }
    }
    return out;
}

std::string viewPagetypeinfo(const BootState& st) {
    if (!st.mm.buddy_ready)
        throw std::logic_error("no buddy allocator yet: memblock_free_all has not run");
    // pagetypeinfo_show() per node with memory: free blocks per type and
    // order (counting stops at 100000), then pageblocks per type.
    std::string out;
    for (const Node& n : st.mm.nodes) {
        if (!n.has_memory) continue;
        out += strprintf("Page block order: %d\n", PAGEBLOCK_ORDER);
        out += strprintf("Pages per block:  %lu\n", (unsigned long)PAGEBLOCK_NR_PAGES);
        out += '\n';
        out += strprintf("%-43s ", "Free pages count per migrate type at order");
        for (int o = 0; o < NR_PAGE_ORDERS; ++o) out += strprintf("%6d ", o);
        out += '\n';
        for (const Zone& z : n.zones) {
            if (!z.populated()) continue;
            for (int mt = 0; mt < MIGRATE_TYPES; ++mt) {
                if (!migratetypeShown(mt, st.mm.profile.cma)) continue;
                out += strprintf("Node %4d, zone %8s, type %12s ", n.nid, z.name(),
                                 migratetypeName(mt));
                for (int o = 0; o < NR_PAGE_ORDERS; ++o) {
                    const std::uint64_t nr = z.free_area.nrFreeOf(o, mt);
                    const bool overflow = nr >= 100000;
                    out += strprintf("%s%6lu ", overflow ? ">" : "",
                                     (unsigned long)(overflow ? 100000 : nr));
                }
                out += '\n';
            }
        }
        out += strprintf("\n%-23s", "Number of blocks type ");
        for (int mt = 0; mt < MIGRATE_TYPES; ++mt)
            if (migratetypeShown(mt, st.mm.profile.cma))
                out += strprintf("%12s ", migratetypeName(mt));
        out += '\n';
        for (const Zone& z : n.zones) {
            if (!z.populated()) continue;
            const PageblockCounts c = pageblockCounts(z);
            out += strprintf("Node %d, zone %8s ", n.nid, z.name());
            for (int mt = 0; mt < MIGRATE_TYPES; ++mt)
                if (migratetypeShown(mt, st.mm.profile.cma))
                    out += strprintf("%12lu ", (unsigned long)c.n[static_cast<std::size_t>(mt)]);
            out += '\n';
        }
    }
    return out;
}

std::string viewUnusableIndex(const BootState& st) { return fragView(st, false); }
std::string viewExtfragIndex(const BootState& st) { return fragView(st, true); }

const std::vector<std::string>& viewNames() {
    static const std::vector<std::string> names = {"e820",     "memblock", "boot",
                                                   "iomem",    "zoneinfo", "buddyinfo",
                                                   "pagetypeinfo", "unusable_index",
                                                   "extfrag_index", "dmesg",
                                                   "cycles", "slabinfo", "slabtop"};
    return names;
}

std::string renderView(const Simulation& sim, const std::string& name) {
    const BootState& st = sim.state();
    if (name == "e820") return viewE820(st);
    if (name == "memblock") return viewMemblock(st);
    if (name == "boot") return viewBoot(st);
    if (name == "iomem") return viewIomem(st);
    if (name == "zoneinfo") return viewZoneinfo(st, sim.scenario().machine.cpus);
    if (name == "buddyinfo") return viewBuddyinfo(st);
    if (name == "pagetypeinfo") return viewPagetypeinfo(st);
    if (name == "unusable_index") return viewUnusableIndex(st);
    if (name == "extfrag_index") return viewExtfragIndex(st);
    if (name == "dmesg") {
        std::string out;
        for (const std::string& l : sim.kernelLog()) out += l + "\n";
        return out;
    }
    if (name == "cycles") return viewCycles(sim.cycles());
    if (name == "slabinfo" || name == "slabtop") {
        // Before any slab step the kernel already has its kmalloc caches.
        SlabState boot;
        const SlabState* s = &st.slab;
        if (!s->ready) {
            if (!st.mm.buddy_ready)
                throw std::logic_error("no slab allocator yet: the buddy allocator is not up");
            slabInit(boot, st.mm, sim.scenario().machine.slab == "slab" ? SlabPolicy::Slab
                                                                        : SlabPolicy::Slub,
                     sim.scenario().machine.cpus);
            s = &boot;
        }
        return name == "slabinfo" ? viewSlabinfo(*s) : viewSlabtop(*s);
    }
    throw std::invalid_argument("unknown view '" + name + "'");
}

} // namespace mmsim
