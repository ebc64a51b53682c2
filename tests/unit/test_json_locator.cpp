// JsonLocator: JSON pointer -> line:col of values and keys.
#include "core/json_locator.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>

using namespace mmsim;

namespace {

std::pair<int, int> at(const SourceLoc& l) {
    return {l.line, l.col};
}

// Byte offset of a 1-based (line, col) where col counts UTF-8 code points.
std::size_t offsetOf(const std::string& text, int line, int col) {
    std::size_t i = 0;
    for (int l = 1; l < line; ++l)
        i = text.find('\n', i) + 1;
    for (int c = 1; c < col; ++c) {
        ++i;
        while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80)
            ++i;
    }
    return i;
}

} // namespace

TEST(JsonLocator, RootAndNestedValues) {
    const std::string text = "{\n"
                             "  \"a\": 1,\n"
                             "  \"b\": {\"c\": [10, 20, {\"d\": null}]},\n"
                             "  \"e\": \"x\"\n"
                             "}\n";
    JsonLocator loc = JsonLocator::build(text, "t.json");
    EXPECT_EQ(at(loc.locate("")), std::make_pair(1, 1));
    EXPECT_EQ(at(loc.locate("/a")), std::make_pair(2, 8));
    EXPECT_EQ(at(loc.locate("/b")), std::make_pair(3, 8));
    EXPECT_EQ(at(loc.locate("/b/c")), std::make_pair(3, 14));
    EXPECT_EQ(at(loc.locate("/b/c/0")), std::make_pair(3, 15));
    EXPECT_EQ(at(loc.locate("/b/c/1")), std::make_pair(3, 19));
    EXPECT_EQ(at(loc.locate("/b/c/2")), std::make_pair(3, 23));
    EXPECT_EQ(at(loc.locate("/b/c/2/d")), std::make_pair(3, 29));
    EXPECT_EQ(at(loc.locate("/e")), std::make_pair(4, 8));
    EXPECT_EQ(loc.locate("/e").file, "t.json");
}

TEST(JsonLocator, KeyPositions) {
    const std::string text = "{\"machine\": {\n    \"cpus\": 2}}";
    JsonLocator loc = JsonLocator::build(text, "k.json");
    EXPECT_EQ(at(loc.locateKey("/machine")), std::make_pair(1, 2));
    EXPECT_EQ(at(loc.locateKey("/machine/cpus")), std::make_pair(2, 5));
    EXPECT_EQ(at(loc.locate("/machine/cpus")), std::make_pair(2, 13));
    // Array elements have no key: locateKey falls back to the value.
    const std::string arr = "[1,\n 2]";
    JsonLocator la = JsonLocator::build(arr, "a.json");
    EXPECT_EQ(at(la.locateKey("/1")), std::make_pair(2, 2));
}

TEST(JsonLocator, MissingPointerFallsBackToNearestAncestor) {
    const std::string text = "{\"a\": {\"b\": [1, 2]}}";
    JsonLocator loc = JsonLocator::build(text, "f.json");
    EXPECT_EQ(at(loc.locate("/a/b/7")), at(loc.locate("/a/b")));
    EXPECT_EQ(at(loc.locate("/a/zz/yy")), at(loc.locate("/a")));
    EXPECT_EQ(at(loc.locate("/nope")), std::make_pair(1, 1));
    EXPECT_EQ(at(loc.locateKey("/a/zz")), at(loc.locate("/a")));
}

TEST(JsonLocator, EmptyLocatorKnowsNothing) {
    JsonLocator loc;
    EXPECT_EQ(loc.locate("/x").line, 0);
    EXPECT_EQ(loc.locate("").line, 0);
}

TEST(JsonLocator, Rfc6901Escaping) {
    const std::string text = "{\"a/b\": 1, \"m~n\": 2, \"~/\": {\"\": 3}}";
    JsonLocator loc = JsonLocator::build(text, "e.json");
    EXPECT_EQ(at(loc.locate("/a~1b")), std::make_pair(1, 9));
    EXPECT_EQ(at(loc.locate("/m~0n")), std::make_pair(1, 19));
    EXPECT_EQ(at(loc.locate("/~0~1")), std::make_pair(1, 28));
    EXPECT_EQ(at(loc.locate("/~0~1/")), std::make_pair(1, 33)); // the empty key
    EXPECT_EQ(at(loc.locateKey("/~0~1/")), std::make_pair(1, 29));
}

TEST(JsonLocator, EscapedKeysAreDecoded) {
    // "\u00e9" is é; "\ud83d\ude00" a surrogate pair (U+1F600); "\"" a quote.
    const std::string text = R"({"\u00e9": 1, "\ud83d\ude00": 2, "q\"}": 3, "t\t\/": 4})";
    JsonLocator loc = JsonLocator::build(text, "u.json");
    EXPECT_EQ(at(loc.locate("/\xC3\xA9")), std::make_pair(1, 12));
    EXPECT_EQ(at(loc.locate("/\xF0\x9F\x98\x80")), std::make_pair(1, 31));
    EXPECT_EQ(at(loc.locate("/q\"}")), std::make_pair(1, 42));
    EXPECT_EQ(at(loc.locate("/t\t~1")), std::make_pair(1, 54));
}

TEST(JsonLocator, ColumnsCountCodePointsNotBytes) {
    // "é" is 2 bytes, "→" 3 bytes, "😀" 4 bytes: each one column.
    const std::string text = "{\"s\": \"é→😀\", \"n\": 5}";
    JsonLocator loc = JsonLocator::build(text, "c.json");
    EXPECT_EQ(at(loc.locate("/n")), std::make_pair(1, 19));
    EXPECT_EQ(at(JsonLocator::offsetToLoc(text, text.find('5'), "c.json")), std::make_pair(1, 19));
}

TEST(JsonLocator, StringsContainingBracketsAndEscapedQuotes) {
    const std::string text = "{\"a\": \"}]\\\"{[,\", \"b\": [\"]\", \"\\\\\"], \"c\": true}";
    JsonLocator loc = JsonLocator::build(text, "s.json");
    EXPECT_EQ(at(loc.locate("/b")), std::make_pair(1, 23));
    EXPECT_EQ(at(loc.locate("/b/1")), std::make_pair(1, 29));
    EXPECT_EQ(at(loc.locate("/c")), std::make_pair(1, 41));
}

TEST(JsonLocator, WhitespaceTabsCrlfAndBom) {
    const std::string text = "\xEF\xBB\xBF{\r\n\t\"a\" :\t[ ]\r\n, \"b\":{ } }";
    JsonLocator loc = JsonLocator::build(text, "w.json");
    EXPECT_EQ(at(loc.locate("")), std::make_pair(1, 1)); // the BOM takes no column
    EXPECT_EQ(at(loc.locateKey("/a")), std::make_pair(2, 2));
    EXPECT_EQ(at(loc.locate("/a")), std::make_pair(2, 8));
    EXPECT_EQ(at(loc.locate("/b")), std::make_pair(3, 7));
}

TEST(JsonLocator, ScalarRoot) {
    JsonLocator loc = JsonLocator::build("  \n  42 ", "n.json");
    EXPECT_EQ(at(loc.locate("")), std::make_pair(2, 3));
}

TEST(JsonLocator, OffsetToLoc) {
    const std::string text = "ab\ncd\n\nä";
    EXPECT_EQ(at(JsonLocator::offsetToLoc(text, 0, "o")), std::make_pair(1, 1));
    EXPECT_EQ(at(JsonLocator::offsetToLoc(text, 2, "o")), std::make_pair(1, 3));
    EXPECT_EQ(at(JsonLocator::offsetToLoc(text, 3, "o")), std::make_pair(2, 1));
    EXPECT_EQ(at(JsonLocator::offsetToLoc(text, 7, "o")), std::make_pair(4, 1));
    // Past the end: the position just after the last character.
    EXPECT_EQ(at(JsonLocator::offsetToLoc(text, 100, "o")), std::make_pair(4, 2));
    EXPECT_EQ(JsonLocator::offsetToLoc(text, 0, "o").file, "o");
}

// Every value nlohmann sees is found by the locator, and its position is
// where the value's text starts.
TEST(JsonLocator, EveryValueOfADocumentIsLocated) {
    const std::string text = R"({
  "format": "mmsim-scenario/1",
  "title": "Ünïcödé tïtlé",
  "machine": {
    "cpus": 2,
    "e820": [ {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
              {"addr": "0x100000", "size": "255M", "type": "usable"} ],
    "numa": { "nodes": [ {"id": 0, "ranges": [["0x0", "0x7fffffff"]], "cpus": [0]},
                         {"id": 1, "ranges": [["0x80000000", "0xffffffff"]], "cpus": [1]} ],
              "distance": [[10, 20], [20, 10]] },
    "kernel": { "version": "6.12", "slab": "slub", "pcp": true, "thp": false, "x": null },
    "sysctl": {"vm.lowmem_reserve_ratio": [256, 256, 32, 0, 0], "a/b~c": -1.5e3}
  },
  "boot": "auto",
  "steps": []
})";
    auto doc = nlohmann::ordered_json::parse(text);
    JsonLocator loc = JsonLocator::build(text, "all.json");
    int count = 0;
    std::function<void(const nlohmann::ordered_json&, const std::string&)> walk =
        [&](const nlohmann::ordered_json& v, const std::string& ptr) {
            SourceLoc l = loc.locate(ptr);
            ASSERT_GT(l.line, 0) << ptr;
            std::size_t off = offsetOf(text, l.line, l.col);
            std::string first = v.dump().substr(0, 1);
            if (v.is_object()) first = "{";
            if (v.is_array()) first = "[";
            if (v.is_number_float()) first = "-";
            EXPECT_EQ(text.substr(off, 1), first) << ptr;
            ++count;
            if (v.is_object()) {
                for (const auto& [k, c] : v.items()) {
                    std::string token;
                    for (char ch : k)
                        token += ch == '~'   ? std::string("~0")
                                 : ch == '/' ? std::string("~1")
                                             : std::string(1, ch);
                    SourceLoc kl = loc.locateKey(ptr + "/" + token);
                    EXPECT_EQ(text.substr(offsetOf(text, kl.line, kl.col), k.size() + 2),
                              "\"" + k + "\"");
                    walk(c, ptr + "/" + token);
                }
            } else if (v.is_array()) {
                for (std::size_t i = 0; i < v.size(); ++i)
                    walk(v[i], ptr + "/" + std::to_string(i));
            }
        };
    walk(doc, "");
    EXPECT_GT(count, 50);
    // The pointer of the float with an escaped key: "/machine/sysctl/a~1b~0c".
    EXPECT_EQ(at(loc.locate("/machine/sysctl/a~1b~0c")).first, 12);
}
