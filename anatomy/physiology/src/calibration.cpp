#include "anatomy/calibration.hpp"

#include <cmath>

#include <fmt/format.h>

#include "anatomy/protocols.hpp"
#include "toml_reader.hpp"

namespace calfpump::anatomy {

using detail::TableReader;

std::filesystem::path default_published_figures_file() { return data_dir() / "published_figures.toml"; }

const std::set<std::string>& known_quantities() {
  static const std::set<std::string> q = [] {
    std::set<std::string> s;
    for (const char* p : {"avp", "avp_tourniquet"})
      for (const char* f : {"standing_mmHg", "ambulatory_mmHg", "drop_percent", "rt90_s", "rt_s"})
        s.insert(fmt::format("{}.{}", p, f));
    for (const char* p : {"walk", "walk_slow", "walk_fast"})
      for (const char* f : {"standing_mmHg", "walking_mmHg", "drop_mmHg", "drop_percent", "return_s", "rt90_s"})
        s.insert(fmt::format("{}.{}", p, f));
    for (const char* f : {"vv_ml", "vfi_ml_s", "ef_percent", "rvf_percent"}) s.insert(fmt::format("apg.{}", f));
    return s;
  }();
  return q;
}

PublishedTable load_published_figures(const std::filesystem::path& path) {
  const std::string file = path.string();
  toml::table root = detail::parse_toml_file(file);
  TableReader top(root, file, "");
  PublishedTable t;
  t.file = path;
  for (const toml::table* c : top.tables("condition", true)) {
    TableReader r(*c, file, "condition");
    const std::string name = r.string("name");
    if (t.conditions.count(name)) r.fail("name", fmt::format("condition '{}' is listed twice", name));
    t.conditions[name] = r.string("scenario");
    t.condition_labels[name] = r.string("label", name);
    t.condition_order.push_back(name);
    r.finish();
  }
  for (const toml::table* f : top.tables("figure", true)) {
    TableReader r(*f, file, "figure");
    PublishedFigure p;
    p.line = f->source().begin.line;
    p.quantity = r.string("quantity");
    if (!known_quantities().count(p.quantity)) r.fail("quantity", fmt::format("unknown quantity '{}'", p.quantity));
    p.condition = r.string("condition");
    if (!t.conditions.count(p.condition)) r.fail("condition", fmt::format("unknown condition '{}'", p.condition));
    if (r.has("low")) p.low = r.number("low", -1e6, 1e6);
    if (r.has("high")) p.high = r.number("high", -1e6, 1e6);
    if (r.has("value")) p.value = r.number("value", -1e6, 1e6);
    if (!r.has("low") && !r.has("high")) r.fail("low", "a figure needs 'low', 'high' or both");
    if (!(p.low < p.high)) r.fail("high", "must be above 'low'");
    p.source = r.string("source");
    p.where = r.string("where");
    p.read = r.choice("read", {"abstract", "full text", "no"});
    p.known_failure = r.string("known_failure", std::string());
    p.note = r.string("note", std::string());
    r.finish();
    t.figures.push_back(std::move(p));
  }
  top.finish();
  return t;
}

namespace {

bool wants(const std::set<std::string>& q, const std::string& prefix) {
  if (q.empty()) return true;
  for (const auto& s : q)
    if (s.rfind(prefix + ".", 0) == 0) return true;
  return false;
}

void put_avp(std::map<std::string, double>& out, const std::string& p, const AvpResult& r) {
  out[p + ".standing_mmHg"] = r.standing_pressure_mmHg;
  out[p + ".ambulatory_mmHg"] = r.ambulatory_pressure_mmHg;
  out[p + ".drop_percent"] = r.pressure_drop_percent;
  out[p + ".rt90_s"] = r.refill_time_s;
  out[p + ".rt_s"] = r.refill_time_baseline_s;
  out[p + ".newton_unconverged"] = static_cast<double>(r.newton_unconverged_steps);
}

void put_walk(std::map<std::string, double>& out, const std::string& p, const WalkResult& r) {
  out[p + ".standing_mmHg"] = r.standing_pressure_mmHg;
  out[p + ".walking_mmHg"] = r.walking_pressure_mmHg;
  out[p + ".drop_mmHg"] = r.pressure_drop_mmHg;
  out[p + ".drop_percent"] = r.pressure_drop_percent;
  out[p + ".return_s"] = r.return_time_s;
  out[p + ".rt90_s"] = r.refill_time_s;
  out[p + ".newton_unconverged"] = static_cast<double>(r.newton_unconverged_steps);
}

}  // namespace

std::map<std::string, double> model_figures(const LegDescription& leg, const Scenario& sc,
                                            const std::set<std::string>& q) {
  std::map<std::string, double> out;
  if (wants(q, "avp")) put_avp(out, "avp", run_avp(leg, sc));
  if (wants(q, "avp_tourniquet")) {
    AvpOptions o;
    o.tourniquet = true;
    put_avp(out, "avp_tourniquet", run_avp(leg, sc, kAnimationStep_s, {}, o));
  }
  if (wants(q, "walk")) put_walk(out, "walk", run_walk(leg, sc));
  if (wants(q, "walk_slow")) {
    WalkOptions o;
    o.cadence_steps_per_min = 85.0;  // about 3 km/h (Stick et al. 1992's slow walk), stated step length 0.6 m
    put_walk(out, "walk_slow", run_walk(leg, sc, kAnimationStep_s, {}, o));
  }
  if (wants(q, "walk_fast")) {
    WalkOptions o;
    o.cadence_steps_per_min = 120.0;  // about 6 km/h (their fast walk), step length 0.8 m
    put_walk(out, "walk_fast", run_walk(leg, sc, kAnimationStep_s, {}, o));
  }
  if (wants(q, "apg")) {
    const ApgResult r = run_apg(leg, sc);
    out["apg.vv_ml"] = r.venous_volume_ml;
    out["apg.vfi_ml_s"] = r.venous_filling_index_ml_s;
    out["apg.ef_percent"] = r.ejection_fraction_percent;
    out["apg.rvf_percent"] = r.residual_volume_fraction_percent;
    out["apg.newton_unconverged"] = static_cast<double>(r.newton_unconverged_steps);
  }
  return out;
}

const std::vector<std::pair<std::string, std::string>>& grid_quantities() {
  static const std::vector<std::pair<std::string, std::string>> g = {
      {"avp.standing_mmHg", "standing foot vein pressure (mmHg)"},
      {"avp.ambulatory_mmHg", "AVP, 10 tiptoe raises (mmHg)"},
      {"avp.drop_percent", "AVP drop (%)"},
      {"avp.rt90_s", "RT90 (s)"},
      {"avp_tourniquet.rt90_s", "RT90 with above-knee tourniquet (s)"},
      {"walk.standing_mmHg", "standing ankle pressure, great saphenous (mmHg)"},
      {"walk.walking_mmHg", "walking ankle pressure, 90 steps/min (mmHg)"},
      {"walk.drop_mmHg", "walking pressure drop (mmHg)"},
      {"walk.return_s", "return to standing after walking (s)"},
      {"apg.vv_ml", "VV (ml)"},
      {"apg.vfi_ml_s", "VFI (ml/s)"},
      {"apg.ef_percent", "EF (%)"},
      {"apg.rvf_percent", "RVF (%)"},
  };
  return g;
}

Calibration calibrate(const LegDescription& leg, const PublishedTable& table, bool grid) {
  Calibration c;
  std::map<std::string, std::set<std::string>> needed;
  for (const auto& f : table.figures) needed[f.condition].insert(f.quantity);
  if (grid)
    for (const auto& name : table.condition_order)
      for (const auto& [q, label] : grid_quantities()) needed[name].insert(q);
  for (const auto& name : table.condition_order) {
    const Scenario sc = load_scenario(resolve_scenario(table.conditions.at(name)), leg);
    auto fig = model_figures(leg, sc, needed.count(name) ? needed[name] : std::set<std::string>{"avp.standing_mmHg"});
    for (const auto& [k, v] : fig)
      if (k.size() > 18 && k.ends_with(".newton_unconverged")) c.newton_unconverged_steps += v;
    c.figures[name] = std::move(fig);
  }
  for (const auto& f : table.figures) {
    CalibrationRow row;
    row.published = f;
    row.scenario = table.conditions.at(f.condition);
    row.model = c.figures[f.condition].at(f.quantity);
    row.in_band = std::isfinite(row.model) && row.model >= f.low && row.model <= f.high;
    c.rows.push_back(std::move(row));
  }
  return c;
}

namespace {

std::string cell(const std::map<std::string, double>& f, const std::string& q) {
  auto it = f.find(q);
  if (it == f.end() || !std::isfinite(it->second)) return "-";
  const double v = it->second;
  return std::abs(v) >= 10 ? fmt::format("{:.0f}", v) : fmt::format("{:.1f}", v);
}

const char* verdict(const CalibrationRow& r) {
  if (r.in_band) return r.published.known_failure.empty() ? "in" : "in (listed as known failure)";
  return r.published.known_failure.empty() ? "OUT" : "out (known failure)";
}

}  // namespace

std::string markdown_tables(const Calibration& c, const PublishedTable& table) {
  std::string s = "| figure | condition | model | published | source | read | in or out |\n";
  s += "| --- | --- | --- | --- | --- | --- | --- |\n";
  for (const auto& r : c.rows)
    s += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", r.published.quantity, r.published.condition,
                     cell(c.figures.at(r.published.condition), r.published.quantity), band_text(r.published),
                     r.published.source, r.published.read, verdict(r));
  s += "\n| figure (model) |";
  for (const auto& name : table.condition_order) s += fmt::format(" {} |", table.condition_labels.at(name));
  s += "\n| --- |";
  for (std::size_t i = 0; i < table.condition_order.size(); ++i) s += " --- |";
  s += "\n";
  for (const auto& [q, label] : grid_quantities()) {
    s += fmt::format("| {} |", label);
    for (const auto& name : table.condition_order) s += fmt::format(" {} |", cell(c.figures.at(name), q));
    s += "\n";
  }
  return s;
}

std::map<std::string, std::map<std::string, double>> reference_results(const LegDescription& leg) {
  std::map<std::string, std::map<std::string, double>> out;
  for (const auto& name : builtin_scenarios()) out[name] = model_figures(leg, load_scenario(resolve_scenario(name), leg));
  return out;
}

std::string band_text(const PublishedFigure& f) {
  const bool lo = std::isfinite(f.low), hi = std::isfinite(f.high);
  std::string s = lo && hi ? fmt::format("{:g}-{:g}", f.low, f.high) : lo ? fmt::format("> {:g}", f.low) : fmt::format("< {:g}", f.high);
  if (std::isfinite(f.value)) s += fmt::format(" (reported {:g})", f.value);
  return s;
}

}  // namespace calfpump::anatomy
