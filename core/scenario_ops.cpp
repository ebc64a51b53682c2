// The op table (see scenario_ops.h). One row per op; docs/scenario-format.md
// and scenarios/scenario.schema.json describe the same ops and a unit test
// keeps the schema in step with this table.
#include "core/scenario_ops.h"

#include "core/expect.h"
#include "core/predict.h"

#include <utility>

namespace mmsim {

namespace {

// Field constructors, so that a row reads like the documentation.
FieldSpec req(std::string_view name, FieldKind kind, std::string_view doc) {
    return {name, kind, true, {}, 0, 0, doc};
}
FieldSpec opt(std::string_view name, FieldKind kind, std::string_view doc) {
    return {name, kind, false, {}, 0, 0, doc};
}
// A string-enum (FieldKind::Enum) or a flags array (FieldKind::Flags).
FieldSpec choice(std::string_view name, FieldKind kind, bool required,
                 std::vector<std::string_view> choices, std::string_view doc) {
    return {name, kind, required, std::move(choices), 0, 0, doc};
}
// An integer in [min, max] (for later ops: "order" is intField("order", true, 0, 10, ...)).
FieldSpec intField(std::string_view name, bool required, std::int64_t min,
                                    std::int64_t max, std::string_view doc) {
    return {name, FieldKind::Int, required, {}, min, max, doc};
}

FieldSpec base() {
    return req("base", FieldKind::Size, "physical base address");
}
FieldSpec size() {
    return req("size", FieldKind::Size, "size in bytes");
}
FieldSpec caller() {
    return opt("caller", FieldKind::String,
               "what memblock=debug prints as the caller (%pS), e.g. "
               "\"e820__memblock_setup+0x73/0xb0\"");
}

FieldSpec silent() {
    return opt("silent", FieldKind::Bool,
               "made before memblock=debug took effect: prints nothing (import-dmesg)");
}

// memblock_OP {base, size, caller?, silent?}
OpSpec rangeOp(std::string_view name, std::string_view doc) {
    return {name, OpPhase::Boot, {base(), size(), caller(), silent()}, doc};
}

std::vector<OpSpec> makeOps() {
    using K = FieldKind;
    std::vector<OpSpec> ops;

    // --- explicit boot: memblock, named after the kernel functions ---
    ops.push_back(
        {"memblock_add",
         OpPhase::Boot,
         {base(), size(),
          opt("nid", K::Nid, "node (default MAX_NUMNODES: none; given: memblock_add_node)"),
          choice("flags", K::Flags, false, {"HOTPLUG", "MIRROR", "NOMAP", "DRIVER_MANAGED"},
                 "region flags (memblock_add_node)"),
          caller(), silent()},
         "memblock_add / memblock_add_node: add a range of RAM"});
    ops.push_back(rangeOp("memblock_reserve", "memblock_reserve: mark a range in use"));
    ops.push_back(rangeOp("memblock_remove", "memblock_remove: remove a range of RAM"));
    ops.push_back(rangeOp("memblock_free", "memblock_phys_free: give back a reserved range"));
    ops.push_back(rangeOp("memblock_phys_free", "memblock_phys_free: give back a reserved range"));
    ops.push_back({"memblock_set_node",
                   OpPhase::Boot,
                   {base(), size(), req("nid", K::Nid, "node the range belongs to"),
                    choice("type", K::Enum, false, {"memory", "reserved"},
                           "which memblock type (default \"memory\")"),
                    caller(), silent()},
                   "memblock_set_node: assign a range to a node"});
    ops.push_back(rangeOp("memblock_mark_hotplug", "memblock_mark_hotplug: flag HOTPLUG"));
    ops.push_back(rangeOp("memblock_clear_hotplug", "memblock_clear_hotplug: clear HOTPLUG"));
    ops.push_back(rangeOp("memblock_mark_mirror", "memblock_mark_mirror: flag MIRROR"));
    ops.push_back(rangeOp("memblock_mark_nomap", "memblock_mark_nomap: flag NOMAP"));
    ops.push_back(rangeOp("memblock_clear_nomap", "memblock_clear_nomap: clear NOMAP"));
    ops.push_back({"memblock_set_bottom_up",
                   OpPhase::Boot,
                   {req("enable", K::Bool, "allocate bottom-up"), caller(), silent()},
                   "memblock_set_bottom_up: choose the allocation direction"});
    ops.push_back({"memblock_set_current_limit",
                   OpPhase::Boot,
                   {req("limit", K::Size, "highest address to allocate"), caller(), silent()},
                   "memblock_set_current_limit: cap where allocations may lie"});
    ops.push_back({"memblock_trim_memory",
                   OpPhase::Boot,
                   {req("align", K::Size, "alignment to trim regions to"), caller(), silent()},
                   "memblock_trim_memory: trim memory regions to an alignment"});
    ops.push_back(
        {"memblock_alloc",
         OpPhase::Boot,
         {size(), req("align", K::Size, "alignment (0 warns and uses 64)"),
          opt("nid", K::Nid, "preferred node (default -1: any)"),
          opt("min_addr", K::Size, "lowest address (default 0)"),
          opt("max_addr", K::Size, "highest address (default 0: MEMBLOCK_ALLOC_ACCESSIBLE)"),
          opt("exact_nid", K::Bool, "only on nid (default false)"),
          choice("api", K::Enum, false,
                 {"memblock_alloc_try_nid", "memblock_alloc_try_nid_raw",
                  "memblock_alloc_exact_nid_raw", "memblock_phys_alloc_range",
                  "memblock_phys_alloc_try_nid"},
                 "kernel entry point: what is printed and how the range is searched"),
          opt("as", K::Name, "name of the allocation"),
          opt("expect_base", K::Size,
              "where the real boot placed it (import-dmesg); another placement is a failed "
              "expectation"),
          caller(), silent()},
         "memblock_alloc*: allocate boot memory"});
    ops.push_back({"memblock_dump", OpPhase::Both, {}, "__memblock_dump_all: print the arrays"});
    ops.push_back({"free_area_init",
                   OpPhase::Boot,
                   {},
                   "free_area_init: zone ranges, node spans and holes (prints the boot lines)"});
    ops.push_back({"build_all_zonelists", OpPhase::Boot, {}, "build_all_zonelists: zonelists"});
    ops.push_back({"memblock_free_all",
                   OpPhase::Boot,
                   {},
                   "memblock_free_all: hand every free range to the buddy allocator"});

    // --- after boot ---
    ops.push_back(
        {"free_reserved_area",
         OpPhase::Steps,
         {base(), size(),
          opt("what", K::String, "what is freed, printed as \"Freeing WHAT memory: NK\"")},
         "free_reserved_area: return reserved memory to the buddy allocator"});
    ops.push_back(
        {"alloc_pages",
         OpPhase::Steps,
         {intField("order", true, 0, 10, "2^order pages (0..MAX_PAGE_ORDER)"),
          req("gfp", K::Gfp, "GFP flags, e.g. \"GFP_KERNEL\" or \"GFP_ATOMIC | __GFP_COMP\""),
          intField("cpu", false, 0, 1023, "the CPU asking (default 0): its node's zonelist"),
          intField("nid", false, -1, 1023,
                   "preferred node (default -1: the CPU's node; alloc_pages_node)"),
          intField("count", false, 1, 1000000, "how many blocks to allocate (default 1)"),
          opt("as", K::Name, "name of the allocation (all its blocks when count > 1)")},
         "alloc_pages: allocate 2^order pages from the buddy allocator"});
    ops.push_back({"free_pages",
                   OpPhase::Steps,
                   {req("ref", K::Name, "name given by alloc_pages' \"as\""),
                    intField("cpu", false, 0, 1023,
                             "the CPU freeing (default 0): its per-CPU lists take the pages")},
                   "__free_pages: free every block of a named allocation"});
    ops.push_back({"drain_all_pages",
                   OpPhase::Steps,
                   {},
                   "drain_all_pages: every CPU's per-CPU page lists back to the buddy lists"});
    ops.push_back(
        {"sysctl",
         OpPhase::Steps,
         {choice("name", K::Enum, true,
                 {"vm.min_free_kbytes", "vm.watermark_scale_factor", "vm.lowmem_reserve_ratio"},
                 "the sysctl written"),
          req("value", K::Any,
              "integer (vm.min_free_kbytes >= 0, vm.watermark_scale_factor 1..3000) or an array "
              "of 5 integers (vm.lowmem_reserve_ratio)")},
         "write a vm sysctl: the watermarks or lowmem_reserve are recomputed as the handler does"});

    // --- control steps: the timeline, lessons, workloads ---
    ops.push_back({"label",
                   OpPhase::Steps,
                   {req("name", K::String, "the label (--until NAME, the GUI's timeline)")},
                   "a named point of the run; does nothing"});
    ops.push_back({"checkpoint",
                   OpPhase::Steps,
                   {},
                   "asks the timeline to keep a copy of the state here; does nothing else"});
    ops.push_back({"repeat",
                   OpPhase::Steps,
                   {intField("times", true, 1, 10000000, "how many times the body runs"),
                    req("steps", K::Any, "the body: a non-empty array of steps (repeat may nest)")},
                   "runs its steps 'times' times; each one executed is a step of the timeline"});
    {
        // expect: a view's exact text or named numbers (expect.h).
        std::vector<FieldSpec> f;
        for (std::string_view k : expectKeys()) {
            if (k == "zone" || k == "order" || k == "migratetype" || k == "cache") continue;
            f.push_back(opt(k, K::Any, findNamedValue(k) ? findNamedValue(k)->doc
                                                         : "the view's exact text: a string or "
                                                           "an array of lines"));
        }
        f.push_back(opt("zone", K::Any, "the zone of a named number: \"Normal\" (node 0) or "
                                        "{\"node\": 0, \"zone\": \"Normal\"}"));
        f.push_back(intField("order", false, 0, 10, "the order of nr_free / free_blocks"));
        f.push_back(choice("migratetype", K::Enum, false,
                           {"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA",
                            "Isolate"},
                           "the migratetype of free_blocks / pageblocks"));
        f.push_back(opt("cache", K::String, "the slab cache of active_objs"));
        ops.push_back({"expect", OpPhase::Steps, std::move(f),
                       "checks a view's text or named numbers; a mismatch is a failed "
                       "expectation (mmsim-cli check exits 1)"});
    }
    ops.push_back(
        {"predict",
         OpPhase::Steps,
         {req("question", K::String, "the question asked"),
          req("choices", K::Any, "at least two answers (strings or integers)"),
          choice("about", K::Enum, false,
                 {predictAboutKinds().begin(), predictAboutKinds().end()},
                 "what the simulation computes by dry-running up to the next allocation"),
          opt("value", K::Any,
              "a named number {\"name\": ..., zone/order/migratetype/cache} whose value is the "
              "answer"),
          choice("when", K::Enum, false, {"after_next", "now"},
                 "value: read after the next step (default) or now"),
          opt("answer", K::Any, "the author's answer (one of the choices); checked"),
          opt("explanation", K::String, "shown with the answer")},
         "asks a question whose answer the simulation computes when the step runs"});
    ops.push_back(
        {"workload",
         OpPhase::Steps,
         {intField("count", true, 1, 50000000, "operations to generate"),
          req("mix", K::Any,
              "weights of the operations: {\"alloc_pages\": 3, \"free_pages\": 2, "
              "\"kmalloc\": 2, \"kfree\": 1, \"kmem_cache_alloc\": 1, "
              "\"kmem_cache_free\": 1}"),
          opt("orders", K::Any, "weights by order: {\"0\": 8, \"3\": 1} (default order 0)"),
          opt("gfp", K::Any, "weights by GFP flags: {\"GFP_KERNEL\": 1} (default GFP_KERNEL)"),
          opt("sizes", K::Any,
              "kmalloc's request sizes in bytes with weights: {\"64\": 3, \"4096\": 1} "
              "(needed when the mix has kmalloc)"),
          opt("caches", K::Any,
              "kmem_cache_alloc's caches with weights: {\"my_cache\": 2, \"kmalloc-64\": 1} "
              "(kmalloc caches, or ones an earlier step creates)"),
          opt("cpus", K::Any, "the CPUs to use, picked uniformly (default [0])"),
          choice("free_policy", K::Enum, false, {"lifo", "fifo", "random"},
                 "which live object a free takes (default lifo)"),
          opt("lifetime", K::Any,
              "{\"min\": A, \"max\": B}: each object is freed A..B operations after it was "
              "allocated"),
          intField("max_live", false, 1, 100000000, "at most this many live objects"),
          opt("free_at_end", K::Bool, "free every live object at the end"),
          intField("seed", false, 0, INT64_MAX, "the generator's seed (default: from the "
                                                "scenario seed)")},
         "a seeded generator: expands into concrete alloc_pages/free_pages/kmalloc/kfree/"
         "kmem_cache_alloc/kmem_cache_free operations"});
    // --- the slab layer ---
    const FieldSpec cpuF = intField("cpu", false, 0, 1023, "the CPU (default 0)");
    const FieldSpec cacheF = req("cache", K::String, "the cache's name, e.g. \"kmalloc-64\"");
    ops.push_back(
        {"kmem_cache_create",
         OpPhase::Steps,
         {req("name", K::String, "the cache's name (as /proc/slabinfo shows it)"),
          req("size", K::Size, "object size in bytes"),
          opt("align", K::Size, "minimum alignment (a power of two; default 0)"),
          choice("flags", K::Flags, false,
                 {"SLAB_HWCACHE_ALIGN", "SLAB_RECLAIM_ACCOUNT", "SLAB_ACCOUNT",
                  "SLAB_TYPESAFE_BY_RCU", "SLAB_PANIC", "SLAB_RED_ZONE", "SLAB_POISON",
                  "SLAB_STORE_USER", "SLAB_CACHE_DMA"},
                 "cache flags")},
         "kmem_cache_create: a slab cache (geometry as the kernel computes it)"});
    ops.push_back(
        {"kmem_cache_alloc",
         OpPhase::Steps,
         {cacheF, opt("gfp", K::Gfp, "GFP flags (default GFP_KERNEL)"), cpuF,
          intField("count", false, 1, 1000000, "how many objects (default 1)"),
          opt("as", K::Name, "name of the allocation (all its objects)")},
         "kmem_cache_alloc: objects from a cache"});
    ops.push_back({"kmem_cache_free",
                   OpPhase::Steps,
                   {req("ref", K::Name, "name given by kmem_cache_alloc's \"as\""),
                    opt("cache", K::String, "the cache the caller frees to (checked)"), cpuF},
                   "kmem_cache_free: every object of a named allocation"});
    ops.push_back(
        {"kmalloc",
         OpPhase::Steps,
         {req("size", K::Size, "bytes (above 8 KiB: pages from the buddy allocator)"),
          opt("gfp", K::Gfp, "GFP flags (default GFP_KERNEL): __GFP_RECLAIMABLE, __GFP_DMA and "
                             "__GFP_ACCOUNT choose the kmalloc-rcl-, dma-kmalloc- and kmalloc-cg- caches"),
          cpuF, intField("count", false, 1, 1000000, "how many (default 1)"),
          opt("as", K::Name, "name of the allocation")},
         "kmalloc: an object of the size class that fits"});
    ops.push_back({"kfree",
                   OpPhase::Steps,
                   {req("ref", K::Name, "name given by kmalloc's \"as\""), cpuF},
                   "kfree: every object of a named kmalloc allocation"});
    ops.push_back({"kmem_cache_shrink",
                   OpPhase::Steps,
                   {cacheF},
                   "kmem_cache_shrink: flush the per-CPU slabs, release every empty slab"});
    ops.push_back({"kmem_cache_destroy",
                   OpPhase::Steps,
                   {cacheF},
                   "kmem_cache_destroy: release the cache (complains when objects remain)"});
    return ops;
}

} // namespace

const FieldSpec* OpSpec::field(std::string_view fieldName) const {
    for (const auto& f : fields)
        if (f.name == fieldName) return &f;
    return nullptr;
}

const std::vector<OpSpec>& scenarioOps() {
    static const std::vector<OpSpec> ops = makeOps();
    return ops;
}

const std::vector<FieldSpec>& commonStepFields() {
    static const std::vector<FieldSpec> fields = {
        opt("note", FieldKind::String, "shown in the explanation panel"),
        opt("label", FieldKind::String, "a name for the step (--until LABEL)"),
    };
    return fields;
}

const OpSpec* findOp(std::string_view name, bool bootPhase) {
    const OpSpec* op = findOpAnyPhase(name);
    return op && op->validIn(bootPhase) ? op : nullptr;
}

const OpSpec* findOpAnyPhase(std::string_view name) {
    for (const auto& op : scenarioOps())
        if (op.name == name) return &op;
    return nullptr;
}

std::string_view fieldKindName(FieldKind kind) {
    switch (kind) {
    case FieldKind::Size:
        return "size";
    case FieldKind::Nid:
        return "nid";
    case FieldKind::Int:
        return "integer";
    case FieldKind::Bool:
        return "boolean";
    case FieldKind::String:
        return "string";
    case FieldKind::Enum:
        return "string-enum";
    case FieldKind::Flags:
        return "flags";
    case FieldKind::Name:
        return "name";
    case FieldKind::Gfp:
        return "gfp";
    case FieldKind::Any:
        return "any";
    }
    return "?";
}

} // namespace mmsim
