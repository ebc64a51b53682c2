// Benchmarks of the boot path (Google Benchmark). Figures go into the issue
// notes; no test asserts on time.
#include "core/import_dmesg.h"
#include "core/scenario.h"
#include "core/simulation.h"
#include "core/strfmt.h"

#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

using namespace mmsim;

namespace {

std::string machine(int nodes, unsigned long long gib_per_node) {
    // Low memory, then nodes of gib_per_node GiB each starting at 4 GiB.
    std::string e820 = R"({"addr": "0x0", "size": "0x9fc00", "type": "usable"},
      {"addr": "0x100000", "size": "0xbff00000", "type": "usable"})";
    std::string nodes_json;
    const unsigned long long node_bytes = gib_per_node << 30;
    e820 += strprintf(R"(, {"addr": "0x100000000", "size": "%#llx", "type": "usable"})",
                      node_bytes * nodes);
    for (int i = 0; i < nodes; ++i) {
        unsigned long long lo = i == 0 ? 0 : (4ull << 30) + node_bytes * i;
        unsigned long long hi = (4ull << 30) + node_bytes * (i + 1) - 1;
        nodes_json += strprintf(R"(%s{"id": %d, "ranges": [["%#llx", "%#llx"]], "cpus": [%d]})",
                                i ? "," : "", i, lo, hi, i);
    }
    return R"({"format": "mmsim-scenario/1", "machine": {"cpus": )" + std::to_string(nodes) +
           R"(, "e820": [)" + e820 + R"(], "numa": {"nodes": [)" + nodes_json + R"(]}}})";
}

void BM_AutoBoot(benchmark::State& state) {
    const std::string text = machine(static_cast<int>(state.range(0)),
                                     static_cast<unsigned long long>(state.range(1)));
    const Scenario sc = loadScenario(text, "bench.json");
    for (auto _ : state) {
        Simulation sim(sc);
        sim.runAll();
        benchmark::DoNotOptimize(sim.state().mm.totalram_pages);
    }
    state.SetLabel(strprintf("%lld nodes x %lld GiB", (long long)state.range(0),
                             (long long)state.range(1)));
}
BENCHMARK(BM_AutoBoot)->Args({2, 1})->Args({2, 32})->Args({8, 128})->Unit(benchmark::kMillisecond);

void BM_ReplayRealBoot(benchmark::State& state) {
    std::ifstream in(MMSIM_FIXTURES "/kernel/qemu-6.12-n2-2G.log", std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const Scenario sc = loadScenario(importDmesg(ss.str(), "qemu.log").dump(), "imported.json");
    for (auto _ : state) {
        Simulation sim(sc);
        sim.runAll();
        benchmark::DoNotOptimize(sim.kernelLog().size());
    }
}
BENCHMARK(BM_ReplayRealBoot)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
