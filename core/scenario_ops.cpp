// The op table (see scenario_ops.h). One row per op; docs/scenario-format.md
// and scenarios/scenario.schema.json describe the same ops and a unit test
// keeps the schema in step with this table.
#include "core/scenario_ops.h"

namespace mmsim {

namespace {

FieldSpec base() { return {"base", FieldKind::Size, true, {}, 0, 0, "physical base address"}; }
FieldSpec size() { return {"size", FieldKind::Size, true, {}, 0, 0, "size in bytes"}; }
FieldSpec caller() {
    return {"caller", FieldKind::String, false, {}, 0, 0,
            "what memblock=debug prints as the caller (%pS), e.g. \"e820__memblock_setup+0x73/0xb0\""};
}

// memblock_OP {base, size, caller?}
OpSpec rangeOp(std::string_view name, std::string_view doc) {
    return {name, OpPhase::Boot, {base(), size(), caller()}, doc};
}

std::vector<OpSpec> makeOps() {
    std::vector<OpSpec> ops;

    // --- explicit boot: memblock, named after the kernel functions ---
    ops.push_back({"memblock_add",
                   OpPhase::Boot,
                   {base(), size(),
                    {"nid", FieldKind::Nid, false, {}, 0, 0,
                     "node (default MAX_NUMNODES: none; given: memblock_add_node)"},
                    {"flags", FieldKind::Flags, false,
                     {"HOTPLUG", "MIRROR", "NOMAP", "DRIVER_MANAGED"}, 0, 0,
                     "region flags (memblock_add_node)"},
                    caller()},
                   "memblock_add / memblock_add_node: add a range of RAM"});
    ops.push_back(rangeOp("memblock_reserve", "memblock_reserve: mark a range in use"));
    ops.push_back(rangeOp("memblock_remove", "memblock_remove: remove a range of RAM"));
    ops.push_back(rangeOp("memblock_free", "memblock_phys_free: give back a reserved range"));
    ops.push_back(rangeOp("memblock_phys_free", "memblock_phys_free: give back a reserved range"));
    ops.push_back({"memblock_set_node",
                   OpPhase::Boot,
                   {base(), size(),
                    {"nid", FieldKind::Nid, true, {}, 0, 0, "node the range belongs to"},
                    {"type", FieldKind::Enum, false, {"memory", "reserved"}, 0, 0,
                     "which memblock type (default \"memory\")"},
                    caller()},
                   "memblock_set_node: assign a range to a node"});
    ops.push_back(rangeOp("memblock_mark_hotplug", "memblock_mark_hotplug: flag HOTPLUG"));
    ops.push_back(rangeOp("memblock_clear_hotplug", "memblock_clear_hotplug: clear HOTPLUG"));
    ops.push_back(rangeOp("memblock_mark_mirror", "memblock_mark_mirror: flag MIRROR"));
    ops.push_back(rangeOp("memblock_mark_nomap", "memblock_mark_nomap: flag NOMAP"));
    ops.push_back(rangeOp("memblock_clear_nomap", "memblock_clear_nomap: clear NOMAP"));
    ops.push_back({"memblock_set_bottom_up",
                   OpPhase::Boot,
                   {{"enable", FieldKind::Bool, true, {}, 0, 0, "allocate bottom-up"}, caller()},
                   "memblock_set_bottom_up: choose the allocation direction"});
    ops.push_back({"memblock_set_current_limit",
                   OpPhase::Boot,
                   {{"limit", FieldKind::Size, true, {}, 0, 0, "highest address to allocate"},
                    caller()},
                   "memblock_set_current_limit: cap where allocations may lie"});
    ops.push_back({"memblock_trim_memory",
                   OpPhase::Boot,
                   {{"align", FieldKind::Size, true, {}, 0, 0, "alignment to trim regions to"},
                    caller()},
                   "memblock_trim_memory: trim memory regions to an alignment"});
    ops.push_back(
        {"memblock_alloc",
         OpPhase::Boot,
         {size(),
          {"align", FieldKind::Size, true, {}, 0, 0, "alignment (0 warns and uses 64)"},
          {"nid", FieldKind::Nid, false, {}, 0, 0, "preferred node (default -1: any)"},
          {"min_addr", FieldKind::Size, false, {}, 0, 0, "lowest address (default 0)"},
          {"max_addr", FieldKind::Size, false, {}, 0, 0,
           "highest address (default 0: MEMBLOCK_ALLOC_ACCESSIBLE)"},
          {"exact_nid", FieldKind::Bool, false, {}, 0, 0, "only on nid (default false)"},
          {"api",
           FieldKind::Enum,
           false,
           {"memblock_alloc_try_nid", "memblock_alloc_try_nid_raw", "memblock_alloc_exact_nid_raw",
            "memblock_phys_alloc_range", "memblock_phys_alloc_try_nid"},
           0,
           0,
           "kernel entry point: what is printed and how the range is searched"},
          {"as", FieldKind::Name, false, {}, 0, 0, "name of the allocation"},
          caller()},
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
    ops.push_back({"free_reserved_area",
                   OpPhase::Steps,
                   {base(), size(),
                    {"what", FieldKind::String, false, {}, 0, 0,
                     "what is freed, printed as \"Freeing WHAT memory: NK\""}},
                   "free_reserved_area: return reserved memory to the buddy allocator"});
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
        {"note", FieldKind::String, false, {}, 0, 0, "shown in the explanation panel"},
        {"label", FieldKind::String, false, {}, 0, 0, "a name for the step (--until LABEL)"},
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
