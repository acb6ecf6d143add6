// Reference-result regression (in the style of svZeroDSolver's stored results): every built-in
// scenario's protocol figures against tests/reference/protocols.csv, each quantity with its own
// tolerance, so that an unintended change of a few percent fails. After an intended change,
// regenerate the file with `calfpump calibrate --reference-csv tests/reference/protocols.csv` and
// say why in the commit.

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "anatomy/calibration.hpp"

using namespace calfpump::anatomy;

namespace {

using Results = std::map<std::string, std::map<std::string, double>>;

Results read_reference() {
  const auto file = std::filesystem::path(__FILE__).parent_path().parent_path() / "reference" / "protocols.csv";
  std::ifstream in(file);
  REQUIRE(in.good());
  Results r;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("scenario,", 0) == 0) continue;
    std::stringstream ss(line);
    std::string sc, q, v;
    std::getline(ss, sc, ',');
    std::getline(ss, q, ',');
    std::getline(ss, v, ',');
    r[sc][q] = std::stod(v);
  }
  return r;
}

bool ends_with(const std::string& s, const char* suffix) { return s.ends_with(suffix); }

// the tolerance of a quantity, by its unit
double tolerance(const std::string& q, double ref) {
  const double a = std::abs(ref);
  if (ends_with(q, "newton_unconverged")) return 0.0;
  if (ends_with(q, "_mmHg")) return std::max(0.3, 0.01 * a);
  if (ends_with(q, "_percent")) return 0.5;
  if (ends_with(q, "_ml_s")) return std::max(0.02, 0.02 * a);
  if (ends_with(q, "_ml")) return std::max(0.2, 0.01 * a);
  if (ends_with(q, "_s")) return std::max(0.1, 0.02 * a);
  return 0.01 * a;
}

}  // namespace

TEST_CASE("every built-in scenario's protocols reproduce the stored reference results", "[reference][protocols]") {
  const Results ref = read_reference();
  const Results now = reference_results(load_leg_description(default_leg_file()));
  // the same scenarios and quantities
  REQUIRE(ref.size() == now.size());
  for (const auto& [sc, qs] : now) {
    INFO(sc);
    REQUIRE(ref.count(sc) == 1);
    CHECK(ref.at(sc).size() == qs.size());
    for (const auto& [q, v] : qs) {
      INFO(q);
      REQUIRE(ref.at(sc).count(q) == 1);
      const double r = ref.at(sc).at(q);
      INFO("model " << v << ", reference " << r << ", tolerance " << tolerance(q, r));
      CHECK(std::abs(v - r) <= tolerance(q, r));
    }
  }
}
