// libFuzzer target: the boot-log importer. Whatever it accepts must be a
// scenario the loader accepts too.
#include "core/error.h"
#include "core/import_dmesg.h"
#include "core/scenario.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::string produced;
    try {
        produced = mmsim::importDmesg(text, "fuzz.log").dump();
    } catch (const mmsim::InputError&) {
        return 0;
    }
    try {
        (void)mmsim::loadScenario(produced, "imported.json");
    } catch (const mmsim::InputError&) {
        std::abort(); // the importer wrote a scenario the loader rejects
    }
    return 0;
}
