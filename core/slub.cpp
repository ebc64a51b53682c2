// SLUB: the slab allocator of 6.12 (the only one) and the default of 6.1.
//
// SLUB keeps almost nothing per object: a free object holds the pointer to
// the next free object of its slab, so a slab's free objects form a chain
// and the slab itself (its struct slab, overlaid on the struct page) is all
// the bookkeeping there is. Each CPU owns one "cpu slab" and allocates from
// its chain with a single cmpxchg: the fast path. Frees on the same CPU to
// that slab push back onto the chain, equally cheap.
//
// When the cpu slab runs dry the slow path looks, in order, at the CPU's own
// list of partial slabs (filled by earlier frees on this CPU into full
// slabs), at the node's partial list (under the node's list_lock; while it
// is there it also moves a few more slabs to the CPU's partial list, up to
// half the cpu_partial limit), at other nodes' partial lists, and finally
// asks the page allocator for a new slab. The exhausted slab is simply
// dropped: a full slab sits on no list at all (SLUB's debug mode keeps a
// "full" list, which mmsim keeps for display).
//
// A free into a slab that is not the CPU's is the slow free path. If the
// slab was full it becomes partial and goes to the freeing CPU's partial
// list, and if that list already holds cpu_partial_slabs slabs the whole
// list is first flushed to the node's partial list ("unfreeze"). A slab on
// the node partial list that becomes empty is given back to the page
// allocator at once, unless the node has fewer than min_partial partial
// slabs, in which case it is kept to absorb the next allocations. The
// per-CPU state is thus bounded, and everything else is on the node lists
// where other CPUs can find it.
//
// Caches with debug flags (red zones, poisoning, owner tracking) bypass the
// per-CPU layer entirely: every allocation and free takes the node lock,
// works on the node's partial list and keeps full slabs on the full list.
//
// A new slab is first asked for at the cache's preferred order, quietly and
// without a fight (no warning, no retry, and for an order above the minimum
// no reclaim and no reserves): a fragmented machine simply says no. The
// request is then repeated at the minimum order - the smallest that holds
// one object - with the caller's own flags, and the slab that comes back
// holds fewer objects. Each slab therefore carries its own order and object
// count, and the cache counts these fallbacks (ORDER_FALLBACK). The code is
// newSlab() in slab.cpp, shared with classic SLAB, which has no fallback.
//
// mmsim merges the kernel's two chains (the CPU's lockless freelist and the
// slab's own, fed by remote frees) into one per slab: which CPU frees an
// object into a cpu slab changes the cost (fast or slow path) but not
// where the object ends up, and the lists the slabs are on are the
// kernel's.
#include "core/slab_internal.h"

namespace mmsim::slabi {

namespace {

bool isDebug(const KmemCache& c) {
    return c.geo.flags & slabflag::DEBUG_FLAGS;
}

void addPartial(KmemCache& c, std::uint32_t id, bool tail) {
    Slab& sl = c.slabs[id];
    SlabNode& n = c.nodes[static_cast<std::size_t>(sl.nid)];
    sl.cpu = -1;
    if (tail)
        listAddTail(c, n.partial, id, SlabList::Partial);
    else
        listAddHead(c, n.partial, id, SlabList::Partial);
}

void addFull(KmemCache& c, std::uint32_t id) {
    Slab& sl = c.slabs[id];
    sl.cpu = -1;
    listAddHead(c, c.nodes[static_cast<std::size_t>(sl.nid)].full, id, SlabList::Full);
}

// Removes a slab from whatever list it is on.
void unlink(KmemCache& c, std::uint32_t id) {
    Slab& sl = c.slabs[id];
    SlabNode& n = c.nodes[static_cast<std::size_t>(sl.nid)];
    switch (sl.list) {
    case SlabList::Partial:
        listDel(c, n.partial, id);
        break;
    case SlabList::Full:
        listDel(c, n.full, id);
        break;
    case SlabList::Free:
        listDel(c, n.free, id);
        break;
    case SlabList::CpuPartial:
        listDel(c, c.cpus[static_cast<std::size_t>(sl.cpu)].partial, id);
        break;
    case SlabList::CpuSlab:
        c.cpus[static_cast<std::size_t>(sl.cpu)].slab = SLAB_NIL;
        sl.list = SlabList::None;
        break;
    case SlabList::None:
        break;
    }
    sl.cpu = -1;
}

// __put_partials(): a CPU's partial slabs to their nodes' partial lists;
// empty ones beyond min_partial go back to the page allocator.
void putPartials(SlabState& st, MmModel& mm, std::uint32_t cache, int cpu, EventSink* ev) {
    KmemCache& c = st.caches[cache];
    SlabCpu& cp = c.cpus[static_cast<std::size_t>(cpu)];
    if (!cp.partial.count) return;
    emit(ev, slabev::cpu_partial_unfreeze, c, cache, nullptr, cpu);
    std::vector<std::uint32_t> discard;
    while (cp.partial.head != SLAB_NIL) {
        const std::uint32_t id = cp.partial.head;
        listDel(c, cp.partial, id);
        Slab& sl = c.slabs[id];
        SlabNode& n = c.nodes[static_cast<std::size_t>(sl.nid)];
        if (sl.inuse == 0 && n.partial.count >= c.geo.min_partial) {
            sl.cpu = -1;
            discard.push_back(id);
        } else {
            addPartial(c, id, true);
            emit(ev, slabev::slab_to_partial, c, cache, &sl, cpu);
        }
    }
    for (std::uint32_t id : discard)
        discardSlab(st, mm, cache, id, cpu, ev);
}

// put_cpu_partial()
void putCpuPartial(SlabState& st, MmModel& mm, std::uint32_t cache, int cpu, std::uint32_t id,
                   bool drain, EventSink* ev) {
    KmemCache& c = st.caches[cache];
    if (drain && c.cpus[static_cast<std::size_t>(cpu)].partial.count >= c.geo.cpu_partial_slabs)
        putPartials(st, mm, cache, cpu, ev);
    KmemCache& c2 = st.caches[cache];
    listAddHead(c2, c2.cpus[static_cast<std::size_t>(cpu)].partial, id, SlabList::CpuPartial);
    c2.slabs[id].cpu = static_cast<std::int16_t>(cpu);
    emit(ev, slabev::cpu_partial_put, c2, cache, &c2.slabs[id], cpu);
}

// deactivate_slab(): the CPU's slab goes back to its node.
void deactivate(SlabState& st, MmModel& mm, std::uint32_t cache, int cpu, EventSink* ev) {
    KmemCache& c = st.caches[cache];
    const std::uint32_t id = c.cpus[static_cast<std::size_t>(cpu)].slab;
    if (id == SLAB_NIL) return;
    unlink(c, id);
    Slab& sl = c.slabs[id];
    SlabNode& n = c.nodes[static_cast<std::size_t>(sl.nid)];
    if (sl.inuse == 0 && n.partial.count >= c.geo.min_partial) {
        discardSlab(st, mm, cache, id, cpu, ev);
    } else if (sl.free_head != OBJ_END) {
        addPartial(c, id, false);
        emit(ev, slabev::slab_to_partial, c, cache, &sl, cpu);
    } else {
        addFull(c, id);
        emit(ev, slabev::slab_to_full, c, cache, &sl, cpu);
    }
}

// The nodes get_partial() searches: the CPU's node, then (get_any_partial)
// the others by distance, each only when it has more than min_partial
// partial slabs. (The kernel skips the remote search at random unless
// get_cycles() % 1024 <= remote_node_defrag_ratio; mmsim always searches.)
std::vector<int> partialSearchOrder(const SlabState& st, const MmModel& mm, int cpu) {
    const int home = cpuNode(st, cpu);
    std::vector<int> order{home};
    std::vector<int> others;
    for (int n = 0; n < st.nr_nodes; ++n)
        if (n != home) others.push_back(n);
    std::stable_sort(others.begin(), others.end(), [&](int a, int b) {
        return mm.nodeDistance(home, a) < mm.nodeDistance(home, b);
    });
    order.insert(order.end(), others.begin(), others.end());
    return order;
}

// get_partial(): a slab from a node partial list (removed from it), or NIL.
// With per-CPU partial lists, more slabs of that node move to the CPU's
// partial list, up to half its limit.
std::uint32_t getPartial(SlabState& st, MmModel& mm, std::uint32_t cache, int cpu, EventSink* ev,
                         bool fill_cpu_partial) {
    KmemCache& c = st.caches[cache];
    const int home = cpuNode(st, cpu);
    bool first = true;
    for (int nid : (st.nr_nodes == 1 ? std::vector<int>{0} : partialSearchOrder(st, mm, cpu))) {
        SlabNode& n = c.nodes[static_cast<std::size_t>(nid)];
        if (!first && n.partial.count <= c.geo.min_partial) continue;
        first = false;
        (void)home;
        if (n.partial.head == SLAB_NIL) continue;
        const std::uint32_t got = n.partial.head;
        listDel(c, n.partial, got);
        if (fill_cpu_partial && c.geo.cpu_partial_slabs) {
            unsigned moved = 0;
            while (n.partial.head != SLAB_NIL) {
                const std::uint32_t id = n.partial.head;
                listDel(c, n.partial, id);
                putCpuPartial(st, mm, cache, cpu, id, false, ev);
                if (++moved > c.geo.cpu_partial_slabs / 2) break;
            }
        }
        return got;
    }
    return SLAB_NIL;
}

void finishAlloc(KmemCache& c, std::uint32_t cache, std::uint32_t id, int cpu, SlabPath path,
                 SlabObj* out, EventSink* ev) {
    out->slab = id;
    out->idx = slabGetObj(c, id);
    ++c.objects_out;
    emit(ev, slabev::kmem_cache_alloc, c, cache, &c.slabs[id], cpu, static_cast<std::int8_t>(path));
}

bool failAlloc(KmemCache& c, std::uint32_t cache, int cpu, EventSink* ev) {
    emit(ev, slabev::kmem_cache_alloc, c, cache, nullptr, cpu,
         static_cast<std::int8_t>(SlabPath::failed));
    return false;
}

bool debugAlloc(SlabState& st, MmModel& mm, std::uint32_t cache, int cpu, gfp_t gfp, SlabObj* out,
                EventSink* ev, std::string* reason) {
    KmemCache& c = st.caches[cache];
    emit(ev, slabev::alloc_slowpath, c, cache, nullptr, cpu);
    // alloc_single_from_partial(): the first partial slab keeps its place
    // until it fills.
    for (int nid : partialSearchOrder(st, mm, cpu)) {
        SlabNode& n = c.nodes[static_cast<std::size_t>(nid)];
        if (nid != cpuNode(st, cpu) && n.partial.count <= c.geo.min_partial) continue;
        if (n.partial.head == SLAB_NIL) continue;
        const std::uint32_t id = n.partial.head;
        finishAlloc(c, cache, id, cpu, SlabPath::slow, out, ev);
        if (c.slabs[id].free_head == OBJ_END) {
            listDel(c, n.partial, id);
            addFull(c, id);
            emit(ev, slabev::slab_to_full, c, cache, &c.slabs[id], cpu);
        }
        return true;
    }
    const std::uint32_t id = newSlab(st, mm, cache, cpu, gfp, ev, reason);
    KmemCache& c2 = st.caches[cache];
    if (id == SLAB_NIL) return failAlloc(c2, cache, cpu, ev);
    // alloc_single_from_new_slab()
    out->slab = id;
    out->idx = slabGetObj(c2, id);
    ++c2.objects_out;
    if (c2.slabs[id].free_head == OBJ_END) {
        addFull(c2, id);
        emit(ev, slabev::slab_to_full, c2, cache, &c2.slabs[id], cpu);
    } else {
        addPartial(c2, id, false);
        emit(ev, slabev::slab_to_partial, c2, cache, &c2.slabs[id], cpu);
    }
    emit(ev, slabev::kmem_cache_alloc, c2, cache, &c2.slabs[id], cpu,
         static_cast<std::int8_t>(SlabPath::new_slab));
    return true;
}

void makeCpuSlab(KmemCache& c, int cpu, std::uint32_t id) {
    c.cpus[static_cast<std::size_t>(cpu)].slab = id;
    c.slabs[id].list = SlabList::CpuSlab;
    c.slabs[id].cpu = static_cast<std::int16_t>(cpu);
}

} // namespace

bool slubAlloc(SlabState& st, MmModel& mm, std::uint32_t cache, int cpu, gfp_t gfp, SlabObj* out,
               EventSink* ev, std::string* reason) {
    KmemCache& c = st.caches[cache];
    SlabCpu& cp = c.cpus[static_cast<std::size_t>(cpu)];
    // Fast path: the CPU slab's freelist.
    if (cp.slab != SLAB_NIL && c.slabs[cp.slab].free_head != OBJ_END) {
        emit(ev, slabev::alloc_fastpath, c, cache, nullptr, cpu);
        finishAlloc(c, cache, cp.slab, cpu, SlabPath::fast, out, ev);
        return true;
    }
    if (isDebug(c)) return debugAlloc(st, mm, cache, cpu, gfp, out, ev, reason);
    emit(ev, slabev::alloc_slowpath, c, cache, nullptr, cpu);
    if (cp.slab != SLAB_NIL) {
        // The exhausted slab is full: it leaves the CPU (to no list).
        const std::uint32_t id = cp.slab;
        unlink(c, id);
        addFull(c, id);
        emit(ev, slabev::slab_to_full, c, cache, &c.slabs[id], cpu);
    }
    if (cp.partial.head != SLAB_NIL) {
        const std::uint32_t id = cp.partial.head;
        listDel(c, cp.partial, id);
        makeCpuSlab(c, cpu, id);
        emit(ev, slabev::cpu_partial_alloc, c, cache, &c.slabs[id], cpu);
        finishAlloc(c, cache, id, cpu, SlabPath::slow, out, ev);
        return true;
    }
    std::uint32_t id = getPartial(st, mm, cache, cpu, ev, true);
    if (id != SLAB_NIL) {
        KmemCache& c2 = st.caches[cache];
        makeCpuSlab(c2, cpu, id);
        finishAlloc(c2, cache, id, cpu, SlabPath::slow, out, ev);
        return true;
    }
    id = newSlab(st, mm, cache, cpu, gfp, ev, reason);
    KmemCache& c2 = st.caches[cache];
    if (id == SLAB_NIL) return failAlloc(c2, cache, cpu, ev);
    makeCpuSlab(c2, cpu, id);
    finishAlloc(c2, cache, id, cpu, SlabPath::new_slab, out, ev);
    return true;
}

void slubFree(SlabState& st, MmModel& mm, std::uint32_t cache, SlabObj obj, int cpu,
              EventSink* ev) {
    KmemCache& c = st.caches[cache];
    Slab& sl = c.slabs[obj.slab];
    --c.objects_out;
    if (sl.list == SlabList::CpuSlab && sl.cpu == cpu) {
        slabPutObj(c, obj.slab, obj.idx);
        emit(ev, slabev::free_fastpath, c, cache, &sl, cpu);
        emit(ev, slabev::kmem_cache_free, c, cache, &sl, cpu,
             static_cast<std::int8_t>(SlabPath::fast));
        return;
    }
    emit(ev, slabev::free_slowpath, c, cache, &sl, cpu);
    const bool was_full = sl.free_head == OBJ_END;
    slabPutObj(c, obj.slab, obj.idx);
    const std::uint32_t id = obj.slab;
    SlabNode& n = c.nodes[static_cast<std::size_t>(sl.nid)];
    const bool has_cpu_partial = !isDebug(c) && c.geo.cpu_partial_slabs > 0;
    if (sl.list == SlabList::CpuSlab || sl.list == SlabList::CpuPartial) {
        // Frozen (another CPU's slab) or on a CPU's partial list: it stays.
    } else if (was_full) {
        listDel(c, n.full, id);
        if (has_cpu_partial) {
            putCpuPartial(st, mm, cache, cpu, id, true, ev);
        } else if (sl.inuse == 0 && n.partial.count >= c.geo.min_partial) {
            discardSlab(st, mm, cache, id, cpu, ev);
        } else {
            addPartial(c, id, true);
            emit(ev, slabev::slab_to_partial, c, cache, &sl, cpu);
        }
    } else if (sl.list == SlabList::Partial && sl.inuse == 0 &&
               n.partial.count >= c.geo.min_partial) {
        listDel(c, n.partial, id);
        discardSlab(st, mm, cache, id, cpu, ev);
    }
    KmemCache& c2 = st.caches[cache];
    emit(ev, slabev::kmem_cache_free, c2, cache, nullptr, cpu,
         static_cast<std::int8_t>(SlabPath::slow));
}

namespace {

// flush_all(): every CPU's slab and partial list back to the nodes.
void flushAll(SlabState& st, MmModel& mm, std::uint32_t cache, EventSink* ev) {
    for (int cpu = 0; cpu < st.nr_cpus; ++cpu) {
        deactivate(st, mm, cache, cpu, ev);
        putPartials(st, mm, cache, cpu, ev);
    }
}

} // namespace

int slubShrink(SlabState& st, MmModel& mm, std::uint32_t cache, EventSink* ev) {
    flushAll(st, mm, cache, ev);
    int ret = 0;
    constexpr unsigned SHRINK_PROMOTE_MAX = 32;
    for (int nid = 0; nid < st.nr_nodes; ++nid) {
        KmemCache& c = st.caches[cache];
        SlabNode& n = c.nodes[static_cast<std::size_t>(nid)];
        std::vector<std::uint32_t> discard, rest;
        std::vector<std::vector<std::uint32_t>> promote(SHRINK_PROMOTE_MAX);
        for (std::uint32_t id = n.partial.head; id != SLAB_NIL; id = c.slabs[id].next) {
            const unsigned fr = c.slabs[id].objects - c.slabs[id].inuse;
            if (fr == c.slabs[id].objects)
                discard.push_back(id);
            else if (fr <= SHRINK_PROMOTE_MAX)
                promote[fr - 1].push_back(id);
            else
                rest.push_back(id);
        }
        while (n.partial.head != SLAB_NIL)
            listDel(c, n.partial, n.partial.head);
        // The fullest slabs go to the head of the list.
        // (each bucket in reverse, as list_move() built it)
        for (const auto& p : promote)
            for (auto it = p.rbegin(); it != p.rend(); ++it)
                listAddTail(c, n.partial, *it, SlabList::Partial);
        for (std::uint32_t id : rest)
            listAddTail(c, n.partial, id, SlabList::Partial);
        for (std::uint32_t id : discard)
            discardSlab(st, mm, cache, id, -1, ev);
        if (st.caches[cache].nodes[static_cast<std::size_t>(nid)].nr_slabs) ret = 1;
    }
    return ret;
}

void slubShutdown(SlabState& st, MmModel& mm, std::uint32_t cache, EventSink* ev,
                  std::vector<std::uint32_t>* remaining) {
    flushAll(st, mm, cache, ev);
    for (int nid = 0; nid < st.nr_nodes; ++nid) {
        KmemCache& c = st.caches[cache];
        SlabNode& n = c.nodes[static_cast<std::size_t>(nid)];
        std::vector<std::uint32_t> discard;
        for (std::uint32_t id = n.partial.head; id != SLAB_NIL; id = c.slabs[id].next)
            if (!c.slabs[id].inuse) discard.push_back(id);
        for (std::uint32_t id : discard) {
            listDel(c, n.partial, id);
            discardSlab(st, mm, cache, id, -1, ev);
        }
    }
    const KmemCache& c = st.caches[cache];
    for (std::uint32_t i = 0; i < c.slabs.size(); ++i)
        if (c.slabs[i].live) remaining->push_back(i);
}

} // namespace mmsim::slabi
