// The offscreen Vulkan renderer on whatever device the machine has (lavapipe in CI), with the
// validation layers on: no messages, a picture that is not blank, identical for identical input,
// different when the leg changes.

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <string>

#include <fmt/format.h>

#include <vtkImplicitPolyDataDistance.h>

#include "anatomy/deform.hpp"
#include "anatomy/geometry_io.hpp"
#include "anatomy/geometry_vtk.hpp"
#include "anatomy/particles.hpp"
#include "anatomy/scenario.hpp"
#include "anatomy/simulation.hpp"
#include "anatomy/units.hpp"
#include "render/overlay.hpp"
#include "render/renderer.hpp"
#include "render/target.hpp"

using namespace calfpump;
using namespace calfpump::anatomy;

namespace {

struct Scene {
  LegDescription leg = load_leg_description(default_leg_file());
  LegGeometry rest = read_leg_glb(default_leg_mesh());
};

State state_at(const Model& m, const Scenario& sc, double t) {
  Simulation sim(m, sc.schedule());
  sim.run_until(t);
  return sim.state();
}

// every test renders with the validation layers on
render::RenderOptions validating() {
  render::RenderOptions o;
  o.validation = true;
  return o;
}

// what a frame draws besides the legs (the tests' short form of a FrameDesc)
struct Options {
  double particle_dt = 0;
  const render::Overlay* overlay = nullptr;
  int leg_top = 0, leg_bottom = 0;
  std::vector<render::Inset> insets;
  bool simplify = true;
};

// a renderer with an offscreen target, and the legs in its slots (their paths and particle
// networks, to describe frames of them)
struct Gpu {
  render::Renderer r;
  render::OffscreenTarget target;
  struct Slot {
    const Model* model = nullptr;
    LegPaths paths;
    ParticleNetwork network;
  };
  std::vector<Slot> slots;

  Gpu(int width, int height, const render::RenderOptions& o = validating()) : r(o), target(r, width, height) {}
  void set_leg(const Model& m, const LegGeometry& rest, std::size_t slot = 0) {
    r.set_leg(m, rest, slot);
    if (slots.size() <= slot) slots.resize(slot + 1);
    slots[slot] = {&m, make_leg_paths(m.leg), make_particle_network(m)};
  }
  void set_particles(const State& st, std::size_t count, std::size_t slot = 0) { r.set_particles(st, count, slot); }
  void advance(const State& st, double dt, std::size_t slot = 0) {
    r.advance_particles(render::leg_frame(*slots[slot].model, slots[slot].paths, slots[slot].network, st), dt, slot);
  }
  render::FrameDesc frame(std::span<const State* const> states, const render::Camera& camera, const Options& o = {}) const {
    render::FrameDesc f;
    f.width = target.width();
    f.height = target.height();
    for (std::size_t i = 0; i < states.size(); ++i)
      f.legs.push_back(render::leg_frame(*slots[i].model, slots[i].paths, slots[i].network, *states[i]));
    f.camera = camera;
    f.particle_dt = o.particle_dt;
    if (o.overlay) f.overlay = o.overlay->vertices();
    f.leg_top = o.leg_top;
    f.leg_bottom = o.leg_bottom;
    f.insets = o.insets;
    f.simplify = o.simplify;
    return f;
  }
  void render(std::span<const State* const> states, const render::Camera& camera, const Options& o, render::Image& out) {
    const render::FrameStatus st = render::render_image(r, target, frame(states, camera, o), out);
    INFO(st.message);
    REQUIRE(st);
  }
  render::Image render(const State& state, const render::Camera& camera) {
    const State* states[1] = {&state};
    render::Image out;
    render(states, camera, Options{}, out);
    return out;
  }
  std::vector<float> particle_positions(std::size_t slot = 0) const { return r.particle_positions(slot); }
  std::vector<std::uint32_t> particle_segments(std::size_t slot = 0) const { return r.particle_segments(slot); }
  std::vector<float> deformed_positions(std::size_t slot = 0) const { return r.deformed_positions(slot); }
  void set_fonts(const render::FontAtlas& a, const render::FontAtlas& b) { r.set_fonts(a, b); }
  std::uint64_t validation_messages() const { return r.validation_messages(); }
  const std::string& first_validation_message() const { return r.first_validation_message(); }
  const char* antialiasing() const { return r.antialiasing(); }
};

// a scenario on a renderer: its model in a slot, its simulation run to a time
struct LegOnGpu {
  Scenario sc;
  Model m;
  Simulation sim;
  LegOnGpu(const Scene& s, Gpu& r, const char* name, double t)
      : sc(load_scenario(resolve_scenario(name), s.leg)), m(build_model(s.leg, sc.condition)), sim(m, sc.schedule()) {
    r.set_leg(m, s.rest);
    sim.run_until(t);
  }
};

double mean_abs_difference(const render::Image& a, const render::Image& b) {
  double d = 0;
  for (std::size_t i = 0; i < a.rgba.size(); ++i) d += std::abs(int(a.rgba[i]) - int(b.rgba[i]));
  return d / static_cast<double>(a.rgba.size());
}

}  // namespace

TEST_CASE("the leg renders offscreen with no validation messages", "[gpu][render]") {
  const Scene s;
  Gpu r(320, 240);
  const LegOnGpu leg(s, r, "healthy-tiptoe", 0.0);
  const Scenario& sc = leg.sc;
  const Model& m = leg.m;
  const State standing = state_at(m, sc, 19.9);
  const State raised = state_at(m, sc, 20.35);
  const render::Image a = r.render(standing, render::Camera{});
  const render::Image b = r.render(standing, render::Camera{});
  const render::Image c = r.render(raised, render::Camera{});
  INFO(r.first_validation_message());
  CHECK(r.validation_messages() == 0);
  REQUIRE(a.rgba.size() == 320u * 240u * 4u);
  // not blank: many pixels differ from the background, with several distinct colours
  std::size_t drawn = 0;
  for (std::size_t i = 0; i < a.rgba.size(); i += 4)
    if (std::abs(int(a.rgba[i]) - 244) > 12 || std::abs(int(a.rgba[i + 2]) - 246) > 12) ++drawn;
  CHECK(drawn > 320u * 240u / 20u);
  CHECK(a.rgba == b.rgba);                 // deterministic
  CHECK(mean_abs_difference(a, c) > 0.05);  // the contraction shows
}

TEST_CASE("the GPU deformation agrees with the CPU reference within 0.5 mm", "[gpu][render][deform]") {
  const Scene s;
  Gpu r(64, 64);
  double most_ankle = 0, most_knee = 0;
  for (const char* name : {"healthy-tiptoe", "gsv-reflux-walking"}) {
    const Scenario sc = load_scenario(resolve_scenario(name), s.leg);
    const Model m = build_model(s.leg, sc.condition);
    r.set_leg(m, s.rest);
    const Deformer cpu(m, s.rest);
    LegGeometry expected = s.rest;
    for (double t : {19.9, 20.1, 20.35, 20.5, 20.6, -20.35}) {  // walking: 20.5 s is mid-swing; -20.35: the raise's top, emphasized
      // (a teaching view draws the movement larger: the same maps with an emphasized state)
      const State st = t < 0 ? emphasized(m, state_at(m, sc, -t), 2.5) : state_at(m, sc, t);
      t = std::abs(t);
      most_ankle = std::max(most_ankle, std::abs(st.ankle_rad));
      most_knee = std::max(most_knee, std::abs(st.knee_rad));
      // the whole leg in view and every triangle drawn, so every vertex deformed (a frame deforms
      // what it draws; a view this small would draw the simplified surfaces)
      const State* states[1] = {&st};
      Options fo;
      fo.simplify = false;
      render::Camera whole;
      whole.eye = {-2.5f, -2.5f, 0.5f};
      whole.target = {0.0f, 0.02f, 0.48f};
      render::Image img;
      r.render(states, whole, fo, img);
      const std::vector<float> gpu = r.deformed_positions();
      cpu.apply(st, expected);
      double worst = 0;
      std::string where;
      std::size_t v0 = 0;
      for (const auto& str : expected.structures) {
        for (std::size_t k = 0; k < str.positions.size(); ++k) {
          const double e = std::abs(double(gpu[3 * v0 + k]) - double(str.positions[k]));
          if (e > worst) { worst = e; where = str.name; }
        }
        v0 += str.vertex_count();
      }
      INFO(name << " t = " << t << ": worst " << worst * 1e3 << " mm in " << where);
      CHECK(worst < 0.5e-3);
    }
  }
  // the joints turned among these states: the raise's top and the swing's bent knee
  CHECK(most_ankle > 30.0 * std::numbers::pi / 180);
  CHECK(most_knee > 50.0 * std::numbers::pi / 180);
  INFO(r.first_validation_message());
  CHECK(r.validation_messages() == 0);
}

TEST_CASE("blood particles stay inside the veins and show in the picture", "[gpu][render][particles]") {
  const Scene s;
  Gpu r(320, 240);
  LegOnGpu leg(s, r, "healthy-walking", 28.0);
  const Model& m = leg.m;
  Simulation& sim = leg.sim;
  r.set_particles(sim.state(), 20000);
  const render::Image before = r.render(sim.state(), render::Camera{});
  State placed = sim.state();  // the state the particles were last placed in (the leg moves between)
  while (sim.state().time_s < 30.0) {
    sim.step();
    if (sim.state().steps % 4 == 0) {
      r.advance(sim.state(), 4 * sim.dt());
      placed = sim.state();
    }
  }
  const render::Image after = r.render(sim.state(), render::Camera{});
  CHECK(mean_abs_difference(before, after) > 0.01);  // the blood moved
  // every (sampled) active particle lies inside one of the deformed veins
  LegGeometry deformed = s.rest;
  Deformer(m, s.rest).apply(placed, deformed);
  std::vector<vtkSmartPointer<vtkImplicitPolyDataDistance>> veins;
  for (const auto& str : deformed.structures) {
    if (str.kind != StructureKind::Vein) continue;
    auto dist = vtkSmartPointer<vtkImplicitPolyDataDistance>::New();
    dist->SetInput(to_polydata(str));
    veins.push_back(dist);
  }
  const std::vector<float> p = r.particle_positions();
  const std::vector<std::uint32_t> seg = r.particle_segments();
  int checked = 0, outside = 0;
  std::string first_outside;
  for (std::size_t i = 0; i < p.size() / 4; i += 17) {
    if (p[4 * i + 2] < -1.0f) continue;  // waiting at the heart
    double x[3] = {p[4 * i], p[4 * i + 1], p[4 * i + 2]};
    // in the outlet above the groin, which the leg does not draw (and which turns with the thigh)
    if (seg[i] < m.segments.size() && m.segments[seg[i]].compartment == Compartment::Central) continue;
    // inside, to within 0.1 mm (the wall between two rings is a chord; the particle's section is exact)
    bool inside = false;
    for (auto& d : veins) inside = inside || d->EvaluateFunction(x) < 1e-4;
    ++checked;
    outside += inside ? 0 : 1;
    if (!inside && first_outside.empty()) {
      double best = 1e9;
      for (auto& d : veins) best = std::min(best, d->EvaluateFunction(x));
      first_outside = fmt::format("first outside at ({:.4f}, {:.4f}, {:.4f}) m, {:.2f} mm from the nearest vein wall", x[0], x[1], x[2], best * 1000);
    }
  }
  INFO(outside << " of " << checked << " sampled particles outside every vein; " << first_outside);
  CHECK(checked > 500);
  CHECK(outside == 0);
  INFO(r.first_validation_message());
  CHECK(r.validation_messages() == 0);
}

TEST_CASE("asking for a device that is not there is a clear error", "[gpu][render][errors]") {
  render::RenderOptions o;
  o.device = "no-such-gpu-name";
  try {
    render::Renderer r(o);
    FAIL("a renderer was created");
  } catch (const render::RenderError& e) {
    CHECK_THAT(e.what(), Catch::Contains("no-such-gpu-name") && Catch::Contains("devices:"));
  }
}

namespace {

// GPU particle hand-overs through one edge between two read-backs: forward (a -> b) and backward
struct Crossings {
  std::int64_t forward = 0, backward = 0;
};

void count_crossings(const Edge& e, const std::vector<std::uint32_t>& before, const std::vector<std::uint32_t>& after, Crossings& c) {
  const auto a = static_cast<std::uint32_t>(e.a), b = static_cast<std::uint32_t>(e.b);
  for (std::size_t i = 0; i < before.size(); ++i) {
    if (before[i] == a && after[i] == b) ++c.forward;
    if (before[i] == b && after[i] == a) ++c.backward;
  }
}

}  // namespace

TEST_CASE("over one raise the GPU particles through the popliteal vein carry the ejected volume", "[gpu][particles]") {
  const Scene s;
  Gpu r(64, 64);
  LegOnGpu leg(s, r, "healthy-tiptoe", 19.0);
  const Model& m = leg.m;
  Simulation& sim = leg.sim;
  constexpr std::size_t kCount = 200000;
  r.set_particles(sim.state(), kCount);
  const double per_particle = particle_volume(sim.state(), kCount);
  const Edge& edge = m.edges[std::size_t(m.valves[std::size_t(m.valve_index("popliteal-1"))].edge)];
  const int edge_index = m.valves[std::size_t(m.valve_index("popliteal-1"))].edge;
  // settle for a second, then count over one raise (20 s to 21 s), a particle step every two
  // simulation steps: 1/120 s of model time, a 30 fps video at a quarter speed (the fill test below
  // steps 1/30 s, real time)
  while (sim.state().time_s < 20.0 - 1e-9) {
    sim.step();
    if (sim.state().steps % 2 == 0) r.advance(sim.state(), 2 * sim.dt());
  }
  Crossings c;
  double simulated = 0;
  std::vector<std::uint32_t> before = r.particle_segments();
  while (sim.state().time_s < 21.0 - 1e-9) {
    sim.step();
    simulated += sim.state().edge_flow_m3_s[std::size_t(edge_index)] * sim.dt();
    if (sim.state().steps % 2 != 0) continue;
    r.advance(sim.state(), 2 * sim.dt());
    std::vector<std::uint32_t> after = r.particle_segments();
    count_crossings(edge, before, after, c);
    before.swap(after);
  }
  const double carried = static_cast<double>(c.forward - c.backward) * per_particle;
  INFO("simulated " << m3_to_ml(simulated) << " ml, GPU particles " << m3_to_ml(carried) << " ml");
  CHECK(simulated > ml_to_m3(20.0));
  CHECK(carried == Approx(simulated).epsilon(0.10));
  INFO(r.first_validation_message());
  CHECK(r.validation_messages() == 0);
}

TEST_CASE("no GPU particle crosses a closed competent valve downward but some fall back through leaky ones", "[gpu][particles][valve]") {
  const Scene s;
  auto run = [&](const char* name) {
    Gpu r(64, 64);
    LegOnGpu leg(s, r, name, 9.0);
    const Model& m = leg.m;
    Simulation& sim = leg.sim;
    r.set_particles(sim.state(), 50000);
    std::int64_t through_closed = 0, closed_steps = 0, through_gsv = 0;
    std::vector<std::uint32_t> before = r.particle_segments();
    std::vector<char> closed(m.valves.size(), 1);
    while (sim.state().time_s < 16.0 - 1e-9) {
      sim.step();
      // closed during the whole particle step: at every simulation step in it
      for (std::size_t k = 0; k < m.valves.size(); ++k) closed[k] = closed[k] && sim.state().valve_state[k] == 0.0;
      if (sim.state().steps % 4 != 0) continue;
      r.advance(sim.state(), 4 * sim.dt());
      const std::vector<std::uint32_t> after = r.particle_segments();
      for (std::size_t k = 0; k < m.valves.size(); ++k) {
        Crossings c;
        count_crossings(m.edges[std::size_t(m.valves[k].edge)], before, after, c);
        if (m.leg.vessels[std::size_t(m.valves[k].vessel)].name == "gsv") through_gsv += c.backward;
        if (m.valves[k].incompetence == 0.0 && closed[k]) {
          ++closed_steps;
          through_closed += c.backward;
        }
        closed[k] = 1;
      }
      before = after;
    }
    INFO(name << ": " << closed_steps << " closed valve-steps");
    CHECK(closed_steps > 500);
    CHECK(through_closed == 0);
    CHECK(r.validation_messages() == 0);
    return through_gsv;
  };
  const std::int64_t healthy = run("healthy-walking"), leaky = run("gsv-reflux-walking");
  INFO("GPU particles falling back through the great saphenous valves: healthy " << healthy << ", leaky " << leaky);
  CHECK(leaky > 20);
  CHECK(leaky > 5 * healthy);
}

TEST_CASE("a far view draws simplified surfaces that look like the full ones", "[gpu][render][lod]") {
  const Scene s;
  Gpu r(640, 360);
  const LegOnGpu leg(s, r, "healthy-walking", 20.0);
  const State* states[1] = {&leg.sim.state()};
  // the default camera at 360 rows: about 2 mm a pixel, so the 0.5 mm surfaces are drawn
  Options simple, full;
  full.simplify = false;
  render::Image a, b;
  r.render(states, render::Camera{}, simple, a);
  r.render(states, render::Camera{}, full, b);
  std::size_t changed = 0, strong = 0, covered = 0;
  for (std::size_t i = 0; i < a.rgba.size(); i += 4) {
    int d = 0;
    for (std::size_t ch = 0; ch < 3; ++ch) d += std::abs(int(a.rgba[i + ch]) - int(b.rgba[i + ch]));
    changed += d > 0;
    strong += d > 48;
    covered += b.rgba[i] < 200 || b.rgba[i + 1] < 200;  // not background
  }
  const double pixels = static_cast<double>(a.rgba.size() / 4);
  INFO("pixels changed " << changed << ", by more than 48 levels " << strong << ", leg pixels " << covered << ", mean difference "
                         << mean_abs_difference(a, b));
  CHECK(static_cast<double>(covered) > pixels * 0.05);  // the leg is there
  CHECK(changed > 0);                    // the simplified surfaces were drawn
  // and differ clearly (edges a pixel over, the muscle fibres' fine bands) in under 1% of the pixels
  CHECK(static_cast<double>(strong) < pixels * 0.01);
  CHECK(mean_abs_difference(a, b) < 0.5);
  INFO(r.first_validation_message());
  CHECK(r.validation_messages() == 0);
}

TEST_CASE("the edge filter brings a one-sample picture towards the multisampled one", "[gpu][render][antialiasing]") {
  const Scene s;
  // the same frame drawn three ways: 4x multisampling (the reference), one sample filtered, one
  // sample as drawn
  const render::Antialiasing modes[3] = {render::Antialiasing::Multisample, render::Antialiasing::EdgeFilter, render::Antialiasing::None};
  const char* names[3] = {"4x multisampling", "edge filter", "none"};
  render::Image images[3];
  render::Image again;
  for (int k = 0; k < 3; ++k) {
    render::RenderOptions o = validating();
    o.antialiasing = modes[k];
    Gpu r(480, 360, o);
    CHECK(std::string(r.antialiasing()) == names[k]);
    const LegOnGpu leg(s, r, "healthy-walking", 20.0);
    r.set_particles(leg.sim.state(), 20000);
    images[k] = r.render(leg.sim.state(), render::Camera{});
    if (k == 1) again = r.render(leg.sim.state(), render::Camera{});
    // an opaque picture (the filter's mark on the blood does not reach the image)
    std::size_t see_through = 0;
    for (std::size_t i = 3; i < images[k].rgba.size(); i += 4) see_through += images[k].rgba[i] != 255;
    CHECK(see_through == 0);
    INFO(names[k] << ": " << r.first_validation_message());
    CHECK(r.validation_messages() == 0);
  }
  CHECK(again.rgba == images[1].rgba);  // deterministic
  // the pixels the filter changed, and how far they are from the multisampled picture before and after
  std::size_t changed = 0;
  double before = 0, after = 0;
  for (std::size_t i = 0; i < images[0].rgba.size(); i += 4) {
    int d_none = 0, d_filter = 0, d_change = 0;
    for (std::size_t ch = 0; ch < 3; ++ch) {
      d_none += std::abs(int(images[2].rgba[i + ch]) - int(images[0].rgba[i + ch]));
      d_filter += std::abs(int(images[1].rgba[i + ch]) - int(images[0].rgba[i + ch]));
      d_change += std::abs(int(images[1].rgba[i + ch]) - int(images[2].rgba[i + ch]));
    }
    if (d_change == 0) continue;
    ++changed;
    before += d_none;
    after += d_filter;
  }
  const double to_reference_none = mean_abs_difference(images[2], images[0]), to_reference_filter = mean_abs_difference(images[1], images[0]);
  INFO("pixels filtered " << changed << ", their distance to the multisampled picture " << before / double(std::max<std::size_t>(changed, 1))
                          << " -> " << after / double(std::max<std::size_t>(changed, 1)) << "; whole picture " << to_reference_none << " -> "
                          << to_reference_filter);
  CHECK(changed > 1000);                // the edges of the leg (about 2% of the picture)
  CHECK(after < 0.95 * before);         // filtered pixels come closer to the reference (by 13% on lavapipe)
  CHECK(to_reference_filter < to_reference_none);
}

TEST_CASE("an open valve and a closed one look different where the valve is, and only there", "[gpu][render][valve]") {
  const Scene s;
  Gpu r(320, 240);
  const LegOnGpu leg(s, r, "healthy-walking", 0.0);
  const Scenario& sc = leg.sc;
  const Model& m = leg.m;
  const Valve& valve = m.valves[std::size_t(m.valve_index("popliteal-1"))];
  // close up on the valve, from behind the knee
  render::Camera cam;
  const std::array<float, 3> at{static_cast<float>(valve.position[0]), static_cast<float>(valve.position[1]), static_cast<float>(valve.position[2])};
  cam.target = at;
  cam.eye = {at[0] - 0.02f, at[1] - 0.06f, at[2] + 0.01f};
  cam.fov_deg = 20.0f;
  State st = state_at(m, sc, 12.0);
  st.ankle_rad = st.knee_rad = 0.0;  // the rest pose, where the camera looks (walking bends the knee)
  const auto k = std::size_t(m.valve_index("popliteal-1"));
  st.valve_state[k] = 1.0;
  const render::Image open = r.render(st, cam);
  st.valve_state[k] = 0.0;
  const render::Image closed = r.render(st, cam);
  // the valve's neighbourhood on screen: a box around its projection
  const auto c = render::project(cam, at, {0, 0, 320, 240});
  double inside = 0, outside = 0;
  int n_in = 0, n_out = 0;
  for (int y = 0; y < 240; ++y)
    for (int x = 0; x < 320; ++x) {
      const std::size_t i = (static_cast<std::size_t>(y) * 320 + static_cast<std::size_t>(x)) * 4;
      double d = 0;
      for (int ch = 0; ch < 3; ++ch) d += std::abs(int(open.rgba[i + std::size_t(ch)]) - int(closed.rgba[i + std::size_t(ch)]));
      const bool near = std::abs(float(x) - c[0]) < 60 && std::abs(float(y) - c[1]) < 60;
      (near ? inside : outside) += d;
      (near ? n_in : n_out) += 1;
    }
  INFO("valve at pixel " << c[0] << ", " << c[1] << "; mean difference near it " << inside / n_in << ", elsewhere " << outside / n_out);
  CHECK(inside / n_in > 1.0);
  CHECK(outside == 0.0);
  CHECK(r.validation_messages() == 0);
}

TEST_CASE("a comparison frame shows two legs, titles and plots, competent and leaky legs differ", "[gpu][render][overlay]") {
  const Scene s;
  Gpu r(640, 360);
  const Scenario a = load_scenario(resolve_scenario("healthy-walking"), s.leg);
  const Scenario b = load_scenario(resolve_scenario("gsv-reflux-walking"), s.leg);
  const Model ma = build_model(s.leg, a.condition), mb = build_model(s.leg, b.condition);
  r.set_leg(ma, s.rest, 0);
  r.set_leg(mb, s.rest, 1);
  const State sa = state_at(ma, a, 15.0), sb = state_at(mb, b, 15.0);
  r.set_particles(sa, 20000, 0);
  r.set_particles(sb, 20000, 1);
  const render::FontAtlas regular = render::load_font(render::default_font_path(false));
  const render::FontAtlas bold = render::load_font(render::default_font_path(true));
  r.set_fonts(regular, bold);
  render::Overlay overlay(&regular, &bold);
  overlay.text(320, 4, 24, "Healthy | Leaky", render::rgba(0, 0, 0), render::Align::Center, true);
  Options fo;
  fo.overlay = &overlay;
  fo.leg_top = 36;
  fo.particle_dt = 1.0 / 30.0;
  const State* states[2] = {&sa, &sb};
  render::Image framed;
  r.render(states, render::Camera{}, fo, framed);
  // the title band has dark text pixels; each half has a leg (non-background pixels)
  auto dark = [&](int x0, int x1, int y0, int y1) {
    int count = 0;
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x)
        if (framed.rgba[(static_cast<std::size_t>(y) * 640 + static_cast<std::size_t>(x)) * 4] < 100) ++count;
    return count;
  };
  CHECK(dark(200, 440, 0, 34) > 100);
  CHECK(dark(0, 320, 40, 360) > 1000);
  CHECK(dark(320, 640, 40, 360) > 1000);
  // the same healthy state in both slots against the two legs: the leaky leg's half differs
  fo.particle_dt = 0;
  fo.overlay = nullptr;
  render::Image one, two;
  const State* same[2] = {&sa, &sa};
  r.set_leg(ma, s.rest, 1);
  r.render(same, render::Camera{}, fo, one);
  r.set_leg(mb, s.rest, 1);
  r.set_particles(sb, 0, 1);
  const State* both[2] = {&sa, &sb};
  r.render(both, render::Camera{}, fo, two);
  double left = 0, right = 0;
  for (int y = 0; y < 360; ++y)
    for (int x = 0; x < 640; ++x) {
      const std::size_t i = (static_cast<std::size_t>(y) * 640 + static_cast<std::size_t>(x)) * 4;
      (x < 320 ? left : right) += std::abs(int(one.rgba[i]) - int(two.rgba[i]));
    }
  INFO("left half difference " << left << ", right half " << right);
  CHECK(left == 0.0);    // the healthy leg is the same in both frames
  CHECK(right > 1000.0); // the leaky leg's veins (wider, fuller, valves apart) show
  // identical input, identical frame
  render::Image again;
  r.render(both, render::Camera{}, fo, again);
  CHECK(again.rgba == two.rgba);
  INFO(r.first_validation_message());
  CHECK(r.validation_messages() == 0);
}

TEST_CASE("GPU particles fill each vein as the simulation does, leaky saphenous vein included", "[gpu][particles]") {
  const Scene s;
  for (const char* name : {"healthy-walking", "gsv-reflux-walking"}) {
    Gpu r(64, 64);
    LegOnGpu leg(s, r, name, 17.0);
    const Model& m = leg.m;
    Simulation& sim = leg.sim;
    constexpr std::size_t kCount = 100000;
    r.set_particles(sim.state(), kCount);
    const double per_particle = particle_volume(sim.state(), kCount);
    // three seconds of walking, a particle step per video frame (1/30 s)
    while (sim.state().time_s < 20.0 - 1e-9) {
      sim.step();
      if (sim.state().steps % 8 == 0) r.advance(sim.state(), 8 * sim.dt());
    }
    std::vector<double> carried(m.leg.vessels.size(), 0.0), simulated(m.leg.vessels.size(), 0.0);
    for (std::uint32_t seg : r.particle_segments())
      if (seg != 0xffffffffu) carried[std::size_t(m.segments[seg].vessel)] += per_particle;
    for (std::size_t i = 0; i < m.segments.size(); ++i) simulated[std::size_t(m.segments[i].vessel)] += sim.state().volume_m3[i];
    for (std::size_t v = 0; v < simulated.size(); ++v) {
      if (simulated[v] < ml_to_m3(5.0)) continue;  // the larger veins: a few particles more or less matter little
      INFO(name << ", " << m.leg.vessels[v].name << ": simulated " << m3_to_ml(simulated[v]) << " ml, particles " << m3_to_ml(carried[v]) << " ml");
      CHECK(carried[v] == Approx(simulated[v]).epsilon(0.2));
    }
    CHECK(r.validation_messages() == 0);
  }
}

TEST_CASE("four million particles move and draw", "[gpu][particles][scale]") {
  const Scene s;
  Gpu r(160, 120);
  LegOnGpu leg(s, r, "healthy-walking", 15.0);
  Simulation& sim = leg.sim;
  r.set_particles(sim.state(), 4'000'000);
  for (int k = 0; k < 2; ++k) {
    for (int i = 0; i < 8; ++i) sim.step();
    r.advance(sim.state(), 8 * sim.dt());
  }
  const render::Image img = r.render(sim.state(), render::Camera{});
  const std::vector<float> p = r.particle_positions();
  REQUIRE(p.size() == 4 * std::size_t(4'000'000));
  std::size_t in_leg = 0;
  for (std::size_t i = 0; i < p.size(); i += 4 * 997)
    if (std::isfinite(p[i]) && std::isfinite(p[i + 1]) && std::isfinite(p[i + 2]) && p[i + 2] > -1.0f) ++in_leg;
  CHECK(in_leg > 3000);  // of about 4000 sampled: nearly all in the leg, none lost to NaN
  CHECK(img.width == 160);
  INFO(r.first_validation_message());
  CHECK(r.validation_messages() == 0);
}

TEST_CASE("frames in flight: rendering the next frame before reading the last gives the same pictures", "[gpu][render][pipelining]") {
  const Scene s;
  // the same three frames (the blood moving 1/30 s in each), first one at a time (render, read),
  // then pipelined (render N + 1, then read N), from the same seeded particles
  auto frames = [&](bool pipelined) {
    Gpu r(320, 240);
    LegOnGpu leg(s, r, "gsv-reflux-walking", 15.0);
    r.set_particles(leg.sim.state(), 20000);
    std::vector<render::Image> out(3);
    std::uint64_t previous = 0;
    for (int k = 0; k < 3; ++k) {
      for (int i = 0; i < 8; ++i) leg.sim.step();
      const State* states[1] = {&leg.sim.state()};
      Options o;
      o.particle_dt = 8 * leg.sim.dt();
      const render::FrameStatus st = r.r.render(r.frame(states, render::Camera{}, o), r.target);
      REQUIRE(st);
      if (!pipelined) REQUIRE(r.target.read(st.frame, out[std::size_t(k)]));
      if (pipelined && previous) REQUIRE(r.target.read(previous, out[std::size_t(k - 1)]));
      previous = st.frame;
    }
    if (pipelined) REQUIRE(r.target.read(previous, out[2]));
    INFO(r.first_validation_message());
    CHECK(r.validation_messages() == 0);
    return out;
  };
  const auto serial = frames(false), pipelined = frames(true);
  for (std::size_t k = 0; k < 3; ++k) CHECK(serial[k].rgba == pipelined[k].rgba);
  CHECK(serial[0].rgba != serial[2].rgba);  // the leg and the blood moved
}

TEST_CASE("a target is resized without recreating the renderer", "[gpu][render][target]") {
  const Scene s;
  Gpu r(320, 240);
  const LegOnGpu leg(s, r, "healthy-walking", 12.0);
  r.set_particles(leg.sim.state(), 20000);
  const render::Image big = r.render(leg.sim.state(), render::Camera{});
  r.target.resize(200, 150);
  const render::Image small = r.render(leg.sim.state(), render::Camera{});
  CHECK(big.width == 320);
  CHECK(small.width == 200);
  CHECK(small.height == 150);
  // the same picture as a renderer made at that size
  Gpu fresh(200, 150);
  const LegOnGpu again(s, fresh, "healthy-walking", 12.0);
  fresh.set_particles(again.sim.state(), 20000);
  CHECK(fresh.render(again.sim.state(), render::Camera{}).rgba == small.rgba);
  // a frame composed for the old size is refused, not drawn
  const State* states[1] = {&leg.sim.state()};
  render::FrameDesc stale = r.frame(states, render::Camera{});
  stale.width = 320;
  stale.height = 240;
  const render::FrameStatus st = r.r.render(stale, r.target);
  CHECK(st.code == render::FrameStatus::Code::InvalidFrame);
  CHECK_THAT(st.message, Catch::Contains("320x240") && Catch::Contains("200x150"));
  INFO(r.first_validation_message());
  CHECK(r.validation_messages() == 0);
  CHECK(fresh.validation_messages() == 0);
}

TEST_CASE("the frame path reports what went wrong instead of throwing, a lost device included", "[gpu][render][errors]") {
  const Scene s;
  Gpu r(160, 120);
  const LegOnGpu leg(s, r, "healthy-walking", 5.0);
  const State* states[1] = {&leg.sim.state()};
  using Code = render::FrameStatus::Code;
  auto status_of = [&](const render::FrameDesc& f) {
    render::FrameStatus st;
    CHECK_NOTHROW(st = r.r.render(f, r.target));
    return st;
  };
  render::FrameDesc two_legs = r.frame(states, render::Camera{});
  two_legs.legs.push_back(two_legs.legs.front());
  CHECK(status_of(two_legs).code == Code::InvalidFrame);
  render::FrameDesc bad_layer = r.frame(states, render::Camera{});
  bad_layer.layers[0] = 1.5f;
  const render::FrameStatus layer = status_of(bad_layer);
  CHECK(layer.code == Code::InvalidFrame);
  CHECK_THAT(layer.message, Catch::Contains("opacity"));
  render::FrameDesc bad_inset = r.frame(states, render::Camera{});
  bad_inset.insets.push_back({0, render::Camera{}, {100, 100, 100, 100}});
  CHECK(status_of(bad_inset).code == Code::InvalidFrame);
  render::FrameDesc with_text = r.frame(states, render::Camera{});
  with_text.overlay.resize(3);
  CHECK_THAT(status_of(with_text).message, Catch::Contains("fonts"));
  render::Image img;
  CHECK(r.target.read(12345, img).code == Code::InvalidFrame);
  // a good frame still draws after the refusals
  const render::FrameStatus ok = status_of(r.frame(states, render::Camera{}));
  REQUIRE(ok);
  CHECK(r.target.read(ok.frame, img));
  CHECK(img.width == 160);
  // a lost device is reported as such, and stays lost
  r.r.simulate_device_loss();
  CHECK(status_of(r.frame(states, render::Camera{})).code == Code::DeviceLost);
  CHECK(status_of(r.frame(states, render::Camera{})).code == Code::DeviceLost);
  INFO(r.first_validation_message());
  CHECK(r.validation_messages() == 0);
}

TEST_CASE("GPU and CPU reference follow the same re-entry rule", "[gpu][particles][reentry]") {
  const Scene s;
  Gpu r(64, 64);
  LegOnGpu leg(s, r, "healthy-walking", 10.0);
  Simulation& sim = leg.sim;
  constexpr std::size_t kCount = 50000;
  // the same initial particles on both, the same inputs every 8 steps (a video frame) for 10 s of
  // walking: blood leaves at the outlet while the calf empties and re-enters with the inflow
  r.set_particles(sim.state(), kCount);
  ParticleTransport cpu(leg.m, sim.state(), kCount);
  const double start = sim.state().time_s;
  while (sim.state().time_s < start + 10.0 - 1e-9) {
    sim.step();
    if (sim.state().steps % 8 != 0) continue;
    r.advance(sim.state(), 8 * sim.dt());
    cpu.advance(sim.state(), 8 * sim.dt());
  }
  // waiting at the heart, and re-entered: a particle in the leg younger than the 10 s run came in
  // during it (one that stayed is at least 10 s old, one that left and waits keeps its age)
  const std::vector<std::uint32_t> gpu_segments = r.particle_segments();
  const std::vector<float> gpu_positions = r.particle_positions();
  std::size_t gpu_waiting = 0, gpu_young = 0, cpu_young = 0;
  for (std::size_t i = 0; i < kCount; ++i) {
    gpu_waiting += gpu_segments[i] == 0xffffffffu;
    gpu_young += gpu_segments[i] != 0xffffffffu && gpu_positions[4 * i + 3] < 10.0f - 1e-3f;
  }
  for (const Particle& p : cpu.particles()) cpu_young += p.segment >= 0 && p.age_s < 10.0f - 1e-3f;
  INFO("waiting: GPU " << gpu_waiting << ", CPU " << cpu.waiting() << "; re-entered and in the leg: GPU " << gpu_young << ", CPU " << cpu_young);
  CHECK(cpu.waiting() > 1000u);
  CHECK(static_cast<double>(gpu_waiting) == Approx(static_cast<double>(cpu.waiting())).epsilon(0.03));
  CHECK(cpu_young > 2000u);
  CHECK(static_cast<double>(gpu_young) == Approx(static_cast<double>(cpu_young)).epsilon(0.05));
  INFO(r.first_validation_message());
  CHECK(r.validation_messages() == 0);
}
