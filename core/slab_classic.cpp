// Classic SLAB (mm/slab.c; the 6.1 profile's alternative, removed in 6.8).
//
// SLAB puts a cache of object pointers in front of the slabs. Each CPU has
// an array_cache of up to `limit` objects; allocating pops from it and
// freeing pushes onto it, with interrupts off and no lock: the fast path.
// Only when the array is empty (allocation) or full (free) does the CPU take
// its node's list_lock and move a whole batch (`batchcount` objects) at
// once: a refill takes objects from the node's shared array (a second,
// per-node cache) or straight from slabs, partial slabs first, then free
// ones, and grows the cache by a new slab when neither has any; a flush
// pushes the oldest batch to the shared array or, when that is full, back
// into their slabs (free_block).
//
// The node keeps its slabs on three lists: slabs_full, slabs_partial and
// slabs_free (no object in use). Objects sitting in the array caches count
// as in use for the slabs. Empty slabs are not released at once: the node
// keeps up to free_limit = (1 + CPUs of the node) * batchcount + objects
// per slab free objects in its slabs, and beyond that releases free slabs
// (the oldest first) to the page allocator. The periodic cache_reap() that
// drains idle array caches every few seconds is not modelled (there is no
// wall clock); kmem_cache_shrink drains everything explicitly.
//
// A cache has one slab order (gfporder), chosen at creation. Growing asks
// the page allocator for exactly that order with the caller's flags; when it
// fails, the allocation fails: unlike SLUB there is no smaller order to try
// (kmem_getpages() in 6.1), so on a fragmented machine a cache of order 1 or
// more can stop growing while single pages are still free.
//
// Simplifications: objects freed on a CPU of another node go straight back
// to their node's slabs, as with the noaliencache boot option (the alien
// caches are not modelled); slabs come from the CPU's node, or wherever the
// page allocator found pages, and join that node's lists.
#include "core/slab_internal.h"

#include <algorithm>

namespace mmsim::slabi {

void classicInitCache(SlabState& st, KmemCache& c) {
    const unsigned limit = c.geo.limit, batch = c.geo.batchcount;
    for (SlabCpu& cp : c.cpus) {
        cp.ac.limit = limit;
        cp.ac.batchcount = batch;
        cp.ac.entry.assign(limit, SlabObj{});
    }
    std::vector<unsigned> cpus_on(static_cast<std::size_t>(st.nr_nodes), 0);
    for (int cpu = 0; cpu < st.nr_cpus; ++cpu)
        ++cpus_on[static_cast<std::size_t>(cpuNode(st, cpu))];
    for (std::size_t nid = 0; nid < c.nodes.size(); ++nid) {
        SlabNode& n = c.nodes[nid];
        n.free_limit = static_cast<std::uint64_t>(1 + cpus_on[nid]) * batch + c.geo.objects;
        n.shared.limit = c.geo.shared * batch;
        n.shared.batchcount = 0xbaadf00d;
        n.shared.entry.assign(n.shared.limit, SlabObj{});
    }
}

namespace {

constexpr unsigned BATCHREFILL_LIMIT = 16;

SlabListHead& listOf(KmemCache& /*c*/, SlabNode& n, SlabList l) {
    return l == SlabList::Full ? n.full : l == SlabList::Partial ? n.partial : n.free;
}

// fixup_slab_list(): to slabs_full or slabs_partial (head).
void fixupSlabList(KmemCache& c, std::uint32_t cache, std::uint32_t id, int cpu, EventSink* ev) {
    Slab& sl = c.slabs[id];
    SlabNode& n = c.nodes[static_cast<std::size_t>(sl.nid)];
    if (sl.list != SlabList::None) listDel(c, listOf(c, n, sl.list), id);
    if (sl.inuse == c.geo.objects) {
        listAddHead(c, n.full, id, SlabList::Full);
        emit(ev, slabev::slab_to_full, c, cache, &sl, cpu);
    } else {
        listAddHead(c, n.partial, id, SlabList::Partial);
        emit(ev, slabev::slab_to_partial, c, cache, &sl, cpu);
    }
}

// free_block(): objects back into their slabs; then free slabs beyond the
// node's free_limit go back to the page allocator.
void freeBlock(SlabState& st, MmModel& mm, std::uint32_t cache, const SlabObj* objs, std::size_t nr,
               int cpu, EventSink* ev) {
    std::vector<int> touched;
    for (std::size_t i = 0; i < nr; ++i) {
        KmemCache& c = st.caches[cache];
        const std::uint32_t id = objs[i].slab;
        Slab& sl = c.slabs[id];
        SlabNode& n = c.nodes[static_cast<std::size_t>(sl.nid)];
        ++n.free_objects;
        if (std::find(touched.begin(), touched.end(), sl.nid) == touched.end())
            touched.push_back(sl.nid);
        listDel(c, listOf(c, n, sl.list), id);
        slabPutObj(c, id, objs[i].idx);
        if (sl.inuse == 0) {
            listAddHead(c, n.free, id, SlabList::Free);
            ++n.free_slabs;
            emit(ev, slabev::slab_to_free, c, cache, &sl, cpu);
        } else {
            listAddTail(c, n.partial, id, SlabList::Partial);
            emit(ev, slabev::slab_to_partial, c, cache, &sl, cpu);
        }
    }
    for (int nid : touched) {
        for (;;) {
            KmemCache& c = st.caches[cache];
            SlabNode& n = c.nodes[static_cast<std::size_t>(nid)];
            if (n.free_objects <= n.free_limit || n.free.tail == SLAB_NIL) break;
            n.free_objects -= c.geo.objects;
            const std::uint32_t id = n.free.tail;
            listDel(c, n.free, id);
            --n.free_slabs;
            discardSlab(st, mm, cache, id, cpu, ev);
        }
    }
}

// transfer_objects(): up to max objects from the end of `from` to `to`.
unsigned transferObjects(ArrayCache& to, ArrayCache& from, unsigned max) {
    const unsigned nr = std::min({from.avail, max, to.limit - to.avail});
    if (!nr) return 0;
    from.avail -= nr;
    std::copy_n(from.entry.begin() + from.avail, nr, to.entry.begin() + to.avail);
    to.avail += nr;
    return nr;
}

// alloc_block(): objects of one slab into the array cache.
unsigned allocBlock(KmemCache& c, ArrayCache& ac, std::uint32_t id, unsigned batchcount) {
    while (c.slabs[id].inuse < c.geo.objects && batchcount) {
        --batchcount;
        ac.entry[ac.avail++] = SlabObj{id, slabGetObj(c, id)};
    }
    return batchcount;
}

} // namespace

bool classicAlloc(SlabState& st, MmModel& mm, std::uint32_t cache, int cpu, gfp_t gfp, SlabObj* out,
                  EventSink* ev, std::string* reason) {
    KmemCache& c = st.caches[cache];
    ArrayCache& ac = c.cpus[static_cast<std::size_t>(cpu)].ac;
    if (ac.avail) {
        ac.touched = true;
        *out = ac.entry[--ac.avail];
        ++c.objects_out;
        emit(ev, slabev::alloc_fastpath, c, cache, nullptr, cpu);
        emit(ev, slabev::kmem_cache_alloc, c, cache, &c.slabs[out->slab], cpu,
             static_cast<std::int8_t>(SlabPath::fast));
        return true;
    }
    // cache_alloc_refill()
    emit(ev, slabev::alloc_slowpath, c, cache, nullptr, cpu);
    SlabPath path = SlabPath::slow;
    unsigned batchcount = ac.batchcount;
    if (!ac.touched && batchcount > BATCHREFILL_LIMIT) batchcount = BATCHREFILL_LIMIT;
    const int node = cpuNode(st, cpu);
    SlabNode& n = c.nodes[static_cast<std::size_t>(node)];
    bool grow = !n.free_objects && !n.shared.avail;
    if (!grow) {
        if (n.shared.avail && transferObjects(ac, n.shared, batchcount)) {
            n.shared.touched = true;
        } else {
            while (batchcount > 0) {
                // get_first_slab(): partial first, then free.
                std::uint32_t id = n.partial.head;
                if (id == SLAB_NIL) {
                    id = n.free.head;
                    if (id == SLAB_NIL) break;
                    --n.free_slabs;
                }
                batchcount = allocBlock(c, ac, id, batchcount);
                fixupSlabList(c, cache, id, cpu, ev);
            }
            n.free_objects -= ac.avail;
        }
        grow = !ac.avail;
    }
    if (grow) {
        // cache_grow_begin() / cache_grow_end()
        const std::uint32_t id = newSlab(st, mm, cache, cpu, gfp, ev, reason);
        KmemCache& c2 = st.caches[cache];
        ArrayCache& ac2 = c2.cpus[static_cast<std::size_t>(cpu)].ac;
        if (id == SLAB_NIL) {
            emit(ev, slabev::kmem_cache_alloc, c2, cache, nullptr, cpu,
                 static_cast<std::int8_t>(SlabPath::failed));
            return false;
        }
        path = SlabPath::new_slab;
        allocBlock(c2, ac2, id, batchcount);
        Slab& sl = c2.slabs[id];
        SlabNode& sn = c2.nodes[static_cast<std::size_t>(sl.nid)];
        if (!sl.inuse) {
            listAddTail(c2, sn.free, id, SlabList::Free);
            ++sn.free_slabs;
        } else {
            fixupSlabList(c2, cache, id, cpu, ev);
        }
        sn.free_objects += c2.geo.objects - sl.inuse;
    }
    KmemCache& c3 = st.caches[cache];
    ArrayCache& ac3 = c3.cpus[static_cast<std::size_t>(cpu)].ac;
    ac3.touched = true;
    *out = ac3.entry[--ac3.avail];
    ++c3.objects_out;
    emit(ev, slabev::kmem_cache_alloc, c3, cache, &c3.slabs[out->slab], cpu,
         static_cast<std::int8_t>(path));
    return true;
}

void classicFree(SlabState& st, MmModel& mm, std::uint32_t cache, SlabObj obj, int cpu,
                 EventSink* ev) {
    KmemCache& c = st.caches[cache];
    --c.objects_out;
    const Slab& sl = c.slabs[obj.slab];
    if (st.nr_nodes > 1 && sl.nid != cpuNode(st, cpu)) {
        // noaliencache: straight back to the object's node.
        emit(ev, slabev::free_slowpath, c, cache, &sl, cpu);
        freeBlock(st, mm, cache, &obj, 1, cpu, ev);
        emit(ev, slabev::kmem_cache_free, st.caches[cache], cache, nullptr, cpu,
             static_cast<std::int8_t>(SlabPath::slow));
        return;
    }
    ArrayCache& ac = c.cpus[static_cast<std::size_t>(cpu)].ac;
    SlabPath path = SlabPath::fast;
    if (ac.avail < ac.limit) {
        emit(ev, slabev::free_fastpath, c, cache, nullptr, cpu);
    } else {
        // cache_flusharray()
        path = SlabPath::slow;
        emit(ev, slabev::free_slowpath, c, cache, nullptr, cpu);
        unsigned batchcount = ac.batchcount;
        SlabNode& n = c.nodes[static_cast<std::size_t>(cpuNode(st, cpu))];
        const unsigned max = n.shared.limit - n.shared.avail;
        if (n.shared.limit && max) {
            batchcount = std::min(batchcount, max);
            std::copy_n(ac.entry.begin(), batchcount, n.shared.entry.begin() + n.shared.avail);
            n.shared.avail += batchcount;
        } else {
            const std::vector<SlabObj> batch(ac.entry.begin(), ac.entry.begin() + batchcount);
            freeBlock(st, mm, cache, batch.data(), batch.size(), cpu, ev);
        }
        KmemCache& c2 = st.caches[cache];
        ArrayCache& ac2 = c2.cpus[static_cast<std::size_t>(cpu)].ac;
        std::copy(ac2.entry.begin() + batchcount, ac2.entry.begin() + ac2.avail, ac2.entry.begin());
        ac2.avail -= batchcount;
    }
    KmemCache& c3 = st.caches[cache];
    ArrayCache& ac3 = c3.cpus[static_cast<std::size_t>(cpu)].ac;
    ac3.entry[ac3.avail++] = obj;
    emit(ev, slabev::kmem_cache_free, c3, cache, nullptr, cpu, static_cast<std::int8_t>(path));
}

int classicShrink(SlabState& st, MmModel& mm, std::uint32_t cache, EventSink* ev) {
    // drain_cpu_caches(): every CPU's array, then every node's shared array.
    for (int cpu = 0; cpu < st.nr_cpus; ++cpu) {
        KmemCache& c = st.caches[cache];
        ArrayCache& ac = c.cpus[static_cast<std::size_t>(cpu)].ac;
        if (!ac.avail) continue;
        const std::vector<SlabObj> objs(ac.entry.begin(), ac.entry.begin() + ac.avail);
        ac.avail = 0;
        freeBlock(st, mm, cache, objs.data(), objs.size(), cpu, ev);
    }
    for (int nid = 0; nid < st.nr_nodes; ++nid) {
        KmemCache& c = st.caches[cache];
        ArrayCache& sh = c.nodes[static_cast<std::size_t>(nid)].shared;
        if (!sh.avail) continue;
        const std::vector<SlabObj> objs(sh.entry.begin(), sh.entry.begin() + sh.avail);
        sh.avail = 0;
        freeBlock(st, mm, cache, objs.data(), objs.size(), -1, ev);
    }
    // drain_freelist(): every free slab.
    int ret = 0;
    for (int nid = 0; nid < st.nr_nodes; ++nid) {
        for (;;) {
            KmemCache& c = st.caches[cache];
            SlabNode& n = c.nodes[static_cast<std::size_t>(nid)];
            if (n.free.tail == SLAB_NIL) break;
            const std::uint32_t id = n.free.tail;
            listDel(c, n.free, id);
            --n.free_slabs;
            n.free_objects -= c.geo.objects;
            discardSlab(st, mm, cache, id, -1, ev);
        }
        const SlabNode& n = st.caches[cache].nodes[static_cast<std::size_t>(nid)];
        if (n.full.count || n.partial.count) ret = 1;
    }
    return ret;
}

} // namespace mmsim::slabi
