// Storyboards: loading and checking (every error names file, line and key), the timeline from
// frame index to shot and model time, and the eased camera, layers, captions and fades of a frame.

#include "app/storyboard.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <glm/geometric.hpp>
#include <glm/vec3.hpp>

#include "anatomy/error.hpp"
#include "anatomy/scenario.hpp"
#include "anatomy/sweep.hpp"
#include "app/section_view.hpp"
#include "app/session.hpp"
#include "toml_reader.hpp"

namespace calfpump::app {

using anatomy::ConfigError;
using anatomy::detail::TableReader;

namespace {

constexpr double kPi = 3.14159265358979323846;

// the named points a camera frames besides the leg's structures
const std::vector<std::string> kFramings = {"leg", "calf", "ankle", "knee"};

bool is_language_code(const std::string& s) {
  return s.size() >= 2 && s.size() <= 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

void check_framing(TableReader& r, const std::string& key, const std::string& frame, const anatomy::LegDescription& leg) {
  if (std::find(kFramings.begin(), kFramings.end(), frame) != kFramings.end()) return;
  if (frame.starts_with("valve:")) {
    const std::string name = frame.substr(6);
    for (const anatomy::ValveDesc& v : leg.valves)
      if (v.name == name) return;
    r.fail(key, fmt::format("'{}' is not a valve of the leg (data/anatomy/leg.toml)", name));
  }
  if (leg.body_index(frame) >= 0 || leg.vessel_index(frame) >= 0) return;
  r.fail(key, fmt::format("'{}' is not something to frame; expected leg, calf, ankle, knee, valve:<name> or a body or vessel of the leg", frame));
}

std::vector<std::string> string_array(TableReader& r, std::string_view key) {
  std::vector<std::string> out;
  if (!r.has(key)) return out;
  r.accept(key);
  const toml::node* node = r.raw().get(key);
  const toml::array* a = node ? node->as_array() : nullptr;
  if (!a) r.fail(key, "expected an array of strings");
  for (const toml::node& n : *a) {
    const auto* s = n.as_string();
    if (!s) r.fail_at(n, key, "expected an array of strings");
    out.push_back(s->get());
  }
  return out;
}

Shot load_shot(TableReader& r, const anatomy::LegDescription& leg, const std::vector<std::string>& languages, const Shot* previous,
               std::size_t index) {
  Shot s;
  s.name = r.string("name", fmt::format("shot {}", index + 1));
  if (r.has("scenario") == r.has("scenarios")) r.fail("scenario", "a shot names one scenario (scenario = \"...\") or two (scenarios = [\"...\", \"...\"])");
  if (r.has("scenario")) {
    s.scenarios = {r.string("scenario")};
  } else {
    s.scenarios = string_array(r, "scenarios");
    if (s.scenarios.size() != 2) r.fail("scenarios", "expected two scenarios, side by side");
  }
  const std::string scenario_key = r.has("scenario") ? "scenario" : "scenarios";
  double scenario_end = 1e30;
  for (const std::string& name : s.scenarios) {
    try {
      scenario_end = std::min(scenario_end, anatomy::load_scenario(anatomy::resolve_scenario(name), leg).duration_s);
    } catch (const ConfigError& e) {
      r.fail(scenario_key, fmt::format("{}: {}", name, e.detail()));
    }
  }
  s.duration_s = r.number("duration_s", 0.1, 600.0);
  s.time_scale = r.number("time_scale", 0.01, 10.0, 1.0);
  s.continues = r.boolean("continues", false);
  if (s.continues) {
    if (!previous) r.fail("continues", "the first shot has nothing to continue");
    if (previous->scenarios != s.scenarios) r.fail("continues", "a continuing shot shows the previous shot's scenarios");
    if (r.has("start_s")) r.fail("start_s", "a continuing shot starts where the previous one ended");
    s.start_s = previous->start_s + previous->duration_s * previous->time_scale;
  } else {
    s.start_s = r.number("start_s", 0.0, 3600.0, 0.0);
  }
  if (s.start_s + s.duration_s * s.time_scale > scenario_end + 1e-9)
    r.fail("duration_s", fmt::format("the shot runs to {:.2f} s of model time, past the end of its scenario ({:.2f} s)",
                                     s.start_s + s.duration_s * s.time_scale, scenario_end));
  const std::string transition = r.choice("transition", {"cut", "fade"}, "cut");
  s.transition = transition == "fade" ? Transition::Fade : Transition::Cut;
  s.transition_s = r.number("transition_s", 0.0, 5.0, s.transition == Transition::Fade ? 0.8 : 0.0);
  if (s.transition == Transition::Fade && previous && s.transition_s / 2 > std::min(s.duration_s, previous->duration_s) + 1e-9)
    r.fail("transition_s", "the fade is longer than twice the shorter of the two shots it joins");
  s.plots = r.boolean("plots", true);
  s.closeups = r.boolean("closeups", true);
  s.labels = r.boolean("labels", true);
  s.emphasis = r.number("emphasis", 1.0, 3.0, 1.0);
  s.valve_view = r.string("valve_view", "");
  if (!s.valve_view.empty()) {
    bool known = false;
    for (const anatomy::ValveDesc& v : leg.valves) known = known || v.name == s.valve_view;
    if (!known) r.fail("valve_view", fmt::format("'{}' is not a valve of the leg (data/anatomy/leg.toml)", s.valve_view));
  }
  s.section = r.number("section", kSectionLevelMin, kSectionLevelMax, 0.0);
  if (s.section != 0 && !s.valve_view.empty()) r.fail("section", "a shot shows either a cross-section or a valve across its view, not both");
  s.notes = r.string("notes", "");

  for (const toml::table* t : r.tables("camera", true)) {
    TableReader c(*t, r.file(), r.path("camera"));
    CameraKey k;
    k.t_s = c.number("t_s", 0.0, s.duration_s, 0.0);
    k.yaw_deg = c.number("yaw_deg", -360.0, 360.0, k.yaw_deg);
    k.pitch_deg = c.number("pitch_deg", -80.0, 80.0, k.pitch_deg);
    k.distance_m = c.number("distance_m", 0.02, 5.0, k.distance_m);
    k.fov_deg = c.number("fov_deg", 10.0, 90.0, k.fov_deg);
    k.roll_deg = c.number("roll_deg", -360.0, 360.0, 0.0);
    k.frame = c.string("frame", "leg");
    check_framing(c, "frame", k.frame, leg);
    if (!s.camera.empty() && k.t_s <= s.camera.back().t_s) c.fail("t_s", "camera keyframes go forward in time");
    c.finish();
    s.camera.push_back(k);
  }
  for (const toml::table* t : r.tables("layers", false)) {
    TableReader c(*t, r.file(), r.path("layers"));
    LayerKey k;
    k.t_s = c.number("t_s", 0.0, s.duration_s, 0.0);
    k.skin = static_cast<float>(c.number("skin", 0.0, 1.0, k.skin));
    k.muscles = static_cast<float>(c.number("muscles", 0.0, 1.0, k.muscles));
    k.bones = static_cast<float>(c.number("bones", 0.0, 1.0, k.bones));
    k.veins = static_cast<float>(c.number("veins", 0.0, 1.0, k.veins));
    if (!s.layers.empty() && k.t_s <= s.layers.back().t_s) c.fail("t_s", "layer keyframes go forward in time");
    c.finish();
    s.layers.push_back(k);
  }
  for (const toml::table* t : r.tables("caption", false)) {
    TableReader c(*t, r.file(), r.path("caption"));
    Caption cap;
    cap.line = t->source().begin.line;
    cap.start_s = c.number("start_s", 0.0, s.duration_s);
    cap.end_s = c.number("end_s", 0.0, s.duration_s);
    if (cap.end_s <= cap.start_s) c.fail("end_s", "a caption ends after it starts");
    if (!s.captions.empty() && cap.start_s < s.captions.back().end_s - 1e-9)
      c.fail("start_s", fmt::format("captions are in time order and do not overlap; the one before ends at {} s", s.captions.back().end_s));
    for (const std::string& lang : languages) {
      if (!c.has(lang)) continue;
      cap.text[lang] = c.string(lang);
      if (cap.text[lang].empty()) c.fail(lang, "an empty caption");
    }
    if (!cap.text.count("en")) c.fail("en", "every caption has its English text (the fallback for other languages)");
    c.finish();
    s.captions.push_back(std::move(cap));
  }
  r.finish();
  return s;
}

double smoothstep(double x) {
  x = std::clamp(x, 0.0, 1.0);
  return x * x * (3 - 2 * x);
}

glm::dvec3 framed_point(const std::string& frame, const Session& session) {
  const render::Camera standard;
  glm::dvec3 leg_target(standard.target[0], standard.target[1], standard.target[2]);
  if (session.size() == 0) return leg_target;
  const LegRun& l = session.leg(0);
  auto vessel_middle = [&](int v) {
    const anatomy::Point3 p = anatomy::path_point(l.paths.vessels[static_cast<std::size_t>(v)], 0.5, 0, 0, 0);
    return glm::dvec3(p[0], p[1], p[2]);
  };
  auto body_at = [&](int b, double s) {
    const anatomy::Point3 p = anatomy::path_point(l.paths.bodies[static_cast<std::size_t>(b)].front(), s, 0, 0, 0);
    return glm::dvec3(p[0], p[1], p[2]);
  };
  if (frame == "leg") return leg_target;
  if (frame == "calf") {
    const int b = l.leg.body_index("soleus");
    if (b >= 0) return body_at(b, 0.45);
  }
  if (frame == "ankle" || frame == "knee") {
    const int v = l.leg.vessel_index("gsv");
    if (v >= 0) {
      const anatomy::Point3 p = anatomy::path_point(l.paths.vessels[static_cast<std::size_t>(v)], frame == "ankle" ? 0.02 : 0.45, 0, 0, 0);
      return {p[0] * 0.5, p[1] * 0.5, p[2]};  // between the medial side and the leg's axis
    }
  }
  if (frame.starts_with("valve:")) {
    const int k = l.model->valve_index(frame.substr(6));
    if (k >= 0) {
      const anatomy::Point3 p = l.model->valves[static_cast<std::size_t>(k)].position;
      return {p[0], p[1], p[2]};
    }
  }
  if (const int b = l.leg.body_index(frame); b >= 0) return body_at(b, 0.5);
  if (const int v = l.leg.vessel_index(frame); v >= 0) return vessel_middle(v);
  return leg_target;
}

struct Pose {
  glm::dvec3 target;
  double yaw, pitch, distance, fov, roll;
};

Pose pose_of(const CameraKey& k, const Session& session) {
  return {framed_point(k.frame, session), k.yaw_deg, k.pitch_deg, k.distance_m, k.fov_deg, k.roll_deg};
}

std::string vtt_time(double s) {
  const auto ms = static_cast<long long>(std::llround(s * 1000));
  return fmt::format("{:02}:{:02}:{:02}.{:03}", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60, ms % 1000);
}

}  // namespace

double Storyboard::duration_s() const {
  double d = 0;
  for (const Shot& s : shots) d += s.duration_s;
  return d;
}

std::filesystem::path storyboard_dir() { return anatomy::data_dir() / "storyboards"; }

std::vector<std::string> builtin_storyboards() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(storyboard_dir(), ec))
    if (e.path().extension() == ".toml") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::filesystem::path resolve_storyboard(const std::string& name_or_file) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(name_or_file, ec)) return name_or_file;
  const auto p = storyboard_dir() / (name_or_file + ".toml");
  if (name_or_file.find('/') == std::string::npos && std::filesystem::is_regular_file(p, ec)) return p;
  std::string list;
  for (const auto& n : builtin_storyboards()) list += (list.empty() ? "" : ", ") + n;
  throw ConfigError(name_or_file, 0, 0, "", fmt::format("no such storyboard; built-in storyboards are: {}", list));
}

bool is_storyboard(const std::string& name) {
  std::error_code ec;
  if (name.find('/') == std::string::npos && std::filesystem::is_regular_file(storyboard_dir() / (name + ".toml"), ec)) return true;
  if (!std::filesystem::is_regular_file(name, ec) || std::filesystem::path(name).extension() != ".toml") return false;
  try {
    return anatomy::detail::parse_toml_file(name).contains("storyboard");
  } catch (const ConfigError&) {
    return false;  // not readable as TOML: the scenario loader says what is wrong
  }
}

Storyboard load_storyboard(const std::filesystem::path& file, const anatomy::LegDescription& leg) {
  const toml::table root = anatomy::detail::parse_toml_file(file.string());
  TableReader top(root, file.string(), "");
  Storyboard b;
  b.file = file;
  {
    TableReader r(*top.table("storyboard", true), file.string(), "storyboard");
    b.name = r.string("name");
    b.title = r.string("title", b.name);
    b.description = r.string("description", "");
    b.languages = string_array(r, "languages");
    if (b.languages.empty()) b.languages = {"en"};
    if (b.languages.front() != "en") r.fail("languages", "English (\"en\") comes first: every caption has it, and it is the fallback");
    std::set<std::string> seen;
    for (const std::string& l : b.languages) {
      if (!is_language_code(l)) r.fail("languages", fmt::format("'{}' is not a language code (ISO 639: two or three small letters)", l));
      if (!seen.insert(l).second) r.fail("languages", fmt::format("'{}' is listed twice", l));
    }
    b.loop = r.boolean("loop", false);
    b.large_captions = r.choice("captions", {"normal", "large"}, "normal") == "large";
    r.finish();
  }
  const auto shots = top.tables("shot", true);
  if (shots.empty()) top.fail("shot", "a storyboard has at least one [[shot]]");
  for (std::size_t i = 0; i < shots.size(); ++i) {
    TableReader r(*shots[i], file.string(), fmt::format("shot[{}]", i));
    b.shots.push_back(load_shot(r, leg, b.languages, b.shots.empty() ? nullptr : &b.shots.back(), i));
  }
  top.finish();
  return b;
}

Timeline::Timeline(const Storyboard& board, double fps) : board_(&board), fps_(fps) {
  // each shot's frames from the storyboard's cumulative video time, so that rounding never adds up
  double t = 0;
  for (const Shot& s : board.shots) {
    first_.push_back(static_cast<std::uint64_t>(std::llround(t * fps)));
    model_start_.push_back(s.start_s);
    t += s.duration_s;
  }
  count_ = static_cast<std::uint64_t>(std::llround(t * fps));
  first_.push_back(count_);
}

ShotTime Timeline::at(std::uint64_t index) const {
  ShotTime st;
  if (count_ == 0) return st;
  index = std::min(index, count_ - 1);
  std::size_t k = 0;
  while (k + 1 < board_->shots.size() && first_[k + 1] <= index) ++k;
  const Shot& s = board_->shots[k];
  st.shot = k;
  st.local_s = static_cast<double>(index - first_[k]) / fps_;
  st.model_s = model_start_[k] + st.local_s * s.time_scale;
  st.chain = k;
  while (st.chain > 0 && board_->shots[st.chain].continues) --st.chain;
  st.chain_first_frame = first_[st.chain];
  return st;
}

render::Camera shot_camera(const Shot& shot, double local_s, const Session& session) {
  Pose p = pose_of(shot.camera.front(), session);
  for (std::size_t i = 0; i + 1 < shot.camera.size(); ++i) {
    const CameraKey &a = shot.camera[i], &b = shot.camera[i + 1];
    if (local_s < a.t_s) break;
    if (local_s >= b.t_s) {
      p = pose_of(b, session);
      continue;
    }
    const double w = smoothstep((local_s - a.t_s) / (b.t_s - a.t_s));
    const Pose pa = pose_of(a, session), pb = pose_of(b, session);
    p.target = pa.target + (pb.target - pa.target) * w;
    p.yaw = pa.yaw + (pb.yaw - pa.yaw) * w;
    p.pitch = pa.pitch + (pb.pitch - pa.pitch) * w;
    // distance eased in its logarithm: a close-up approaches at a constant relative speed
    p.distance = std::exp(std::log(pa.distance) + (std::log(pb.distance) - std::log(pa.distance)) * w);
    p.fov = pa.fov + (pb.fov - pa.fov) * w;
    p.roll = pa.roll + (pb.roll - pa.roll) * w;
    break;
  }
  // yaw 0: the eye straight behind the leg (-y); +90: on its medial side (-x)
  const double yaw = p.yaw * kPi / 180, pitch = p.pitch * kPi / 180;
  const glm::dvec3 dir(-std::sin(yaw) * std::cos(pitch), -std::cos(yaw) * std::cos(pitch), std::sin(pitch));
  const glm::dvec3 eye = p.target + dir * p.distance;
  render::Camera c;
  for (int i = 0; i < 3; ++i) {
    c.eye[static_cast<std::size_t>(i)] = static_cast<float>(eye[i]);
    c.target[static_cast<std::size_t>(i)] = static_cast<float>(p.target[i]);
  }
  // up: the world's vertical as seen, turned by the roll about the line of sight
  const glm::dvec3 forward = glm::normalize(p.target - eye);
  const glm::dvec3 right = glm::normalize(glm::cross(forward, glm::dvec3(0, 0, 1)));
  const glm::dvec3 seen_up = glm::cross(right, forward);
  const double roll = p.roll * kPi / 180;
  const glm::dvec3 up = seen_up * std::cos(roll) + right * std::sin(roll);
  c.up = {static_cast<float>(up.x), static_cast<float>(up.y), static_cast<float>(up.z)};
  c.fov_deg = static_cast<float>(p.fov);
  return c;
}

render::LayerOpacity shot_layers(const Shot& shot, double local_s) {
  render::LayerOpacity out = render::default_layers();
  if (shot.layers.empty()) return out;
  LayerKey k = shot.layers.front();
  for (std::size_t i = 0; i + 1 < shot.layers.size(); ++i) {
    const LayerKey &a = shot.layers[i], &b = shot.layers[i + 1];
    if (local_s < a.t_s) break;
    if (local_s >= b.t_s) {
      k = b;
      continue;
    }
    const auto w = static_cast<float>(smoothstep((local_s - a.t_s) / (b.t_s - a.t_s)));
    k.skin = a.skin + (b.skin - a.skin) * w;
    k.muscles = a.muscles + (b.muscles - a.muscles) * w;
    k.bones = a.bones + (b.bones - a.bones) * w;
    k.veins = a.veins + (b.veins - a.veins) * w;
    break;
  }
  using anatomy::StructureKind;
  out[static_cast<std::size_t>(StructureKind::Bone)] = k.bones;
  out[static_cast<std::size_t>(StructureKind::Muscle)] = k.muscles;
  out[static_cast<std::size_t>(StructureKind::Tendon)] = k.muscles;
  out[static_cast<std::size_t>(StructureKind::Skin)] = k.skin;
  out[static_cast<std::size_t>(StructureKind::Vein)] = k.veins;
  return out;
}

const Caption* shot_caption(const Shot& shot, double local_s) {
  for (const Caption& c : shot.captions)
    if (local_s >= c.start_s - 1e-9 && local_s < c.end_s - 1e-9) return &c;
  return nullptr;
}

std::string caption_text(const Caption& caption, const std::string& lang) {
  const auto it = caption.text.find(lang);
  return it != caption.text.end() ? it->second : caption.text.at("en");
}

float fade_at(const Storyboard& board, const Timeline& timeline, std::uint64_t index) {
  const ShotTime st = timeline.at(index);
  const double t = static_cast<double>(index) / timeline.fps();
  float fade = 0;
  // into this shot, and out of it into the next
  for (std::size_t k : {st.shot, st.shot + 1}) {
    if (k >= board.shots.size() || k == 0 || board.shots[k].transition != Transition::Fade) continue;
    const double half = board.shots[k].transition_s / 2;
    if (half <= 0) continue;
    const double cut = static_cast<double>(timeline.first_frame(k)) / timeline.fps();
    // frame-exact: fully faded on the last frame of the previous shot and the first of this one
    const double frame = 1.0 / timeline.fps();
    const double d = t < cut ? (cut - frame) - t : t - cut;
    fade = std::max(fade, static_cast<float>(std::clamp(1.0 - d / std::max(half, frame), 0.0, 1.0)));
  }
  return fade;
}

std::string webvtt(const Storyboard& board, const Timeline& timeline, const std::string& lang) {
  std::string out = "WEBVTT\n";
  int cue = 0;
  for (std::size_t k = 0; k < board.shots.size(); ++k) {
    const double shot_start = static_cast<double>(timeline.first_frame(k)) / timeline.fps();
    for (const Caption& c : board.shots[k].captions) {
      // on screen from the first frame at or after its start to the last frame before its end
      const double a = std::ceil((shot_start + c.start_s) * timeline.fps() - 1e-6) / timeline.fps();
      const double b = std::ceil((shot_start + c.end_s) * timeline.fps() - 1e-6) / timeline.fps();
      out += fmt::format("\n{}\n{} --> {}\n{}\n", ++cue, vtt_time(a), vtt_time(b), caption_text(c, lang));
    }
  }
  return out;
}

std::vector<std::string> caption_texts(const Storyboard& board, const std::string& lang) {
  std::vector<std::string> out;
  for (const Shot& s : board.shots)
    for (const Caption& c : s.captions) out.push_back(caption_text(c, lang));
  return out;
}

std::vector<std::string> missing_translations(const Storyboard& board, const std::string& lang) {
  std::vector<std::string> missing;
  for (const Shot& s : board.shots)
    for (const Caption& c : s.captions)
      if (!c.text.count(lang)) missing.push_back(fmt::format("{}:{}", board.file.string(), c.line));
  return missing;
}

}  // namespace calfpump::app
