// Workload slab operations: kmalloc / kfree / kmem_cache_alloc /
// kmem_cache_free in a workload's mix. The generator (families, free
// policies, lifetimes, the old page-only draws unchanged), the run (slab
// invariants after every step, the objects the caches count are the live
// workload objects), load errors and run-time refusals, determinism, and
// the timeline's round trips with slab workloads.
#include "core/report.h"
#include "core/scenario.h"
#include "core/simulation.h"
#include "core/slab.h"
#include "core/timeline.h"
#include "timeline_fixture.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>
#include <queue>
#include <random>
#include <set>
#include <sstream>

namespace mmsim {
namespace {

using testing::everything;

std::string readFile(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

const std::string kFixture = std::string(MMSIM_FIXTURES) + "/workload/slab_churn.json";

std::shared_ptr<const Program> fixtureProgram() {
    return compileScenario(loadScenario(readFile(kFixture), kFixture));
}

WorkloadSpec spec(const std::string& step_json) {
    return parseWorkload(json::parse(step_json), "/steps/0");
}

// ---- the generator ----

// Every free takes a live object of its own family; with lifo that is the
// newest live object of the family, with fifo the oldest (checked by
// replaying the ops); sizes and caches come from their tables only.
TEST(WorkloadSlabGen, FreesStayInTheirFamilyAndFollowThePolicy) {
    for (const char* policy : {"lifo", "fifo", "random"}) {
        SCOPED_TRACE(policy);
        const WorkloadSpec s = spec(std::string(R"({"op": "workload", "count": 20000,
            "mix": {"alloc_pages": 1, "free_pages": 1, "kmalloc": 3, "kfree": 2,
                    "kmem_cache_alloc": 2, "kmem_cache_free": 2},
            "sizes": {"64": 3, "200": 1, "4096": 1}, "caches": {"a": 1, "b": 3},
            "cpus": [0, 1, 2], "free_policy": ")") +
                                    policy + R"("})");
        std::vector<std::string> gfp, caches;
        std::vector<WorkOp> ops;
        generateWorkload(s, 77, 0, gfp, caches, ops);
        ASSERT_EQ(ops.size(), 20000u);
        ASSERT_EQ(caches, (std::vector<std::string>{"a", "b"}));
        std::map<std::uint32_t, int> fam;                // live slot -> family
        std::map<int, std::vector<std::uint32_t>> order; // family -> live slots by age
        std::array<int, 6> kinds{};
        std::map<std::uint32_t, int> sizes;
        std::array<int, 2> cache_use{};
        for (const WorkOp& op : ops) {
            ++kinds[op.kind];
            EXPECT_LE(op.cpu, 2);
            const int f = op.kind / 2;
            if (op.allocates()) {
                ASSERT_FALSE(fam.count(op.slot)) << "allocating into a live slot";
                fam[op.slot] = f;
                order[f].push_back(op.slot);
                if (op.kind == WorkOp::Kmalloc) ++sizes[op.arg];
                if (op.kind == WorkOp::CacheAlloc) ++cache_use.at(op.arg);
            } else {
                ASSERT_TRUE(fam.count(op.slot)) << "freeing a slot that is not live";
                ASSERT_EQ(fam[op.slot], f) << "a free of another family";
                auto& v = order[f];
                if (std::string(policy) == "lifo") {
                    EXPECT_EQ(op.slot, v.back());
                }
                if (std::string(policy) == "fifo") {
                    EXPECT_EQ(op.slot, v.front());
                }
                v.erase(std::find(v.begin(), v.end(), op.slot));
                fam.erase(op.slot);
            }
        }
        for (int k = 0; k < 6; ++k)
            EXPECT_GT(kinds[k], 500) << workloadOpKinds()[k].name;
        // Allocations by weight 1 : 3 : 2 (pages, kmalloc, cache) - loosely.
        EXPECT_GT(kinds[WorkOp::Kmalloc], kinds[WorkOp::CacheAlloc]);
        EXPECT_GT(kinds[WorkOp::CacheAlloc], kinds[WorkOp::AllocPages]);
        ASSERT_EQ(sizes.size(), 3u);
        EXPECT_GT(sizes[64], sizes[200] * 2);
        EXPECT_GT(sizes[4096], 0);
        EXPECT_GT(cache_use[1], cache_use[0] * 2);
    }
}

// Lifetimes: a due object is freed with its own family's free; free_at_end
// frees everything, each with its family's free.
TEST(WorkloadSlabGen, LifetimesAndFreeAtEndUseTheFamilyFree) {
    const WorkloadSpec s = spec(R"({"op": "workload", "count": 3000,
        "mix": {"kmalloc": 1, "kmem_cache_alloc": 1, "alloc_pages": 1},
        "sizes": {"32": 1}, "caches": {"c": 1},
        "lifetime": {"min": 2, "max": 50}, "free_at_end": true})");
    std::vector<std::string> gfp, caches;
    std::vector<WorkOp> ops;
    generateWorkload(s, 5, 100, gfp, caches, ops);
    std::map<std::uint32_t, std::pair<int, std::size_t>> live; // slot -> family, index
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const WorkOp& op = ops[i];
        ASSERT_GE(op.slot, 100u);
        if (op.allocates()) {
            live[op.slot] = {op.kind / 2, i};
        } else {
            ASSERT_TRUE(live.count(op.slot));
            EXPECT_EQ(live[op.slot].first, op.kind / 2);
            if (i < 3000) {
                const std::size_t age = i - live[op.slot].second;
                EXPECT_GE(age, 2u);
                EXPECT_LE(age, 50u + 3000u); // due frees may queue behind each other
            }
            live.erase(op.slot);
        }
    }
    EXPECT_TRUE(live.empty());
    EXPECT_GT(ops.size(), 3000u);
}

// max_live forces a free; when no weighted free kind has a live object
// (here nothing frees cache objects by weight), the policy picks among all.
TEST(WorkloadSlabGen, MaxLiveForcesAFreeOfAnyFamily) {
    const WorkloadSpec s = spec(R"({"op": "workload", "count": 2000,
        "mix": {"kmem_cache_alloc": 1}, "caches": {"c": 1}, "max_live": 10,
        "free_policy": "fifo"})");
    std::vector<std::string> gfp, caches;
    std::vector<WorkOp> ops;
    generateWorkload(s, 9, 0, gfp, caches, ops);
    std::deque<std::uint32_t> live;
    for (const WorkOp& op : ops) {
        if (op.allocates()) {
            EXPECT_EQ(op.kind, WorkOp::CacheAlloc);
            live.push_back(op.slot);
            EXPECT_LE(live.size(), 10u);
        } else {
            EXPECT_EQ(op.kind, WorkOp::CacheFree);
            ASSERT_EQ(op.slot, live.front()); // fifo
            live.pop_front();
        }
    }
}

// The page-only generator as it was before the slab kinds (kept here as the
// reference): a page-only mix must draw the same operations, so that old
// scenarios keep their traces.
std::vector<WorkOp> legacyPages(const WorkloadSpec& spec, std::uint64_t seed,
                                std::vector<std::string>& gfp_table) {
    WorkloadRng rng(seed);
    std::vector<std::uint16_t> gfp_index;
    std::vector<std::uint64_t> gfp_w;
    for (const auto& [g, w] : spec.gfp) {
        auto it = std::find(gfp_table.begin(), gfp_table.end(), g);
        if (it == gfp_table.end()) it = gfp_table.insert(gfp_table.end(), g);
        gfp_index.push_back(static_cast<std::uint16_t>(it - gfp_table.begin()));
        gfp_w.push_back(w);
    }
    std::vector<WorkOp> out;
    std::set<std::pair<std::uint64_t, std::uint32_t>> live;
    std::vector<std::uint64_t> seq_of;
    std::vector<std::uint32_t> pool, pos, free_slots;
    using Due = std::pair<std::uint64_t, std::pair<std::uint64_t, std::uint32_t>>;
    std::priority_queue<Due, std::vector<Due>, std::greater<Due>> due;
    std::uint32_t nslots = 0;
    std::uint64_t seq = 0;
    std::vector<std::uint64_t> kind_w = {spec.alloc_weight, spec.free_weight};
    auto emitFree = [&](std::uint32_t slot) {
        live.erase({seq_of[slot], slot});
        const std::uint32_t last = pool.back();
        pool[pos[slot]] = last;
        pos[last] = pos[slot];
        pool.pop_back();
        free_slots.push_back(slot);
        WorkOp op;
        op.kind = WorkOp::FreePages;
        op.cpu = static_cast<std::uint16_t>(spec.cpus[rng.below(spec.cpus.size())]);
        op.slot = slot;
        out.push_back(op);
    };
    auto pickVictim = [&]() -> std::uint32_t {
        if (spec.policy == FreePolicy::Lifo) return std::prev(live.end())->second;
        if (spec.policy == FreePolicy::Fifo) return live.begin()->second;
        return pool[rng.below(pool.size())];
    };
    for (std::uint64_t i = 0; i < spec.count; ++i) {
        while (!due.empty() && !live.count(due.top().second))
            due.pop();
        if (!due.empty() && due.top().first <= i) {
            const std::uint32_t slot = due.top().second.second;
            due.pop();
            emitFree(slot);
            continue;
        }
        bool alloc = live.empty() || rng.weighted(kind_w) == 0;
        if (spec.max_live && live.size() >= spec.max_live) alloc = false;
        if (!alloc) {
            emitFree(pickVictim());
            continue;
        }
        WorkOp op;
        op.kind = WorkOp::AllocPages;
        op.order = static_cast<std::int8_t>(rng.weighted(spec.order_weight));
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
        }
        pos[slot] = static_cast<std::uint32_t>(pool.size());
        pool.push_back(slot);
        seq_of[slot] = seq++;
        live.insert({seq_of[slot], slot});
        if (spec.lifetime_max) {
            const std::uint64_t span = spec.lifetime_max - spec.lifetime_min + 1;
            due.push({i + spec.lifetime_min + rng.below(span), {seq_of[slot], slot}});
        }
        op.slot = slot;
        out.push_back(op);
    }
    if (spec.free_at_end)
        while (!live.empty())
            emitFree(pickVictim());
    return out;
}

TEST(WorkloadSlabGen, PageOnlyMixesDrawWhatTheyDrewBefore) {
    const char* extras[] = {
        "",
        R"(, "lifetime": {"min": 3, "max": 40})",
        R"(, "max_live": 7, "free_at_end": true)",
        R"(, "lifetime": {"min": 1, "max": 5}, "max_live": 20, "free_at_end": true)",
    };
    for (const char* policy : {"lifo", "fifo", "random"})
        for (const char* mix : {R"({"alloc_pages": 3, "free_pages": 2})", R"({"alloc_pages": 1})",
                                R"({"alloc_pages": 1, "free_pages": 9})"})
            for (const char* extra : extras) {
                const std::string j = std::string(R"({"op": "workload", "count": 3000, "mix": )") +
                                      mix + R"(, "orders": {"0": 5, "2": 1, "9": 1},
                    "gfp": {"GFP_KERNEL": 1, "GFP_HIGHUSER_MOVABLE": 2}, "cpus": [0, 3],
                    "free_policy": ")" +
                                      policy + "\"" + extra + "}";
                SCOPED_TRACE(j);
                const WorkloadSpec s = spec(j);
                std::vector<std::string> g1, g2;
                std::vector<WorkOp> now;
                generateWorkload(s, 1234, 0, g1, now);
                const std::vector<WorkOp> before = legacyPages(s, 1234, g2);
                ASSERT_EQ(now.size(), before.size());
                EXPECT_EQ(g1, g2);
                for (std::size_t i = 0; i < now.size(); ++i) {
                    ASSERT_EQ(now[i].kind, before[i].kind) << i;
                    ASSERT_EQ(now[i].order, before[i].order) << i;
                    ASSERT_EQ(now[i].gfp, before[i].gfp) << i;
                    ASSERT_EQ(now[i].cpu, before[i].cpu) << i;
                    ASSERT_EQ(now[i].slot, before[i].slot) << i;
                }
            }
}

// ---- running it ----

// The fixture runs with the slab and buddy invariants after every step, and
// after every step the objects each cache says its users hold are exactly
// the live workload objects of that cache.
TEST(WorkloadSlabRun, InvariantsAndObjectAccounting) {
    auto p = fixtureProgram();
    Simulation sim(p);
    // What the test expects each cache to hold: workload slot -> cache
    // name, from the op itself (the named cache, or kmalloc's class for the
    // size and GFP flags).
    std::map<std::uint32_t, std::string> slot_cache;
    std::map<std::string, std::uint64_t> want;
    std::set<std::string> ever;
    int fallbacks_seen = 0, kinds_run[6] = {};
    while (!sim.done()) {
        const std::size_t i = sim.executed();
        sim.step();
        const Op& op = p->ops[i];
        const SlabState& s = sim.state().slab;
        ASSERT_EQ(checkSlabInvariants(s, sim.state().mm), "") << "after step " << i + 1;
        ASSERT_EQ(checkBuddyInvariants(sim.state().mm), "") << "after step " << i + 1;
        if (op.kind != Op::Work) continue;
        const WorkOp& w = p->work[op.work];
        ++kinds_run[w.kind];
        for (const BuddyEvent& e : sim.lastEvents())
            fallbacks_seen += static_cast<std::uint8_t>(e.kind) == slabev::order_fallback;
        std::string name;
        if (w.kind == WorkOp::CacheAlloc) name = p->cache_names[w.arg];
        if (w.kind == WorkOp::Kmalloc && w.arg <= 8192)
            name = s.caches[static_cast<std::size_t>(kmallocCache(s, w.arg, p->gfp_flags[w.gfp]))]
                       .name;
        if (!name.empty()) {
            // A slab op ends with its summary event.
            ASSERT_FALSE(sim.lastEvents().empty());
            EXPECT_EQ(static_cast<std::uint8_t>(sim.lastEvents().back().kind),
                      slabev::kmem_cache_alloc);
            slot_cache[w.slot] = name;
            ++want[name];
            ever.insert(name);
        }
        if (!w.allocates() && slot_cache.count(w.slot)) {
            --want[slot_cache[w.slot]];
            slot_cache.erase(w.slot);
        }
        for (const KmemCache& c : s.caches)
            ASSERT_EQ(c.objects_out, want.count(c.name) ? want[c.name] : 0u)
                << c.name << " after step " << i + 1 << ": " << sim.describeOp(i);
    }
    for (int k = 0; k < 6; ++k)
        EXPECT_GT(kinds_run[k], 100) << workloadOpKinds()[k].name;
    // The named caches and kmalloc's classes by size and by GFP flags.
    for (const char* c : {"obj", "rcl", "kmalloc-96", "kmalloc-8", "kmalloc-64", "kmalloc-256",
                          "kmalloc-1k", "kmalloc-4k", "kmalloc-rcl-64", "kmalloc-rcl-256"})
        EXPECT_TRUE(ever.count(c)) << c;
    EXPECT_FALSE(ever.count("kmalloc-16k")); // 16 KiB goes to the page allocator
    // Every allocation succeeded on this 128 MiB machine.
    for (const std::string& l : sim.kernelLog())
        EXPECT_EQ(l.find("failed"), std::string::npos) << l;
    // The cycle record names the workload's slab operations.
    bool named = false;
    for (const std::string& n : sim.cycles().op_names)
        named |= n == "kmem_cache_free";
    EXPECT_TRUE(named);
    EXPECT_EQ(fallbacks_seen, 0); // plenty of memory: no fallback here
}

TEST(WorkloadSlabRun, DescribeOpNamesSlabOps) {
    auto p = fixtureProgram();
    Simulation sim(p);
    std::set<std::string> firsts;
    for (std::size_t i = 0; i < sim.totalOps(); ++i) {
        const std::string d = sim.describeOp(i);
        firsts.insert(d.substr(0, d.find(' ')));
        if (d.rfind("kmem_cache_alloc cache=", 0) == 0) {
            EXPECT_TRUE(d.find("cache=obj ") != std::string::npos ||
                        d.find("cache=rcl ") != std::string::npos ||
                        d.find("cache=kmalloc-96 ") != std::string::npos)
                << d;
        }
        if (d.rfind("kmalloc size=", 0) == 0) {
            EXPECT_TRUE(d.find("size=8 ") != std::string::npos ||
                        d.find("size=64 ") != std::string::npos ||
                        d.find("size=200 ") != std::string::npos ||
                        d.find("size=1000 ") != std::string::npos ||
                        d.find("size=4096 ") != std::string::npos ||
                        d.find("size=16384 ") != std::string::npos)
                << d;
        }
    }
    for (const char* k :
         {"kmalloc", "kfree", "kmem_cache_alloc", "kmem_cache_free", "alloc_pages", "free_pages"})
        EXPECT_TRUE(firsts.count(k)) << k;
}

TEST(WorkloadSlabRun, SameSeedSameTraceOtherSeedDiffers) {
    auto trace = [](std::uint64_t seed) {
        std::string text = readFile(kFixture);
        text.replace(text.find("\"seed\": 11"), 10, "\"seed\": " + std::to_string(seed));
        Simulation sim(loadScenario(text, "w.json"));
        std::string t;
        while (!sim.done()) {
            sim.step();
            t += sim.describeOp(sim.executed() - 1) + "\n";
            for (const BuddyEvent& e : sim.lastEvents())
                t += (isSlabEvent(e.kind) ? formatSlabEvent(e)
                                          : formatBuddyEvent(e, sim.state().mm.profile)) +
                     "\n";
        }
        return t + everything(sim);
    };
    const std::string a = trace(11), b = trace(11), c = trace(12);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
}

// Classic SLAB runs the same workload (its own kmalloc classes).
TEST(WorkloadSlabRun, ClassicSlabToo) {
    std::string text = readFile(kFixture);
    text.replace(text.find("\"machine\": {"), 12,
                 R"("machine": {"kernel": {"version": "6.1", "slab": "slab"}, )");
    Simulation sim(loadScenario(text, "w.json"));
    while (!sim.done()) {
        sim.step();
        if (sim.executed() % 97 == 0 || sim.done()) {
            ASSERT_EQ(checkSlabInvariants(sim.state().slab, sim.state().mm), "")
                << "after step " << sim.executed();
        }
    }
    EXPECT_EQ(sim.state().slab.policy, SlabPolicy::Slab);
    EXPECT_EQ(sim.executed(), 4006u);
    // SLAB's own columns: tunables (limit 54 for a 320-byte slot, as
    // enable_cpucache sets it for sizes above 256 bytes).
    const SlabInfoRow r = slabInfoRow(sim.state().slab, findCache(sim.state().slab, "obj"));
    EXPECT_EQ(r.limit, 54u);
    EXPECT_GT(r.num_objs, 0u);
}

// ---- errors ----

std::string twoCpu(const std::string& steps) {
    return R"({"format": "mmsim-scenario/1",
 "machine": {"cpus": 2, "e820": [{"addr": "0x100000", "size": "127M", "type": "usable"}]},
 "steps": )" +
           steps + "}";
}

InputError loadError(const std::string& text) {
    try {
        compileScenario(loadScenario(text, "bad.json"));
    } catch (const InputError& e) {
        return e;
    }
    ADD_FAILURE() << "no error for " << text;
    return InputError({}, "", "");
}

TEST(WorkloadSlabErrors, AtLoad) {
    struct Case {
        const char* steps;
        const char* pointer;
        const char* words;
    } cases[] = {
        {R"([{"op": "workload", "count": 5, "mix": {"kmalloc": 1}}])", "/steps/0", "sizes"},
        {R"([{"op": "workload", "count": 5, "mix": {"kmem_cache_alloc": 1}}])", "/steps/0",
         "caches"},
        {R"([{"op": "workload", "count": 5, "mix": {"kmalloc": 1}, "sizes": {"0": 1}}])",
         "/steps/0/sizes/0", "1 byte .. 4 MiB"},
        {R"([{"op": "workload", "count": 5, "mix": {"kmalloc": 1}, "sizes": {"8M": 1}}])",
         "/steps/0/sizes/8M", "4 MiB"},
        {R"([{"op": "workload", "count": 5, "mix": {"kmalloc": 1}, "sizes": {"64": 0}}])",
         "/steps/0/sizes", "all zero"},
        {R"([{"op": "workload", "count": 5, "mix": {"kmem_cache_alloc": 1},
              "caches": {"nosuch": 1}}])",
         "/steps/0/caches/nosuch", "no cache named 'nosuch'"},
        // Created only after the workload: still unknown at the workload.
        {R"([{"op": "workload", "count": 5, "mix": {"kmem_cache_alloc": 1},
              "caches": {"late": 1}},
             {"op": "kmem_cache_create", "name": "late", "size": 100}])",
         "/steps/0/caches/late", "no cache named 'late'"},
        // Not a kmalloc class.
        {R"([{"op": "workload", "count": 5, "mix": {"kmem_cache_alloc": 1},
              "caches": {"kmalloc-9": 1}}])",
         "/steps/0/caches/kmalloc-9", "no cache named"},
    };
    for (const Case& c : cases) {
        InputError e = loadError(twoCpu(c.steps));
        EXPECT_EQ(e.pointer(), c.pointer) << c.steps << "\n" << e.what();
        EXPECT_NE(std::string(e.what()).find(c.words), std::string::npos) << e.what();
        // file:line:col of the offending value
        EXPECT_EQ(std::string(e.what()).rfind("bad.json:", 0), 0u) << e.what();
    }
}

TEST(WorkloadSlabErrors, KnownCachesLoad) {
    // kmalloc caches by name, and one created earlier (also inside a repeat).
    EXPECT_NO_THROW(compileScenario(loadScenario(twoCpu(R"([{"op": "repeat", "times": 1, "steps": [
                      {"op": "kmem_cache_create", "name": "mine", "size": 100}]},
                    {"op": "workload", "count": 50, "mix": {"kmem_cache_alloc": 1},
                     "caches": {"mine": 1, "kmalloc-8": 1, "kmalloc-rcl-192": 1,
                                "dma-kmalloc-8k": 1, "kmalloc-cg-96": 1}}])"),
                                                 "ok.json")));
    EXPECT_TRUE(isKmallocCacheName(SlabPolicy::Slub, "kmalloc-8"));
    EXPECT_FALSE(isKmallocCacheName(SlabPolicy::Slab, "kmalloc-8"));
    EXPECT_TRUE(isKmallocCacheName(SlabPolicy::Slab, "kmalloc-32"));
    EXPECT_TRUE(isKmallocCacheName(SlabPolicy::Slab, "kmalloc-96"));
    EXPECT_FALSE(isKmallocCacheName(SlabPolicy::Slub, "kmalloc-16k"));
}

// A cache destroyed before the workload runs refuses the workload's first
// allocation from it, naming the step; nothing changes.
TEST(WorkloadSlabErrors, DestroyedCacheRefusesTheStep) {
    Simulation sim(loadScenario(twoCpu(R"([{"op": "kmem_cache_create", "name": "gone", "size": 100},
                   {"op": "kmem_cache_destroy", "cache": "gone"},
                   {"op": "workload", "count": 5, "mix": {"kmem_cache_alloc": 1},
                    "caches": {"gone": 1}}])"),
                                "gone.json"));
    while (sim.executed() < 3)
        sim.step();
    const std::string before = everything(sim);
    try {
        sim.step();
        FAIL() << "no refusal";
    } catch (const InputError& e) {
        EXPECT_EQ(e.pointer(), "/steps/2");
        EXPECT_NE(std::string(e.what()).find("has been destroyed"), std::string::npos) << e.what();
    }
    EXPECT_EQ(sim.executed(), 3u);
    EXPECT_EQ(everything(sim), before);
}

// A workload's first slab operation sets the slab layer up (no slab step
// ran before it): one kmalloc(64) makes one kmalloc-64 slab of 4096 / 64 =
// 64 objects, all counted active (it is the CPU slab).
TEST(WorkloadSlabRun, FirstSlabOperationSetsUpTheSlabLayer) {
    Simulation sim(loadScenario(twoCpu(R"([{"op": "alloc_pages", "order": 0, "gfp": "GFP_KERNEL"},
                   {"op": "workload", "count": 1, "mix": {"kmalloc": 1}, "sizes": {"64": 1}}])"),
                                "ok.json"));
    sim.step();
    sim.step();
    EXPECT_FALSE(sim.state().slab.ready);
    sim.step();
    ASSERT_TRUE(sim.state().slab.ready);
    const SlabInfoRow r = slabInfoRow(sim.state().slab, kmallocCache(sim.state().slab, 64, 0));
    EXPECT_EQ(r.name, "kmalloc-64");
    EXPECT_EQ(r.active_objs, 64u);
    EXPECT_EQ(r.num_objs, 64u);
    EXPECT_EQ(r.num_slabs, 1u);
    EXPECT_EQ(sim.state()
                  .slab.caches[static_cast<std::size_t>(kmallocCache(sim.state().slab, 64, 0))]
                  .objects_out,
              1u);
}

// ---- the timeline with slab workloads ----

TEST(WorkloadSlabTimeline, StepThenBackEqualsAFreshRun) {
    auto p = fixtureProgram();
    auto fresh = [&](std::size_t n) {
        Simulation sim(p);
        for (std::size_t i = 0; i < n; ++i)
            sim.step();
        return everything(sim);
    };
    TimelineOptions o;
    o.first_interval = 16;
    o.max_checkpoints = 6;
    o.fine_checkpoints = 4;
    std::mt19937_64 rng(2024); // the test's own choice of N and K
    for (int round = 0; round < 5; ++round) {
        Timeline tl(p, o);
        const std::size_t n = 1 + rng() % tl.length();
        const std::size_t k = rng() % (n + 1);
        for (std::size_t i = 0; i < n; ++i)
            tl.step();
        for (std::size_t i = 0; i < k; ++i)
            ASSERT_TRUE(tl.stepBack());
        ASSERT_EQ(tl.position(), n - k);
        EXPECT_EQ(everything(tl.sim()), fresh(n - k)) << "N=" << n << " K=" << k;
        // The slab state itself, beyond what the views print.
        Simulation f(p);
        for (std::size_t i = 0; i < n - k; ++i)
            f.step();
        const SlabState& sa = tl.sim().state().slab;
        const SlabState& sb = f.state().slab;
        ASSERT_EQ(sa.caches.size(), sb.caches.size());
        for (std::size_t c = 0; c < sa.caches.size(); ++c) {
            const CacheDetail a = cacheDetail(sa, static_cast<int>(c));
            const CacheDetail b = cacheDetail(sb, static_cast<int>(c));
            ASSERT_EQ(a.slabs.size(), b.slabs.size()) << a.name;
            for (std::size_t i = 0; i < a.slabs.size(); ++i) {
                EXPECT_EQ(a.slabs[i].pfn, b.slabs[i].pfn);
                EXPECT_EQ(a.slabs[i].inuse, b.slabs[i].inuse);
                EXPECT_EQ(a.slabs[i].list, b.slabs[i].list);
                EXPECT_EQ(a.slabs[i].cpu, b.slabs[i].cpu);
            }
            EXPECT_EQ(sa.caches[c].objects_out, sb.caches[c].objects_out);
        }
        for (std::size_t i = 0; i < k; ++i)
            tl.step();
        EXPECT_EQ(everything(tl.sim()), fresh(n)) << "N=" << n << " K=" << k;
    }
}

TEST(WorkloadSlabTimeline, SeekEqualsRunningThatManySteps) {
    auto p = fixtureProgram();
    Timeline tl(p);
    std::mt19937_64 rng(7);
    for (int i = 0; i < 5; ++i) {
        const std::size_t n = rng() % (tl.length() + 1);
        tl.seek(n);
        Simulation sim(p);
        for (std::size_t j = 0; j < n; ++j)
            sim.step();
        EXPECT_EQ(everything(tl.sim()), everything(sim)) << "seek " << n;
    }
}

} // namespace
} // namespace mmsim
