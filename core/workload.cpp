// The workload generator (see workload.h).
#include "core/workload.h"

#include "core/scenario.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <set>

namespace mmsim {

const std::vector<WorkloadOpKind>& workloadOpKinds() {
    static const std::vector<WorkloadOpKind> k = {
        {"alloc_pages", true, true},      {"free_pages", true, false},
        {"kmalloc", true, true},          {"kfree", true, false},
        {"kmem_cache_alloc", true, true}, {"kmem_cache_free", true, false},
    };
    return k;
}

const char* WorkOp::name() const {
    return workloadOpKinds()[kind].name.data();
}

std::uint64_t WorkloadRng::below(std::uint64_t n) {
    // Accept draws below the largest multiple of n: every residue equally likely.
    const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
    for (;;) {
        const std::uint64_t x = g_();
        if (x < limit) return x % n;
    }
}

namespace {

std::uint64_t weight(const json& v, const std::string& ptr) {
    if (!v.is_number_integer() || (!v.is_number_unsigned() && v.get<std::int64_t>() < 0))
        throw SpecError{ptr, "a weight must be an integer >= 0, got " + v.dump()};
    const std::uint64_t w = v.get<std::uint64_t>();
    if (w > (std::uint64_t{1} << 32)) throw SpecError{ptr, "a weight must be at most 2^32"};
    return w;
}

std::uint64_t splitmix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

} // namespace

WorkloadSpec parseWorkload(const json& step, const std::string& ptr) {
    WorkloadSpec s;
    s.count = step.at("count").get<std::uint64_t>();
    // mix: {"alloc_pages": 3, "free_pages": 2}
    const json& mix = step.at("mix");
    const std::string mp = ptr + "/mix";
    if (!mix.is_object() || mix.empty())
        throw SpecError{mp, "mix must be an object of weights, e.g. {\"alloc_pages\": 3, "
                            "\"free_pages\": 2}"};
    for (const auto& [key, v] : mix.items()) {
        const std::string k = key; // (clang 14 cannot capture a structured binding)
        const auto& kinds = workloadOpKinds();
        auto it = std::find_if(kinds.begin(), kinds.end(),
                               [&](const WorkloadOpKind& x) { return x.name == k; });
        if (it == kinds.end())
            throw SpecError{mp + "/" + k, "unknown operation \"" + k +
                                              "\" in a workload mix (alloc_pages, free_pages, "
                                              "kmalloc, kfree, kmem_cache_alloc, "
                                              "kmem_cache_free)"};
        if (!it->available)
            throw SpecError{mp + "/" + k, "workload operation \"" + k +
                                              "\" needs the slab allocator, which this build "
                                              "does not model yet"};
        const std::uint64_t w = weight(v, mp + "/" + k);
        s.mix[static_cast<std::size_t>(it - kinds.begin())] = w;
        (it->allocates ? s.alloc_weight : s.free_weight) += w;
    }
    if (s.alloc_weight == 0)
        throw SpecError{mp, s.free_weight ? "the mix never allocates: give an allocating "
                                            "operation a weight above 0"
                                          : "the mix's weights are all zero"};
    // orders: {"0": 8, "3": 1}
    if (step.contains("orders")) {
        const json& o = step["orders"];
        const std::string op = ptr + "/orders";
        if (!o.is_object() || o.empty())
            throw SpecError{op, "orders must be an object of weights by order, e.g. {\"0\": 8, "
                                "\"3\": 1}"};
        std::uint64_t sum = 0;
        for (const auto& [k, v] : o.items()) {
            int order = -1;
            if (k.size() <= 2 && !k.empty() && std::all_of(k.begin(), k.end(), ::isdigit))
                order = std::stoi(k);
            if (order < 0 || order >= NR_PAGE_ORDERS)
                throw SpecError{op + "/" + k, "orders are keyed by an order \"0\"..\"10\""};
            s.order_weight[static_cast<std::size_t>(order)] = weight(v, op + "/" + k);
            sum += s.order_weight[static_cast<std::size_t>(order)];
        }
        if (!sum) throw SpecError{op, "the order weights are all zero"};
    } else {
        s.order_weight[0] = 1;
    }
    // gfp: {"GFP_KERNEL": 1, "GFP_HIGHUSER_MOVABLE": 3}
    if (step.contains("gfp")) {
        const json& g = step["gfp"];
        const std::string gp = ptr + "/gfp";
        if (!g.is_object() || g.empty())
            throw SpecError{gp, "gfp must be an object of weights by GFP flags, e.g. "
                                "{\"GFP_KERNEL\": 1, \"GFP_HIGHUSER_MOVABLE\": 3}"};
        std::uint64_t sum = 0;
        for (const auto& [k, v] : g.items()) {
            s.gfp.emplace_back(k, weight(v, gp + "/" + k));
            sum += s.gfp.back().second;
        }
        if (!sum) throw SpecError{gp, "the gfp weights are all zero"};
    } else {
        s.gfp.emplace_back("GFP_KERNEL", 1);
    }
    // sizes: {"64": 3, "200": 1, "4096": 1} (kmalloc's request sizes)
    if (step.contains("sizes")) {
        const json& z = step["sizes"];
        const std::string zp = ptr + "/sizes";
        if (!z.is_object() || z.empty())
            throw SpecError{zp, "sizes must be an object of weights by size in bytes, e.g. "
                                "{\"64\": 3, \"4096\": 1}"};
        std::uint64_t sum = 0;
        for (const auto& [k, v] : z.items()) {
            const std::string kp = zp + "/" + jsonPointerEscape(k);
            const auto bytes = parseSize(json(k));
            if (!bytes || *bytes == 0 || *bytes > (std::uint64_t{4} << 20))
                throw SpecError{kp, "a kmalloc size is 1 byte .. 4 MiB (KMALLOC_MAX_SIZE), got \"" +
                                        k + "\""};
            s.sizes.emplace_back(static_cast<std::uint32_t>(*bytes), weight(v, kp));
            sum += s.sizes.back().second;
        }
        if (!sum) throw SpecError{zp, "the size weights are all zero"};
    } else if (s.mix[WorkOp::Kmalloc]) {
        throw SpecError{ptr, "a mix with kmalloc needs \"sizes\": weights by request size, e.g. "
                             "{\"64\": 3, \"4096\": 1}"};
    }
    // caches: {"dentry": 2, "kmalloc-64": 1} (kmem_cache_alloc's caches)
    if (step.contains("caches")) {
        const json& c = step["caches"];
        const std::string cp = ptr + "/caches";
        if (!c.is_object() || c.empty())
            throw SpecError{cp, "caches must be an object of weights by cache name, e.g. "
                                "{\"my_cache\": 2, \"kmalloc-64\": 1}"};
        std::uint64_t sum = 0;
        for (const auto& [k, v] : c.items()) {
            s.caches.emplace_back(k, weight(v, cp + "/" + jsonPointerEscape(k)));
            sum += s.caches.back().second;
        }
        if (!sum) throw SpecError{cp, "the cache weights are all zero"};
    } else if (s.mix[WorkOp::CacheAlloc]) {
        throw SpecError{ptr, "a mix with kmem_cache_alloc needs \"caches\": weights by cache "
                             "name, e.g. {\"my_cache\": 1}"};
    }
    if (step.contains("cpus")) {
        const json& c = step["cpus"];
        if (!c.is_array() || c.empty())
            throw SpecError{ptr + "/cpus", "cpus must be a non-empty array of CPU numbers"};
        for (std::size_t i = 0; i < c.size(); ++i) {
            if (!c[i].is_number_integer() || c[i].get<long long>() < 0 ||
                c[i].get<long long>() > 1023)
                throw SpecError{ptr + "/cpus/" + std::to_string(i), "a CPU must be 0..1023"};
            s.cpus.push_back(c[i].get<int>());
        }
    } else {
        s.cpus.push_back(0);
    }
    if (step.contains("free_policy")) {
        const std::string p = step["free_policy"].get<std::string>();
        s.policy = p == "fifo"     ? FreePolicy::Fifo
                   : p == "random" ? FreePolicy::Random
                                   : FreePolicy::Lifo;
    }
    if (step.contains("lifetime")) {
        const json& l = step["lifetime"];
        const std::string lp = ptr + "/lifetime";
        if (!l.is_object() || !l.contains("min") || !l.contains("max") || l.size() != 2 ||
            !l["min"].is_number_unsigned() || !l["max"].is_number_unsigned() ||
            l["min"].get<std::uint64_t>() < 1 ||
            l["max"].get<std::uint64_t>() < l["min"].get<std::uint64_t>())
            throw SpecError{lp, "lifetime must be {\"min\": A, \"max\": B} with 1 <= A <= B "
                                "(operations an object lives)"};
        s.lifetime_min = l["min"].get<std::uint64_t>();
        s.lifetime_max = l["max"].get<std::uint64_t>();
    }
    if (step.contains("max_live")) s.max_live = step["max_live"].get<std::uint64_t>();
    if (step.contains("free_at_end")) s.free_at_end = step["free_at_end"].get<bool>();
    if (step.contains("seed")) {
        s.has_seed = true;
        s.seed = step["seed"].get<std::uint64_t>();
    }
    return s;
}

std::uint64_t workloadSeed(std::uint64_t scenario_seed, const WorkloadSpec& spec,
                           const std::string& pointer, std::uint64_t instance) {
    std::uint64_t h = 1469598103934665603ull; // FNV-1a of the pointer
    for (unsigned char c : pointer)
        h = (h ^ c) * 1099511628211ull;
    return splitmix(splitmix(spec.has_seed ? spec.seed : scenario_seed) ^ h) + instance;
}

std::uint32_t generateWorkload(const WorkloadSpec& spec, std::uint64_t seed,
                               std::uint32_t slot_base, std::vector<std::string>& gfp_table,
                               std::vector<WorkOp>& out) {
    std::vector<std::string> caches;
    return generateWorkload(spec, seed, slot_base, gfp_table, caches, out);
}

namespace {

std::vector<std::uint16_t> enter(std::vector<std::string>& table,
                                 const std::vector<std::pair<std::string, std::uint64_t>>& w,
                                 std::vector<std::uint64_t>& weights) {
    std::vector<std::uint16_t> index;
    for (const auto& [name, x] : w) {
        auto it = std::find(table.begin(), table.end(), name);
        if (it == table.end()) it = table.insert(table.end(), name);
        index.push_back(static_cast<std::uint16_t>(it - table.begin()));
        weights.push_back(x);
    }
    return index;
}

} // namespace

std::uint32_t generateWorkload(const WorkloadSpec& spec, std::uint64_t seed,
                               std::uint32_t slot_base, std::vector<std::string>& gfp_table,
                               std::vector<std::string>& cache_table, std::vector<WorkOp>& out) {
    WorkloadRng rng(seed);
    std::vector<std::uint64_t> gfp_w, cache_w, size_w;
    const std::vector<std::uint16_t> gfp_index = enter(gfp_table, spec.gfp, gfp_w);
    const std::vector<std::uint16_t> cache_index = enter(cache_table, spec.caches, cache_w);
    for (const auto& [bytes, w] : spec.sizes)
        size_w.push_back(w);
    // Live objects of each family ordered by allocation (sequence number),
    // for lifo/fifo, and in a pool for a uniform random pick; lifetimes in a
    // min-heap (lazy deletion).
    struct Family {
        std::set<std::pair<std::uint64_t, std::uint32_t>> live; // (seq, local slot)
        std::vector<std::uint32_t> pool;                        // live slots, for a random pick
    };
    std::array<Family, NR_WORK_FAMILIES> fam;
    std::vector<std::uint64_t> seq_of; // by local slot
    std::vector<std::uint32_t> pos;    // by local slot: index in its family's pool
    std::vector<std::uint8_t> fam_of;  // by local slot
    std::vector<std::uint32_t> free_slots;
    using Due = std::pair<std::uint64_t, std::pair<std::uint64_t, std::uint32_t>>;
    std::priority_queue<Due, std::vector<Due>, std::greater<Due>> due;
    std::uint32_t nslots = 0;
    std::uint64_t seq = 0, nlive = 0;
    // The allocating kinds that may be drawn (a draw only when there are several).
    std::vector<std::uint64_t> alloc_w;
    int nalloc_kinds = 0, only_alloc = 0;
    for (int f = 0; f < NR_WORK_FAMILIES; ++f) {
        alloc_w.push_back(spec.mix[static_cast<std::size_t>(2 * f)]);
        if (alloc_w.back()) {
            ++nalloc_kinds;
            only_alloc = f;
        }
    }
    // A spec made in code with only the totals set: pages alone.
    const bool totals_only =
        std::all_of(spec.mix.begin(), spec.mix.end(), [](std::uint64_t w) { return w == 0; });
    if (totals_only) {
        alloc_w[0] = 1;
        nalloc_kinds = 1;
        only_alloc = 0;
    }
    auto freeWeight = [&](int f) {
        return totals_only ? (f == 0 ? spec.free_weight : 0)
                           : spec.mix[static_cast<std::size_t>(2 * f + 1)];
    };

    auto emitFree = [&](std::uint32_t slot) {
        Family& F = fam[fam_of[slot]];
        F.live.erase({seq_of[slot], slot});
        const std::uint32_t last = F.pool.back();
        F.pool[pos[slot]] = last;
        pos[last] = pos[slot];
        F.pool.pop_back();
        --nlive;
        free_slots.push_back(slot);
        WorkOp op;
        op.kind = static_cast<WorkOp::Kind>(2 * fam_of[slot] + 1);
        op.cpu = static_cast<std::uint16_t>(spec.cpus[rng.below(spec.cpus.size())]);
        op.slot = slot_base + slot;
        out.push_back(op);
    };
    auto pickVictim = [&](const Family& F) -> std::uint32_t {
        switch (spec.policy) {
        case FreePolicy::Lifo:
            return std::prev(F.live.end())->second;
        case FreePolicy::Fifo:
            return F.live.begin()->second;
        case FreePolicy::Random:
            break;
        }
        return F.pool[rng.below(F.pool.size())];
    };
    // The policy over every live object, whatever its family.
    auto pickAny = [&]() -> std::uint32_t {
        if (spec.policy == FreePolicy::Random) {
            std::uint64_t r = rng.below(nlive);
            for (const Family& F : fam) {
                if (r < F.pool.size()) return F.pool[r];
                r -= F.pool.size();
            }
        }
        const Family* best = nullptr;
        for (const Family& F : fam) {
            if (F.live.empty()) continue;
            if (!best)
                best = &F;
            else if (spec.policy == FreePolicy::Lifo &&
                     std::prev(F.live.end())->first > std::prev(best->live.end())->first)
                best = &F;
            else if (spec.policy == FreePolicy::Fifo &&
                     F.live.begin()->first < best->live.begin()->first)
                best = &F;
        }
        return pickVictim(*best);
    };

    std::vector<std::uint64_t> free_w(NR_WORK_FAMILIES);
    for (std::uint64_t i = 0; i < spec.count; ++i) {
        // An object whose lifetime ran out is freed first.
        while (!due.empty() && !fam[fam_of[due.top().second.second]].live.count(due.top().second))
            due.pop();
        if (!due.empty() && due.top().first <= i) {
            const std::uint32_t slot = due.top().second.second;
            due.pop();
            emitFree(slot);
            continue;
        }
        // The free kinds that have something to free.
        std::uint64_t eligible = 0;
        int nfree_kinds = 0, only_free = 0;
        for (int f = 0; f < NR_WORK_FAMILIES; ++f) {
            free_w[static_cast<std::size_t>(f)] =
                fam[static_cast<std::size_t>(f)].live.empty() ? 0 : freeWeight(f);
            if (free_w[static_cast<std::size_t>(f)]) {
                eligible += free_w[static_cast<std::size_t>(f)];
                ++nfree_kinds;
                only_free = f;
            }
        }
        bool alloc = nlive == 0 ||
                     rng.weighted(std::array<std::uint64_t, 2>{spec.alloc_weight, eligible}) == 0;
        if (spec.max_live && nlive >= spec.max_live) alloc = false;
        if (!alloc) {
            if (!nfree_kinds) {
                emitFree(pickAny());
            } else {
                const int g = nfree_kinds == 1 ? only_free : static_cast<int>(rng.weighted(free_w));
                emitFree(pickVictim(fam[static_cast<std::size_t>(g)]));
            }
            continue;
        }
        const int f = nalloc_kinds == 1 ? only_alloc : static_cast<int>(rng.weighted(alloc_w));
        WorkOp op;
        op.kind = static_cast<WorkOp::Kind>(2 * f);
        if (op.kind == WorkOp::AllocPages)
            op.order = static_cast<std::int8_t>(rng.weighted(spec.order_weight));
        else if (op.kind == WorkOp::Kmalloc)
            op.arg = spec.sizes[rng.weighted(size_w)].first;
        else
            op.arg = cache_index[rng.weighted(cache_w)];
        op.gfp = gfp_index[rng.weighted(gfp_w)];
        op.cpu = static_cast<std::uint16_t>(spec.cpus[rng.below(spec.cpus.size())]);
        std::uint32_t slot;
        if (!free_slots.empty()) {
            slot = free_slots.back();
            free_slots.pop_back();
        } else {
            slot = nslots++;
            seq_of.push_back(0);
            pos.push_back(0);
            fam_of.push_back(0);
        }
        Family& F = fam[static_cast<std::size_t>(f)];
        fam_of[slot] = static_cast<std::uint8_t>(f);
        pos[slot] = static_cast<std::uint32_t>(F.pool.size());
        F.pool.push_back(slot);
        seq_of[slot] = seq++;
        F.live.insert({seq_of[slot], slot});
        ++nlive;
        if (spec.lifetime_max) {
            const std::uint64_t span = spec.lifetime_max - spec.lifetime_min + 1;
            due.push({i + spec.lifetime_min + rng.below(span), {seq_of[slot], slot}});
        }
        op.slot = slot_base + slot;
        out.push_back(op);
    }
    if (spec.free_at_end)
        while (nlive)
            emitFree(pickAny());
    return nslots;
}

} // namespace mmsim
