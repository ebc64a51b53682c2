// JsonLocator: one pass over syntactically valid JSON text that records where
// every value (and every object key) starts, keyed by its RFC 6901 pointer.
// Lines and columns are 1-based; a column counts characters (UTF-8 code
// points), not bytes, so that "ä" or "→" earlier on a line does not shift
// the caret an editor shows.
#include "core/json_locator.h"

#include <cstdint>

namespace mmsim {

namespace {

bool isContinuation(unsigned char c) {
    return (c & 0xC0) == 0x80;
}


void appendUtf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// The walker. The text has been accepted by nlohmann already, so it only
// guards against running off the end instead of diagnosing anything.
class Walker {
  public:
    using Map = std::unordered_map<std::string, std::pair<int, int>>;

    Walker(const std::string& text, Map& values, Map& keys)
        : t_(text), values_(values), keys_(keys) {
        // nlohmann skips a UTF-8 byte order mark; so do we (it has no column).
        if (t_.compare(0, 3, "\xEF\xBB\xBF") == 0) i_ = 3;
    }

    void run() { value(""); }

  private:
    const std::string& t_;
    Map& values_;
    Map& keys_;
    std::size_t i_ = 0;
    int line_ = 1;
    int col_ = 1;

    bool atEnd() const { return i_ >= t_.size(); }
    char peek() const { return atEnd() ? '\0' : t_[i_]; }

    void advance() {
        if (atEnd()) return;
        unsigned char c = static_cast<unsigned char>(t_[i_++]);
        if (c == '\n') {
            ++line_;
            col_ = 1;
        } else if (!isContinuation(c)) {
            // The column of the next byte grows once per code point: a
            // continuation byte belongs to the character already counted.
            ++col_;
        }
    }

    void skipWs() {
        while (!atEnd()) {
            char c = t_[i_];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
                advance();
            else
                break;
        }
    }

    std::pair<int, int> pos() const { return {line_, col_}; }

    void value(const std::string& ptr) {
        skipWs();
        values_[ptr] = pos();
        switch (peek()) {
        case '{':
            object(ptr);
            break;
        case '[':
            array(ptr);
            break;
        case '"':
            readString();
            break;
        default:
            // number, true, false, null
            while (!atEnd()) {
                char c = t_[i_];
                if (c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\n' ||
                    c == '\r')
                    break;
                advance();
            }
            break;
        }
    }

    void object(const std::string& ptr) {
        advance(); // '{'
        skipWs();
        if (peek() == '}') {
            advance();
            return;
        }
        while (!atEnd()) {
            skipWs();
            auto keyPos = pos();
            std::string child = ptr + "/" + jsonPointerEscape(readString());
            keys_[child] = keyPos;
            skipWs();
            if (peek() == ':') advance();
            value(child);
            skipWs();
            char c = peek();
            advance();
            if (c != ',') break; // '}' (or the end)
        }
    }

    void array(const std::string& ptr) {
        advance(); // '['
        skipWs();
        if (peek() == ']') {
            advance();
            return;
        }
        for (std::size_t index = 0; !atEnd(); ++index) {
            value(ptr + "/" + std::to_string(index));
            skipWs();
            char c = peek();
            advance();
            if (c != ',') break; // ']' (or the end)
        }
    }

    unsigned hex4() {
        unsigned v = 0;
        for (int k = 0; k < 4 && !atEnd(); ++k) {
            char c = t_[i_];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= static_cast<unsigned>(c - 'A' + 10);
            advance();
        }
        return v;
    }

    // Reads a string literal starting at '"' and returns its decoded text.
    std::string readString() {
        std::string out;
        if (peek() != '"') return out;
        advance();
        while (!atEnd()) {
            char c = t_[i_];
            if (c == '"') {
                advance();
                break;
            }
            if (c != '\\') {
                out += c;
                advance();
                continue;
            }
            advance(); // '\\'
            char e = peek();
            advance();
            switch (e) {
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'u': {
                std::uint32_t cp = hex4();
                if (cp >= 0xD800 && cp < 0xDC00 && peek() == '\\' && i_ + 1 < t_.size() &&
                    t_[i_ + 1] == 'u') {
                    advance();
                    advance();
                    std::uint32_t lo = hex4();
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                }
                appendUtf8(out, cp);
                break;
            }
            default: // '"', '\\', '/'
                out += e;
                break;
            }
        }
        return out;
    }
};

} // namespace

JsonLocator JsonLocator::build(const std::string& text, const std::string& filename) {
    JsonLocator loc;
    loc.file_ = filename;
    Walker(text, loc.values_, loc.keys_).run();
    return loc;
}

SourceLoc JsonLocator::locate(const std::string& pointer) const {
    std::string p = pointer;
    for (;;) {
        auto it = values_.find(p);
        if (it != values_.end()) return SourceLoc{file_, it->second.first, it->second.second};
        if (p.empty()) break;
        auto slash = p.rfind('/');
        p = slash == std::string::npos ? std::string() : p.substr(0, slash);
    }
    return SourceLoc{file_, 0, 0};
}

SourceLoc JsonLocator::locateKey(const std::string& pointer) const {
    auto it = keys_.find(pointer);
    if (it != keys_.end()) return SourceLoc{file_, it->second.first, it->second.second};
    return locate(pointer);
}

SourceLoc JsonLocator::offsetToLoc(const std::string& text, std::size_t offset,
                                   const std::string& filename) {
    int line = 1;
    int col = 1;
    std::size_t start = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    std::size_t end = offset < text.size() ? offset : text.size();
    for (std::size_t i = start; i < end; ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++line;
            col = 1;
        } else if (!isContinuation(c)) {
            ++col;
        }
    }
    return SourceLoc{filename, line, col};
}

std::string jsonPointerEscape(const std::string& key) {
    std::string out;
    out.reserve(key.size());
    for (char c : key) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

} // namespace mmsim
