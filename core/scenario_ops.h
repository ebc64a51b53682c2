// The table of scenario step operations: every op a scenario may name, in
// which phase ("boot" or "steps") it is valid, and the fields it takes with
// their kinds. The scenario validator checks steps against this table, the
// schema test checks scenarios/scenario.schema.json against it, and it can
// generate the reference in docs/scenario-format.md. A new op is a new row in
// scenario_ops.cpp (and a new kind, if none fits, a new FieldKind handled in
// scenario.cpp's checkField()).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace mmsim {

enum class FieldKind {
    Size,   // integer >= 0, "0x..." or a memparse string ("64M"): parseSize()
    Nid,    // integer -1 (NUMA_NO_NODE), 0 .. MAX_NUMNODES-1, or MAX_NUMNODES (no node)
    Int,    // integer in [min, max]
    Bool,   // true / false
    String, // any string
    Enum,   // one string of 'choices'
    Flags,  // array of distinct strings, each one of 'choices'
    Name,   // an identifier naming an allocation: [A-Za-z_][A-Za-z0-9_]*
    Gfp,    // GFP flag names joined by '|' (syntax only; names checked by the op)
    Any,    // any JSON value (checked by the op itself)
};

// Where an op is valid: in "boot" (explicit memblock boot), in "steps"
// (after boot), or both.
enum class OpPhase : unsigned { Boot = 1, Steps = 2, Both = 3 };

struct FieldSpec {
    std::string_view name;
    FieldKind kind = FieldKind::String;
    bool required = false;
    std::vector<std::string_view> choices = {}; // Enum, Flags
    std::int64_t min = 0;                       // Int
    std::int64_t max = 0;                       // Int
    std::string_view doc = {};                  // one line for generated docs
};

struct OpSpec {
    std::string_view name;
    OpPhase phase = OpPhase::Steps;
    std::vector<FieldSpec> fields; // the op's own fields (not the common ones)
    std::string_view doc = {};     // one line for generated docs

    bool validIn(bool bootPhase) const {
        unsigned bit = bootPhase ? unsigned(OpPhase::Boot) : unsigned(OpPhase::Steps);
        return (unsigned(phase) & bit) != 0;
    }
    // The op's own field 'name', or nullptr.
    const FieldSpec* field(std::string_view fieldName) const;
};

// Every op, in documentation order.
const std::vector<OpSpec>& scenarioOps();
// Fields every step may carry, whatever its op: "note", "label".
const std::vector<FieldSpec>& commonStepFields();

// The op called 'name' if it is valid in the given phase ("boot" when
// bootPhase, else "steps"), else nullptr.
const OpSpec* findOp(std::string_view name, bool bootPhase);
// The op called 'name' in any phase (to say "valid only in boot"), or nullptr.
const OpSpec* findOpAnyPhase(std::string_view name);

std::string_view fieldKindName(FieldKind kind);

} // namespace mmsim
