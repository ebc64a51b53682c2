// Predict steps (see predict.h): validation and choice matching. The dry run
// itself is Simulation::execPredict (it needs a copy of the machine).
#include "core/predict.h"

#include <algorithm>
#include <cctype>

namespace mmsim {

const std::vector<std::string_view>& predictAboutKinds() {
    // Extension point: the slab ops add "next_slab_list" (which of the
    // cache's lists serves the next object) with its dry-run reading.
    static const std::vector<std::string_view> k = {"next_alloc_order_list", "next_alloc_zone",
                                                    "next_alloc_node", "next_alloc_result"};
    return k;
}

namespace {

std::string text(const json& v) {
    std::string s = v.is_string() ? v.get<std::string>() : v.dump();
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

} // namespace

int matchChoice(const std::vector<json>& choices, const json& value) {
    if (value.is_null()) return -1;
    const std::string want = text(value);
    for (std::size_t i = 0; i < choices.size(); ++i)
        if (text(choices[i]) == want) return static_cast<int>(i);
    return -1;
}

PredictSpec parsePredict(const json& step, const std::string& ptr) {
    PredictSpec s;
    s.question = step.at("question").get<std::string>();
    const json& ch = step.at("choices");
    if (!ch.is_array() || ch.size() < 2)
        throw SpecError{ptr + "/choices", "choices must be an array of at least two answers"};
    for (std::size_t i = 0; i < ch.size(); ++i) {
        if (!ch[i].is_string() && !ch[i].is_number_integer())
            throw SpecError{ptr + "/choices/" + std::to_string(i),
                            "a choice must be a string or an integer"};
        if (matchChoice(s.choices, ch[i]) >= 0)
            throw SpecError{ptr + "/choices/" + std::to_string(i),
                            "choice " + ch[i].dump() + " is listed twice"};
        s.choices.push_back(ch[i]);
    }
    const bool about = step.contains("about"), value = step.contains("value");
    if (about == value)
        throw SpecError{ptr, "a predict step has either \"about\" (what the simulation "
                             "computes: next_alloc_order_list, next_alloc_zone, "
                             "next_alloc_node, next_alloc_result) or \"value\" (a named "
                             "number), not " +
                                 std::string(about ? "both" : "neither")};
    if (about) s.about = step["about"].get<std::string>();
    if (value) {
        const json& v = step["value"];
        const std::string p = ptr + "/value";
        if (!v.is_object() || !v.contains("name") || !v["name"].is_string())
            throw SpecError{p, "value must be {\"name\": NAMED_NUMBER, ...its zone/order/"
                               "migratetype/cache}"};
        for (const auto& [k, x] : v.items())
            if (k != "name" && std::find(valueParamKeys().begin(), valueParamKeys().end(), k) ==
                                   valueParamKeys().end())
                throw SpecError{p + "/" + k, "unknown key \"" + k +
                                                 "\" in a value (name, zone, order, "
                                                 "migratetype, cache)"};
        ValueQuery q;
        q.name = v["name"].get<std::string>();
        if (!findNamedValue(q.name))
            throw SpecError{p + "/name", "unknown named number \"" + q.name + "\""};
        parseValueParams(v, p, q);
        s.value = q;
    }
    if (step.contains("when")) {
        if (!value) throw SpecError{ptr + "/when", "\"when\" applies to the \"value\" form only"};
        s.now = step["when"].get<std::string>() == "now";
    }
    if (step.contains("answer")) {
        if (matchChoice(s.choices, step["answer"]) < 0)
            throw SpecError{ptr + "/answer",
                            "the answer " + step["answer"].dump() + " is not one of the choices"};
        s.answer = step["answer"];
    }
    if (step.contains("explanation")) s.explanation = step["explanation"].get<std::string>();
    return s;
}

} // namespace mmsim
