// printf-style formatting into std::string, used for every kernel text the
// model prints (the kernel's own format strings are reproduced verbatim).
#pragma once

#include <cstdarg>
#include <cstdint>
#include <string>
#include <vector>

namespace mmsim {

std::string strprintf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string vstrprintf(const char* fmt, va_list ap);

// The kernel's %pa for a phys_addr_t on x86_64: "0x%016llx".
std::string pa(std::uint64_t addr);

// The kernel's "%#0<width>llx": unlike C's printf, the kernel prints the
// 0x prefix for zero too ("0x0000000000000000"). width counts the prefix.
std::string hex0x(std::uint64_t v, int width = 0);

// Split text at '\n' (no empty last element for a trailing newline).
std::vector<std::string> splitLines(const std::string& text);

} // namespace mmsim
