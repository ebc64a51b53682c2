// Named numbers and expect steps (see expect.h).
#include "core/expect.h"
#include "core/slab.h"

#include "core/error.h"
#include "core/page_alloc.h"
#include "core/report.h"
#include "core/simulation.h"
#include "core/strfmt.h"

#include <algorithm>

namespace mmsim {

namespace {

const Zone& zoneOf(const Simulation& sim, const ValueQuery& q) {
    const MmModel& mm = sim.state().mm;
    if (!mm.zones_initialised)
        throw OpError("there are no zones yet (still in the memblock phase)");
    if (q.nid < 0 || static_cast<std::size_t>(q.nid) >= mm.nodes.size())
        throw OpError(strprintf("node %d does not exist", q.nid));
    return mm.nodes[static_cast<std::size_t>(q.nid)].zones[static_cast<std::size_t>(q.zone)];
}

json num(std::uint64_t v) {
    return json(v);
}

int largestFreeOrder(const Zone& z) {
    for (int o = NR_PAGE_ORDERS - 1; o >= 0; --o)
        if (z.free_area.nrFree(o)) return o;
    return -1;
}

// Pageblocks holding an allocated block of a migratetype other than the
// pageblock's own: where fallbacks have mixed mobility.
std::uint64_t mixedPageblocks(const Zone& z) {
    std::vector<std::uint8_t> mixed(z.pageblocks.count(), 0);
    for (const auto& [pfn, b] : z.allocated) {
        const pfn_t end = pfn + (pfn_t{1} << b.order);
        for (pfn_t p = pfn; p < end; p = (p | (PAGEBLOCK_NR_PAGES - 1)) + 1) {
            if (!z.pageblocks.covers(p)) continue;
            if (z.pageblocks.type(p) != b.mt) mixed[z.pageblocks.index(p)] = 1;
        }
    }
    return static_cast<std::uint64_t>(std::count(mixed.begin(), mixed.end(), 1));
}

const AllocRecord& lastAlloc(const Simulation& sim) {
    const AllocRecord& r = sim.lastAlloc();
    if (!r.valid) throw OpError("no allocation has been made yet");
    return r;
}

std::vector<NamedValue> makeValues() {
    using Q = const ValueQuery&;
    using S = const Simulation&;
    std::vector<NamedValue> v;
    v.push_back({"free_pages", true, false, false, false,
                 "pages on the zone's buddy free lists (zoneinfo nr_free_pages)",
                 [](S s, Q q) { return num(zoneOf(s, q).free_area.freePages()); }});
    v.push_back({"nr_free", true, true, false, false,
                 "free blocks of the order (free_area[order].nr_free, a buddyinfo column)",
                 [](S s, Q q) { return num(zoneOf(s, q).free_area.nrFree(q.order)); }});
    v.push_back({"free_blocks", true, true, true, false,
                 "free blocks of the order on the migratetype's list (a pagetypeinfo cell)",
                 [](S s, Q q) { return num(zoneOf(s, q).free_area.nrFreeOf(q.order, q.mt)); }});
    v.push_back({"largest_free_order", true, false, false, false,
                 "the highest order with a free block (-1: none)",
                 [](S s, Q q) { return json(largestFreeOrder(zoneOf(s, q))); }});
    v.push_back({"pageblocks", true, false, true, false,
                 "pageblocks of the migratetype (pagetypeinfo's block counts)", [](S s, Q q) {
                     return num(pageblockCounts(zoneOf(s, q)).n[static_cast<std::size_t>(q.mt)]);
                 }});
    v.push_back({"mixed_pageblocks", true, false, false, false,
                 "pageblocks holding an allocation of another migratetype than their own",
                 [](S s, Q q) { return num(mixedPageblocks(zoneOf(s, q))); }});
    v.push_back({"pcp_pages", true, false, false, false, "pages on every CPU's per-CPU lists",
                 [](S s, Q q) { return num(pcpPages(zoneOf(s, q))); }});
    v.push_back({"managed_pages", true, false, false, false, "the zone's managed pages",
                 [](S s, Q q) { return num(zoneOf(s, q).managed_pages); }});
    v.push_back({"wmark_min", true, false, false, false, "the min watermark (with any boost)",
                 [](S s, Q q) { return num(zoneOf(s, q).minWmark()); }});
    v.push_back({"wmark_low", true, false, false, false, "the low watermark (with any boost)",
                 [](S s, Q q) { return num(zoneOf(s, q).lowWmark()); }});
    v.push_back({"wmark_high", true, false, false, false, "the high watermark (with any boost)",
                 [](S s, Q q) { return num(zoneOf(s, q).highWmark()); }});
    v.push_back({"total_free_pages", false, false, false, false,
                 "free pages of every zone's buddy lists", [](S s, Q) {
                     std::uint64_t n = 0;
                     s.state().mm.forEachZone([&](const Zone& z) { n += z.free_area.freePages(); });
                     return num(n);
                 }});
    v.push_back({"last_alloc", false, false, false, false,
                 "\"ok\", or null when the last allocation failed",
                 [](S s, Q) { return lastAlloc(s).ok ? json("ok") : json(nullptr); }});
    v.push_back({"last_alloc_pfn", false, false, false, false,
                 "the pfn the last allocation returned (null: it failed)", [](S s, Q) {
                     const AllocRecord& r = lastAlloc(s);
                     return r.ok ? json(r.pfn) : json(nullptr);
                 }});
    v.push_back({"last_alloc_node", false, false, false, false,
                 "the node of the last allocation (null: it failed)", [](S s, Q) {
                     const AllocRecord& r = lastAlloc(s);
                     return r.ok ? json(r.nid) : json(nullptr);
                 }});
    v.push_back({"last_alloc_zone", false, false, false, false,
                 "the zone name of the last allocation (null: it failed)", [](S s, Q) {
                     const AllocRecord& r = lastAlloc(s);
                     return r.ok ? json(zoneName(r.zone)) : json(nullptr);
                 }});
    v.push_back({"last_alloc_list", false, false, false, false,
                 "the free list that served the last allocation: its order, or \"pcp\"",
                 [](S s, Q) {
                     const AllocRecord& r = lastAlloc(s);
                     return !r.ok ? json(nullptr) : r.list < 0 ? json("pcp") : json(r.list);
                 }});
    v.push_back({"clock", false, false, false, false, "the simulation clock (CPU cycles)",
                 [](S s, Q) { return json(s.clock().now()); }});
    // A slab cache's active objects, as /proc/slabinfo counts them.
    v.push_back({"active_objs", false, false, false, true,
                 "a slab cache's active objects (slabinfo <active_objs>)", [](S s, Q q) -> json {
                     const int c = findCache(s.state().slab, q.cache);
                     if (c < 0) throw OpError("no slab cache is called '" + q.cache + "'");
                     return json(slabInfoRow(s.state().slab, c).active_objs);
                 }});
    return v;
}

const char* const kMigratetypeNames[] = {"Unmovable", "Movable", "Reclaimable", "HighAtomic",
                                         "CMA",       "Isolate"};

std::string numberText(const json& v) {
    return v.is_string() ? v.get<std::string>() : v.dump();
}

// Text with one trailing newline (views end in one).
std::string asViewText(const json& v, const std::string& ptr, const std::string& view) {
    std::string text;
    if (v.is_string()) {
        text = v.get<std::string>();
    } else if (v.is_array()) {
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (!v[i].is_string())
                throw SpecError{ptr + "/" + std::to_string(i),
                                "a line of the expected " + view + " must be a string"};
            text += v[i].get<std::string>() + "\n";
        }
    } else {
        throw SpecError{ptr, "the expected " + view +
                                 " must be its text: a string or an array of lines"};
    }
    if (!text.empty() && text.back() != '\n') text += '\n';
    return text;
}

} // namespace

std::string ValueQuery::describe() const {
    std::string s = name;
    const NamedValue* nv = findNamedValue(name);
    if (nv && nv->zone) s += strprintf(" of Node %d %s", nid, zoneName(zone));
    if (nv && nv->order) s += strprintf(" order %d", order);
    if (nv && nv->migratetype && mt >= 0) s += std::string(" ") + kMigratetypeNames[mt];
    if (nv && nv->cache) s += " of cache " + cache;
    return s;
}

const std::vector<NamedValue>& namedValues() {
    static const std::vector<NamedValue> v = makeValues();
    return v;
}

const NamedValue* findNamedValue(std::string_view name) {
    for (const NamedValue& v : namedValues())
        if (v.name == name) return &v;
    return nullptr;
}

json evalNamedValue(const Simulation& sim, const ValueQuery& q) {
    const NamedValue* nv = findNamedValue(q.name);
    if (!nv) throw OpError("unknown named value '" + q.name + "'");
    return nv->get(sim, q);
}

const std::vector<std::string_view>& valueParamKeys() {
    static const std::vector<std::string_view> k = {"zone", "order", "migratetype", "cache"};
    return k;
}

int zoneIndexByName(std::string_view name) {
    for (int i = 0; i < MAX_NR_ZONES; ++i)
        if (name == zoneName(i)) return i;
    return -1;
}

int migratetypeByName(std::string_view name) {
    for (int i = 0; i < MIGRATE_TYPES; ++i)
        if (name == kMigratetypeNames[i]) return i;
    return -1;
}

void parseZone(const json& v, const std::string& ptr, ValueQuery& q) {
    auto zoneByName = [&](const json& z, const std::string& p) {
        if (!z.is_string() || zoneIndexByName(z.get<std::string>()) < 0)
            throw SpecError{p, "zone must be one of DMA, DMA32, Normal, Movable, Device, got " +
                                   z.dump()};
        q.zone = zoneIndexByName(z.get<std::string>());
    };
    if (v.is_string()) {
        q.nid = 0;
        zoneByName(v, ptr);
        return;
    }
    if (!v.is_object())
        throw SpecError{ptr, "zone must be a zone name (\"Normal\": node 0) or {\"node\": 0, "
                             "\"zone\": \"Normal\"}"};
    for (const auto& [k, x] : v.items()) {
        if (k == "node") {
            if (!x.is_number_integer() || x.get<long long>() < 0 || x.get<long long>() > 1023)
                throw SpecError{ptr + "/node", "node must be an integer 0..1023"};
            q.nid = x.get<int>();
        } else if (k == "zone") {
            zoneByName(x, ptr + "/zone");
        } else {
            throw SpecError{ptr + "/" + k, "unknown key \"" + k + "\" in a zone (node, zone)"};
        }
    }
    if (q.zone < 0) throw SpecError{ptr, "missing required key \"zone\" in a zone"};
}

void parseValueParams(const json& obj, const std::string& ptr, ValueQuery& q) {
    const NamedValue* nv = findNamedValue(q.name);
    if (!nv) throw SpecError{ptr, "unknown named value \"" + q.name + "\""};
    if (obj.contains("zone")) parseZone(obj["zone"], ptr + "/zone", q);
    if (obj.contains("order")) {
        const json& o = obj["order"];
        if (!o.is_number_integer() || o.get<long long>() < 0 ||
            o.get<long long>() >= NR_PAGE_ORDERS)
            throw SpecError{ptr + "/order", "order must be an integer 0..10"};
        q.order = o.get<int>();
    }
    if (obj.contains("migratetype")) {
        const json& m = obj["migratetype"];
        if (!m.is_string() || migratetypeByName(m.get<std::string>()) < 0)
            throw SpecError{ptr + "/migratetype", "migratetype must be one of Unmovable, Movable, "
                                                  "Reclaimable, HighAtomic, CMA, Isolate"};
        q.mt = migratetypeByName(m.get<std::string>());
    }
    if (obj.contains("cache")) {
        if (!obj["cache"].is_string()) throw SpecError{ptr + "/cache", "cache must be a string"};
        q.cache = obj["cache"].get<std::string>();
    }
    auto need = [&](bool needed, bool have, const char* key, const char* example) {
        if (needed && !have)
            throw SpecError{ptr, q.name + " needs \"" + key + "\" (e.g. " + example + ")"};
    };
    need(nv->zone, q.zone >= 0, "zone", "\"zone\": {\"node\": 0, \"zone\": \"Normal\"}");
    need(nv->order, q.order >= 0, "order", "\"order\": 3");
    need(nv->migratetype, q.mt >= 0, "migratetype", "\"migratetype\": \"Movable\"");
    need(nv->cache, !q.cache.empty(), "cache", "\"cache\": \"dentry\"");
}

std::string Expected::describe() const {
    if (op == "==") return value.is_string() ? value.get<std::string>() : value.dump();
    return op + " " + value.dump();
}

Expected parseExpected(const json& v, const std::string& ptr) {
    static const std::vector<std::string> ops = {"==", "!=", "<", "<=", ">", ">="};
    if (!v.is_object()) {
        if (v.is_array()) throw SpecError{ptr, "an expected number must be a value or {\"<\": N}"};
        return {"==", v};
    }
    if (v.size() != 1)
        throw SpecError{ptr, "a comparison has exactly one operator: {\"<\": N} (==, !=, <, <=, "
                             ">, >=)"};
    // Not a structured binding of *v.items().begin(): that binds to a
    // temporary iteration proxy (ASan: stack-use-after-scope).
    const auto first = v.begin();
    const std::string op = first.key();
    const json& x = first.value();
    if (std::find(ops.begin(), ops.end(), op) == ops.end())
        throw SpecError{ptr + "/" + op, "unknown comparison \"" + op + "\" (==, !=, <, <=, >, >=)"};
    if (op != "==" && op != "!=" && !x.is_number())
        throw SpecError{ptr + "/" + op, "comparison " + op + " needs a number"};
    if (x.is_object() || x.is_array())
        throw SpecError{ptr + "/" + op, "a comparison compares with a number, string or null"};
    return {op, x};
}

bool matches(const json& actual, const Expected& e) {
    if (e.op == "==") return actual == e.value;
    if (e.op == "!=") return actual != e.value;
    if (!actual.is_number() || !e.value.is_number()) return false;
    // Integers compare exactly; a float on either side compares as double.
    const bool ints = actual.is_number_integer() && e.value.is_number_integer();
    auto cmp = [&](auto a, auto b) {
        if (e.op == "<") return a < b;
        if (e.op == "<=") return a <= b;
        if (e.op == ">") return a > b;
        return a >= b;
    };
    if (ints) {
        const bool au = actual.is_number_unsigned(), eu = e.value.is_number_unsigned();
        // Compare as signed 128-bit-ish: unsigned values beyond int64 are large.
        const long double a =
            au ? (long double)actual.get<std::uint64_t>() : (long double)actual.get<std::int64_t>();
        const long double b = eu ? (long double)e.value.get<std::uint64_t>()
                                 : (long double)e.value.get<std::int64_t>();
        return cmp(a, b);
    }
    return cmp(actual.get<double>(), e.value.get<double>());
}

std::vector<std::string_view> expectKeys() {
    std::vector<std::string_view> k;
    for (const std::string& v : viewNames())
        k.push_back(v);
    for (const NamedValue& v : namedValues())
        k.push_back(v.name);
    for (std::string_view p : valueParamKeys())
        k.push_back(p);
    return k;
}

ExpectSpec parseExpect(const json& step, const std::string& ptr) {
    ExpectSpec spec;
    const auto& views = viewNames();
    bool params = false;
    for (const auto& [key, v] : step.items()) {
        const std::string p = ptr + "/" + key;
        if (std::find(views.begin(), views.end(), key) != views.end()) {
            spec.views.emplace_back(key, asViewText(v, p, key));
        } else if (findNamedValue(key)) {
            ValueQuery q;
            q.name = key;
            spec.values.emplace_back(q, parseExpected(v, p));
        } else if (std::find(valueParamKeys().begin(), valueParamKeys().end(), key) !=
                   valueParamKeys().end()) {
            params = true;
        }
    }
    if (spec.views.empty() && spec.values.empty())
        throw SpecError{ptr, "an expect step names a view (e.g. \"buddyinfo\": \"...\") or a named "
                             "number (e.g. \"free_pages\": 1024 with \"zone\")"};
    for (auto& [q, e] : spec.values)
        parseValueParams(step, ptr, q);
    if (params && spec.values.empty())
        throw SpecError{ptr, "zone/order/migratetype/cache qualify a named number, and this "
                             "expect has none"};
    return spec;
}

std::vector<ExpectFailure> evalExpect(const Simulation& sim, const ExpectSpec& spec,
                                      const std::string& where) {
    std::vector<ExpectFailure> out;
    for (const auto& [view, want] : spec.views) {
        std::string got;
        try {
            got = renderView(sim, view);
        } catch (const std::logic_error& e) {
            got = std::string("(no ") + view + ": " + e.what() + ")";
        }
        if (got == want) continue;
        const auto wl = splitLines(want), gl = splitLines(got);
        std::size_t i = 0;
        while (i < wl.size() && i < gl.size() && wl[i] == gl[i])
            ++i;
        out.push_back(
            {where, strprintf("view %s differs at line %zu", view.c_str(), i + 1), want, got});
    }
    for (const auto& [q, e] : spec.values) {
        const json got = evalNamedValue(sim, q);
        if (matches(got, e)) continue;
        out.push_back({where, q.describe(), e.describe(), numberText(got)});
    }
    return out;
}

} // namespace mmsim
