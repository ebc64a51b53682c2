#include "ui/machine_editor_cmdline.h"

namespace mmsim::ui {

std::vector<std::string> splitWords(const std::string& text) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\n') {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

std::vector<std::string> cmdlineValues(const std::string& cmdline, const std::string& key) {
    std::vector<std::string> out;
    const std::string prefix = key + "=";
    for (const std::string& w : splitWords(cmdline))
        if (w.rfind(prefix, 0) == 0) out.push_back(w.substr(prefix.size()));
    return out;
}

std::string setCmdlineValues(const std::string& cmdline, const std::string& key,
                             const std::vector<std::string>& values) {
    const std::string prefix = key + "=";
    std::vector<std::string> words;
    bool placed = false;
    auto place = [&] {
        for (const std::string& v : values)
            words.push_back(prefix + v);
        placed = true;
    };
    for (const std::string& w : splitWords(cmdline)) {
        if (w.rfind(prefix, 0) == 0) {
            if (!placed) place();
            continue;
        }
        words.push_back(w);
    }
    if (!placed) place();
    std::string out;
    for (const std::string& w : words) {
        if (!out.empty()) out += ' ';
        out += w;
    }
    return out;
}

} // namespace mmsim::ui
