// Test helper: parses /proc/zoneinfo text into per-zone fields.
#pragma once

#include <map>
#include <sstream>
#include <string>

namespace mmsim::test {

struct ZoneInfo {
    std::map<std::string, std::string> fields; // "min" -> "128", "protection" -> "(0, 991, ...)"
};

// Key: "Node 0 DMA32".
inline std::map<std::string, ZoneInfo> parseZoneinfo(const std::string& text) {
    std::map<std::string, ZoneInfo> out;
    std::istringstream in(text);
    std::string line, cur;
    bool in_pagesets = false;
    while (std::getline(in, line)) {
        if (line.rfind("Node ", 0) == 0) {
            int node = 0;
            char zone[32] = {0};
            if (std::sscanf(line.c_str(), "Node %d, zone %31s", &node, zone) == 2) {
                cur = "Node " + std::to_string(node) + " " + zone;
                out[cur];
                in_pagesets = false;
            }
            continue;
        }
        if (cur.empty()) continue;
        if (line.find("pagesets") != std::string::npos) in_pagesets = true;
        if (in_pagesets && line.find("start_pfn:") == std::string::npos) continue;
        std::istringstream ls(line);
        std::string key;
        ls >> key;
        if (key == "pages") {
            std::string free, val;
            ls >> free >> val;
            out[cur].fields["free"] = val;
        } else if (key == "protection:") {
            out[cur].fields["protection"] = line.substr(line.find('('));
        } else if (key == "start_pfn:") {
            std::string val;
            ls >> val;
            out[cur].fields["start_pfn"] = val;
        } else {
            std::string val;
            ls >> val;
            if (!out[cur].fields.count(key)) out[cur].fields[key] = val;
        }
    }
    return out;
}

} // namespace mmsim::test
