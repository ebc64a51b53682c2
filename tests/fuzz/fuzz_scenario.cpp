// libFuzzer target: the scenario loader, and a run of what it accepts when
// the machine is small enough to boot quickly. Any crash, hang or sanitizer
// report is a bug; bad input must end in InputError.
#include "core/error.h"
#include "core/scenario.h"
#include "core/simulation.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        mmsim::Scenario sc = mmsim::loadScenario(text, "fuzz.json");
        std::uint64_t ram = 0;
        for (const auto& e : sc.machine.e820) ram += e.size;
        if (ram > (16ull << 30) || sc.boot.size() + sc.steps.size() > 256) return 0;
        mmsim::Simulation sim(std::move(sc));
        while (!sim.done()) {
            try {
                sim.step();
            } catch (const mmsim::InputError&) {
                break;
            }
        }
    } catch (const mmsim::InputError&) {
    }
    return 0;
}
