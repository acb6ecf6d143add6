// The cross-section view: the cut (anatomy/section.hpp) of a leg's deformed meshes, its camera,
// and its drawing in the overlay (caps over the renderer's cut-away leg, labels, the deep veins'
// area in the cut).

#include "app/section_view.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "anatomy/deform.hpp"
#include "anatomy/error.hpp"
#include "overlay_writer.hpp"
#include "section_draw.hpp"

namespace calfpump::app {

namespace {

std::array<double, 2> z_range(const anatomy::StructureMesh& m) {
  double lo = 1e9, hi = -1e9;
  for (std::size_t v = 0; v < m.vertex_count(); ++v) {
    lo = std::min(lo, static_cast<double>(m.positions[3 * v + 2]));
    hi = std::max(hi, static_cast<double>(m.positions[3 * v + 2]));
  }
  return {lo, hi};
}

// how far a surface may move along the leg in the deformation: a muscle shortening by its
// largest share (0.12 of the soleus' 33 cm) with the skin over it; a cut takes every surface
// whose rest extent comes this near
constexpr double kAxialReach_m = 0.06;

// the deep veins, whose area in the cut the view reads out
bool deep_vein(const std::string& name) {
  for (const char* d : {"posterior-tibial", "peroneal", "anterior-tibial", "soleal-sinus-medial", "soleal-sinus-lateral", "gastrocnemius-medial",
                        "gastrocnemius-lateral", "popliteal"})
    if (name == d) return true;
  return false;
}

// the names a cut's structures are labelled with (English; the overlay's table translates them);
// null: not labelled (perforators and other short crossings)
const char* label_of(const std::string& name, anatomy::StructureKind kind) {
  using K = anatomy::StructureKind;
  struct Entry {
    const char* name;
    K kind;
    const char* label;
  };
  static constexpr Entry kLabels[] = {
      {"soleus", K::Muscle, "Soleus"},
      {"gastrocnemius-medial", K::Muscle, "Medial gastrocnemius"},
      {"gastrocnemius-lateral", K::Muscle, "Lateral gastrocnemius"},
      {"tibialis-anterior", K::Muscle, "Tibialis anterior"},
      {"tibialis-posterior", K::Muscle, "Tibialis posterior"},
      {"flexor-digitorum-longus", K::Muscle, "Flexor digitorum longus"},
      {"flexor-hallucis-longus", K::Muscle, "Flexor hallucis longus"},
      {"peroneal-group", K::Muscle, "Peroneal muscles"},
      {"achilles-tendon", K::Tendon, "Achilles tendon"},
      {"tibia", K::Bone, "Tibia"},
      {"fibula", K::Bone, "Fibula"},
      {"posterior-tibial", K::Vein, "Posterior tibial veins"},
      {"peroneal", K::Vein, "Peroneal veins"},
      {"anterior-tibial", K::Vein, "Anterior tibial veins"},
      {"soleal-sinus-medial", K::Vein, "Soleal sinuses"},
      {"gastrocnemius-medial", K::Vein, "Gastrocnemius veins"},
      {"gsv", K::Vein, "Great saphenous vein"},
      {"ssv", K::Vein, "Small saphenous vein"},
      {"popliteal", K::Vein, "Popliteal vein"},
  };
  for (const Entry& e : kLabels)
    if (e.kind == kind && name == e.name) return e.label;
  return nullptr;
}

using Polygon = std::vector<std::array<float, 2>>;

// the convex hull of points (Andrew's monotone chain), counter-clockwise on screen (y down:
// clockwise as seen)
Polygon hull(Polygon p) {
  std::sort(p.begin(), p.end());
  p.erase(std::unique(p.begin(), p.end()), p.end());
  if (p.size() < 3) return p;
  auto cross = [](const std::array<float, 2>& o, const std::array<float, 2>& a, const std::array<float, 2>& b) {
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  };
  Polygon h(2 * p.size());
  std::size_t k = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    while (k >= 2 && cross(h[k - 2], h[k - 1], p[i]) <= 0) --k;
    h[k++] = p[i];
  }
  for (std::size_t i = p.size() - 1, t = k + 1; i-- > 0;) {
    while (k >= t && cross(h[k - 2], h[k - 1], p[i]) <= 0) --k;
    h[k++] = p[i];
  }
  h.resize(k - 1);
  return h;
}

// whether a point lies inside a polygon (even-odd rule)
bool inside(const Polygon& poly, const std::array<float, 2>& q) {
  bool in = false;
  for (std::size_t i = 0, j = poly.size() - 1; i < poly.size(); j = i++) {
    const auto &a = poly[i], &b = poly[j];
    if ((a[1] > q[1]) != (b[1] > q[1]) && q[0] < (b[0] - a[0]) * (q[1] - a[1]) / (b[1] - a[1]) + a[0]) in = !in;
  }
  return in;
}

}  // namespace

double section_level(const std::string& view, double section, bool plain) {
  const bool named = view == "cross-section";
  if (section == 0 && !named) return 0;
  if (section != 0 && !named && view != "posteromedial")
    throw anatomy::ConfigError("--section", 0, 0, "", fmt::format("a cut is seen from above (--view cross-section), not with --view {}", view));
  const double level = section != 0 ? section : 0.5;
  if (!(level >= kSectionLevelMin && level <= kSectionLevelMax))
    throw anatomy::ConfigError("--section", 0, 0, "", fmt::format("{} is outside {} to {} of the tibia's length", level, kSectionLevelMin, kSectionLevelMax));
  if (plain) throw anatomy::ConfigError("--plain", 0, 0, "", "a cross-section's cut faces are drawn with the overlay, which --plain leaves out");
  return level;
}

SectionCut::SectionCut(const anatomy::LegGeometry& rest, double level) : rest_(&rest), level_(level) {
  if (!(level >= kSectionLevelMin && level <= kSectionLevelMax))
    throw anatomy::ConfigError("--section", 0, 0, "", fmt::format("the cut's level {} is outside {} to {} of the tibia's length", level, kSectionLevelMin, kSectionLevelMax));
  const int tibia = rest.find("tibia", anatomy::StructureKind::Bone);
  if (tibia < 0) throw anatomy::ConfigError("--section", 0, 0, "", "the leg's mesh has no tibia to place the cut along");
  const auto [t0, t1] = z_range(rest.structures[static_cast<std::size_t>(tibia)]);
  height_ = t0 + level * (t1 - t0);
  // the surfaces the cut can reach, their triangles in the scratch they are deformed into
  reach_.assign(rest.structures.size(), false);
  scratch_.structures.resize(rest.structures.size());
  for (std::size_t i = 0; i < rest.structures.size(); ++i) {
    const anatomy::StructureMesh& r = rest.structures[i];
    if (!r.closed) continue;
    const auto [lo, hi] = z_range(r);
    if (lo > height_ + kAxialReach_m || hi < height_ - kAxialReach_m) continue;
    reach_[i] = true;
    anatomy::StructureMesh& o = scratch_.structures[i];
    o.name = r.name;
    o.kind = r.kind;
    o.closed = r.closed;
    o.indices = r.indices;
  }
  // the middle of the skin's section at rest, where the preset camera looks
  centre_ = {0, 0, height_};
  const int skin = rest.find("skin", anatomy::StructureKind::Skin);
  if (skin >= 0) {
    double best = 0;
    for (const auto& l : anatomy::section_loops(rest.structures[static_cast<std::size_t>(skin)], 0, {{0, 0, height_}, {0, 0, 1}})) {
      const double a = anatomy::loop_area(l, {0, 0, 1});
      if (a > best) {
        best = a;
        centre_ = anatomy::loop_centroid(l, {0, 0, 1});
      }
    }
  }
}

LegSection SectionCut::cut(const LegRun& leg, const anatomy::State& state, bool veins_only) const {
  LegSection s;
  s.rest = rest_;
  s.plane = {{0, 0, height_ + state.lift_m}, {0, 0, 1}};
  std::vector<bool> only = reach_;
  if (veins_only)
    for (std::size_t i = 0; i < only.size(); ++i) only[i] = only[i] && rest_->structures[i].kind == anatomy::StructureKind::Vein;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    anatomy::Deformer(*leg.model, *rest_).apply(state, scratch_, only);
    for (std::size_t i = 0; i < only.size(); ++i) {
      if (!only[i]) continue;
      auto loops = anatomy::section_loops(scratch_.structures[i], i, s.plane);
      for (auto& l : loops) s.loops.push_back(std::move(l));
    }
  }
  for (const auto& l : s.loops) {
    s.areas.push_back(anatomy::loop_area(l, s.plane.normal));
    if (s.kind(l.structure) == anatomy::StructureKind::Vein && deep_vein(s.name(l.structure))) s.deep_veins_m2 += s.areas.back();
  }
  return s;
}

std::array<float, 4> cut_plane(const anatomy::SectionPlane& p) {
  // keep n . x <= n . o: (-n) . x + n . o >= 0
  const double d = p.normal[0] * p.origin[0] + p.normal[1] * p.origin[1] + p.normal[2] * p.origin[2];
  return {static_cast<float>(-p.normal[0]), static_cast<float>(-p.normal[1]), static_cast<float>(-p.normal[2]), static_cast<float>(d)};
}

double section_centre_share(std::size_t legs, bool plots) {
  if (!plots) return 0.5;
  // two legs: clear of the legend in the second leg's left column (150 px of 640) and of the plots
  return legs == 1 ? 0.36 : 0.47;
}

render::Camera SectionCut::camera(double aspect, double centre_share) const {
  const anatomy::Point3& centre = centre_;
  const double z = height_;
  render::Camera c;
  // from above, 35 degrees off the vertical towards the back and the inner side: the cut reads as
  // a section and the calf below it shows its depth
  const double dx = -0.25, dy = -0.50, dz = 1.0, len = std::sqrt(dx * dx + dy * dy + dz * dz);
  c.fov_deg = 35.0f;
  // 0.325 m away, the calf's 11-12 cm span about 56% of the view's height; narrower views step back
  const double distance = 0.325 * std::max(1.0, 1.45 / std::max(aspect, 0.1));
  const double visible_h = 2.0 * distance * std::tan(0.5 * c.fov_deg * 3.14159265358979 / 180.0);
  // moved along the picture's right so that the cut lands at centre_share of its width
  const anatomy::Point3 forward{-dx / len, -dy / len, -dz / len}, up{0, 1, 0};
  anatomy::Point3 right{forward[1] * up[2] - forward[2] * up[1], forward[2] * up[0] - forward[0] * up[2], forward[0] * up[1] - forward[1] * up[0]};
  const double rl = std::sqrt(right[0] * right[0] + right[1] * right[1] + right[2] * right[2]);
  const double shift = (0.5 - centre_share) * aspect * visible_h / rl;
  const anatomy::Point3 t{centre[0] + shift * right[0], centre[1] + shift * right[1], z + shift * right[2]};
  c.target = {static_cast<float>(t[0]), static_cast<float>(t[1]), static_cast<float>(t[2])};
  c.eye = {static_cast<float>(t[0] + distance * dx / len), static_cast<float>(t[1] + distance * dy / len), static_cast<float>(t[2] + distance * dz / len)};
  c.up = {0.0f, 1.0f, 0.0f};  // the front of the leg at the top
  return c;
}

render::Camera SectionCut::frame_camera(int width, int height, std::size_t legs, const OverlayParts& parts) const {
  const auto vp = render::leg_viewport(width, height, 0, legs, overlay_top(height), overlay_bottom(height, parts));
  return camera(static_cast<double>(vp[2]) / std::max(1, vp[3]), section_centre_share(legs, parts.plots));
}

void draw_section(Writer& o, float unit, const LegSection& s, const render::Camera& camera, const std::array<int, 4>& vp, bool with_labels,
                  float left_x, float left_bottom) {
  using K = anatomy::StructureKind;
  auto to_screen = [&](const anatomy::SectionLoop& l) {
    Polygon p;
    p.reserve(l.points.size());
    for (const anatomy::Point3& q : l.points) {
      const auto s2 = render::project(camera, {static_cast<float>(q[0]), static_cast<float>(q[1]), static_cast<float>(q[2])}, vp);
      p.push_back({s2[0], s2[1]});
    }
    return p;
  };
  auto closed = [](Polygon p) {
    if (!p.empty()) p.push_back(p.front());
    return p;
  };
  std::vector<Polygon> screen;
  for (const auto& l : s.loops) screen.push_back(to_screen(l));
  auto kind_of = [&](std::size_t k) { return s.kind(s.loops[k].structure); };
  auto tint = [](anatomy::TissueColour c, float f, int a = 255) {
    return rgba(static_cast<int>(c.r * f * 255.0f), static_cast<int>(c.g * f * 255.0f), static_cast<int>(c.b * f * 255.0f), a);
  };
  const std::uint32_t fat = rgba(247, 229, 176), fascia = rgba(250, 250, 252);
  // the veins are holes in whatever face holds them, so that the blood inside them shows
  // (veins that touch, as paired veins and the soleal sinuses do, make one hole: their hull)
  std::vector<Polygon> openings;
  {
    std::vector<std::size_t> veins;
    for (std::size_t k = 0; k < screen.size(); ++k)
      if (kind_of(k) == K::Vein && s.areas[k] > 0) veins.push_back(k);
    std::vector<std::size_t> group(veins.size());
    for (std::size_t a = 0; a < veins.size(); ++a) group[a] = a;
    auto root = [&](std::size_t a) {
      while (group[a] != a) a = group[a] = group[group[a]];
      return a;
    };
    auto touch = [&](const Polygon& a, const Polygon& b) {
      for (const auto& q : a)
        if (inside(b, q)) return true;
      for (const auto& q : b)
        if (inside(a, q)) return true;
      return false;
    };
    for (std::size_t a = 0; a < veins.size(); ++a)
      for (std::size_t b = a + 1; b < veins.size(); ++b)
        if (touch(screen[veins[a]], screen[veins[b]])) group[root(a)] = root(b);
    for (std::size_t a = 0; a < veins.size(); ++a) {
      if (root(a) != a) continue;
      Polygon all;
      for (std::size_t b = 0; b < veins.size(); ++b)
        if (root(b) == a) all.insert(all.end(), screen[veins[b]].begin(), screen[veins[b]].end());
      openings.push_back(hull(all));
    }
  }
  auto fill = [&](const Polygon& face, std::uint32_t colour) {
    std::vector<Polygon> holes;
    for (const Polygon& h : openings)
      if (std::all_of(h.begin(), h.end(), [&](const auto& q) { return inside(face, q); })) holes.push_back(h);
    o.out.polygon(face, holes, colour);
  };
  // the skin's section: fat under the skin, the skin a rim around it
  for (std::size_t k = 0; k < screen.size(); ++k)
    if (kind_of(k) == K::Skin && s.areas[k] > 0) fill(screen[k], fat);
  // the deep fascia: a sheet around the muscles and bones
  Polygon inner;
  for (std::size_t k = 0; k < screen.size(); ++k)
    if (kind_of(k) == K::Muscle || kind_of(k) == K::Bone || kind_of(k) == K::Tendon) inner.insert(inner.end(), screen[k].begin(), screen[k].end());
  Polygon sheet = hull(inner);
  if (sheet.size() >= 3) {
    float cx = 0, cy = 0;
    for (const auto& p : sheet) {
      cx += p[0];
      cy += p[1];
    }
    cx /= static_cast<float>(sheet.size());
    cy /= static_cast<float>(sheet.size());
    for (auto& p : sheet) {  // just outside the muscles
      const float dx = p[0] - cx, dy = p[1] - cy, len = std::max(1e-3f, std::sqrt(dx * dx + dy * dy));
      p = {p[0] + 2.5f * unit * dx / len, p[1] + 2.5f * unit * dy / len};
    }
    fill(sheet, rgba(240, 214, 160));
    o.polyline(closed(sheet), 2.5f * unit, fascia);
  }
  // solids over the fat, then the veins: see-through, so the blood inside them shows
  for (K kind : {K::Muscle, K::Tendon, K::Bone})
    for (std::size_t k = 0; k < screen.size(); ++k) {
      if (kind_of(k) != kind) continue;
      const anatomy::TissueColour c = anatomy::atlas_colour(kind);
      fill(screen[k], tint(c, kind == K::Muscle ? 1.0f : 1.02f));
      o.polyline(closed(screen[k]), 1.3f * unit, tint(c, 0.55f));
    }
  const anatomy::TissueColour vein = anatomy::atlas_colour(K::Vein);
  for (std::size_t k = 0; k < screen.size(); ++k) {
    if (kind_of(k) != K::Vein) continue;
    o.out.polygon(screen[k], rgba(30, 40, 90, 40));  // a shade over the blood seen down the vein
    o.polyline(closed(screen[k]), 2.0f * unit, tint(vein, 0.85f));
  }
  for (std::size_t k = 0; k < screen.size(); ++k)
    if (kind_of(k) == K::Skin) o.polyline(closed(screen[k]), 3.0f * unit, tint(anatomy::atlas_colour(K::Skin), 0.85f));

  // the deep veins' area in the cut, above the section
  const double deep_m2 = s.deep_veins_m2;
  float top = 1e9f, lo = 1e9f, hi = -1e9f;
  for (std::size_t k = 0; k < screen.size(); ++k) {
    if (kind_of(k) == K::Skin)
      for (const auto& p : screen[k]) {
        top = std::min(top, p[1]);
        lo = std::min(lo, p[0]);
        hi = std::max(hi, p[0]);
      }
  }
  if (hi < lo) return;
  const float centre_x = 0.5f * (lo + hi);
  {
    const float size = 21.0f * unit;
    const std::string line = fmt::format(fmt::runtime(o.word("Deep veins in the cut: {:.0f} mm\u00b2")), deep_m2 * 1e6);
    const float y = std::max(static_cast<float>(vp[1]) + 4.0f * unit, top - size - 16.0f * unit);
    o.text(centre_x, y, size, line, kInk, Align::Center, true);
  }
  if (!with_labels) return;

  // labels: each named structure once, at its largest loop's centre; skin, fat and fascia on
  // their rims; the left column takes what lies left of the section's middle
  std::vector<ScreenLabel> left, right;
  auto add = [&](const std::string& text, float x, float y) { (x < centre_x ? left : right).push_back({text, x, y}); };
  std::vector<bool> done(s.rest->structures.size(), false);
  for (std::size_t k = 0; k < screen.size(); ++k) {
    const std::size_t st = s.loops[k].structure;
    const char* label = label_of(s.name(st), s.kind(st));
    if (!label || done[st]) continue;
    // its largest loop
    std::size_t best = k;
    double area = 0;
    for (std::size_t j = k; j < screen.size(); ++j)
      if (s.loops[j].structure == st && std::abs(s.areas[j]) > area) {
        area = std::abs(s.areas[j]);
        best = j;
      }
    if (area < 1e-6 && s.kind(st) != K::Vein) continue;  // a muscle's tapering end: under 1 cm^2
    done[st] = true;
    const anatomy::Point3 c = anatomy::loop_centroid(s.loops[best], s.plane.normal);
    const auto p = render::project(camera, {static_cast<float>(c[0]), static_cast<float>(c[1]), static_cast<float>(c[2])}, vp);
    add(label, p[0], p[1]);
  }
  for (std::size_t k = 0; k < screen.size(); ++k) {
    if (kind_of(k) != K::Skin || screen[k].empty()) continue;
    // the skin at its rightmost point, the fat and the fascia on the left, where the skin is widest
    const auto rightmost = *std::max_element(screen[k].begin(), screen[k].end(), [](const auto& a, const auto& b) { return a[0] < b[0]; });
    right.push_back({"Skin", rightmost[0], rightmost[1]});
    if (sheet.size() >= 3) {
      const auto edge = *std::min_element(sheet.begin(), sheet.end(), [](const auto& a, const auto& b) { return a[0] < b[0]; });
      left.push_back({"Deep fascia", edge[0], edge[1] + 16.0f * unit});
      // the fat on the right, where the left column would reach the legend
      const auto far = *std::max_element(sheet.begin(), sheet.end(), [](const auto& a, const auto& b) { return a[0] < b[0]; });
      right.push_back({"Fat under the skin", 0.5f * (rightmost[0] + far[0]), 0.5f * (rightmost[1] + far[1]) + 20.0f * unit});
    }
    break;
  }
  const float column_top = static_cast<float>(vp[1]) + 40.0f * unit;
  label_column(o, unit, left, left_x, true, column_top, false, left_bottom);
  label_column(o, unit, right, hi + 24.0f * unit, true, column_top, true);
}

}  // namespace calfpump::app
