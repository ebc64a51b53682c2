// Workloads: a seeded generator that expands one scenario step into many
// concrete operations, so a lesson can age a machine (fragment it, fill it,
// churn it) without listing a million steps. The expansion happens when the
// scenario is loaded, before anything runs, and depends only on the step's
// fields and the seed: the same scenario and seed give the same operations,
// and so the same trace, on every machine and standard library. That is why
// the generator uses std::mt19937_64 (whose output the C++ standard fixes)
// and its own integer arithmetic for uniform and weighted picks, never the
// std:: distributions (their algorithms differ between libraries).
//
// Each generated operation is one step of the timeline. An allocation picks
// its kind (alloc_pages, kmalloc, kmem_cache_alloc), then its order, size or
// cache, GFP flags and CPU from weighted tables; a free picks its kind among
// those whose family has live objects, then a live object of that family by
// the free policy (lifo: the newest, fifo: the oldest, random), or frees
// whatever object's lifetime ran out with its family's free. When max_live
// forces a free and no weighted free kind has a live object, the policy
// picks among all live objects. An allocation that fails at run time leaves
// its object empty, and freeing an empty object does nothing (as
// kfree(NULL)). A mix of alloc_pages and free_pages alone draws exactly the
// numbers it drew before the slab kinds existed, so old scenarios keep
// their traces.
#pragma once

#include "core/expect.h"

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace mmsim {

// The operations a workload's "mix" may weigh, in WorkOp::Kind order: each
// allocating kind is followed by the kind that frees its objects. There are
// three families of objects - page blocks (alloc_pages / free_pages),
// kmalloc objects (kmalloc / kfree) and objects of named caches
// (kmem_cache_alloc / kmem_cache_free) - and a free takes a live object of
// its own family.
struct WorkloadOpKind {
    std::string_view name;
    bool available = false; // false: named so the error can say it is not there yet
    bool allocates = false; // an allocation (else a free)
};
const std::vector<WorkloadOpKind>& workloadOpKinds();
constexpr int NR_WORK_FAMILIES = 3;

enum class FreePolicy : std::uint8_t { Lifo, Fifo, Random };

struct WorkloadSpec {
    std::uint64_t count = 0;
    std::uint64_t alloc_weight = 0, free_weight = 0;
    std::array<std::uint64_t, 2 * NR_WORK_FAMILIES> mix{}; // by WorkOp::Kind
    // kmalloc: weights by request size in bytes ("sizes": {"64": 3, "4096": 1})
    std::vector<std::pair<std::uint32_t, std::uint64_t>> sizes;
    // kmem_cache_alloc: weights by cache name ("caches": {"dentry": 2})
    std::vector<std::pair<std::string, std::uint64_t>> caches;
    std::array<std::uint64_t, NR_PAGE_ORDERS> order_weight{}; // default: order 0 only
    std::vector<std::pair<std::string, std::uint64_t>> gfp;   // default GFP_KERNEL
    std::vector<int> cpus;                                    // default {0}
    FreePolicy policy = FreePolicy::Lifo;
    std::uint64_t lifetime_min = 0, lifetime_max = 0; // 0: no lifetimes
    std::uint64_t max_live = 0;                       // 0: unbounded
    bool free_at_end = false;
    bool has_seed = false;
    std::uint64_t seed = 0;
};
// Validates and reads a workload step. Throws SpecError.
WorkloadSpec parseWorkload(const json& step, const std::string& ptr);

// One generated operation.
struct WorkOp {
    enum Kind : std::uint8_t {
        AllocPages,
        FreePages,
        Kmalloc,
        Kfree,
        CacheAlloc,
        CacheFree
    } kind = AllocPages;
    std::int8_t order = 0;
    std::uint16_t gfp = 0; // index into the program's GFP table
    std::uint16_t cpu = 0;
    std::uint32_t slot = 0; // the object: allocated into, freed from
    std::uint32_t arg = 0;  // Kmalloc: the size in bytes; CacheAlloc: index into the cache table
    bool allocates() const { return !(kind & 1); }
    const char* name() const;
};

// The generator's random numbers: mt19937_64 and exact integer picks.
class WorkloadRng {
  public:
    explicit WorkloadRng(std::uint64_t seed) : g_(seed) {}
    // Uniform in [0, n) (n > 0), by rejection: no modulo bias.
    std::uint64_t below(std::uint64_t n);
    // Index i with probability w[i] / sum(w) (sum > 0).
    template <class C> std::size_t weighted(const C& w) {
        std::uint64_t total = 0;
        for (std::uint64_t x : w)
            total += x;
        std::uint64_t r = below(total);
        std::size_t i = 0;
        for (std::uint64_t x : w) {
            if (r < x) return i;
            r -= x;
            ++i;
        }
        return i - 1;
    }

  private:
    std::mt19937_64 g_;
};

// The seed of one workload instance: the scenario seed (or the step's own
// "seed"), the step's JSON pointer and which repeat iteration it is.
std::uint64_t workloadSeed(std::uint64_t scenario_seed, const WorkloadSpec& spec,
                           const std::string& pointer, std::uint64_t instance);

// Appends the workload's operations to 'out'. GFP strings are entered in
// 'gfp_table' (their index goes in WorkOp::gfp); objects are numbered from
// slot_base on. Returns the number of object slots used.
std::uint32_t generateWorkload(const WorkloadSpec& spec, std::uint64_t seed,
                               std::uint32_t slot_base, std::vector<std::string>& gfp_table,
                               std::vector<WorkOp>& out);
// The same with the cache names of kmem_cache_alloc entered in 'cache_table'
// (their index goes in WorkOp::arg).
std::uint32_t generateWorkload(const WorkloadSpec& spec, std::uint64_t seed,
                               std::uint32_t slot_base, std::vector<std::string>& gfp_table,
                               std::vector<std::string>& cache_table, std::vector<WorkOp>& out);

} // namespace mmsim
