// Maps JSON pointers to the line and column where their value starts in the
// source text, so that semantic errors (an unknown op, order 11) can name
// file:line:col like syntax errors do. nlohmann/json 3.11 keeps no
// positions, so this walks the (already syntax-checked) text once itself.
#pragma once

#include "core/error.h"

#include <string>
#include <unordered_map>

namespace mmsim {

// RFC 6901 escaping of one reference token: '~' -> "~0", '/' -> "~1".
std::string jsonPointerEscape(const std::string& key);

class JsonLocator {
public:
    JsonLocator() = default;
    // 'text' must be valid JSON (parse it with nlohmann first).
    static JsonLocator build(const std::string& text, const std::string& filename);

    // Position of the value at 'pointer' ("" = the root). A pointer that does
    // not exist resolves to its nearest existing ancestor.
    SourceLoc locate(const std::string& pointer) const;
    // Position of the key of the member at 'pointer' (falls back to locate).
    SourceLoc locateKey(const std::string& pointer) const;

    // Line/column (1-based) of a byte offset.
    static SourceLoc offsetToLoc(const std::string& text, std::size_t offset,
                                 const std::string& filename);

private:
    std::string file_;
    std::unordered_map<std::string, std::pair<int, int>> values_;
    std::unordered_map<std::string, std::pair<int, int>> keys_;
};

} // namespace mmsim
