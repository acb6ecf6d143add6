// The model against the published figures of data/published_figures.toml: every figure not listed
// as a known failure falls in its published band; every known failure is printed, and one that
// starts to pass fails the test so that the list is brought up to date. The bands are the table's;
// this file holds none of its own.

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "anatomy/calibration.hpp"

using namespace calfpump::anatomy;

namespace {

const Calibration& calibration() {
  static const Calibration c = [] {
    const LegDescription leg = load_leg_description(default_leg_file());
    return calibrate(leg, load_published_figures(default_published_figures_file()), true);
  }();
  return c;
}

std::string describe(const CalibrationRow& r) {
  return fmt::format("{} / {} ({}): model {:.3g}, published {} ({}; {})", r.published.quantity, r.published.condition,
                     r.scenario, r.model, band_text(r.published), r.published.source, r.published.where);
}

}  // namespace

TEST_CASE("the table of published figures loads and names known quantities and conditions", "[calibration]") {
  const PublishedTable t = load_published_figures(default_published_figures_file());
  CHECK(t.figures.size() >= 25);
  CHECK(t.conditions.size() >= 6);
  for (const auto& f : t.figures) {
    INFO(f.quantity << " line " << f.line);
    CHECK(!f.source.empty());
    CHECK(!f.where.empty());
    if (std::isfinite(f.value)) {  // a published mean or median lies in its own band
      CHECK(f.value >= f.low);
      CHECK(f.value <= f.high);
    }
  }
  // every built-in scenario that stands for a condition exists
  for (const auto& [name, scenario] : t.conditions) CHECK_NOTHROW(resolve_scenario(scenario));
}

TEST_CASE("the model falls in every published band not listed as a known failure", "[calibration][protocols]") {
  const Calibration& c = calibration();
  int checked = 0, in_band = 0;
  for (const auto& r : c.rows) {
    if (!r.published.known_failure.empty()) continue;
    INFO(describe(r));
    CHECK(r.in_band);
    ++checked;
    in_band += r.in_band ? 1 : 0;
  }
  std::cout << fmt::format("calibration: {} of {} published figures (those not listed as known failures) in band\n",
                           in_band, checked);
}

TEST_CASE("known failures are printed, and none of them passes unnoticed", "[calibration][protocols]") {
  const Calibration& c = calibration();
  int known = 0;
  for (const auto& r : c.rows) {
    if (r.published.known_failure.empty()) continue;
    ++known;
    std::cout << "KNOWN FAILURE: " << describe(r) << "\n    reason: " << r.published.known_failure << "\n";
    INFO("listed as a known failure but now in its band, update data/published_figures.toml: " << describe(r));
    CHECK_FALSE(r.in_band);
  }
  std::cout << fmt::format("calibration: {} known failures\n", known);
}

TEST_CASE("the protocols' solver account: Newton iterations converge", "[calibration][simulation]") {
  // every step of every protocol run reaches the 1 mmHg tolerance within its iterations; a step
  // that does not is counted (State::newton_unconverged_steps) and fails here
  CHECK(calibration().newton_unconverged_steps == 0);
}

TEST_CASE("README.md and data/CALIBRATION.md quote the tables the model gives now", "[calibration][docs]") {
  // the tables are printed by `calfpump calibrate --markdown` between these markers, never typed
  const std::string tables = markdown_tables(calibration(), load_published_figures(default_published_figures_file()));
  for (const auto& file : {data_dir().parent_path() / "README.md", data_dir() / "CALIBRATION.md"}) {
    INFO(file.string() << ": regenerate the block with `calfpump calibrate --markdown`");
    std::ifstream in(file);
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    const std::string begin = "<!-- calfpump calibrate --markdown: begin -->\n", end = "<!-- calfpump calibrate --markdown: end -->";
    const auto a = text.find(begin), b = text.find(end);
    REQUIRE(a != std::string::npos);
    REQUIRE(b != std::string::npos);
    CHECK(text.substr(a + begin.size(), b - a - begin.size()) == tables);
  }
}
