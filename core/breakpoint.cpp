// Breakpoints (see breakpoint.h).
#include "core/breakpoint.h"

#include "core/cost.h"
#include "core/simulation.h"
#include "core/slab.h"
#include "core/strfmt.h"

#include <cctype>
#include <stdexcept>

namespace mmsim {

const std::vector<BreakEventKind>& breakEventKinds() {
    static const std::vector<BreakEventKind> k = {
        {"pageblock_steal", "a fallback takes over (or steals from) a pageblock"},
        {"alloc_fail", "an allocation fails"},
        {"pcp_drain", "pages go back from a per-CPU list to the buddy lists"},
        {"below_low", "a zone's free pages fall below its low watermark"},
        {"below_min", "a zone's free pages fall below its min watermark"},
        {"slab_discard", "an empty slab's pages go back to the buddy allocator"},
    };
    return k;
}

namespace {

int eventKindByName(const std::string& n) {
    // Buddy kinds and the slab kinds above them (slab.h); unnamed ones read "?".
    for (int k = 0; k < slabev::END; ++k) {
        const char* name = eventKindName(static_cast<BuddyEvent::Kind>(k));
        if (name && n == name && n != "?") return k;
    }
    return -1;
}

// The micro-event of the last step that matches the kind, or -1.
long eventHit(const std::string& kind, const EventSink& ev) {
    for (std::size_t i = 0; i < ev.size(); ++i) {
        const BuddyEvent& e = ev[i];
        bool hit = false;
        if (kind == "pageblock_steal")
            hit = e.kind == BuddyEvent::pageblock_steal ||
                  (e.kind == BuddyEvent::mm_page_alloc_extfrag && e.change_ownership);
        else if (kind == "alloc_fail")
            hit = e.kind == BuddyEvent::alloc_fail;
        else if (kind == "slab_discard")
            hit = e.kind == static_cast<BuddyEvent::Kind>(slabev::discard_slab);
        else if (kind == "pcp_drain")
            hit = e.kind == BuddyEvent::mm_page_pcpu_drain || e.kind == BuddyEvent::drain_all_pages;
        else
            hit = eventKindByName(kind) == e.kind;
        if (hit) return static_cast<long>(i);
    }
    return -1;
}

bool compare(long long a, const std::string& op, long long b) {
    if (op == "<") return a < b;
    if (op == "<=") return a <= b;
    if (op == ">") return a > b;
    if (op == ">=") return a >= b;
    if (op == "==") return a == b;
    return a != b;
}

} // namespace

Breakpoint parseBreakpoint(const std::string& spec) {
    Breakpoint b;
    b.spec = spec;
    const auto colon = spec.find(':');
    if (colon == std::string::npos)
        throw std::invalid_argument("a breakpoint is event:KIND, label:NAME, step:N, "
                                    "zone:ZONE:NAME<V, cache:NAME:VALUE<V or value:NAME<V");
    const std::string what = spec.substr(0, colon), rest = spec.substr(colon + 1);
    if (what == "event") {
        b.kind = Breakpoint::Event;
        b.name = rest;
        for (const BreakEventKind& k : breakEventKinds())
            if (k.name == rest) {
                if (!k.available)
                    throw std::invalid_argument("event " + rest +
                                                " needs the slab allocator, "
                                                "which this build does not model yet");
                return b;
            }
        if (eventKindByName(rest) < 0) {
            std::string known;
            for (const BreakEventKind& k : breakEventKinds())
                known += std::string(k.name) + ", ";
            throw std::invalid_argument("unknown event \"" + rest + "\" (" + known +
                                        "or a micro-event name such as buddy_merge)");
        }
        return b;
    }
    if (what == "label") {
        if (rest.empty()) throw std::invalid_argument("label: needs a name");
        b.kind = Breakpoint::Label;
        b.name = rest;
        return b;
    }
    if (what == "step") {
        b.kind = Breakpoint::Step;
        std::size_t used = 0;
        try {
            b.step = std::stoull(rest, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (!used || used != rest.size()) throw std::invalid_argument("step: needs a number");
        return b;
    }
    b.kind = Breakpoint::Condition;
    std::string expr = rest;
    if (what == "zone" || what == "cache") {
        const auto c2 = rest.find(':');
        if (c2 == std::string::npos)
            throw std::invalid_argument(what + ":" + (what == "zone" ? "ZONE" : "CACHE") +
                                        ":NAME OP VALUE");
        const std::string sel = rest.substr(0, c2);
        expr = rest.substr(c2 + 1);
        if (what == "cache") {
            b.query.cache = sel;
        } else if (sel == "*") {
            b.any_zone = true;
            b.query.zone = 0;
        } else {
            const auto slash = sel.find('/');
            const std::string zn = slash == std::string::npos ? sel : sel.substr(slash + 1);
            if (slash != std::string::npos) {
                try {
                    b.query.nid = std::stoi(sel.substr(0, slash));
                } catch (const std::exception&) {
                    throw std::invalid_argument("zone " + sel + ": NODE/ZONE, e.g. 0/Normal");
                }
            }
            b.query.zone = zoneIndexByName(zn);
            if (b.query.zone < 0)
                throw std::invalid_argument("unknown zone \"" + zn +
                                            "\" (DMA, DMA32, Normal, "
                                            "Movable)");
        }
    } else if (what != "value") {
        throw std::invalid_argument("unknown breakpoint kind \"" + what +
                                    "\" (event, label, step, zone, cache, value)");
    }
    // NAME[ORDER] OP VALUE (spaces around the parts allowed: "free_pages < low")
    std::erase_if(expr, [](unsigned char ch) { return std::isspace(ch) != 0; });
    const auto opPos = expr.find_first_of("<>=!");
    if (opPos == std::string::npos || opPos == 0)
        throw std::invalid_argument("a condition is NAME OP VALUE, e.g. free_pages<low");
    std::string name = expr.substr(0, opPos);
    std::size_t opLen = (opPos + 1 < expr.size() && expr[opPos + 1] == '=') ? 2 : 1;
    b.op = expr.substr(opPos, opLen);
    if (b.op == "=" || b.op == "!")
        throw std::invalid_argument("comparison " + b.op + ": use ==, !=, <, <=, > or >=");
    const std::string v = expr.substr(opPos + opLen);
    if (auto lb = name.find('['); lb != std::string::npos && name.back() == ']') {
        try {
            b.query.order = std::stoi(name.substr(lb + 1));
        } catch (const std::exception&) {
            throw std::invalid_argument("NAME[ORDER]: the order must be a number");
        }
        name = name.substr(0, lb);
    }
    b.query.name = name;
    const NamedValue* nv = findNamedValue(name);
    if (!nv) throw std::invalid_argument("unknown number \"" + name + "\"");
    if (nv->zone != (what == "zone"))
        throw std::invalid_argument(
            name + (nv->zone ? " is a zone number: zone:ZONE:" + name : " is not a zone number"));
    if (nv->cache != (what == "cache"))
        throw std::invalid_argument(name + (nv->cache ? " is a cache number: cache:NAME:" + name
                                                      : " is not a cache number"));
    if (nv->order && (b.query.order < 0 || b.query.order >= NR_PAGE_ORDERS))
        throw std::invalid_argument(name + " needs an order 0..10: " + name + "[3]");
    if (nv->migratetype) throw std::invalid_argument(name + " needs a migratetype: use expect");
    if (v == "min" || v == "low" || v == "high") {
        if (what != "zone") throw std::invalid_argument("min/low/high are a zone's watermarks");
        b.wmark = v == "min" ? WMARK_MIN : v == "low" ? WMARK_LOW : WMARK_HIGH;
    } else {
        std::size_t used = 0;
        try {
            b.value = std::stoll(v, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (!used || used != v.size())
            throw std::invalid_argument("the value \"" + v +
                                        "\" is not an integer or min/low/high");
    }
    return b;
}

std::vector<char> BreakpointSet::truth(const Breakpoint& b, const Simulation& sim) const {
    std::vector<char> t;
    const MmModel& mm = sim.state().mm;
    if (b.kind == Breakpoint::Event && (b.name == "below_low" || b.name == "below_min")) {
        if (!mm.buddy_ready) return t;
        for (const Node& n : mm.nodes)
            for (const Zone& z : n.zones) {
                const std::uint64_t mark = b.name == "below_low" ? z.lowWmark() : z.minWmark();
                t.push_back(z.managed() && z.free_area.freePages() < mark);
            }
        return t;
    }
    if (b.kind != Breakpoint::Condition) return t;
    const NamedValue* nv = findNamedValue(b.query.name);
    if (nv->zone && !mm.zones_initialised) return t;
    auto one = [&](const ValueQuery& q) -> char {
        json v;
        try {
            v = evalNamedValue(sim, q);
        } catch (const OpError&) {
            return 0;
        }
        if (!v.is_number_integer()) return 0;
        long long rhs = b.value;
        if (b.wmark >= 0) {
            const Zone& z =
                mm.nodes[static_cast<std::size_t>(q.nid)].zones[static_cast<std::size_t>(q.zone)];
            rhs = static_cast<long long>(b.wmark == WMARK_MIN   ? z.minWmark()
                                         : b.wmark == WMARK_LOW ? z.lowWmark()
                                                                : z.highWmark());
        }
        return compare(v.get<long long>(), b.op, rhs);
    };
    if (!nv->zone) return {one(b.query)};
    for (const Node& n : mm.nodes)
        for (const Zone& z : n.zones) {
            ValueQuery q = b.query;
            q.nid = z.nid;
            q.zone = z.idx;
            const bool selected =
                b.any_zone ? z.managed() : (z.nid == b.query.nid && z.idx == b.query.zone);
            t.push_back(selected ? one(q) : 0);
        }
    return t;
}

std::string breakpointProblem(const Breakpoint& b, const Simulation& sim, std::size_t length) {
    switch (b.kind) {
    case Breakpoint::Step:
        if (b.step > length)
            return strprintf("the scenario has %zu steps, so step %zu never comes", length, b.step);
        return {};
    case Breakpoint::Label:
        for (std::size_t i = 0; i < length; ++i)
            if (const std::string* l = sim.labelOf(i); l && *l == b.name) return {};
        return "no step is labelled " + b.name;
    case Breakpoint::Event:
        return {};
    case Breakpoint::Condition:
        break;
    }
    const MmModel& mm = sim.state().mm;
    if (b.any_zone || !findNamedValue(b.query.name)->zone || !mm.zones_initialised) return {};
    const auto nid = static_cast<std::size_t>(b.query.nid);
    if (nid < mm.nodes.size() && mm.nodes[nid].zones[static_cast<std::size_t>(b.query.zone)].populated())
        return {};
    std::string have;
    for (const Node& n : mm.nodes)
        for (const Zone& z : n.zones)
            if (z.populated())
                have += strprintf("%s%d/%s", have.empty() ? "" : ", ", z.nid, z.name());
    return strprintf("this machine has no populated zone %s on node %d (it has %s)",
                     zoneName(b.query.zone), b.query.nid, have.c_str());
}

void BreakpointSet::prime(const Simulation& sim) {
    prev_.assign(bps_.size(), {});
    for (std::size_t i = 0; i < bps_.size(); ++i)
        prev_[i] = truth(bps_[i], sim);
}

std::optional<BreakHit> BreakpointSet::check(const Simulation& sim) {
    if (prev_.size() != bps_.size()) prime(sim);
    std::optional<BreakHit> hit;
    const std::size_t pos = sim.executed();
    for (std::size_t i = 0; i < bps_.size(); ++i) {
        const Breakpoint& b = bps_[i];
        std::optional<BreakHit> h;
        switch (b.kind) {
        case Breakpoint::Step:
            if (pos == b.step) h = BreakHit{i, b.spec};
            break;
        case Breakpoint::Label:
            if (pos > 0) {
                const std::string* l = sim.labelOf(pos - 1);
                if (l && *l == b.name) h = BreakHit{i, b.spec};
            }
            break;
        case Breakpoint::Event:
            if (b.name != "below_low" && b.name != "below_min") {
                const long e = eventHit(b.name, sim.lastEvents());
                if (e >= 0)
                    h = BreakHit{i,
                                 b.spec + strprintf(" at event %ld (", e) +
                                     formatBuddyEvent(sim.lastEvents()[static_cast<std::size_t>(e)],
                                                      sim.state().mm.profile) +
                                     ")",
                                 static_cast<std::size_t>(e)};
                break;
            }
            [[fallthrough]];
        case Breakpoint::Condition: {
            std::vector<char> now = truth(b, sim);
            for (std::size_t z = 0; z < now.size() && !h; ++z) {
                const bool before = z < prev_[i].size() && prev_[i][z];
                if (now[z] && !before) {
                    std::string where;
                    const MmModel& mm = sim.state().mm;
                    if (!mm.nodes.empty() &&
                        (b.kind == Breakpoint::Event || findNamedValue(b.query.name)->zone))
                        where = strprintf(" (Node %zu %s)", z / MAX_NR_ZONES,
                                          zoneName(int(z % MAX_NR_ZONES)));
                    h = BreakHit{i, b.spec + where};
                }
            }
            prev_[i] = std::move(now);
            break;
        }
        }
        if (h && !hit) hit = h;
    }
    return hit;
}

} // namespace mmsim
