// Import of a real Linux boot log (dmesg) as a scenario (mmsim-scenario/1)
// that reproduces the machine it was taken on: its e820 map, CPUs, NUMA
// layout, command line and kernel profile, and - when the log was made with
// memblock=debug - an explicit boot replaying every memblock call in order.
// Also the helpers the fidelity tests use to pick the kernel's own lines
// out of a capture. See import_dmesg.cpp for how log lines map to steps.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace mmsim {

// Turns the text of a boot log into a scenario document. 'filename' is used
// in the description and in error messages. The log may carry dmesg
// timestamps or not, may be preceded by console junk (everything before the
// "Linux version" line is skipped) and may be followed by "=====NAME"
// sections (qemu captures: only the part before the first one is read).
// Throws InputError (file:line:col of the offending log line) for input that
// is not a boot log, is truncated or has numbers that do not parse.
nlohmann::ordered_json importDmesg(const std::string& text, const std::string& filename);

// Reads the file and imports it (InputError when it cannot be read).
nlohmann::ordered_json importDmesgFile(const std::string& path);

// The lines free_area_init and build_all_zonelists print ("Zone ranges:"
// through the "On node N, zone Z: ... unavailable ranges" lines, then the
// "Fallback order for Node", "Built N zonelists" and "Policy zone:" lines),
// in log order, timestamps stripped, otherwise byte-exact.
std::vector<std::string> extractBootLines(const std::string& logText);

// Every memblock=debug line (memblock_*: calls, "memblock: ..." messages and
// the MEMBLOCK configuration dumps with their region lines), in log order,
// timestamps stripped, otherwise byte-exact (tabs and trailing spaces kept).
std::vector<std::string> extractMemblockLines(const std::string& logText);

// The "=====NAME" sections of a qemu capture (DMESG, buddyinfo, zoneinfo,
// ...), keyed by NAME, each the text after its marker line up to the next
// marker ("\n"-terminated lines, carriage returns removed). "=====END" ends
// the last section and is not itself returned.
std::map<std::string, std::string> extractProcSections(const std::string& logText);

} // namespace mmsim
