// A machine draft to and from scenario JSON (mmsim-scenario/1). No Qt.
//
// Loading goes through core's loadScenario(), so the editor only ever
// starts from a scenario core accepts. Writing produces the machine object
// in a canonical form (addresses and sizes as 0x strings, e820 types by
// name), except that what the user did not change is written exactly as it
// was loaded: every part of the machine (cpus, e820, numa, cmdline, kernel)
// whose canonical form is still the one it had after loading keeps its
// original JSON, and keys the editor does not know (initrd, sysctl, cost,
// kernel.pcp, ...) are kept as they are. So editing one thing changes one
// thing in the file, and saving an editor-made file again changes nothing.
#pragma once

#include "ui/machine_editor_draft.h"

#include <nlohmann/json.hpp>

#include <string>

namespace mmsim::ui {

// What a draft was loaded from.
struct DraftSource {
    std::string path;                      // the scenario file ("" for text or a new machine)
    nlohmann::ordered_json document;       // the scenario as written (null: a new machine)
    nlohmann::ordered_json loaded_machine; // machineJson() of the draft right after loading
    std::size_t steps = 0; // its steps (plus an explicit boot's), for "keep the steps"
    bool explicit_boot = false;

    bool isNew() const { return document.is_null(); }
};

// Loads a scenario's machine. Throws InputError (core's message) when core
// refuses the scenario.
MachineDraft draftFromScenario(const std::string& text, const std::string& filename,
                               DraftSource* source = nullptr);

// The machine object in canonical form; the kernel object keeps the keys of
// 'original_machine' (pcp, thp) it does not set.
nlohmann::ordered_json machineJson(const MachineDraft& d,
                                   const nlohmann::ordered_json* original_machine = nullptr);

// The whole scenario. With a source, its other keys are kept; with
// keep_steps its boot and steps too, otherwise the scenario boots "auto"
// and has no steps.
nlohmann::ordered_json scenarioJson(const MachineDraft& d, const DraftSource* source = nullptr,
                                    bool keep_steps = false);

// As saved: two-space indent and a final newline.
std::string scenarioText(const nlohmann::ordered_json& doc);

} // namespace mmsim::ui
