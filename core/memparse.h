// memparse(): "64M", "0x9fc00", "2G", "010" (octal, as in the kernel).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mmsim {

extern const std::string_view kSizeSyntax; // what a size may look like

struct ParsedSize {
    std::optional<std::uint64_t> value;
    std::string why; // when !value: what is wrong, for "... does not parse: WHY"
};

// Parses a size at the start of s; 'end' receives the index after it. The
// rest of s is left to the caller (memmap=64M$0x1000 goes on after "64M").
ParsedSize memparsePrefix(const std::string& s, std::size_t& end);
// The whole of s must be a size.
ParsedSize memparseDetailed(const std::string& s);

} // namespace mmsim
