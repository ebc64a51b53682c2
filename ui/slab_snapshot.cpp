#include "ui/slab_snapshot.h"

#include "core/simulation.h"

namespace mmsim::ui {

namespace {

using mmsim::KmemCache;
using mmsim::SLAB_NIL;
using mmsim::SlabList;

SlabBarSnap bar(const KmemCache& c, std::uint32_t id) {
    const mmsim::Slab& sl = c.slabs[id];
    SlabBarSnap b;
    b.id = id;
    b.pfn = sl.pfn;
    b.order = static_cast<int>(c.geo.order);
    b.nid = sl.nid;
    b.cpu = sl.cpu;
    b.inuse = sl.inuse;
    b.objects = c.geo.objects;
    b.list = sl.list;
    if (b.objects <= kMaxSlotMap) {
        const std::uint16_t* links = c.links.data() + static_cast<std::size_t>(id) * c.geo.objects;
        b.used.resize(b.objects);
        for (unsigned i = 0; i < b.objects; ++i)
            b.used[i] = links[i] == mmsim::OBJ_INUSE;
    }
    return b;
}

// A list walked from its head: the first kMaxLaneSlabs slabs, every slab counted.
SlabLaneSnap listLane(const KmemCache& c, const mmsim::SlabListHead& h, SlabList which, int cpu,
                      int nid) {
    SlabLaneSnap l;
    l.list = which;
    l.cpu = cpu;
    l.nid = nid;
    l.count = h.count;
    for (std::uint32_t i = h.head; i != SLAB_NIL; i = c.slabs[i].next) {
        l.inuse += c.slabs[i].inuse;
        if (l.slabs.size() < static_cast<std::size_t>(kMaxLaneSlabs)) l.slabs.push_back(bar(c, i));
    }
    return l;
}

SlabLaneSnap arrayLane(const mmsim::ArrayCache& ac, int cpu, int nid) {
    SlabLaneSnap l;
    l.kind = SlabLaneSnap::ArrayCache;
    l.cpu = cpu;
    l.nid = nid;
    l.avail = ac.avail;
    l.limit = ac.limit;
    l.batchcount = ac.batchcount;
    return l;
}

SlabCacheSnap cacheSnap(const mmsim::SlabState& s, int id) {
    const KmemCache& c = s.caches[static_cast<std::size_t>(id)];
    const mmsim::SlabInfoRow r = mmsim::slabInfoRow(s, id);
    SlabCacheSnap x;
    x.id = id;
    x.name = QString::fromStdString(c.name);
    x.kmalloc = c.kmalloc;
    x.object_size = c.geo.object_size;
    x.size = c.geo.size;
    x.objperslab = c.geo.objects;
    x.order = c.geo.order;
    x.align = c.geo.align;
    x.active_objs = r.active_objs;
    x.num_objs = r.num_objs;
    x.active_slabs = r.active_slabs;
    x.num_slabs = r.num_slabs;
    x.limit = r.limit;
    x.batchcount = r.batchcount;
    x.shared = r.shared;
    x.shared_avail = r.shared_avail;
    x.min_partial = c.geo.min_partial;
    x.cpu_partial_slabs = c.geo.cpu_partial_slabs;
    const bool classic = s.policy != mmsim::SlabPolicy::Slub;
    for (std::size_t cpu = 0; cpu < c.cpus.size(); ++cpu) {
        const mmsim::SlabCpu& cp = c.cpus[cpu];
        const int ci = static_cast<int>(cpu);
        const int nid = cpu < s.cpu_node.size() ? s.cpu_node[cpu] : 0;
        if (classic) {
            x.lanes.push_back(arrayLane(cp.ac, ci, nid));
            continue;
        }
        SlabLaneSnap active;
        active.list = SlabList::CpuSlab;
        active.cpu = ci;
        active.nid = nid;
        if (cp.slab != SLAB_NIL) {
            active.count = 1;
            active.inuse = c.slabs[cp.slab].inuse;
            active.slabs.push_back(bar(c, cp.slab));
        }
        x.nr_cpu_slab += active.count;
        x.lanes.push_back(std::move(active));
        x.lanes.push_back(listLane(c, cp.partial, SlabList::CpuPartial, ci, nid));
        x.nr_cpu_partial += cp.partial.count;
    }
    for (std::size_t n = 0; n < c.nodes.size(); ++n) {
        const mmsim::SlabNode& node = c.nodes[n];
        const int nid = static_cast<int>(n);
        x.lanes.push_back(listLane(c, node.partial, SlabList::Partial, -1, nid));
        x.lanes.push_back(listLane(c, node.full, SlabList::Full, -1, nid));
        x.nr_partial += node.partial.count;
        x.nr_full += node.full.count;
        if (classic) {
            x.lanes.push_back(listLane(c, node.free, SlabList::Free, -1, nid));
            x.nr_free += node.free.count;
            if (node.shared.limit) x.lanes.push_back(arrayLane(node.shared, -1, nid));
        }
    }
    return x;
}

} // namespace

const SlabCacheSnap* SlabSnap::find(int id) const {
    for (const SlabCacheSnap& c : caches)
        if (c.id == id) return &c;
    return nullptr;
}

std::shared_ptr<const SlabSnap> makeSlabSnap(const mmsim::SlabState& s,
                                             const mmsim::EventSink& last_events) {
    auto out = std::make_shared<SlabSnap>();
    out->ready = s.ready;
    if (!s.ready) return out;
    out->classic = s.policy != mmsim::SlabPolicy::Slub;
    out->nr_cpus = s.nr_cpus;
    out->nr_nodes = s.nr_nodes;
    for (std::size_t i = 0; i < s.caches.size(); ++i)
        if (!s.caches[i].destroyed) out->caches.push_back(cacheSnap(s, static_cast<int>(i)));
    for (auto it = last_events.rbegin(); it != last_events.rend(); ++it)
        if (mmsim::isSlabEvent(it->kind)) {
            const auto id = static_cast<int>(it->nr);
            if (out->find(id)) out->last_cache = id;
            break;
        }
    return out;
}

std::shared_ptr<const SlabSnap> makeSlabSnap(const mmsim::Simulation& sim) {
    const mmsim::BootState& st = sim.state();
    if (st.slab.ready || !st.mm.buddy_ready) return makeSlabSnap(st.slab, sim.lastEvents());
    // Before the first slab step the kernel already has its kmalloc caches
    // (kmem_cache_init() runs once the buddy allocator is up); core starts
    // its slab layer lazily, so show what /proc/slabinfo shows.
    mmsim::SlabState boot;
    const auto& m = sim.scenario().machine;
    mmsim::slabInit(boot, st.mm,
                    m.slab == "slab" ? mmsim::SlabPolicy::Slab : mmsim::SlabPolicy::Slub, m.cpus);
    return makeSlabSnap(boot, sim.lastEvents());
}

} // namespace mmsim::ui
