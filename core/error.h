// Errors. Bad input (a scenario, a boot log) is reported as an InputError
// that names the file, line and column and the JSON pointer of the bad value;
// the programs turn it into exit code 2. A simulated allocation failure is
// not an error: it is an ordinary outcome of the model.
#pragma once

#include <stdexcept>
#include <string>

namespace mmsim {

struct SourceLoc {
    std::string file; // as given on the command line ("<memory>" for strings)
    int line = 0;     // 1-based; 0 = unknown
    int col = 0;      // 1-based
};

class InputError : public std::runtime_error {
  public:
    InputError(SourceLoc loc, std::string pointer, std::string message)
        : std::runtime_error(format(loc, pointer, message)), loc_(std::move(loc)),
          pointer_(std::move(pointer)), message_(std::move(message)) {}

    const SourceLoc& loc() const { return loc_; }
    const std::string& pointer() const { return pointer_; }
    const std::string& message() const { return message_; }

    // "file:line:col: error: message (at /json/pointer)"
    static std::string format(const SourceLoc& loc, const std::string& pointer,
                              const std::string& message) {
        // Appended piece by piece: GCC 12 warns (falsely) about the
        // temporaries of "literal" + std::string at -O2.
        std::string s = loc.file.empty() ? std::string("<input>") : loc.file;
        if (loc.line > 0) {
            s += ':';
            s += std::to_string(loc.line);
            s += ':';
            s += std::to_string(loc.col);
        }
        s += ": error: ";
        s += message;
        if (!pointer.empty()) {
            s += " (at ";
            s += pointer;
            s += ')';
        }
        return s;
    }

  private:
    SourceLoc loc_;
    std::string pointer_;
    std::string message_;
};

// An operation that the model refuses at run time (double free, unknown
// reference, ...). The simulation attaches the step's location and rethrows
// it as an InputError; the state is left as it was before the step.
class OpError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

} // namespace mmsim
