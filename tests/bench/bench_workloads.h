// Workloads shared by several benchmarks.
#pragma once

#include "core/scenario.h"
#include "core/simulation.h"

#include <memory>

namespace mmsim::bench {

// The issue's one-million-step scenario: a seeded alloc/free workload on a
// 2 GiB, 2-node machine (orders 0..9, three migratetypes, random frees).
inline std::shared_ptr<const Program> millionSteps() {
    static std::shared_ptr<const Program> p = compileScenario(loadScenario(
        R"({"format": "mmsim-scenario/1", "seed": 5,
            "machine": {"cpus": 2, "e820": [
              {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
              {"addr": "0x100000", "size": "0x7fe00000", "type": "usable"}],
              "numa": {"nodes": [{"id": 0, "ranges": [["0x0", "0x3fffffff"]], "cpus": [0]},
                                 {"id": 1, "ranges": [["0x40000000", "0x7fffffff"]], "cpus": [1]}]}},
            "steps": [{"op": "workload", "count": 1000000,
              "mix": {"alloc_pages": 1, "free_pages": 1},
              "orders": {"0": 16, "1": 4, "2": 2, "3": 2, "5": 1, "9": 1},
              "gfp": {"GFP_KERNEL": 2, "GFP_HIGHUSER_MOVABLE": 3, "GFP_KERNEL | __GFP_RECLAIMABLE": 1},
              "cpus": [0, 1], "free_policy": "random", "max_live": 60000}]})",
        "bench.json"));
    return p;
}

} // namespace mmsim::bench
