// Storyboards without a GPU: the built-in ones load and fit their audiences' lengths; bad files
// are refused naming file, line and key; the timeline turns frame indices into shots and model
// time; cameras, layers, captions and fades follow their keyframes; the WebVTT captions are timed
// as the frames show them.

#include <catch2/catch.hpp>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <array>
#include <cstdio>
#include <set>
#include <sstream>

#include "anatomy/description.hpp"
#include "anatomy/error.hpp"
#include "app/compose.hpp"
#include "app/frame_overlay.hpp"
#include "app/session.hpp"
#include "app/storyboard.hpp"

using namespace calfpump;
using namespace calfpump::app;
namespace fs = std::filesystem;

namespace {

const anatomy::LegDescription& leg() {
  static const anatomy::LegDescription l = anatomy::load_leg_description(anatomy::default_leg_file());
  return l;
}

fs::path write(const std::string& name, const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / "calfpump-test-storyboard";
  fs::create_directories(dir);
  const fs::path p = dir / name;
  std::ofstream(p) << text;
  return p;
}

// a two-shot storyboard; `shot2` replaces the second shot's body
std::string board(const std::string& shot2 = "scenario = \"healthy-walking\"\nstart_s = 20\nduration_s = 2\ntransition = \"fade\"\ntransition_s = 1\n"
                                            "[[shot.camera]]\nt_s = 0\nframe = \"valve:gsv-knee\"\ndistance_m = 0.2\n") {
  return "[storyboard]\nname = \"test\"\nlanguages = [\"en\", \"es\"]\n\n"
         "[[shot]]\nscenario = \"healthy-standing\"\nstart_s = 5\nduration_s = 3\ntime_scale = 0.5\n"
         "[[shot.camera]]\nt_s = 0\nyaw_deg = 0\n[[shot.camera]]\nt_s = 2\nyaw_deg = 90\ndistance_m = 0.5\n"
         "[[shot.layers]]\nt_s = 0\nskin = 1\n[[shot.layers]]\nt_s = 2\nskin = 0\n"
         "[[shot.caption]]\nstart_s = 0.5\nend_s = 1.5\nen = \"One\"\nes = \"Uno\"\n"
         "[[shot.caption]]\nstart_s = 1.5\nend_s = 2.9\nen = \"Two\"\n\n"
         "[[shot]]\n" + shot2;
}

std::string refusal(const std::string& text) {
  const fs::path f = write("bad.toml", text);
  try {
    (void)load_storyboard(f, leg());
  } catch (const anatomy::ConfigError& e) {
    return e.what();
  }
  return "(accepted)";
}

// "...bad.toml:LINE:COLUMN: ..." with numbers for both
bool located(const std::string& message) {
  const auto at = message.find("bad.toml:");
  if (at == std::string::npos) return false;
  std::size_t i = at + 9;
  for (int part = 0; part < 2; ++part) {
    const std::size_t start = i;
    while (i < message.size() && std::isdigit(static_cast<unsigned char>(message[i]))) ++i;
    if (i == start || i >= message.size() || message[i] != ':') return false;
    ++i;
  }
  return i < message.size() && message[i] == ' ';
}

float yaw_of(const render::Camera& c) {
  return static_cast<float>(std::atan2(-(c.eye[0] - c.target[0]), -(c.eye[1] - c.target[1])) * 180.0 / 3.14159265358979);
}

}  // namespace

TEST_CASE("the built-in storyboards load and fit their audiences", "[storyboard]") {
  const Storyboard lecture = load_storyboard(resolve_storyboard("calf-pump-explained"), leg());
  CHECK(lecture.duration_s() >= 60);
  CHECK(lecture.duration_s() <= 120);
  const Storyboard patient = load_storyboard(resolve_storyboard("patient-loop"), leg());
  CHECK(patient.duration_s() >= 30);
  CHECK(patient.duration_s() <= 45);
  CHECK(patient.loop);
  CHECK(patient.large_captions);
  for (const Storyboard* b : {&lecture, &patient}) {
    INFO(b->name);
    CHECK(b->languages == std::vector<std::string>{"en", "es", "ar"});
    for (const std::string& lang : b->languages) CHECK(missing_translations(*b, lang).empty());
  }
  // the lecture tells the seed's story: anatomy, standing, walking, a slowed valve, leaky valves,
  // two legs side by side, and what helps (calf raises, compression, raised legs)
  std::set<std::string> scenarios;
  bool slow = false, compared = false;
  for (const Shot& s : lecture.shots) {
    scenarios.insert(s.scenarios.begin(), s.scenarios.end());
    slow = slow || (s.time_scale < 1 && !s.valve_view.empty());
    compared = compared || s.scenarios.size() == 2;
  }
  CHECK(slow);
  CHECK(compared);
  for (const char* name : {"healthy-standing", "healthy-walking", "gsv-reflux-walking", "healthy-tiptoe", "gsv-reflux-compression-walking",
                           "gsv-reflux-legs-raised"})
    CHECK(scenarios.count(name) == 1);
  // the loop's last shot ends where its first begins: same legs, model time and camera
  const Shot &first = patient.shots.front(), &last = patient.shots.back();
  CHECK(first.scenarios == last.scenarios);
  CHECK(last.start_s + last.duration_s * last.time_scale == Approx(first.start_s));
  const Session session(first.scenarios);
  const render::Camera a = shot_camera(first, 0, session), b = shot_camera(last, last.duration_s, session);
  for (int i = 0; i < 3; ++i) {
    CHECK(a.eye[static_cast<std::size_t>(i)] == Approx(b.eye[static_cast<std::size_t>(i)]).margin(1e-4));
    CHECK(a.target[static_cast<std::size_t>(i)] == Approx(b.target[static_cast<std::size_t>(i)]).margin(1e-4));
  }
  CHECK(shot_layers(first, 0) == shot_layers(last, last.duration_s));
}

TEST_CASE("bad storyboards are refused naming file, line and key", "[storyboard][errors]") {
  CHECK_THAT(refusal("[storyboard\nname = 1\n"), Catch::Contains("bad.toml:1"));
  CHECK_THAT(refusal(board() + "colour = \"red\"\n"), Catch::Contains("bad.toml:") && Catch::Contains("shot[1].camera.colour") && Catch::Contains("unknown key"));
  CHECK_THAT(refusal(board("scenario = \"no-such-scenario\"\nduration_s = 1\n[[shot.camera]]\nt_s = 0\n")),
             Catch::Contains("bad.toml:") && Catch::Contains("shot[1].scenario") && Catch::Contains("healthy-walking"));
  CHECK_THAT(refusal(board("scenario = \"healthy-walking\"\nduration_s = 1\n[[shot.camera]]\nt_s = 0\nframe = \"spleen\"\n")),
             Catch::Contains("shot[1].camera") && Catch::Contains("frame") && Catch::Contains("spleen"));
  CHECK_THAT(refusal(board("scenario = \"healthy-walking\"\nduration_s = 1\n[[shot.camera]]\nt_s = 0\nframe = \"valve:nowhere\"\n")),
             Catch::Contains("'nowhere' is not a valve"));
  // captions out of order, or ending before they start
  CHECK_THAT(refusal(board("scenario = \"healthy-walking\"\nduration_s = 3\n[[shot.camera]]\nt_s = 0\n"
                           "[[shot.caption]]\nstart_s = 2\nend_s = 3\nen = \"b\"\n[[shot.caption]]\nstart_s = 1\nend_s = 2\nen = \"a\"\n")),
             Catch::Contains("shot[1].caption.start_s") && Catch::Contains("time order"));
  CHECK_THAT(refusal(board("scenario = \"healthy-walking\"\nduration_s = 3\n[[shot.camera]]\nt_s = 0\n"
                           "[[shot.caption]]\nstart_s = 2\nend_s = 1\nen = \"b\"\n")),
             Catch::Contains("end_s") && Catch::Contains("ends after it starts"));
  // a language the storyboard does not list, a caption without English
  CHECK_THAT(refusal(board("scenario = \"healthy-walking\"\nduration_s = 3\n[[shot.camera]]\nt_s = 0\n"
                           "[[shot.caption]]\nstart_s = 0\nend_s = 1\nen = \"a\"\nfr = \"b\"\n")),
             Catch::Contains("shot[1].caption.fr"));
  CHECK_THAT(refusal(board("scenario = \"healthy-walking\"\nduration_s = 3\n[[shot.camera]]\nt_s = 0\n"
                           "[[shot.caption]]\nstart_s = 0\nend_s = 1\nes = \"b\"\n")),
             Catch::Contains("English"));
  // past the scenario's end, a continuing shot with other legs, no camera
  CHECK_THAT(refusal(board("scenario = \"healthy-walking\"\nstart_s = 55\nduration_s = 10\n[[shot.camera]]\nt_s = 0\n")),
             Catch::Contains("shot[1].duration_s") && Catch::Contains("past the end"));
  CHECK_THAT(refusal(board("scenario = \"healthy-walking\"\ncontinues = true\nduration_s = 1\n[[shot.camera]]\nt_s = 0\n")),
             Catch::Contains("shot[1].continues"));
  CHECK_THAT(refusal(board("scenario = \"healthy-walking\"\nduration_s = 1\n")), Catch::Contains("shot[1]") && Catch::Contains("camera"));
  // every message names the file with a line
  CHECK(located(refusal(board() + "colour = 1\n")));
}

TEST_CASE("the timeline turns frame indices into shots and model time", "[storyboard]") {
  const Storyboard b = load_storyboard(write("good.toml", board()), leg());
  const Timeline t(b, 30);
  REQUIRE(t.frame_count() == 150);  // 3 s + 2 s at 30 fps
  CHECK(t.first_frame(1) == 90);
  ShotTime st = t.at(0);
  CHECK(st.shot == 0);
  CHECK(st.model_s == Approx(5.0));
  st = t.at(60);  // 2 s into the first shot, at half speed: 1 s of model time
  CHECK(st.local_s == Approx(2.0));
  CHECK(st.model_s == Approx(6.0));
  st = t.at(90);
  CHECK(st.shot == 1);
  CHECK(st.model_s == Approx(20.0));
  CHECK(st.chain == 1);
  CHECK(t.at(1000).shot == 1);  // past the end: the last frame

  // the fade: frame-exact around the cut, fully faded on the last frame before it and the first
  // after it, clear half the fade's length away
  CHECK(fade_at(b, t, 89) == Approx(1.0f));
  CHECK(fade_at(b, t, 90) == Approx(1.0f));
  CHECK(fade_at(b, t, 82) > 0.0f);
  CHECK(fade_at(b, t, 82) < 1.0f);
  CHECK(fade_at(b, t, 70) == 0.0f);
  CHECK(fade_at(b, t, 110) == 0.0f);
  CHECK(fade_at(b, t, 0) == 0.0f);
}

TEST_CASE("cameras, layers and captions follow their keyframes", "[storyboard]") {
  const Storyboard b = load_storyboard(write("good.toml", board()), leg());
  const Session session(b.shots[0].scenarios);
  const Shot& s = b.shots[0];
  CHECK(yaw_of(shot_camera(s, 0, session)) == Approx(0.0f).margin(0.01));
  CHECK(yaw_of(shot_camera(s, 2, session)) == Approx(90.0f).margin(0.01));
  CHECK(yaw_of(shot_camera(s, 2.9, session)) == Approx(90.0f).margin(0.01));  // held after the last key
  const float mid = yaw_of(shot_camera(s, 1, session));
  CHECK(mid == Approx(45.0f).margin(0.01));  // smoothstep is symmetric about the middle
  CHECK(yaw_of(shot_camera(s, 0.5, session)) < 0.5f * 45.0f);  // eased: slow at the start
  // the distance from the framed point
  const render::Camera c2 = shot_camera(s, 2, session);
  const float dx = c2.eye[0] - c2.target[0], dy = c2.eye[1] - c2.target[1], dz = c2.eye[2] - c2.target[2];
  CHECK(std::sqrt(dx * dx + dy * dy + dz * dz) == Approx(0.5f).epsilon(1e-4));
  // a valve framed: the camera looks at the valve's position
  const Session walking(b.shots[1].scenarios);
  const render::Camera v = shot_camera(b.shots[1], 0, walking);
  const auto& valve = walking.leg(0).model->valves[static_cast<std::size_t>(walking.leg(0).model->valve_index("gsv-knee"))];
  for (int i = 0; i < 3; ++i) CHECK(v.target[static_cast<std::size_t>(i)] == Approx(valve.position[static_cast<std::size_t>(i)]).margin(1e-6));

  using anatomy::StructureKind;
  CHECK(shot_layers(s, 0)[static_cast<std::size_t>(StructureKind::Skin)] == Approx(1.0f));
  CHECK(shot_layers(s, 1)[static_cast<std::size_t>(StructureKind::Skin)] == Approx(0.5f));
  CHECK(shot_layers(s, 2.5)[static_cast<std::size_t>(StructureKind::Skin)] == Approx(0.0f));

  CHECK(shot_caption(s, 0.2) == nullptr);
  REQUIRE(shot_caption(s, 0.5) != nullptr);
  CHECK(caption_text(*shot_caption(s, 0.5), "es") == "Uno");
  CHECK(caption_text(*shot_caption(s, 1.5), "es") == "Two");  // no Spanish: English
  CHECK(missing_translations(b, "es").size() == 1);
  CHECK_THAT(missing_translations(b, "es").front(), Catch::Contains("good.toml:"));
  CHECK(shot_caption(s, 2.95) == nullptr);
}

TEST_CASE("the WebVTT captions parse and are timed as the frames show them", "[storyboard][webvtt]") {
  const Storyboard b = load_storyboard(write("good.toml", board()), leg());
  const Timeline t(b, 30);
  const std::string vtt = webvtt(b, t, "es");
  REQUIRE(vtt.starts_with("WEBVTT\n"));
  // cues: "n\nHH:MM:SS.mmm --> HH:MM:SS.mmm\ntext\n", separated by blank lines
  std::vector<std::array<double, 2>> times;
  std::vector<std::string> texts;
  std::istringstream in(vtt.substr(std::string("WEBVTT\n").size()));
  for (std::string blank, number, timing, text; std::getline(in, blank) && std::getline(in, number) && std::getline(in, timing) &&
                                                std::getline(in, text);) {
    CHECK(blank.empty());
    CHECK(std::stoi(number) == static_cast<int>(times.size()) + 1);
    int h[2], m[2], sec[2], ms[2];
    char arrow[4] = {};
    REQUIRE(std::sscanf(timing.c_str(), "%2d:%2d:%2d.%3d %3s %2d:%2d:%2d.%3d", &h[0], &m[0], &sec[0], &ms[0], arrow, &h[1], &m[1], &sec[1], &ms[1]) == 9);
    CHECK(std::string(arrow) == "-->");
    auto secs = [&](int k) { return h[k] * 3600.0 + m[k] * 60.0 + sec[k] + ms[k] / 1000.0; };
    times.push_back({secs(0), secs(1)});
    texts.push_back(text);
  }
  REQUIRE(times.size() == 2);
  CHECK(texts == std::vector<std::string>{"Uno", "Two"});
  // each cue covers exactly the frames that show its caption
  for (std::size_t c = 0; c < times.size(); ++c) {
    for (std::uint64_t f = 0; f < t.frame_count(); ++f) {
      const double time = static_cast<double>(f) / 30.0;
      const ShotTime st = t.at(f);
      const Caption* shown = shot_caption(b.shots[st.shot], st.local_s);
      const bool in_cue = time >= times[c][0] - 1e-9 && time < times[c][1] - 1e-9;
      const bool shows = shown && caption_text(*shown, "es") == texts[c];
      INFO("cue " << c << " frame " << f);
      CHECK(in_cue == shows);
    }
  }
}

TEST_CASE("every shipped caption fits its band in two lines at 640x360 and at 1920x1080", "[storyboard][captions]") {
  for (const std::string& name : builtin_storyboards()) {
    const Storyboard b = load_storyboard(resolve_storyboard(name), leg());
    std::vector<std::string> texts;
    for (const std::string& lang : b.languages)
      for (const std::string& t : caption_texts(b, lang)) texts.push_back(t);
    const auto fonts = load_fonts(texts);
    const render::Overlay overlay(&fonts->regular, &fonts->bold);
    for (const auto& [w, h] : {std::pair{640, 360}, std::pair{1920, 1080}}) {
      const float unit = static_cast<float>(h) / 720.0f, size = (b.large_captions ? 32.0f : 24.0f) * unit;
      CHECK(size >= 0.025f * static_cast<float>(h));  // legible from the back of a lecture hall
      for (const Shot& s : b.shots)
        for (const Caption& c : s.captions)
          for (const auto& [lang, text] : c.text) {
            const auto lines = wrap_caption(overlay, text, size, 0.86f * static_cast<float>(w));
            INFO(name << " " << w << "x" << h << " " << lang << ": " << text);
            CHECK(lines.size() <= 2);
            for (const std::string& l : lines) CHECK(overlay.shaped_text_width(l, size) <= 0.86f * static_cast<float>(w));
          }
    }
  }
}

TEST_CASE("the words in the picture come in each storyboard language and fit where the English ones stand", "[storyboard][captions]") {
  const OverlayText es = OverlayText::load("es"), ar = OverlayText::load("ar"), en = OverlayText::load("en");
  CHECK(en("Ankle vein pressure") == "Ankle vein pressure");
  CHECK(es("Ankle vein pressure") == "Presión en el tobillo");
  CHECK(es("no such text") == "no such text");
  REQUIRE(es.texts().size() == ar.texts().size());  // the same entries in both
  std::vector<std::string> texts = es.texts();
  for (const std::string& t : ar.texts()) texts.push_back(t);
  const auto fonts = load_fonts(texts);
  const render::Overlay o(&fonts->regular, &fonts->bold);
  // at 1280x720 with two legs (the narrowest plots): a plot title within its panel, the legend's
  // two ends within its 150-pixel bar, a title within its half
  for (const OverlayText* t : {&es, &ar}) {
    INFO(t->lang());
    for (const char* title : {"Ankle vein pressure", "Blood left in calf veins"}) {
      INFO((*t)(title));
      CHECK(o.shaped_text_width((*t)(title), 19.5f) <= 640.0f * (1 - 0.655f) - 12.0f - 8.0f);  // from the panel's padding to its edge
    }
    CHECK(o.shaped_text_width((*t)("fresh"), 19.5f) + o.shaped_text_width((*t)("1 min in leg"), 19.5f) + 8.0f <= 150.0f);
    for (const char* title : {"Great saphenous reflux (varicose veins), walking", "Great saphenous reflux with a compression stocking, walking"})
      CHECK(o.shaped_text_width((*t)(title), 30.0f, true) <= 2.0f * (640.0f - 24.0f));  // titles shrink to fit, not below half size
  }
  // a frame in Spanish says other words than one in English
  const Session session({"healthy-walking", "gsv-reflux-walking"});
  FrameView view;
  view.fonts = fonts.get();
  const render::FrameDesc english = compose_frame(session, view, 1280, 720);
  view.parts.text = &es;
  const render::FrameDesc spanish = compose_frame(session, view, 1280, 720);
  CHECK(english.overlay.size() != spanish.overlay.size());
}
