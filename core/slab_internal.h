// Helpers shared by the slab layer's sources (not part of the API).
#pragma once

#include "core/event_probe.h"
#include "core/slab.h"

namespace mmsim::slabi {

inline void emit(EventSink* ev, std::uint8_t kind, const KmemCache& c, std::uint32_t cache_id,
                 const Slab* sl, int cpu, std::int8_t path = -1) {
    if (!ev) return;
    BuddyEvent e;
    e.kind = static_cast<BuddyEvent::Kind>(kind);
    e.cpu = static_cast<std::int16_t>(cpu);
    e.nr = cache_id;
    e.order = static_cast<std::int8_t>(sl && sl->live ? sl->order : c.geo.order);
    e.mark = path;
    if (sl) {
        e.nid = sl->nid;
        e.pfn = sl->pfn;
    }
    ev->push_back(e);
    probeRecorded(*ev);
}

// Intrusive list operations (slab ids of one cache).
inline void listAddHead(KmemCache& c, SlabListHead& h, std::uint32_t id, SlabList which) {
    Slab& s = c.slabs[id];
    s.prev = SLAB_NIL;
    s.next = h.head;
    (h.head != SLAB_NIL ? c.slabs[h.head].prev : h.tail) = id;
    h.head = id;
    ++h.count;
    s.list = which;
}
inline void listAddTail(KmemCache& c, SlabListHead& h, std::uint32_t id, SlabList which) {
    Slab& s = c.slabs[id];
    s.next = SLAB_NIL;
    s.prev = h.tail;
    (h.tail != SLAB_NIL ? c.slabs[h.tail].next : h.head) = id;
    h.tail = id;
    ++h.count;
    s.list = which;
}
inline void listDel(KmemCache& c, SlabListHead& h, std::uint32_t id) {
    Slab& s = c.slabs[id];
    if (s.prev != SLAB_NIL)
        c.slabs[s.prev].next = s.next;
    else
        h.head = s.next;
    if (s.next != SLAB_NIL)
        c.slabs[s.next].prev = s.prev;
    else
        h.tail = s.prev;
    s.prev = s.next = SLAB_NIL;
    --h.count;
    s.list = SlabList::None;
}

inline std::uint16_t* links(KmemCache& c, std::uint32_t id) {
    return c.links.data() + static_cast<std::size_t>(id) * c.geo.objects;
}
inline const std::uint16_t* links(const KmemCache& c, std::uint32_t id) {
    return c.links.data() + static_cast<std::size_t>(id) * c.geo.objects;
}

// Takes the first free object of a slab (the slab must have one).
inline std::uint16_t slabGetObj(KmemCache& c, std::uint32_t id) {
    Slab& s = c.slabs[id];
    std::uint16_t* l = links(c, id);
    const std::uint16_t o = s.free_head;
    s.free_head = l[o];
    l[o] = OBJ_INUSE;
    ++s.inuse;
    return o;
}
inline void slabPutObj(KmemCache& c, std::uint32_t id, std::uint16_t o) {
    Slab& s = c.slabs[id];
    std::uint16_t* l = links(c, id);
    l[o] = s.free_head;
    s.free_head = o;
    --s.inuse;
}

// allocate_slab(): pages from the buddy allocator on the CPU's node; the
// new slab's id (on no list), or SLAB_NIL when the page allocator failed.
std::uint32_t newSlab(SlabState& st, MmModel& mm, std::uint32_t cache, int cpu, gfp_t gfp,
                      EventSink* ev, std::string* reason);
// discard_slab(): the slab (on no list) back to the buddy allocator.
void discardSlab(SlabState& st, MmModel& mm, std::uint32_t cache, std::uint32_t id, int cpu,
                 EventSink* ev);

inline int cpuNode(const SlabState& st, int cpu) {
    return cpu >= 0 && static_cast<std::size_t>(cpu) < st.cpu_node.size()
               ? st.cpu_node[static_cast<std::size_t>(cpu)]
               : 0;
}

// SLUB (slub.cpp)
bool slubAlloc(SlabState& st, MmModel& mm, std::uint32_t cache, int cpu, gfp_t gfp, SlabObj* out,
               EventSink* ev, std::string* reason);
void slubFree(SlabState& st, MmModel& mm, std::uint32_t cache, SlabObj obj, int cpu, EventSink* ev);
int slubShrink(SlabState& st, MmModel& mm, std::uint32_t cache, EventSink* ev);
// flush_all + free_partial: returns the slabs with objects that remain.
void slubShutdown(SlabState& st, MmModel& mm, std::uint32_t cache, EventSink* ev,
                  std::vector<std::uint32_t>* remaining);
// classic SLAB (slab_classic.cpp)
void classicInitCache(SlabState& st, KmemCache& c);
bool classicAlloc(SlabState& st, MmModel& mm, std::uint32_t cache, int cpu, gfp_t gfp, SlabObj* out,
                  EventSink* ev, std::string* reason);
void classicFree(SlabState& st, MmModel& mm, std::uint32_t cache, SlabObj obj, int cpu,
                 EventSink* ev);
int classicShrink(SlabState& st, MmModel& mm, std::uint32_t cache, EventSink* ev);

} // namespace mmsim::slabi
