// /proc/slabinfo and a slabtop-like summary of the slab state.
//
// /proc/slabinfo version 2.1 prints one line per cache, newest first (the
// kernel adds caches at the head of slab_caches). The two policies fill the
// same columns differently: SLUB counts as free only the free objects of
// slabs on the node partial lists (objects free in a CPU's slab or partial
// slabs count as active), reports every slab as active and has no tunables;
// classic SLAB counts the free objects of the node's slabs (objects in the
// array caches are active), its active slabs are those not on slabs_free,
// and it shows its limit, batchcount, shared factor and the objects waiting
// in the shared arrays. Under SLUB a slab may hold fewer objects than the
// cache's preferred order gives (allocate_slab() fell back to the minimum
// order): the object columns add up each slab's own count, as the kernel's
// node total_objects does, while <objperslab> and <pagesperslab> print the
// preferred order's (oo), whatever the slabs really have.
#include "core/slab.h"

#include "core/strfmt.h"

#include <algorithm>

namespace mmsim {

namespace {

// count_partial_free_approx() (6.12) / count_partial(count_free) (6.1).
std::uint64_t partialFree(const SlabState& st, const KmemCache& c, const SlabNode& n) {
    constexpr std::uint32_t MAX_PARTIAL_TO_SCAN = 10000;
    std::uint64_t x = 0;
    if (st.v61 || n.partial.count <= MAX_PARTIAL_TO_SCAN) {
        for (std::uint32_t i = n.partial.head; i != SLAB_NIL; i = c.slabs[i].next)
            x += c.slabs[i].objects - c.slabs[i].inuse;
        return x;
    }
    std::uint64_t scanned = 0;
    for (std::uint32_t i = n.partial.head; i != SLAB_NIL; i = c.slabs[i].next) {
        x += c.slabs[i].objects - c.slabs[i].inuse;
        if (++scanned == MAX_PARTIAL_TO_SCAN / 2) break;
    }
    for (std::uint32_t i = n.partial.tail; i != SLAB_NIL; i = c.slabs[i].prev) {
        x += c.slabs[i].objects - c.slabs[i].inuse;
        if (++scanned == MAX_PARTIAL_TO_SCAN) break;
    }
    x = x * n.partial.count / scanned; // mult_frac
    return std::min(x, n.total_objects);
}

} // namespace

SlabInfoRow slabInfoRow(const SlabState& st, int cache) {
    const KmemCache& c = st.caches.at(static_cast<std::size_t>(cache));
    SlabInfoRow r;
    r.name = c.name;
    r.objsize = c.geo.size;
    r.objperslab = c.geo.objects;
    r.pagesperslab = 1u << c.geo.order;
    if (st.policy == SlabPolicy::Slub) {
        std::uint64_t slabs = 0, objs = 0, fr = 0;
        for (const SlabNode& n : c.nodes) {
            slabs += n.nr_slabs;
            objs += n.total_objects;
            fr += partialFree(st, c, n);
        }
        r.active_objs = objs - fr;
        r.num_objs = objs;
        r.active_slabs = r.num_slabs = slabs;
    } else {
        std::uint64_t total = 0, free_slabs = 0, free_objs = 0, shared = 0;
        for (const SlabNode& n : c.nodes) {
            total += n.nr_slabs;
            free_slabs += n.free_slabs;
            free_objs += n.free_objects;
            shared += n.shared.avail;
        }
        r.num_objs = total * c.geo.objects;
        r.active_slabs = total - free_slabs;
        r.num_slabs = total;
        r.active_objs = r.num_objs - free_objs;
        r.shared_avail = shared;
        r.limit = c.geo.limit;
        r.batchcount = c.geo.batchcount;
        r.shared = c.geo.shared;
    }
    return r;
}

std::vector<std::string> slabOutOfMemory(const SlabState& st, int cache, int cpu, unsigned gfp,
                                         const std::string& gfp_text) {
    std::vector<std::string> out;
    // Classic SLAB prints this only with CONFIG_DEBUG_SLAB (off in the profiles).
    if (st.policy != SlabPolicy::Slub) return out;
    const KmemCache& c = st.caches.at(static_cast<std::size_t>(cache));
    const int cpu_nid = cpu >= 0 && static_cast<std::size_t>(cpu) < st.cpu_node.size()
                            ? st.cpu_node[static_cast<std::size_t>(cpu)]
                            : 0;
    if (st.v61)
        out.push_back(strprintf("SLUB: Unable to allocate memory on node -1, gfp=%#x(%s)", gfp,
                                gfp_text.c_str()));
    else
        out.push_back(strprintf("SLUB: Unable to allocate memory on CPU %d (of node %d) on node "
                                "-1, gfp=%#x(%s)",
                                cpu, cpu_nid, gfp, gfp_text.c_str()));
    out.push_back(strprintf("  cache: %s, object size: %u, buffer size: %u, default order: %u, "
                            "min order: %u",
                            c.name.c_str(), c.geo.object_size, c.geo.size, c.geo.order,
                            c.geo.min_order));
    if (c.geo.min_order > getOrder(c.geo.object_size))
        out.push_back(strprintf("  %s debugging increased min order, use %s=O to disable.",
                                c.name.c_str(), st.v61 ? "slub_debug" : "slab_debug"));
    for (std::size_t nid = 0; nid < c.nodes.size(); ++nid) {
        const SlabNode& n = c.nodes[nid];
        out.push_back(strprintf("  node %zu: slabs: %llu, objs: %llu, free: %llu", nid,
                                (unsigned long long)n.nr_slabs, (unsigned long long)n.total_objects,
                                (unsigned long long)partialFree(st, c, n)));
    }
    return out;
}

std::string viewSlabinfo(const SlabState& st) {
    std::string out = "slabinfo - version: 2.1\n"
                      "# name            <active_objs> <num_objs> <objsize> <objperslab> "
                      "<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata "
                      "<active_slabs> <num_slabs> <sharedavail>\n";
    for (std::size_t i = st.caches.size(); i-- > 0;) {
        if (st.caches[i].destroyed) continue;
        const SlabInfoRow r = slabInfoRow(st, static_cast<int>(i));
        out += strprintf("%-17s %6llu %6llu %6u %4u %4d", r.name.c_str(),
                         (unsigned long long)r.active_objs, (unsigned long long)r.num_objs,
                         r.objsize, r.objperslab, static_cast<int>(r.pagesperslab));
        out += strprintf(" : tunables %4u %4u %4u", r.limit, r.batchcount, r.shared);
        out += strprintf(" : slabdata %6llu %6llu %6llu\n", (unsigned long long)r.active_slabs,
                         (unsigned long long)r.num_slabs, (unsigned long long)r.shared_avail);
    }
    return out;
}

std::string viewSlabtop(const SlabState& st) {
    std::vector<SlabInfoRow> rows;
    std::uint64_t aobj = 0, tobj = 0, aslab = 0, tslab = 0, acache = 0, tcache = 0;
    double asize = 0, tsize = 0, minobj = 0, maxobj = 0;
    for (std::size_t i = st.caches.size(); i-- > 0;) {
        if (st.caches[i].destroyed) continue;
        SlabInfoRow r = slabInfoRow(st, static_cast<int>(i));
        aobj += r.active_objs;
        tobj += r.num_objs;
        aslab += r.active_slabs;
        tslab += r.num_slabs;
        ++tcache;
        if (r.active_objs) ++acache;
        asize += double(r.active_objs) * r.objsize;
        tsize += double(r.num_objs) * r.objsize;
        const double kb = r.objsize / 1024.0;
        if (tcache == 1 || kb < minobj) minobj = kb;
        if (kb > maxobj) maxobj = kb;
        rows.push_back(std::move(r));
    }
    auto pct = [](double a, double t) { return t > 0 ? 100.0 * a / t : 0.0; };
    std::string out;
    out += strprintf(" Active / Total Objects (%% used)    : %llu / %llu (%.1f%%)\n",
                     (unsigned long long)aobj, (unsigned long long)tobj,
                     pct(double(aobj), double(tobj)));
    out += strprintf(" Active / Total Slabs (%% used)      : %llu / %llu (%.1f%%)\n",
                     (unsigned long long)aslab, (unsigned long long)tslab,
                     pct(double(aslab), double(tslab)));
    out += strprintf(" Active / Total Caches (%% used)     : %llu / %llu (%.1f%%)\n",
                     (unsigned long long)acache, (unsigned long long)tcache,
                     pct(double(acache), double(tcache)));
    out += strprintf(" Active / Total Size (%% used)       : %.2fK / %.2fK (%.1f%%)\n",
                     asize / 1024, tsize / 1024, pct(asize, tsize));
    out += strprintf(" Minimum / Average / Maximum Object : %.2fK / %.2fK / %.2fK\n\n", minobj,
                     tobj ? tsize / double(tobj) / 1024 : 0.0, maxobj);
    out += "  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME\n";
    // Sorted by number of objects (slabtop's default), then by name.
    std::stable_sort(rows.begin(), rows.end(), [](const SlabInfoRow& a, const SlabInfoRow& b) {
        if (a.num_objs != b.num_objs) return a.num_objs > b.num_objs;
        return a.name < b.name;
    });
    for (const SlabInfoRow& r : rows) {
        const unsigned use =
            r.num_objs ? static_cast<unsigned>(100 * r.active_objs / r.num_objs) : 0;
        out += strprintf("%6llu %6llu %3u%% %7.2fK %6llu %8u %9lluK %s\n",
                         (unsigned long long)r.num_objs, (unsigned long long)r.active_objs, use,
                         r.objsize / 1024.0, (unsigned long long)r.num_slabs, r.objperslab,
                         (unsigned long long)(r.num_slabs * r.pagesperslab * 4), r.name.c_str());
    }
    return out;
}

} // namespace mmsim
