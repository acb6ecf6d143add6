#include "toml_reader.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace calfpump::anatomy {

ConfigError::ConfigError(std::string file, int line, int column, std::string key,
                         std::string message)
    : std::runtime_error(
          line > 0 ? fmt::format("{}:{}:{}: {}{}", file, line, column,
                                 key.empty() ? "" : fmt::format("key '{}': ", key), message)
                   : fmt::format("{}: {}{}", file, key.empty() ? "" : fmt::format("key '{}': ", key),
                                 message)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      key_(std::move(key)),
      detail_(std::move(message)) {}

namespace detail {

namespace {

const char* type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    default: return "a date or time";
  }
}

// a number node, or nullopt
std::optional<double> number_of(const toml::node& c) {
  if (auto f = c.as_floating_point()) return f->get();
  if (auto i = c.as_integer()) return static_cast<double>(i->get());
  return std::nullopt;
}

// Guards toml++ 3.3 (Debian 12's), whose parser reaches __builtin_unreachable (undefined
// behaviour) when it asks whether some non-ASCII characters are whitespace: those in U+00A1..U+0499
// and U+2C6E..U+3067 (e acute, the degree sign, Greek, Cyrillic, ...). It asks for every character
// outside strings and comments, and in a multi-line basic string for the character after a
// backslash or after a line-ending backslash's whitespace (marzer/tomlplusplus#190 and #295; found
// by tests/fuzz). TOML allows only ASCII outside strings and comments, so such files are refused
// here, before toml++ reads them, as toml++ would have refused them; the one valid form refused is
// a multi-line string whose line-ending backslash is followed by a non-ASCII character.
void check_toml_text(const std::string& file, std::string_view text) {
  std::size_t i = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;  // a UTF-8 byte order mark, which toml++ skips
  int line = 1, column = 1;
  auto at = [&](std::size_t k) { return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0u; };
  auto advance = [&] {  // one byte; columns count characters, as toml++'s do
    const unsigned c = at(0);
    ++i;
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((c & 0xC0u) != 0x80u) {
      ++column;
    }
  };
  auto refuse = [&](const char* message) { throw ConfigError(file, line, column, "", message); };
  enum class In { Code, Comment, Basic, Literal, MultiBasic, MultiLiteral } in = In::Code;
  // Where a quote opens a string: at the start of a key or a value. toml++ reads a bare key or a
  // value that is not a string, array or inline table (a number, date, boolean or junk) on to a
  // terminator (space, newline, ']', '}', ',', '#'; '=' or '.' ending a key), quotes included, and
  // asks about every character it reads.
  bool value = false;  // a value comes next (else a key)
  bool run = false;    // inside a bare key or such a value (or just after a string, array or table)
  std::string open;    // unclosed '[' (arrays), 'h' (table headers), '{' (inline tables)
  while (i < text.size()) {
    const unsigned c = at(0);
    switch (in) {
      case In::Code:
        if (c >= 0x80u) refuse("TOML syntax error: a non-ASCII character outside a string or comment");
        if (c == '\n') {
          run = false;
          while (!open.empty() && open.back() == 'h') open.pop_back();
          value = !open.empty() && open.back() == '[';
        } else if (c == ' ' || c == '\t' || c == '\r') {
          run = false;
        } else if (run && c != ']' && c != '}' && c != ',' && c != '#' && (value || (c != '=' && c != '.'))) {
          // still inside the bare key or value
        } else if (c == '"' || c == '\'') {
          const bool multi = at(1) == c && at(2) == c;
          in = c == '"' ? (multi ? In::MultiBasic : In::Basic) : (multi ? In::MultiLiteral : In::Literal);
          if (multi) {
            advance();
            advance();
          }
        } else if (c == '#') {
          in = In::Comment;
        } else if (c == '=' && !value) {
          value = true;
          run = false;
        } else if (c == '.' && !value) {
          run = false;
        } else if (c == '[') {
          open += value ? '[' : 'h';
          run = false;
        } else if (c == '{' && value) {
          open += '{';
          value = false;
          run = false;
        } else if (c == ']' || c == '}') {
          value = open.empty() || open.back() != 'h';
          if (!open.empty()) open.pop_back();
          run = true;
        } else if (c == ',') {
          value = open.empty() || open.back() != '{';
          run = false;
        } else {
          run = true;
        }
        advance();
        break;
      case In::Comment:
        if (c == '\n') {
          in = In::Code;  // the newline is code's
          break;
        }
        advance();
        break;
      case In::Basic:
      case In::Literal: {
        if (c == '\n') {  // an unclosed string (an error toml++ reports); the newline is code's
          in = In::Code;
          break;
        }
        const unsigned end = static_cast<unsigned char>(in == In::Basic ? '"' : '\'');
        if (c == end) {
          in = In::Code;
          run = true;
        } else if (in == In::Basic && c == '\\' && at(1) != '\n') {
          advance();  // skips the escaped character
        }
        advance();
        break;
      }
      case In::MultiBasic:
      case In::MultiLiteral: {
        const unsigned quote = static_cast<unsigned char>(in == In::MultiBasic ? '"' : '\'');
        if (c == quote && at(1) == quote && at(2) == quote) {
          for (int k = 0; k < 3; ++k) advance();
          for (int extra = 0; extra < 2 && at(0) == quote; ++extra) advance();  // """a""""" ends with two quotes
          in = In::Code;
          run = true;
          break;
        }
        advance();
        if (in == In::MultiBasic && c == '\\') {
          bool skipped = false;
          for (unsigned w = at(0); i < text.size() && (w == ' ' || w == '\t' || w == '\r' || w == '\n'); w = at(0)) {
            advance();
            skipped = true;
          }
          if (at(0) >= 0x80u)
            refuse("a multi-line string goes on after a backslash with a non-ASCII character, which this TOML reader "
                   "misreads; start the continued line with an ASCII character or drop the line-ending backslash");
          if (!skipped && i < text.size()) advance();  // the escaped character, e.g. a quote or a backslash
        }
        break;
      }
    }
  }
}

}  // namespace

toml::table parse_toml_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError(file, 0, 0, "", "cannot open the file for reading");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  check_toml_text(file, text);
  try {
    return toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw ConfigError(file, static_cast<int>(b.line), static_cast<int>(b.column), "",
                      fmt::format("TOML syntax error: {}", e.description()));
  }
}

TableReader::TableReader(const toml::table& table, std::string file, std::string key_path)
    : table_(table), file_(std::move(file)), key_path_(std::move(key_path)) {}

std::string TableReader::path(std::string_view key) const {
  return key_path_.empty() ? std::string(key) : key_path_ + "." + std::string(key);
}

bool TableReader::has(std::string_view key) const { return table_.contains(key); }

void TableReader::fail(std::string_view key, const std::string& message) const {
  if (const toml::node* n = table_.get(key)) fail_at(*n, key, message);
  const auto& b = table_.source().begin;
  throw ConfigError(file_, static_cast<int>(b.line), static_cast<int>(b.column), path(key),
                    message);
}

void TableReader::fail_at(const toml::node& node, std::string_view key,
                          const std::string& message) const {
  const auto& b = node.source().begin;
  throw ConfigError(file_, static_cast<int>(b.line), static_cast<int>(b.column), path(key),
                    message);
}

const toml::node& TableReader::require(std::string_view key) const {
  const toml::node* n = table_.get(key);
  if (!n) fail(key, "missing; this key is required");
  return *n;
}

double TableReader::number(std::string_view key, double lo, double hi,
                           std::optional<double> fallback) {
  used_.insert(std::string(key));
  if (!has(key) && fallback) return *fallback;
  const toml::node& n = require(key);
  double v = 0;
  if (auto f = n.as_floating_point()) {
    v = f->get();
  } else if (auto i = n.as_integer()) {
    v = static_cast<double>(i->get());
  } else {
    fail_at(n, key, fmt::format("expected a number, found {}", type_name(n)));
  }
  if (!std::isfinite(v)) fail_at(n, key, "expected a finite number");
  if (v < lo || v > hi)
    fail_at(n, key, fmt::format("value {} is out of range; expected a number in [{}, {}]", v, lo, hi));
  return v;
}

long long TableReader::integer(std::string_view key, long long lo, long long hi,
                               std::optional<long long> fallback) {
  used_.insert(std::string(key));
  if (!has(key) && fallback) return *fallback;
  const toml::node& n = require(key);
  auto i = n.as_integer();
  if (!i) fail_at(n, key, fmt::format("expected an integer, found {}", type_name(n)));
  long long v = i->get();
  if (v < lo || v > hi)
    fail_at(n, key, fmt::format("value {} is out of range; expected an integer in [{}, {}]", v, lo, hi));
  return v;
}

std::string TableReader::string(std::string_view key, std::optional<std::string> fallback) {
  used_.insert(std::string(key));
  if (!has(key) && fallback) return *fallback;
  const toml::node& n = require(key);
  auto s = n.as_string();
  if (!s) fail_at(n, key, fmt::format("expected a string, found {}", type_name(n)));
  return s->get();
}

std::string TableReader::choice(std::string_view key, const std::vector<std::string>& choices,
                                std::optional<std::string> fallback) {
  std::string v = string(key, std::move(fallback));
  for (const auto& c : choices)
    if (c == v) return v;
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "" : ", ") + ("'" + c + "'");
  if (const toml::node* n = table_.get(key))
    fail_at(*n, key, fmt::format("unknown value '{}'; expected one of {}", v, list));
  fail(key, fmt::format("unknown value '{}'; expected one of {}", v, list));
}

bool TableReader::boolean(std::string_view key, bool fallback) {
  used_.insert(std::string(key));
  if (!has(key)) return fallback;
  const toml::node& n = require(key);
  auto b = n.as_boolean();
  if (!b) fail_at(n, key, fmt::format("expected true or false, found {}", type_name(n)));
  return b->get();
}

// one [x, y, z] of numbers in [lo, hi]; `what` names the unit in messages
Point3 TableReader::point_of(const toml::node& n, std::string_view key, double lo, double hi, const char* what) const {
  auto p = n.as_array();
  if (!p || p->size() != 3) fail_at(n, key, fmt::format("expected a point [x, y, z] of three numbers ({})", what));
  Point3 q{};
  for (std::size_t k = 0; k < 3; ++k) {
    const toml::node& c = (*p)[k];
    const auto v = number_of(c);
    if (!v) fail_at(c, key, "expected a number in a point [x, y, z]");
    q[k] = *v;
    if (!std::isfinite(q[k]) || q[k] < lo || q[k] > hi)
      fail_at(c, key, fmt::format("coordinate {} is out of range; expected {} in [{}, {}]", q[k], what, lo, hi));
  }
  return q;
}

std::vector<Point3> TableReader::points(std::string_view key, double lo, double hi) {
  used_.insert(std::string(key));
  const toml::node& n = require(key);
  auto arr = n.as_array();
  if (!arr) fail_at(n, key, fmt::format("expected an array of [x, y, z] points, found {}", type_name(n)));
  std::vector<Point3> out;
  for (const toml::node& e : *arr) out.push_back(point_of(e, key, lo, hi, "metres"));
  return out;
}

std::vector<double> TableReader::numbers(std::string_view key, double lo, double hi) {
  used_.insert(std::string(key));
  const toml::node& n = require(key);
  auto arr = n.as_array();
  if (!arr) fail_at(n, key, fmt::format("expected an array of numbers, found {}", type_name(n)));
  std::vector<double> out;
  for (const toml::node& e : *arr) {
    const auto v = number_of(e);
    if (!v) fail_at(e, key, "expected a number");
    if (!std::isfinite(*v) || *v < lo || *v > hi) fail_at(e, key, fmt::format("{} is out of range; expected [{}, {}]", *v, lo, hi));
    out.push_back(*v);
  }
  return out;
}

Point3 TableReader::point(std::string_view key, double lo, double hi, const char* what) {
  used_.insert(std::string(key));
  return point_of(require(key), key, lo, hi, what);
}

std::vector<std::array<double, 2>> TableReader::pairs(std::string_view key, double lo, double hi, bool ordered) {
  used_.insert(std::string(key));
  std::vector<std::array<double, 2>> out;
  if (!has(key)) return out;
  const toml::node& n = require(key);
  auto arr = n.as_array();
  if (!arr) fail_at(n, key, "expected an array of [a, b] pairs");
  for (const toml::node& e : *arr) {
    auto p = e.as_array();
    if (!p || p->size() != 2) fail_at(e, key, "expected a pair [a, b]");
    std::array<double, 2> w{};
    for (std::size_t k = 0; k < 2; ++k) {
      const toml::node& c = (*p)[k];
      const auto v = number_of(c);
      if (!v) fail_at(c, key, "expected a number in a pair [a, b]");
      if (!std::isfinite(*v) || *v < lo || *v > hi)
        fail_at(c, key, fmt::format("value {} is out of range; expected [{}, {}]", *v, lo, hi));
      w[k] = *v;
    }
    if (ordered && !(w[0] < w[1])) fail_at(e, key, "expected start < end in a pair [start, end]");
    out.push_back(w);
  }
  return out;
}

std::vector<std::array<double, 2>> TableReader::intervals(std::string_view key, double lo, double hi) {
  return pairs(key, lo, hi, true);
}

std::vector<std::array<double, 2>> TableReader::intervals_any(std::string_view key, double lo, double hi) {
  if (!has(key)) fail(key, "missing; this key is required");
  return pairs(key, lo, hi, false);
}

std::vector<const toml::table*> TableReader::tables(std::string_view key, bool required) {
  used_.insert(std::string(key));
  std::vector<const toml::table*> out;
  if (!has(key) && !required) return out;
  const toml::node& n = require(key);
  auto arr = n.as_array();
  if (!arr) fail_at(n, key, fmt::format("expected an array of tables ([[{}]]), found {}", key, type_name(n)));
  for (const toml::node& e : *arr) {
    auto t = e.as_table();
    if (!t) fail_at(e, key, fmt::format("expected a table, found {}", type_name(e)));
    out.push_back(t);
  }
  if (required && out.empty()) fail(key, "expected at least one entry");
  return out;
}

const toml::table* TableReader::table(std::string_view key, bool required) {
  used_.insert(std::string(key));
  if (!has(key) && !required) return nullptr;
  const toml::node& n = require(key);
  auto t = n.as_table();
  if (!t) fail_at(n, key, fmt::format("expected a table, found {}", type_name(n)));
  return t;
}

void TableReader::finish() const {
  for (auto&& [k, v] : table_) {
    std::string key(k.str());
    if (!used_.count(key)) {
      const auto& b = k.source().begin.line ? k.source().begin : v.source().begin;
      throw ConfigError(file_, static_cast<int>(b.line), static_cast<int>(b.column), path(key),
                        "unknown key");
    }
  }
}

}  // namespace detail
}  // namespace calfpump::anatomy
