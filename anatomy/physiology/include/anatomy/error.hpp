#pragma once
// Errors raised at load time (bad files) and by a diverging simulation step.

#include <stdexcept>
#include <string>

namespace calfpump::anatomy {

/// A bad description or scenario file: names the file, line, column and key, and what was expected.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string file, int line, int column, std::string key, std::string message);

  const std::string& file() const { return file_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& key() const { return key_; }
  /// The message without the location prefix.
  const std::string& detail() const { return detail_; }

 private:
  std::string file_;
  int line_;
  int column_;
  std::string key_;
  std::string detail_;
};

/// A simulation step that diverged (non-finite or non-physical values); carries the offending state.
class SimulationError : public std::runtime_error {
 public:
  explicit SimulationError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace calfpump::anatomy
