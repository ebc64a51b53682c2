// Shared helpers of the timeline tests: small machines, scenarios with
// workloads, and the whole observable state of a simulation as text.
#pragma once

#include "core/report.h"
#include "core/simulation.h"

#include <string>

namespace mmsim::testing {

// A 2-CPU, two-node 512 MiB machine running 'steps' (a JSON array).
inline std::string twoNodeScenario(const std::string& steps, std::uint64_t seed = 1,
                                   bool pcp = true) {
    return R"({"format": "mmsim-scenario/1", "seed": )" + std::to_string(seed) +
           R"(, "machine": {"cpus": 2, "e820": [
              {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
              {"addr": "0x100000", "size": "511M", "type": "usable"}],
            "numa": {"nodes": [{"id": 0, "ranges": [["0x0", "0xfffffff"]], "cpus": [0]},
                               {"id": 1, "ranges": [["0x10000000", "0x1fffffff"]], "cpus": [1]}]},
            "kernel": {"pcp": )" +
           std::string(pcp ? "true" : "false") + R"(}},
           "boot": "auto", "steps": )" +
           steps + "}";
}

inline std::string workloadSteps(std::uint64_t count, const std::string& policy = "random") {
    return R"([{"op": "label", "name": "start"},
      {"op": "workload", "count": )" +
           std::to_string(count) +
           R"(, "mix": {"alloc_pages": 3, "free_pages": 2},
       "orders": {"0": 16, "1": 4, "2": 2, "3": 2, "5": 1, "9": 1},
       "gfp": {"GFP_KERNEL": 2, "GFP_HIGHUSER_MOVABLE": 3, "GFP_KERNEL | __GFP_RECLAIMABLE": 1},
       "cpus": [0, 1], "free_policy": ")" +
           policy + R"(", "label": "churned"},
      {"op": "drain_all_pages", "label": "drained"}])";
}

// Every view (or why it is missing), the kernel log and the clock's record.
inline std::string everything(const Simulation& sim) {
    std::string out;
    for (const std::string& v : viewNames()) {
        out += "==== " + v + "\n";
        try {
            out += renderView(sim, v);
        } catch (const std::logic_error& e) {
            out += std::string("(") + e.what() + ")\n";
        }
    }
    out += "==== log\n";
    for (const std::string& l : sim.kernelLog())
        out += l + "\n";
    out += "==== steps " + std::to_string(sim.executed()) + " clock " +
           std::to_string(sim.clock().now()) + " records " +
           std::to_string(sim.cycles().steps.size()) + "\n";
    for (const auto& s : sim.cycles().steps)
        out += std::to_string(s.op) + " " + std::to_string(s.start) + " " +
               std::to_string(s.cycles) + "\n";
    const AllocRecord& a = sim.lastAlloc();
    out += "last alloc " + std::to_string(a.valid) + std::to_string(a.ok) + " " +
           std::to_string(a.pfn) + "\n";
    return out;
}

} // namespace mmsim::testing
