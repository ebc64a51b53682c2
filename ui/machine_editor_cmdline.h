// The options of a kernel command line the machine editor shows as fields
// of their own (movablecore=, kernelcore=, mem=, memmap=): read them from
// the line and write them back into it, leaving every other word as it is.
// No Qt; the line is split at spaces (the kernel's quoting is not needed
// for these options).
#pragma once

#include <string>
#include <vector>

namespace mmsim::ui {

// The values of every "key=value" word, in order ("memmap" may repeat).
std::vector<std::string> cmdlineValues(const std::string& cmdline, const std::string& key);
// The line with the key's words replaced by one word per value, where the
// first of them was (else at the end); no values removes them.
std::string setCmdlineValues(const std::string& cmdline, const std::string& key,
                             const std::vector<std::string>& values);
// Splits a field's text at spaces.
std::vector<std::string> splitWords(const std::string& text);

} // namespace mmsim::ui
