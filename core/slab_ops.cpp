// The slab layer's scenario steps: kmem_cache_create / alloc / free /
// shrink / destroy, kmalloc and kfree (Simulation::execSlab). A refused
// step (unknown cache or name, double free, wrong cache, destroyed cache)
// throws OpError and the simulation rolls the state back; a failed
// allocation (the page allocator found no memory) is a normal outcome that
// prints what the kernel would.
#include "core/simulation.h"

#include "core/strfmt.h"

namespace mmsim {

namespace {

std::string strField(const mmsim::Step& s, const char* key, const std::string& dflt = {}) {
    auto it = s.args.find(key);
    return it == s.args.end() ? dflt : it->get<std::string>();
}

int intField(const mmsim::Step& s, const char* key, int dflt) {
    auto it = s.args.find(key);
    return it == s.args.end() ? dflt : it->get<int>();
}

std::uint64_t sizeField(const mmsim::Step& s, const char* key, std::uint64_t dflt = 0) {
    auto it = s.args.find(key);
    if (it == s.args.end()) return dflt;
    auto v = parseSize(*it);
    if (!v) throw OpError(std::string("bad value for '") + key + "'");
    return *v;
}

} // namespace

void Simulation::ensureSlab() {
    ensureBuddy();
    if (!st_.slab.ready)
        slabInit(st_.slab, st_.mm,
                 prog_->scenario.machine.slab == "slab" ? SlabPolicy::Slab : SlabPolicy::Slub,
                 prog_->scenario.machine.cpus);
}

void Simulation::execSlab(const mmsim::Step& s) {
    ensureSlab();
    SlabState& sl = st_.slab;
    MmModel& mm = st_.mm;
    const std::string& op = s.op;
    const int cpu = intField(s, "cpu", 0);
    if (cpu >= prog_->scenario.machine.cpus)
        throw OpError(strprintf("cpu %d does not exist (the machine has %d)", cpu,
                                prog_->scenario.machine.cpus));
    auto gfpOf = [&]() {
        std::string err;
        const auto g = parseGfp(strField(s, "gfp", "GFP_KERNEL"), mm.profile, &err);
        if (!g) throw OpError(err);
        if (!gfpZone(*g))
            throw OpError("invalid GFP zone modifiers: at most one of __GFP_DMA, __GFP_HIGHMEM "
                          "and __GFP_DMA32 may be given");
        return *g;
    };
    // A live cache by name; a destroyed or unknown one refuses the step.
    auto cacheOf = [&](const std::string& name) {
        const int id = findCache(sl, name);
        if (id >= 0) return id;
        for (const KmemCache& c : sl.caches)
            if (c.name == name)
                throw OpError("cache '" + name + "' has been destroyed (kmem_cache_destroy)");
        throw OpError("no slab cache named '" + name + "'");
    };
    auto newName = [&]() {
        const std::string name = strField(s, "as");
        if (!name.empty() && (slab_allocs_.count(name) || allocs_.count(name)))
            throw OpError("name '" + name + "' belongs to a live allocation: free it first");
        return name;
    };
    auto lookup = [&](const std::string& ref) -> std::map<std::string, SlabAllocation>::iterator {
        auto it = slab_allocs_.find(ref);
        if (it != slab_allocs_.end()) return it;
        auto f = slab_freed_.find(ref);
        if (f != slab_freed_.end())
            throw OpError("double free of '" + ref + "': the object was already freed at " +
                          f->second);
        throw OpError("no live slab object is named '" + ref + "' (never allocated)");
    };
    const std::string where = s.pointer;

    if (op == "kmem_cache_create") {
        const std::string name = strField(s, "name");
        if (name.empty() || name.size() > 64 || name.find_first_of(" \t\n") != std::string::npos)
            throw OpError("a cache name is 1..64 characters without blanks");
        const std::uint64_t size = sizeField(s, "size"), align = sizeField(s, "align");
        if (size == 0 || size > (1u << 22)) throw OpError("size must be 1 .. 4 MiB");
        if (align > 4096) throw OpError("align must be at most 4096");
        std::uint32_t flags = 0;
        if (auto it = s.args.find("flags"); it != s.args.end())
            for (const auto& f : *it)
                flags |= slabFlagByName(f.get<std::string>());
        std::string err;
        if (kmemCacheCreate(sl, name, static_cast<unsigned>(size), static_cast<unsigned>(align),
                            flags, &err) < 0)
            throw OpError(err);
    } else if (op == "kmem_cache_alloc" || op == "kmalloc") {
        const gfp_t gfp = gfpOf();
        const int count = intField(s, "count", 1);
        const std::string name = newName();
        SlabAllocation a;
        a.where = where;
        a.kmalloc = op == "kmalloc";
        int failed = 0;
        std::string reason;
        if (op == "kmem_cache_alloc") {
            a.cache = cacheOf(strField(s, "cache"));
        } else {
            const std::uint64_t size = sizeField(s, "size");
            if (size == 0) throw OpError("kmalloc(0) returns ZERO_SIZE_PTR: nothing to model");
            a.cache = kmallocCache(sl, size, gfp);
            if (a.cache < 0) {
                // kmalloc_large(): pages with __GFP_COMP on the CPU's node.
                const unsigned order = getOrder(size);
                if (order > 10)
                    throw OpError(
                        strprintf("kmalloc of %llu bytes exceeds KMALLOC_MAX_SIZE (4 MiB)",
                                  (unsigned long long)size));
                AllocRequest req;
                req.gfp = gfp | gfpbit::COMP;
                req.order = static_cast<int>(order);
                req.cpu = cpu;
                for (int i = 0; i < count; ++i) {
                    const AllocOutcome o = allocPages(mm, req, &events_);
                    if (o.ok)
                        a.pages.emplace_back(o.pfn, o.order);
                    else if (!failed++)
                        reason = o.reason;
                }
                if (failed)
                    printk(strprintf("kmalloc: %d of %d order-%u allocations failed: %s", failed,
                                     count, order, reason.c_str()));
                if (!name.empty() && !a.pages.empty())
                    slab_allocs_[name] = std::move(a);
                else if (!a.pages.empty())
                    slab_allocs_[std::string(1, '\x01').append(std::to_string(next_))] =
                        std::move(a);
                return;
            }
        }
        a.objs.reserve(static_cast<std::size_t>(count));
        SlabObj o;
        for (int i = 0; i < count; ++i) {
            if (kmemCacheAlloc(sl, mm, a.cache, cpu, gfp, &o, &events_, &reason)) {
                a.objs.push_back(o);
            } else if (!failed++ && !(gfp & gfpbit::NOWARN)) {
                for (const std::string& l :
                     slabOutOfMemory(sl, a.cache, cpu, gfp, formatGfp(gfp, mm.profile)))
                    printk(l);
            }
        }
        if (failed)
            printk(strprintf("%s: %d of %d allocations failed: %s", op.c_str(), failed, count,
                             reason.c_str()));
        // Unnamed allocations stay allocated (leaked, as the kernel would).
        if (!a.objs.empty())
            slab_allocs_[name.empty() ? std::string(1, '\x01').append(std::to_string(next_))
                                      : name] = std::move(a);
    } else if (op == "kmem_cache_free" || op == "kfree") {
        const std::string ref = strField(s, "ref");
        auto it = lookup(ref);
        SlabAllocation& a = it->second;
        if (op == "kmem_cache_free" && a.cache < 0)
            throw OpError("'" + ref + "' is a large kmalloc allocation: free it with kfree");
        if (op == "kfree" && !a.kmalloc && a.cache >= 0) {
            // kfree() of a kmem_cache_alloc object works in the kernel (6.12
            // looks up the slab's cache); mmsim accepts it too.
        }
        if (a.cache >= 0) {
            const KmemCache& c = sl.caches[static_cast<std::size_t>(a.cache)];
            if (c.destroyed)
                throw OpError("'" + ref + "' belongs to cache '" + c.name +
                              "', which has been destroyed");
            if (op == "kmem_cache_free" && s.args.contains("cache")) {
                const std::string want = strField(s, "cache");
                if (want != c.name)
                    throw OpError("cache_from_obj: Wrong slab cache. " + want +
                                  " but object is from " + c.name);
            }
            for (const SlabObj& o : a.objs)
                if (!slabObjLive(sl, a.cache, o))
                    throw OpError("double free of an object of '" + ref + "'");
            for (const SlabObj& o : a.objs)
                kmemCacheFree(sl, mm, a.cache, o, cpu, &events_);
        } else {
            for (const auto& [pfn, order] : a.pages) {
                const FreeOutcome fo = freePages(mm, pfn, order, &events_, cpu);
                if (!fo.ok) throw OpError(fo.error);
            }
        }
        slab_freed_[ref] = where;
        slab_allocs_.erase(it);
    } else if (op == "kmem_cache_shrink") {
        kmemCacheShrink(sl, mm, cacheOf(strField(s, "cache")), &events_);
    } else if (op == "kmem_cache_destroy") {
        const int id = cacheOf(strField(s, "cache"));
        if (sl.caches[static_cast<std::size_t>(id)].kmalloc)
            throw OpError("the kmalloc caches cannot be destroyed");
        for (const std::string& l : kmemCacheDestroy(sl, mm, id, &events_, "step " + where))
            printk(l);
    }
}

// ---- workload operations (Simulation::execWork) ----
// The workload's kmalloc / kmem_cache_alloc / kfree / kmem_cache_free: one
// object each, into or out of the workload object the generator chose. A
// failed allocation prints what the kernel would and leaves the object
// empty. A cache that does not exist (any more) refuses the step before
// anything changes.

void Simulation::execWorkSlabAlloc(const WorkOp& w) {
    ensureSlab();
    SlabState& sl = st_.slab;
    MmModel& mm = st_.mm;
    const gfp_t gfp = prog_->gfp_flags[w.gfp];
    int cache;
    if (w.kind == WorkOp::CacheAlloc) {
        const std::string& name = prog_->cache_names[w.arg];
        cache = findCache(sl, name);
        if (cache < 0) {
            for (const KmemCache& c : sl.caches)
                if (c.name == name)
                    throw OpError("cache '" + name + "' has been destroyed (kmem_cache_destroy)");
            throw OpError("no slab cache named '" + name +
                          "' (create it with kmem_cache_create "
                          "before the workload)");
        }
    } else {
        cache = kmallocCache(sl, w.arg, gfp);
    }
    WorkSlot& slot = slots_[w.slot];
    slot = WorkSlot{};
    if (cache < 0) {
        // kmalloc_large(): pages with __GFP_COMP.
        AllocRequest req;
        req.gfp = gfp | gfpbit::COMP;
        req.order = static_cast<int>(getOrder(w.arg));
        req.cpu = w.cpu;
        const AllocOutcome o = allocPages(mm, req, &events_);
        if (o.ok) {
            slot.pfn = o.pfn;
            slot.order = req.order;
        } else {
            printk(strprintf("kmalloc: 1 of 1 order-%d allocations failed: %s", req.order,
                             o.reason.c_str()));
        }
        return;
    }
    SlabObj o;
    std::string reason;
    if (kmemCacheAlloc(sl, mm, cache, w.cpu, gfp, &o, &events_, &reason)) {
        slot.cache = cache;
        slot.obj = o;
        return;
    }
    if (!(gfp & gfpbit::NOWARN))
        for (const std::string& l :
             slabOutOfMemory(sl, cache, w.cpu, gfp, formatGfp(gfp, mm.profile)))
            printk(l);
    printk(strprintf("%s: 1 of 1 allocations failed: %s", w.name(), reason.c_str()));
}

void Simulation::execWorkSlabFree(const WorkOp& w) {
    SlabState& sl = st_.slab;
    WorkSlot& slot = slots_[w.slot];
    const KmemCache& c = sl.caches[static_cast<std::size_t>(slot.cache)];
    if (c.destroyed)
        throw OpError(strprintf("workload object %u belongs to cache '%s', which has been "
                                "destroyed",
                                w.slot, c.name.c_str()));
    if (!slabObjLive(sl, slot.cache, slot.obj))
        throw OpError(
            strprintf("workload object %u is not a live object of '%s'", w.slot, c.name.c_str()));
    kmemCacheFree(sl, st_.mm, slot.cache, slot.obj, w.cpu, &events_);
    slot = WorkSlot{};
}

} // namespace mmsim
