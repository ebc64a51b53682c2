// The simulation loop. An auto boot is one operation that runs the whole
// x86 path; an explicit boot runs its memblock steps one by one and then,
// when a later step first needs the page allocator (or the boot names the
// phase itself), free_area_init, build_all_zonelists, memblock_free_all and
// the watermark set-up. A scenario made only of memblock steps therefore
// stays in the memblock phase, where memblock's state is what one inspects.
#include "core/simulation.h"

#include "core/cma.h"
#include "core/strfmt.h"

#include <algorithm>
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

// Ops that check everything before they change anything: when one of them is
// refused, nothing needs restoring, so no copy of the state is taken.
const std::set<std::string> kCheckFirstOps = {"alloc_pages", "free_pages", "sysctl",
                                              "drain_all_pages", "label", "checkpoint",
                                              "expect", "predict", "memblock_dump"};

} // namespace

Simulation::Simulation(Scenario scenario) : Simulation(compileScenario(std::move(scenario))) {}

Simulation::Simulation(std::shared_ptr<const Program> program)
    : prog_(std::move(program)), clock_(prog_->scenario.machine.cost) {
    setupMachine(st_, prog_->scenario.machine);
    bindSinks();
    if (!prog_->scenario.boot_auto && !prog_->scenario.machine.e820.empty()) prepareE820(st_);
    slots_.assign(prog_->nr_slots, WorkSlot{});
}

Simulation::Simulation(const Simulation& o)
    : prog_(o.prog_), st_(o.st_), next_(o.next_), log_(o.log_), failures_(o.failures_),
      names_(o.names_), allocs_(o.allocs_), slots_(o.slots_), last_alloc_(o.last_alloc_),
      prediction_(o.prediction_), slab_allocs_(o.slab_allocs_), slab_freed_(o.slab_freed_),
      events_(o.events_), clock_(o.clock_) {
    bindSinks();
}

Simulation& Simulation::operator=(const Simulation& o) {
    if (this == &o) return *this;
    prog_ = o.prog_;
    st_ = o.st_;
    next_ = o.next_;
    log_ = o.log_;
    failures_ = o.failures_;
    names_ = o.names_;
    allocs_ = o.allocs_;
    slots_ = o.slots_;
    last_alloc_ = o.last_alloc_;
    prediction_ = o.prediction_;
    slab_allocs_ = o.slab_allocs_;
    slab_freed_ = o.slab_freed_;
    events_ = o.events_;
    clock_ = o.clock_;
    bindSinks();
    return *this;
}

// The kernel's print paths write to this object's log (a copy must not
// write into the original's).
void Simulation::bindSinks() {
    st_.printk = [this](const std::string& l) { printk(l); };
    st_.mm.printk = st_.printk;
    st_.memblock.setDebugSink([this](const std::string& l) { printk(l); });
}

Simulation::Snapshot Simulation::snapshot() const {
    Snapshot s{st_,         next_,   names_,       allocs_, slab_allocs_, slab_freed_, slots_,
               last_alloc_, prediction_, events_, clock_.withoutStepRecords(), log_.size(),
               failures_.size()};
    return s;
}

void Simulation::recordJournals(Journals& j) const {
    if (next_ <= j.position) return;
    j.log.insert(j.log.end(), log_.begin() + static_cast<long>(std::min(j.log.size(), log_.size())),
                 log_.end());
    j.failures.insert(j.failures.end(),
                      failures_.begin() +
                          static_cast<long>(std::min(j.failures.size(), failures_.size())),
                      failures_.end());
    const auto& st = clock_.stats().steps;
    j.steps.insert(j.steps.end(), st.begin() + static_cast<long>(std::min(j.steps.size(), st.size())),
                   st.end());
    j.position = next_;
}

void Simulation::restore(const Snapshot& s, const Journals* history) {
    st_ = s.st;
    next_ = s.next;
    names_ = s.names;
    allocs_ = s.allocs;
    slab_allocs_ = s.slab_allocs;
    slab_freed_ = s.slab_freed;
    slots_ = s.work_slots;
    last_alloc_ = s.last_alloc;
    prediction_ = s.prediction;
    events_ = s.events;
    clock_.rewindTo(s.clock, s.next, history ? &history->steps : nullptr);
    if (history && log_.size() < s.log_len && history->log.size() >= s.log_len)
        log_.insert(log_.end(), history->log.begin() + static_cast<long>(log_.size()),
                    history->log.begin() + static_cast<long>(s.log_len));
    if (history && failures_.size() < s.failures_len && history->failures.size() >= s.failures_len)
        failures_.insert(failures_.end(),
                         history->failures.begin() + static_cast<long>(failures_.size()),
                         history->failures.begin() + static_cast<long>(s.failures_len));
    log_.resize(std::min(log_.size(), s.log_len));
    failures_.resize(std::min(failures_.size(), s.failures_len));
    bindSinks();
}

void Simulation::runAll() {
    while (!done()) step();
}

bool Simulation::refusalNeedsCopy(const Op& op) const {
    if (op.kind == Op::AutoBoot || op.kind == Op::BootStep) return true;
    // The first buddy operation sets up the zones before it checks its
    // arguments: keep a copy until the buddy allocator is up.
    if (!st_.mm.buddy_ready) return true;
    // A workload's first slab operation sets up the slab layer first.
    if (op.kind == Op::Work) return prog_->work[op.work].kind >= WorkOp::Kmalloc && !st_.slab.ready;
    return op.step && !kCheckFirstOps.count(op.step->op);
}

void Simulation::step() {
    if (done()) return;
    const Op& op = prog_->ops[next_];
    // A refused operation leaves the state as it was: either it checks
    // before it changes anything, or it works while a copy is kept.
    std::optional<Snapshot> saved;
    if (refusalNeedsCopy(op)) saved = snapshot();
    const std::size_t log_size = log_.size(), failures_size = failures_.size();
    const AllocRecord last_alloc = last_alloc_;
    events_.clear();
    prediction_.reset();
    int cpu = 0;
    try {
        switch (op.kind) {
        case Op::AutoBoot: x86AutoBoot(st_, prog_->scenario.machine); break;
        case Op::BootStep: execBootStep(*op.step); break;
        case Op::ImplicitPhase: break;
        case Op::Step: execStep(*op.step); break;
        case Op::Work:
            cpu = prog_->work[op.work].cpu;
            execWork(prog_->work[op.work]);
            break;
        }
    } catch (const OpError& e) {
        if (saved) {
            restore(*saved);
        } else {
            log_.resize(log_size);
            failures_.resize(failures_size);
            last_alloc_ = last_alloc;
            prediction_.reset();
        }
        events_.clear();
        const mmsim::Step& s = *op.step;
        throw InputError(s.loc, s.pointer, std::string(s.op) + ": " + e.what());
    }
    // The clock: charge the step's events on the step's CPU.
    if (op.kind == Op::Step && op.step->args.contains("cpu") &&
        op.step->args["cpu"].is_number_integer())
        cpu = op.step->args["cpu"].get<int>();
    const char* name = "boot";
    if (op.kind == Op::Work)
        name = prog_->work[op.work].name();
    else if (op.kind == Op::ImplicitPhase)
        name = "phase";
    else if (op.step)
        name = op.step->op.c_str();
    clock_.charge(name, cpu, events_, st_.mm);
    ++next_;
}

std::string Simulation::describeOp(std::size_t i) const {
    if (i >= prog_->ops.size()) return {};
    const Op& op = prog_->ops[i];
    switch (op.kind) {
    case Op::AutoBoot: return "boot (auto)";
    case Op::ImplicitPhase: return "boot phase";
    case Op::Work: {
        const WorkOp& w = prog_->work[op.work];
        if (w.kind == WorkOp::AllocPages)
            return strprintf("alloc_pages order=%d gfp=%s cpu=%d (workload object %u)", w.order,
                             prog_->gfp_names[w.gfp].c_str(), w.cpu, w.slot);
        if (w.kind == WorkOp::Kmalloc)
            return strprintf("kmalloc size=%u gfp=%s cpu=%d (workload object %u)", w.arg,
                             prog_->gfp_names[w.gfp].c_str(), w.cpu, w.slot);
        if (w.kind == WorkOp::CacheAlloc)
            return strprintf("kmem_cache_alloc cache=%s gfp=%s cpu=%d (workload object %u)",
                             prog_->cache_names[w.arg].c_str(), prog_->gfp_names[w.gfp].c_str(),
                             w.cpu, w.slot);
        return strprintf("%s cpu=%d (workload object %u)", w.name(), w.cpu, w.slot);
    }
    case Op::BootStep:
    case Op::Step: break;
    }
    std::string s = op.step->op;
    for (const auto& [k, v] : op.step->args.items()) {
        if (k == "op" || k == "note" || k == "steps") continue;
        s += " " + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
    }
    return s;
}

const std::string* Simulation::labelOf(std::size_t i) const {
    const auto& l = prog_->labels;
    auto it = std::lower_bound(l.begin(), l.end(), i,
                               [](const auto& a, std::size_t x) { return a.second < x; });
    return it != l.end() && it->second == i ? &it->first : nullptr;
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
    cmaInitReservedAreas(st_.mm);
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
    if (s.op == "label" || s.op == "checkpoint") {
        // Markers: a point to run to (--until) and a hint to the timeline.
    } else if (s.op == "expect") {
        execExpect(s);
    } else if (s.op == "predict") {
        execPredict(s);
    } else if (s.op == "free_reserved_area") {
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
    if (req.cpu >= prog_->scenario.machine.cpus)
        throw OpError(strprintf("cpu %d does not exist (the machine has %d)", req.cpu,
                                prog_->scenario.machine.cpus));
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
        const std::size_t first = events_.size();
        AllocOutcome o = allocPages(mm, req, &events_);
        recordAlloc(o, req.order, first);
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
    if (cpu >= prog_->scenario.machine.cpus)
        throw OpError(strprintf("cpu %d does not exist (the machine has %d)", cpu,
                                prog_->scenario.machine.cpus));
    // Check every block before freeing any (a refused step changes nothing).
    for (const auto& [pfn, order] : it->second.blocks) {
        const Zone* z = zoneOfPfn(st_.mm, pfn);
        if (!z || !z->allocated.count(pfn))
            throw OpError(strprintf("pfn %#llx is not an allocated block",
                                    (unsigned long long)pfn));
    }
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
        for (std::size_t i = 0; i < v.size(); ++i)
            if (!v[i].is_number_integer()) throw OpError(name + " takes integers");
        for (std::size_t i = 0; i < v.size(); ++i) {
            const long x = v[i].get<long>();
            // lowmem_reserve_ratio_sysctl_handler(): values below 1 mean 0.
            mm.sysctl.lowmem_reserve_ratio[i] = x < 1 ? 0 : x;
        }
        setupPerZoneLowmemReserve(mm);
    } else {
        throw OpError("unknown sysctl '" + name + "'");
    }
}

void Simulation::recordAlloc(const AllocOutcome& o, int order, std::size_t first_event) {
    AllocRecord r;
    r.valid = true;
    r.ok = o.ok;
    r.pfn = o.ok ? o.pfn : NO_PFN;
    r.nid = o.nid;
    r.zone = o.zone;
    r.order = order;
    r.reason = o.reason;
    // Which list served it: a per-CPU list, or the buddy list of the order
    // the block was taken from (the last take before mm_page_alloc).
    for (std::size_t i = first_event; i < events_.size(); ++i) {
        const BuddyEvent& e = events_[i];
        if (e.kind == BuddyEvent::pcp_hit || e.kind == BuddyEvent::pcp_refill) r.list = -1;
        else if (e.kind == BuddyEvent::rmqueue_smallest) r.list = e.from_order;
        else if (e.kind == BuddyEvent::mm_page_alloc_extfrag) r.list = e.from_order;
    }
    // Through the per-CPU lists (a hit, or a refill then a take): "pcp".
    for (std::size_t i = first_event; i < events_.size(); ++i)
        if (events_[i].kind == BuddyEvent::pcp_hit || events_[i].kind == BuddyEvent::pcp_refill)
            r.list = -1;
    last_alloc_ = std::move(r);
}

void Simulation::execWork(const WorkOp& w) {
    ensureBuddy();
    MmModel& mm = st_.mm;
    WorkSlot& slot = slots_[w.slot];
    if (w.kind == WorkOp::AllocPages) {
        AllocRequest req;
        req.gfp = prog_->gfp_flags[w.gfp];
        req.order = w.order;
        req.cpu = w.cpu;
        const std::size_t first = events_.size();
        AllocOutcome o = allocPages(mm, req, &events_);
        recordAlloc(o, w.order, first);
        slot = WorkSlot{};
        if (o.ok)
            slot.pfn = o.pfn, slot.order = w.order;
        else
            printk(strprintf("alloc_pages: 1 of 1 order-%d allocations failed (%s): %s", w.order,
                             formatGfp(req.gfp, mm.profile).c_str(), o.reason.c_str()));
    } else if (w.kind == WorkOp::Kmalloc || w.kind == WorkOp::CacheAlloc) {
        execWorkSlabAlloc(w); // slab_ops.cpp
    } else if (slot.cache >= 0) {
        execWorkSlabFree(w); // slab_ops.cpp
    } else if (slot.pfn != NO_PFN) {
        // Freeing an object whose allocation failed does nothing (kfree(NULL)).
        FreeOutcome o = freePages(mm, slot.pfn, slot.order, &events_, w.cpu);
        if (!o.ok) throw OpError(o.error);
        slot = WorkSlot{};
    }
}

void Simulation::execExpect(const mmsim::Step& s) {
    const ExpectSpec& spec = prog_->expects.at(&s);
    if (!spec.values.empty()) ensureBuddy();
    auto failed = evalExpect(*this, spec, InputError::format(s.loc, s.pointer, "expect"));
    for (ExpectFailure& f : failed) {
        // "file:line:col: error: expect (at /steps/3)" -> "file:line:col (at /steps/3)"
        f.where = s.loc.file + ":" + std::to_string(s.loc.line) + ":" + std::to_string(s.loc.col) +
                  " (at " + s.pointer + ")";
        failures_.push_back(std::move(f));
    }
}

void Simulation::execPredict(const mmsim::Step& s) {
    const PredictSpec& spec = prog_->predicts.at(&s);
    ensureBuddy();
    Prediction p;
    p.step = next_;
    p.where = s.loc.file + ":" + std::to_string(s.loc.line) + ":" + std::to_string(s.loc.col) +
              " (at " + s.pointer + ")";
    p.question = spec.question;
    for (const json& c : spec.choices) p.choices.push_back(c.is_string() ? c.get<std::string>() : c.dump());
    json answer;
    std::string why;
    if (spec.value && spec.now) {
        answer = evalNamedValue(*this, *spec.value);
        why = spec.value->describe() + " is " + (answer.is_string() ? answer.get<std::string>() : answer.dump()) + " now";
    } else {
        // Dry-run what follows on a copy: up to the next allocation (about)
        // or the next step (value).
        Simulation dry(prog_);
        dry.restore(snapshot());
        dry.next_ = next_ + 1;
        try {
            if (spec.value) {
                if (dry.done()) throw OpError("no step follows the prediction");
                dry.step();
                answer = evalNamedValue(dry, *spec.value);
                why = spec.value->describe() + " will be " +
                      (answer.is_string() ? answer.get<std::string>() : answer.dump()) +
                      " after " + dry.describeOp(dry.next_ - 1);
            } else {
                bool found = false;
                while (!dry.done() && !found) {
                    const Op& op = prog_->ops[dry.next_];
                    found = (op.kind == Op::Work && prog_->work[op.work].kind == WorkOp::AllocPages) ||
                            (op.kind == Op::Step && op.step->op == "alloc_pages");
                    dry.step();
                }
                if (!found) throw OpError("no allocation follows the prediction");
                const AllocRecord& r = dry.last_alloc_;
                const std::string what = dry.describeOp(dry.next_ - 1);
                if (spec.about == "next_alloc_result") {
                    answer = r.ok ? "ok" : "fail";
                } else if (!r.ok) {
                    answer = "fail"; // a choice may say so
                } else if (spec.about == "next_alloc_zone") {
                    answer = zoneName(r.zone);
                } else if (spec.about == "next_alloc_node") {
                    answer = r.nid;
                } else {
                    answer = r.list < 0 ? json("pcp") : json(r.list);
                }
                if (r.ok)
                    why = what + " is served by Node " + std::to_string(r.nid) + " zone " +
                          zoneName(r.zone) + " from " +
                          (r.list < 0 ? std::string("the CPU's per-CPU list")
                                      : "the order-" + std::to_string(r.list) + " free list") +
                          strprintf(" (pfn %#llx)", (unsigned long long)r.pfn);
                else
                    why = what + " fails: " + r.reason;
            }
        } catch (const InputError& e) {
            throw OpError(std::string("the dry run of what follows was refused: ") + e.message());
        }
    }
    p.answer = answer.is_null() ? "null"
                                : answer.is_string() ? answer.get<std::string>() : answer.dump();
    p.correct = matchChoice(spec.choices, answer);
    p.explanation = spec.explanation.empty() ? why : spec.explanation + "\n" + why;
    if (spec.answer) p.author_answer = matchChoice(spec.choices, *spec.answer);
    if (p.correct < 0)
        failures_.push_back({p.where, "predict: none of the choices is right", "one of the choices",
                             p.answer});
    else if (p.author_answer >= 0 && p.author_answer != p.correct)
        failures_.push_back({p.where, "predict: the scenario's answer is wrong",
                             p.choices[static_cast<std::size_t>(p.author_answer)],
                             p.choices[static_cast<std::size_t>(p.correct)]});
    prediction_ = std::move(p);
}

} // namespace mmsim
