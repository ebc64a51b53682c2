// Predictions: a lesson stops and asks the student a question with choices
// ("which free list serves the next allocation?", "which zone?", "which
// node?"). The simulation itself computes the right answer when the step
// runs, by dry-running what follows on a copy of the state and reading the
// outcome, so a lesson can never carry a wrong answer: a predict step whose
// choices do not contain the computed answer, or whose author's answer
// disagrees with it, is recorded as a failed expectation (`mmsim-cli check`
// catches it).
//
// Two kinds of question:
//  - "about": one of predictAboutKinds(): next_alloc_order_list (the order of
//    the free list the next allocation is served from, or "pcp" for a
//    per-CPU list), next_alloc_zone (its zone name), next_alloc_node (its
//    node id), next_alloc_result ("ok" or "fail"). The steps up to and
//    including the next allocation are dry-run.
//  - "value": a named number (expect.h) such as {"name": "nr_free", "zone":
//    "Normal", "order": 3}, read after the next step (dry-run), or now with
//    "when": "now".
#pragma once

#include "core/expect.h"

#include <optional>
#include <string>
#include <vector>

namespace mmsim {

const std::vector<std::string_view>& predictAboutKinds();

struct PredictSpec {
    std::string question;
    std::vector<json> choices;
    std::string about;               // one of predictAboutKinds(), or ""
    std::optional<ValueQuery> value; // the generic form
    bool now = false;                // "when": "now" (value form only)
    std::optional<json> answer;      // the author's answer (one of choices)
    std::string explanation;         // shown with the answer
};
// Validates and reads a predict step. Throws SpecError.
PredictSpec parsePredict(const json& step, const std::string& ptr);

// The index of the choice equal to 'value' (numbers and their decimal text
// match, strings case-insensitively), or -1.
int matchChoice(const std::vector<json>& choices, const json& value);

// A question asked at a step, with the answer the simulation computed.
struct Prediction {
    std::size_t step = 0; // the op index of the predict step
    std::string where;    // file:line:col (pointer)
    std::string question;
    std::vector<std::string> choices;
    int correct = -1;   // index into choices; -1: none is right
    std::string answer; // the computed answer as text
    std::string explanation;
    int author_answer = -1; // the scenario's "answer" (index), -1 if none
};

} // namespace mmsim
