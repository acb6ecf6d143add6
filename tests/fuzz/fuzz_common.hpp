#pragma once
// Shared by the fuzz targets: the readers take file paths, so each input is written to a file in a
// temporary folder of this process ($TMPDIR or /tmp, removed at exit); inputs above a size cap are
// skipped so that the fuzzers stay fast. The readers' documented error, ConfigError, is a normal
// outcome; anything else (another exception, a crash, a sanitizer report, a hang) is a finding.

#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "anatomy/description.hpp"
#include "anatomy/error.hpp"

namespace calfpump::fuzz {

namespace fs = std::filesystem;

/// Inputs larger than this are skipped.
inline constexpr std::size_t kMaxInputBytes = 1u << 20;

/// A folder of this process's own, removed when the process exits normally.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/calfpump-fuzz-XXXXXX";
    if (!mkdtemp(tmpl.data())) {
      std::perror("calfpump fuzz: mkdtemp");
      std::abort();
    }
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }

  /// Writes bytes to NAME in the folder (replacing it) and returns its path.
  fs::path write(const std::string& name, const void* data, std::size_t size) const {
    fs::path file = path_ / name;
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    out.close();
    if (!out) {
      std::perror("calfpump fuzz: cannot write the input file");
      std::abort();
    }
    return file;
  }
  fs::path write(const std::string& name, std::string_view text) const { return write(name, text.data(), text.size()); }

 private:
  fs::path path_;
};

/// The process's temporary folder.
inline TempDir& temp_dir() {
  static TempDir dir;
  return dir;
}

/// The leg description of the data folder, loaded once.
inline const anatomy::LegDescription& default_leg() {
  static const anatomy::LegDescription leg = anatomy::load_leg_description(fs::path(CALFPUMP_FUZZ_DATA_DIR) / "anatomy" / "leg.toml");
  return leg;
}

/// Called with each ConfigError: prints it when CALFPUMP_FUZZ_VERBOSE is set (to check what a
/// seed reaches: `CALFPUMP_FUZZ_VERBOSE=1 build/fuzz/fuzz_scenario tests/fuzz/corpus/scenario/*`).
inline void refused(const anatomy::ConfigError& e) {
  static const bool verbose = std::getenv("CALFPUMP_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "refused: %s\n", e.what());
}

/// A broken promise of a reader that returned normally: reported as a crash with its reason.
[[noreturn]] inline void broken(const char* what) {
  std::fprintf(stderr, "calfpump fuzz: reader returned invalid data: %s\n", what);
  std::abort();
}

}  // namespace calfpump::fuzz
