// The simulation loop. An auto boot is one operation that runs the whole
// x86 path; an explicit boot runs its memblock steps one by one and then,
// when a later step first needs the page allocator (or the boot names the
// phase itself), free_area_init, build_all_zonelists, memblock_free_all and
// the watermark set-up. A scenario made only of memblock steps therefore
// stays in the memblock phase, where memblock's state is what one inspects.
#include "core/simulation.h"

#include "core/strfmt.h"

#include <set>

namespace mmsim {

namespace {

std::uint64_t sizeArg(const mmsim::Step& s, const char* key, std::uint64_t dflt = 0) {
    auto it = s.args.find(key);
    if (it == s.args.end()) return dflt;
    auto v = parseSize(*it);
    if (!v) throw OpError(std::string("bad value for '") + key + "'");
    return *v;
}

int intArg(const mmsim::Step& s, const char* key, int dflt) {
    auto it = s.args.find(key);
    return it == s.args.end() ? dflt : it->get<int>();
}

std::string strArg(const mmsim::Step& s, const char* key, const std::string& dflt = {}) {
    auto it = s.args.find(key);
    return it == s.args.end() ? dflt : it->get<std::string>();
}

std::uint32_t flagsArg(const mmsim::Step& s) {
    std::uint32_t f = 0;
    auto it = s.args.find("flags");
    if (it == s.args.end()) return 0;
    for (const auto& v : *it) {
        const std::string n = v.get<std::string>();
        if (n == "HOTPLUG") f |= MEMBLOCK_HOTPLUG;
        else if (n == "MIRROR") f |= MEMBLOCK_MIRROR;
        else if (n == "NOMAP") f |= MEMBLOCK_NOMAP;
        else if (n == "DRIVER_MANAGED") f |= MEMBLOCK_DRIVER_MANAGED;
    }
    return f;
}

const std::set<std::string> kBuddyOps = {"free_reserved_area", "alloc_pages", "free_pages",
                                          "sysctl", "drain_all_pages"};
const std::set<std::string> kSlabOps = {"kmem_cache_create", "kmem_cache_alloc", "kmem_cache_free",
                                        "kmalloc", "kfree", "kmem_cache_shrink",
                                        "kmem_cache_destroy"};

} // namespace

Simulation::Simulation(Scenario scenario)
    : scenario_(std::move(scenario)), clock_(scenario_.machine.cost) {
    st_.printk = [this](const std::string& l) { printk(l); };
    setupMachine(st_, scenario_.machine);
    st_.mm.printk = st_.printk;
    st_.memblock.setDebugSink([this](const std::string& l) { printk(l); });
    if (scenario_.boot_auto) {
        ops_.push_back({Op::AutoBoot, nullptr, {}});
    } else {
        if (!scenario_.machine.e820.empty()) prepareE820(st_);
        for (const mmsim::Step& s : scenario_.boot) ops_.push_back({Op::BootStep, &s, {}});
    }
    for (const mmsim::Step& s : scenario_.steps) ops_.push_back({Op::Step, &s, {}});
}

void Simulation::runAll() {
    while (!done()) step();
}

void Simulation::step() {
    if (done()) return;
    const Op& op = ops_[next_];
    // Refused operations leave the state as it was: work on a copy.
    BootState saved = st_;
    const std::size_t log_size = log_.size();
    auto names_saved = names_;
    auto allocs_saved = allocs_;
    auto slab_allocs_saved = slab_allocs_;
    auto slab_freed_saved = slab_freed_;
    events_.clear();
    try {
        switch (op.kind) {
        case Op::AutoBoot: x86AutoBoot(st_, scenario_.machine); break;
        case Op::BootStep: execBootStep(*op.step); break;
        case Op::ImplicitPhase: break;
        case Op::Step: execStep(*op.step); break;
        }
    } catch (const OpError& e) {
        st_ = std::move(saved);
        st_.printk = [this](const std::string& l) { printk(l); };
        st_.mm.printk = st_.printk;
        st_.memblock.setDebugSink([this](const std::string& l) { printk(l); });
        log_.resize(log_size);
        names_ = std::move(names_saved);
        allocs_ = std::move(allocs_saved);
        slab_allocs_ = std::move(slab_allocs_saved);
        slab_freed_ = std::move(slab_freed_saved);
        events_.clear();
        const mmsim::Step& s = *op.step;
        throw InputError(s.loc, s.pointer, std::string(s.op) + ": " + e.what());
    }
    // The clock: charge the step's events on the step's CPU.
    const bool has_cpu = op.step && op.step->args.contains("cpu") &&
                         op.step->args["cpu"].is_number_integer();
    const int cpu = has_cpu ? op.step->args["cpu"].get<int>() : 0;
    clock_.charge(op.kind == Op::AutoBoot ? "boot" : op.step ? op.step->op : op.phase, cpu, events_,
                  st_.mm);
    ++next_;
}

void Simulation::doFreeAreaInit() {
    if (st_.mm.zones_initialised) return;
    if (!st_.max_pfn) {
        pfn_t e820_max = st_.e820.endOfRamPfn();
        st_.max_pfn = e820_max ? e820_max : PFN_DOWN(st_.memblock.endOfDRAM());
    }
    setMaxZonePfns(st_);
    freeAreaInit(st_.mm, st_.memblock, st_.opts);
}

void Simulation::doZonelists() {
    doFreeAreaInit();
    if (!st_.mm.zonelists_built) buildAllZonelists(st_.mm);
}

void Simulation::doFreeAll() {
    doZonelists();
    if (st_.mm.buddy_ready) return;
    memblockFreeAll(st_.mm, st_.memblock);
    initPerZoneWmarkMin(st_.mm);
    applyWatermarkSysctls(st_.mm);
}

void Simulation::ensureBuddy() { doFreeAll(); }

void Simulation::execBootStep(const mmsim::Step& s) {
    Memblock& mb = st_.memblock;
    const std::string& op = s.op;
    const std::string caller = strArg(s, "caller");
    // A step made before memblock=debug took effect prints nothing.
    struct Quiet {
        Memblock& mb;
        Memblock::DebugSink saved;
        bool on;
        Quiet(Memblock& m, bool q) : mb(m), saved(m.debugSink()), on(q) {
            if (on) mb.setDebugSink(nullptr);
        }
        ~Quiet() {
            if (on) mb.setDebugSink(saved);
        }
    } quiet(mb, s.args.contains("silent") && s.args["silent"].get<bool>());
    if (st_.mm.buddy_ready && op.rfind("memblock_", 0) == 0 && op != "memblock_dump")
        throw OpError("memblock is gone: memblock_free_all has already handed memory to the "
                      "buddy allocator");
    if (op == "memblock_add") {
        auto nid_it = s.args.find("nid");
        if (nid_it == s.args.end() && !s.args.contains("flags"))
            mb.add(sizeArg(s, "base"), sizeArg(s, "size"), caller);
        else
            mb.addNode(sizeArg(s, "base"), sizeArg(s, "size"), intArg(s, "nid", MAX_NUMNODES),
                       flagsArg(s), caller);
    } else if (op == "memblock_reserve") {
        mb.reserve(sizeArg(s, "base"), sizeArg(s, "size"), caller);
    } else if (op == "memblock_remove") {
        mb.remove(sizeArg(s, "base"), sizeArg(s, "size"), caller);
    } else if (op == "memblock_free" || op == "memblock_phys_free") {
        mb.physFree(sizeArg(s, "base"), sizeArg(s, "size"), caller);
    } else if (op == "memblock_set_node") {
        const bool reserved = strArg(s, "type", "memory") == "reserved";
        mb.setNode(sizeArg(s, "base"), sizeArg(s, "size"), reserved ? mb.reserved() : mb.memory(),
                   intArg(s, "nid", 0));
    } else if (op == "memblock_mark_hotplug") {
        mb.markHotplug(sizeArg(s, "base"), sizeArg(s, "size"));
    } else if (op == "memblock_clear_hotplug") {
        mb.clearHotplug(sizeArg(s, "base"), sizeArg(s, "size"));
    } else if (op == "memblock_mark_mirror") {
        mb.markMirror(sizeArg(s, "base"), sizeArg(s, "size"));
    } else if (op == "memblock_mark_nomap") {
        mb.markNomap(sizeArg(s, "base"), sizeArg(s, "size"));
    } else if (op == "memblock_clear_nomap") {
        mb.clearNomap(sizeArg(s, "base"), sizeArg(s, "size"));
    } else if (op == "memblock_set_bottom_up") {
        mb.setBottomUp(s.args.at("enable").get<bool>());
    } else if (op == "memblock_set_current_limit") {
        mb.setCurrentLimit(sizeArg(s, "limit"));
    } else if (op == "memblock_trim_memory") {
        mb.trimMemory(sizeArg(s, "align"));
    } else if (op == "memblock_alloc") {
        const std::string api = strArg(s, "api", "memblock_alloc_try_nid");
        const std::uint64_t size = sizeArg(s, "size"), align = sizeArg(s, "align");
        const int nid = intArg(s, "nid", NUMA_NO_NODE);
        phys_addr_t got = 0;
        if (api == "memblock_phys_alloc_range") {
            got = mb.physAllocRange(size, align, sizeArg(s, "min_addr"), sizeArg(s, "max_addr"),
                                    caller);
        } else if (api == "memblock_phys_alloc_try_nid") {
            got = mb.physAllocTryNid(size, align, nid);
        } else {
            const bool exact = api == "memblock_alloc_exact_nid_raw" ||
                               (s.args.contains("exact_nid") && s.args["exact_nid"].get<bool>());
            got = mb.allocTryNid(api, size, align, sizeArg(s, "min_addr"), sizeArg(s, "max_addr"),
                                 nid, exact, caller);
        }
        if (!got)
            printk(strprintf("%s: Failed to allocate %llu bytes align=0x%llx nid=%d", api.c_str(),
                             (unsigned long long)size, (unsigned long long)align, nid));
        if (s.args.contains("as")) names_[s.args["as"].get<std::string>()] = got;
        if (s.args.contains("expect_base")) {
            std::uint64_t want = sizeArg(s, "expect_base");
            if (want != got)
                failures_.push_back({InputError::format(s.loc, s.pointer, "expect_base"),
                                     "memblock allocation placement", pa(want), pa(got)});
        }
    } else if (op == "memblock_dump") {
        for (const std::string& l : splitLines(mb.dump())) printk(l);
    } else if (op == "free_area_init") {
        doFreeAreaInit();
    } else if (op == "build_all_zonelists") {
        doZonelists();
    } else if (op == "memblock_free_all") {
        doFreeAll();
    } else {
        execStep(s);
    }
}

void Simulation::execStep(const mmsim::Step& s) {
    if (kBuddyOps.count(s.op)) ensureBuddy();
    if (s.op == "free_reserved_area") {
        const std::uint64_t base = sizeArg(s, "base"), size = sizeArg(s, "size");
        // Only memory that is reserved (not already free, not absent) may go back.
        for (pfn_t pfn = PFN_UP(base); pfn < PFN_DOWN(base + size); ++pfn) {
            for (const Node& n : st_.mm.nodes)
                for (const Zone& z : n.zones)
                    if (z.spanned_pages && z.spans(pfn)) {
                        if (z.free_area.findContaining(pfn, nullptr))
                            throw OpError(strprintf("pfn %#llx is already free",
                                                    (unsigned long long)pfn));
                    }
        }
        std::uint64_t n = freeReservedArea(st_.mm, base, size);
        printk(strprintf("Freeing %s memory: %lluK", strArg(s, "what", "reserved").c_str(),
                         (unsigned long long)(n << 2)));
    } else if (s.op == "alloc_pages") {
        execAllocPages(s);
    } else if (s.op == "free_pages") {
        execFreePages(s);
    } else if (s.op == "sysctl") {
        execSysctl(s);
    } else if (kSlabOps.count(s.op)) {
        execSlab(s);
    } else if (s.op == "drain_all_pages") {
        drainAllPages(st_.mm, &events_);
    } else if (s.op == "memblock_dump") {
        for (const std::string& l : splitLines(st_.memblock.dump())) printk(l);
    } else if (s.op.rfind("memblock_", 0) == 0 || s.op == "free_area_init" ||
               s.op == "build_all_zonelists") {
        execBootStep(s);
    } else {
        throw OpError("operation not supported yet");
    }
}

void Simulation::execAllocPages(const mmsim::Step& s) {
    MmModel& mm = st_.mm;
    std::string err;
    const std::optional<gfp_t> gfp = parseGfp(strArg(s, "gfp"), mm.profile, &err);
    if (!gfp) throw OpError(err);
    if (!gfpZone(*gfp))
        throw OpError("invalid GFP zone modifiers: at most one of __GFP_DMA, __GFP_HIGHMEM and "
                      "__GFP_DMA32 may be given");
    if (gfpMigratetype(*gfp, false) < 0)
        throw OpError("__GFP_MOVABLE and __GFP_RECLAIMABLE may not be combined");
    AllocRequest req;
    req.gfp = *gfp;
    req.order = intArg(s, "order", 0);
    req.cpu = intArg(s, "cpu", 0);
    req.nid = intArg(s, "nid", NUMA_NO_NODE);
    if (req.cpu >= scenario_.machine.cpus)
        throw OpError(strprintf("cpu %d does not exist (the machine has %d)", req.cpu,
                                scenario_.machine.cpus));
    if (req.nid != NUMA_NO_NODE &&
        (static_cast<std::size_t>(req.nid) >= mm.nodes.size() ||
         !mm.nodes[static_cast<std::size_t>(req.nid)].online))
        throw OpError(strprintf("node %d is not online", req.nid));
    const std::string name = strArg(s, "as");
    if (!name.empty() && allocs_.count(name))
        throw OpError("name '" + name + "' belongs to a live allocation: free it first");
    const int count = intArg(s, "count", 1);
    PageAllocation pa;
    int failed = 0;
    std::string reason;
    for (int i = 0; i < count; ++i) {
        AllocOutcome o = allocPages(mm, req, &events_);
        if (o.ok) {
            pa.blocks.emplace_back(o.pfn, o.order);
        } else {
            if (!failed) reason = o.reason;
            ++failed;
        }
    }
    if (failed)
        printk(strprintf("alloc_pages: %d of %d order-%d allocations failed (%s): %s", failed,
                         count, req.order, formatGfp(req.gfp, mm.profile).c_str(),
                         reason.c_str()));
    if (!name.empty() && !pa.blocks.empty()) allocs_[name] = std::move(pa);
}

void Simulation::execFreePages(const mmsim::Step& s) {
    const std::string name = strArg(s, "ref");
    auto it = allocs_.find(name);
    if (it == allocs_.end())
        throw OpError("no live allocation is named '" + name + "' (never allocated, or freed "
                      "already)");
    const int cpu = intArg(s, "cpu", 0);
    if (cpu >= scenario_.machine.cpus)
        throw OpError(strprintf("cpu %d does not exist (the machine has %d)", cpu,
                                scenario_.machine.cpus));
    for (const auto& [pfn, order] : it->second.blocks) {
        FreeOutcome o = freePages(st_.mm, pfn, order, &events_, cpu);
        if (!o.ok) throw OpError(o.error);
    }
    allocs_.erase(it);
}

void Simulation::execSysctl(const mmsim::Step& s) {
    MmModel& mm = st_.mm;
    const std::string name = strArg(s, "name");
    const json& v = s.args.at("value");
    auto intValue = [&](long lo, long hi) {
        if (!v.is_number_integer()) throw OpError(name + " takes an integer");
        const long x = v.get<long>();
        if (x < lo || x > hi) throw OpError(strprintf("%s must be in %ld..%ld", name.c_str(), lo, hi));
        return x;
    };
    if (name == "vm.min_free_kbytes") {
        // min_free_kbytes_sysctl_handler()
        mm.min_free_kbytes = mm.user_min_free_kbytes = mm.sysctl.min_free_kbytes =
            intValue(0, 2147483647);
        setupPerZoneWmarks(mm);
    } else if (name == "vm.watermark_scale_factor") {
        mm.sysctl.watermark_scale_factor = intValue(1, 3000);
        setupPerZoneWmarks(mm);
    } else if (name == "vm.lowmem_reserve_ratio") {
        if (!v.is_array() || v.size() != MAX_NR_ZONES)
            throw OpError(strprintf("%s takes an array of %d integers", name.c_str(), MAX_NR_ZONES));
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (!v[i].is_number_integer()) throw OpError(name + " takes integers");
            const long x = v[i].get<long>();
            // lowmem_reserve_ratio_sysctl_handler(): values below 1 mean 0.
            mm.sysctl.lowmem_reserve_ratio[i] = x < 1 ? 0 : x;
        }
        setupPerZoneLowmemReserve(mm);
    } else {
        throw OpError("unknown sysctl '" + name + "'");
    }
}

} // namespace mmsim
