#pragma once
// Checked reading of TOML tables: every key read is recorded so that unknown keys are errors, and
// every error names the file, line, column and full key. Internal to anatomy/ (keeps toml++ out of
// public headers).

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "anatomy/description.hpp"
#include "anatomy/error.hpp"

namespace calfpump::anatomy::detail {

/// Parses a TOML file, turning syntax errors into ConfigError.
toml::table parse_toml_file(const std::string& file);

/// Reads one table; call finish() once all keys have been read to reject unknown ones.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string file, std::string key_path);

  /// A required or defaulted number in [lo, hi].
  double number(std::string_view key, double lo, double hi, std::optional<double> fallback = {});
  /// A required or defaulted integer in [lo, hi].
  long long integer(std::string_view key, long long lo, long long hi,
                    std::optional<long long> fallback = {});
  /// A required or defaulted string.
  std::string string(std::string_view key, std::optional<std::string> fallback = {});
  /// A string that must be one of the choices.
  std::string choice(std::string_view key, const std::vector<std::string>& choices,
                     std::optional<std::string> fallback = {});
  /// An optional boolean.
  bool boolean(std::string_view key, bool fallback);
  /// A required array of 3-vectors.
  std::vector<Point3> points(std::string_view key, double lo, double hi);
  /// A required array of numbers in [lo, hi].
  std::vector<double> numbers(std::string_view key, double lo, double hi);
  /// A required [x, y, z] (a single point or direction) with coordinates in [lo, hi]; `what` names
  /// their unit in messages.
  Point3 point(std::string_view key, double lo, double hi, const char* what = "metres");
  /// An optional array of [a, b] pairs in [lo, hi] with a < b.
  std::vector<std::array<double, 2>> intervals(std::string_view key, double lo, double hi);
  /// A required array of [a, b] pairs of numbers in [lo, hi] (any order).
  std::vector<std::array<double, 2>> intervals_any(std::string_view key, double lo, double hi);
  /// An array of tables (possibly empty when optional).
  std::vector<const toml::table*> tables(std::string_view key, bool required);
  /// A sub-table, or nullptr when absent and not required.
  const toml::table* table(std::string_view key, bool required);
  /// True when the key is present.
  bool has(std::string_view key) const;
  /// Marks a key as known without reading it.
  void accept(std::string_view key) { used_.insert(std::string(key)); }

  /// Throws for the first key that was never read.
  void finish() const;

  /// Throws a ConfigError located at the key (or at the table when the key is absent).
  [[noreturn]] void fail(std::string_view key, const std::string& message) const;
  /// Throws a ConfigError located at a node.
  [[noreturn]] void fail_at(const toml::node& node, std::string_view key,
                            const std::string& message) const;

  /// The full dotted key path of a key of this table.
  std::string path(std::string_view key) const;
  const std::string& file() const { return file_; }
  const toml::table& raw() const { return table_; }

 private:
  const toml::node& require(std::string_view key) const;
  Point3 point_of(const toml::node& n, std::string_view key, double lo, double hi, const char* what) const;
  std::vector<std::array<double, 2>> pairs(std::string_view key, double lo, double hi, bool ordered);

  const toml::table& table_;
  std::string file_;
  std::string key_path_;
  std::set<std::string> used_;
};

}  // namespace calfpump::anatomy::detail
