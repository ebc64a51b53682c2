// A scenario (mmsim-scenario/1): the machine, how it boots and the steps a
// lesson runs. Loading validates everything up front; every error names
// file:line:col and the JSON pointer of the bad value (InputError).
#pragma once

#include "core/cost_model.h"
#include "core/error.h"
#include "core/json_locator.h"
#include "core/types.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmsim {

using json = nlohmann::ordered_json;

// One e820 entry as written in the scenario (type by its e820 number).
struct E820EntrySpec {
    std::uint64_t addr = 0;
    std::uint64_t size = 0;
    std::uint32_t type = 1; // E820_TYPE_RAM
};

struct NumaNodeSpec {
    int id = 0;
    // [start, end) byte ranges (the JSON gives inclusive ends, as SRAT prints).
    std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
    std::vector<int> cpus;
};

struct PhysRange {
    std::uint64_t addr = 0;
    std::uint64_t size = 0;
};

struct SysctlSpec {
    std::optional<long> min_free_kbytes;      // vm.min_free_kbytes (unset: kernel formula)
    long watermark_scale_factor = 10;         // vm.watermark_scale_factor
    std::vector<long> lowmem_reserve_ratio{256, 256, 32, 0, 0}; // vm.lowmem_reserve_ratio
};

struct MachineSpec {
    int cpus = 1;
    std::vector<E820EntrySpec> e820;
    std::vector<NumaNodeSpec> nodes;         // empty: one node holding everything
    std::vector<std::vector<int>> distance;  // empty: 10 local, 20 remote
    std::string cmdline;
    KernelProfile profile;
    std::string slab = "slub";
    bool pcp = true;
    bool thp = true;                         // Debian kernels: THP "always"
    std::optional<PhysRange> kernel_image;   // auto boot: where the kernel lies
    std::optional<PhysRange> initrd;         // auto boot: the initial ramdisk
    SysctlSpec sysctl;
    CostModel cost;                          // machine.cost: cycles per event kind
};

struct Step {
    std::string op;
    json args;            // the whole step object as written
    std::string pointer;  // JSON pointer of the step, e.g. "/steps/3"
    SourceLoc loc;        // where the step object starts
    std::vector<Step> children; // repeat: the body, validated like any step
};

struct Scenario {
    std::string file;     // path as given ("<memory>" for strings)
    std::string format;   // "mmsim-scenario/1"
    std::string title;
    std::string description;
    std::uint64_t seed = 1;
    MachineSpec machine;
    bool boot_auto = true;
    std::vector<Step> boot;   // explicit memblock boot (boot_auto == false)
    std::vector<Step> steps;
    JsonLocator locator;      // pointer -> file position, for run-time errors
    json document;            // the parsed document

    // An InputError at the value 'pointer' points to (or its nearest parent).
    InputError errorAt(const std::string& pointer, const std::string& message) const;
};

// Parse and validate. Throws InputError.
Scenario loadScenario(const std::string& text, const std::string& filename);
// The e820 type names a scenario may use, as the kernel prints them
// (e820_type_to_string()), with their numbers.
const std::vector<std::pair<std::string_view, std::uint32_t>>& e820Types();
Scenario loadScenarioFile(const std::string& path);

// Kernel memparse(): "64M", "0x1000", "4096", "2G", "1T" (K M G T P E,
// either case). Returns nullopt when the text is not a size.
std::optional<std::uint64_t> memparse(const std::string& text);
// A size/address field: integer >= 0, "0x..." or a memparse string.
std::optional<std::uint64_t> parseSize(const json& value);

} // namespace mmsim
