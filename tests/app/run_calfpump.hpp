#pragma once
// Running the calfpump program from a test: its exit code and what it printed (stdout and stderr
// together). Shared by the tests that drive the command line.

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace calfpump::test {

struct Result {
  int code = -1;
  std::string out;  // stdout and stderr together
};

/// Runs `calfpump ARGS` with `environment` ("NAME=value ...", or empty) before it.
inline Result run_calfpump(const std::string& args, const std::string& environment = "") {
  Result r;
  const std::string cmd = environment + " " + std::string(CALFPUMP_EXE) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) r.out.append(buf, n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace calfpump::test
