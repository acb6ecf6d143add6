// Bad files are refused at load time with the file, line and key, and what was expected.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "anatomy/description.hpp"
#include "anatomy/error.hpp"
#include "anatomy/scenario.hpp"

using namespace calfpump::anatomy;
namespace fs = std::filesystem;

namespace {

fs::path write_temp(const std::string& name, const std::string& text) {
  const fs::path dir = fs::path(CALFPUMP_TEST_TMP);
  fs::create_directories(dir);
  const fs::path p = dir / name;
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const char* kGood = R"([scenario]
name = "t"
duration_s = 30

[posture]
kind = "standing"

[activity]
kind = "walking"
start_s = 5

[[valves]]
vessel = "gsv"
incompetence = 0.5
)";

// loads a scenario, expecting a ConfigError at the given line and key whose message contains text
void expect_scenario_error(const std::string& text, int line, const std::string& key, const std::string& what) {
  const LegDescription leg = load_leg_description(default_leg_file());
  const fs::path p = write_temp("bad.toml", text);
  try {
    load_scenario(p, leg);
    FAIL("no error for:\n" << text);
  } catch (const ConfigError& e) {
    INFO(e.what());
    CHECK(e.file() == p.string());
    CHECK(e.line() == line);
    CHECK(e.key() == key);
    CHECK_THAT(e.detail(), Catch::Contains(what));
    CHECK_THAT(e.what(), Catch::StartsWith(p.string() + ":" + std::to_string(line) + ":"));
  }
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto pos = s.find(from);
  REQUIRE(pos != std::string::npos);
  return s.replace(pos, from.size(), to);
}

}  // namespace

TEST_CASE("a good scenario loads", "[errors]") {
  const LegDescription leg = load_leg_description(default_leg_file());
  const Scenario sc = load_scenario(write_temp("good.toml", kGood), leg);
  CHECK(sc.activity.kind == ActivityKind::Walking);
  CHECK(sc.condition.valve_incompetence[0] >= 0.0);
}

TEST_CASE("scenario errors name file, line and key", "[errors]") {
  SECTION("syntax error") { expect_scenario_error(replace(kGood, "duration_s = 30", "duration_s = = 30"), 3, "", "TOML syntax error"); }
  SECTION("unknown key") { expect_scenario_error(replace(kGood, "duration_s = 30", "duration_s = 30\nspeed = 2"), 4, "scenario.speed", "unknown key"); }
  SECTION("wrong type") { expect_scenario_error(replace(kGood, "duration_s = 30", "duration_s = \"long\""), 3, "scenario.duration_s", "expected a number"); }
  SECTION("out of range") { expect_scenario_error(replace(kGood, "incompetence = 0.5", "incompetence = 1.5"), 14, "valves.incompetence", "out of range"); }
  SECTION("non-physical: negative duration") { expect_scenario_error(replace(kGood, "duration_s = 30", "duration_s = -30"), 3, "scenario.duration_s", "out of range"); }
  SECTION("unknown vessel") { expect_scenario_error(replace(kGood, "vessel = \"gsv\"", "vessel = \"aorta\""), 13, "valves.vessel", "unknown vessel 'aorta'"); }
  SECTION("unknown valve") { expect_scenario_error(replace(kGood, "vessel = \"gsv\"", "valve = \"gsv-7\""), 13, "valves.valve", "unknown valve 'gsv-7'"); }
  SECTION("unknown posture") { expect_scenario_error(replace(kGood, "kind = \"standing\"", "kind = \"kneeling\""), 6, "posture.kind", "expected one of"); }
  SECTION("missing key") { expect_scenario_error(replace(kGood, "duration_s = 30\n", ""), 1, "scenario.duration_s", "required"); }
  SECTION("activity after the end") { expect_scenario_error(replace(kGood, "start_s = 5", "start_s = 50"), 10, "activity.start_s", "after the scenario ends"); }
  SECTION("compression higher at the calf") {
    expect_scenario_error(std::string(kGood) + "\n[compression]\nankle_mmHg = 20\ncalf_mmHg = 30\n", 18, "compression.calf_mmHg", "higher at the calf");
  }
}

TEST_CASE("unknown built-in scenario names are refused with the list of names", "[errors]") {
  try {
    resolve_scenario("healthy-running");
    FAIL("resolved an unknown name");
  } catch (const ConfigError& e) {
    CHECK_THAT(e.what(), Catch::Contains("healthy-walking"));
  }
}

TEST_CASE("leg description errors name file, line and key", "[errors]") {
  const std::string good = read(default_leg_file());
  // replaces from with to; the error must point at the line of marker within the replacement
  auto expect = [&](const std::string& from, const std::string& to, const std::string& key, const std::string& what,
                    const std::string& marker = "") {
    const std::string text = replace(good, from, to);
    const fs::path p = write_temp("leg-bad.toml", text);
    const auto at = good.find(from) + (marker.empty() ? 0 : to.find(marker));
    const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
    try {
      load_leg_description(p);
      FAIL("no error for " << to);
    } catch (const ConfigError& e) {
      INFO(e.what());
      CHECK(e.line() == line);
      CHECK(e.key() == key);
      CHECK_THAT(e.detail(), Catch::Contains(what));
    }
  };
  expect("density_kg_m3 = 1060", "density_kg_m3 = 10600", "blood.density_kg_m3", "out of range");
  expect("name = \"popliteal\"\nlabel", "name = \"popliteal\"\nlabels", "vessel.labels", "unknown key", "labels");
  expect("to = \"femoral\"", "to = \"femur\"", "vessel.to", "unknown vessel 'femur'");
  expect("squeezed_by = { soleus = 1.0 }", "squeezed_by = { solius = 1.0 }", "vessel.squeezed_by.solius", "unknown muscle");
  expect("name = \"ssv-1\"\nvessel = \"ssv\"", "name = \"ssv-1\"\nvessel = \"ssv2\"", "valve.vessel", "unknown vessel", "vessel");
  expect("name = \"ssv-2\"", "name = \"ssv-1\"", "valve.name", "duplicate valve name");
  expect("diameter_mm = 7.0 ", "diameter_mm = \"7\" ", "vessel.diameter_mm", "expected a number");
  // the joints
  expect("bones = [\"foot-skeleton\"]", "bones = [\"foot-bones\"]", "joints.ankle.bones", "bone body");
  expect("bones = [\"femur\", \"patella\"]", "bones = [\"femur\", \"soleus\"]", "joints.knee.bones", "bone body", "\"soleus\"");
  expect("gait_knee_deg = [5, 12,", "gait_knee_deg = [5, 5] #", "joints.gait_knee_deg", "as many values as gait_ankle_deg");
  expect("blend_mm = [-20, 40]", "blend_mm = [40, -20]", "joints.ankle.blend_mm", "from < to");
  expect("axis = [1.0, 0.0, 0.0]", "axis = [0.1, 0.0, 0.0]", "joints.knee.axis", "unit length");
  expect("raise_ankle_deg = -35", "raise_ankle_deg = 35", "joints.raise_ankle_deg", "out of range");
  expect("medial-malleolus = [-0.037, 0.012, 0.060]", "medial-malleolus = [-0.037, 0.012]", "landmark_points.medial-malleolus", "three numbers");
}

TEST_CASE("an unreadable file is an error, not a crash", "[errors]") {
  CHECK_THROWS_AS(load_leg_description("/nonexistent/leg.toml"), ConfigError);
}
