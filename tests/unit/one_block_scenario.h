// A test machine whose only free memory after boot is one 4 MiB block (two
// pageblocks) at 32 MiB (pfn 0x2000, DMA32): 64 MiB of RAM, everything else
// reserved before memblock_free_all, per-CPU lists off, so every request is
// served by the buddy lists and the splits and merges are known by hand.
#pragma once

#include <string>

namespace mmsim::test_scenarios {

// steps: the scenario's "steps" array, as JSON text.
inline std::string oneBlockScenario(const std::string& version, int cpus,
                                    const std::string& steps) {
    return R"({"format": "mmsim-scenario/1", "machine": {"cpus": )" + std::to_string(cpus) +
           R"(, "e820": [
        {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
        {"addr": "0x100000", "size": "63M", "type": "usable"}],
        "kernel": {"version": ")" +
           version + R"(", "pcp": false}}, "boot": [
        {"op": "memblock_add", "base": "0", "size": "64M"},
        {"op": "memblock_reserve", "base": "0", "size": "32M"},
        {"op": "memblock_reserve", "base": "36M", "size": "28M"},
        {"op": "memblock_free_all"}], "steps": )" +
           steps + "}";
}

} // namespace mmsim::test_scenarios
