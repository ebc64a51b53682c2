#include "ui/slab_snapshot.h"

#include "core/simulation.h"

#include <QObject>
#include <QStringList>

#include <algorithm>
#include <map>

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
    x.objects_out = c.objects_out;
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
    // Slabs between two lists: only seen in the middle of a step (a
    // micro-step), say right after allocate_slab() made one and before it
    // becomes a CPU's slab. One lane, first (the slab the event is about),
    // there only while it has some. The nodes count every live slab
    // (nr_slabs), so the slabs are searched only when the lists hold fewer.
    std::uint64_t listed = 0;
    for (const SlabLaneSnap& l : x.lanes)
        if (l.kind == SlabLaneSnap::Slabs) listed += l.count;
    SlabLaneSnap transit;
    transit.list = SlabList::None;
    transit.nid = -1;
    for (std::uint32_t i = 0; listed < x.num_slabs && i < c.slabs.size(); ++i) {
        const mmsim::Slab& sl = c.slabs[i];
        if (!sl.live || sl.list != SlabList::None) continue;
        ++transit.count;
        transit.inuse += sl.inuse;
        if (transit.slabs.size() < static_cast<std::size_t>(kMaxLaneSlabs))
            transit.slabs.push_back(bar(c, i));
    }
    if (transit.count) x.lanes.insert(x.lanes.begin(), std::move(transit));
    for (const SlabLaneSnap& l : x.lanes)
        x.slab_inuse += l.inuse;
    return x;
}

} // namespace

QString explainSlabEvent(const mmsim::BuddyEvent& e) {
    namespace ev = mmsim::slabev;
    const QString pfn = QStringLiteral("0x%1").arg(e.pfn, 0, 16);
    static const char* const paths[] = {"fast", "slow", "new slab", "failed"};
    const QString path = QString::fromLatin1(e.mark >= 0 && e.mark < 4 ? paths[e.mark] : "?");
    switch (static_cast<int>(e.kind)) { // slab kinds live beside BuddyEvent::Kind
    case ev::alloc_fastpath:
        return QObject::tr("Fast path: CPU %1 had a free object at hand (SLUB: its slab's "
                           "freelist; SLAB: its array_cache) and takes it without a lock.")
            .arg(e.cpu);
    case ev::alloc_slowpath:
        return QObject::tr("Slow path (SLUB ___slab_alloc, SLAB cache_alloc_refill): CPU %1 has "
                           "no free object at hand, so it looks for a slab with free objects: "
                           "its partial list, the node's partial list, or a new slab.")
            .arg(e.cpu);
    case ev::new_slab:
        return QObject::tr("allocate_slab(): no slab has a free object, so a new order-%1 slab "
                           "is made from the page allocator at pfn %2 on node %3.")
            .arg(e.order)
            .arg(pfn)
            .arg(e.nid);
    case ev::slab_to_partial:
        return QObject::tr("The slab at pfn %1 goes on node %2's partial list: some of its "
                           "objects are free.")
            .arg(pfn)
            .arg(e.nid);
    case ev::slab_to_full:
        return QObject::tr("The slab at pfn %1 has no free object left: it is full.").arg(pfn);
    case ev::slab_to_free:
        return QObject::tr("The slab at pfn %1 has no object in use any more: it goes on node "
                           "%2's slabs_free list.")
            .arg(pfn)
            .arg(e.nid);
    case ev::discard_slab:
        return QObject::tr("discard_slab(): the empty slab at pfn %1 goes back to the buddy "
                           "allocator as an order-%2 block.")
            .arg(pfn)
            .arg(e.order);
    case ev::cpu_partial_unfreeze:
        return QObject::tr("__put_partials(): CPU %1's partial list is full, so its slabs move "
                           "to the node's partial list (empty ones beyond min_partial are freed).")
            .arg(e.cpu);
    case ev::cpu_partial_put:
        return QObject::tr("put_cpu_partial(): the slab at pfn %1, full until this free, goes on "
                           "CPU %2's partial list instead of the node's.")
            .arg(pfn)
            .arg(e.cpu);
    case ev::cpu_partial_alloc:
        return QObject::tr("CPU %1's slab is used up: the slab at pfn %2 comes off the CPU's "
                           "partial list and becomes its active slab.")
            .arg(e.cpu)
            .arg(pfn);
    case ev::free_fastpath:
        return QObject::tr("Fast free: the object goes back to CPU %1's own slab (SLUB) or "
                           "array_cache (SLAB) without a lock.")
            .arg(e.cpu);
    case ev::free_slowpath:
        return QObject::tr("Slow free (SLUB __slab_free, SLAB cache_flusharray): the object goes "
                           "back to its slab under the node's list lock.");
    case ev::kmem_cache_alloc:
        return QObject::tr("kmem_cache_alloc() on CPU %1 returns an object (%2 path).")
            .arg(e.cpu)
            .arg(path);
    case ev::kmem_cache_free:
        return QObject::tr("kmem_cache_free() on CPU %1 (%2 path).").arg(e.cpu).arg(path);
    default:
        return {};
    }
}

QString slabStepSummary(const mmsim::EventSink& events) {
    std::map<std::uint8_t, int> count;
    std::map<int, int> alloc_path, free_path;
    for (const mmsim::BuddyEvent& e : events) {
        if (!mmsim::isSlabEvent(e.kind)) continue;
        ++count[e.kind];
        if (int{e.kind} == mmsim::slabev::kmem_cache_alloc) ++alloc_path[e.mark];
        if (int{e.kind} == mmsim::slabev::kmem_cache_free) ++free_path[e.mark];
    }
    if (count.empty()) return {};
    static const char* const paths[] = {"fast", "slow", "new slab", "failed"};
    auto paths_of = [&](const std::map<int, int>& m) {
        QStringList parts;
        for (const auto& [p, n] : m)
            parts << QStringLiteral("%1 %2").arg(n).arg(
                QString::fromLatin1(p >= 0 && p < 4 ? paths[p] : "?"));
        return parts.join(", ");
    };
    QStringList parts;
    namespace ev = mmsim::slabev;
    if (count.count(ev::kmem_cache_alloc))
        parts << QObject::tr("%1 allocated (%2 path)")
                     .arg(plural(count[ev::kmem_cache_alloc], "object", "objects"),
                          paths_of(alloc_path));
    if (count.count(ev::kmem_cache_free))
        parts << QObject::tr("%1 freed (%2 path)")
                     .arg(plural(count[ev::kmem_cache_free], "object", "objects"),
                          paths_of(free_path));
    for (const auto& [k, n] : count)
        if (k != ev::kmem_cache_alloc && k != ev::kmem_cache_free && k != ev::alloc_fastpath &&
            k != ev::free_fastpath && k != ev::alloc_slowpath && k != ev::free_slowpath)
            parts << QStringLiteral("%1 ×%2")
                         .arg(QString::fromLatin1(mmsim::slabEventName(k)))
                         .arg(n);
    return QObject::tr("The slab allocator: %1.").arg(parts.join("; "));
}

bool SlabSnap::wasTouched(int cache, std::uint64_t pfn) const {
    return std::binary_search(touched.begin(), touched.end(), std::make_pair(cache, pfn));
}

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
    for (const mmsim::BuddyEvent& e : last_events)
        if (mmsim::isSlabEvent(e.kind) && e.pfn != mmsim::NO_PFN)
            out->touched.emplace_back(static_cast<int>(e.nr), e.pfn);
    std::sort(out->touched.begin(), out->touched.end());
    out->touched.erase(std::unique(out->touched.begin(), out->touched.end()), out->touched.end());
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
