// The colours that carry meaning stay apart for readers with red-green colour-vision deficiency:
// each pair a viewer must tell apart, simulated for protanopia and deuteranopia (Machado, Oliveira
// & Fernandes 2009, IEEE TVCG 15:1291, severity 1, applied to linear sRGB), differs by at least 10
// CIEDE2000 units (Sharma, Wu & Dalal 2005's formulation; about 1 is a just-noticeable difference,
// 10 reads as a different colour at a glance).

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "anatomy/geometry.hpp"
#include "app/palette.hpp"

using namespace calfpump;

namespace {

using Rgb = std::array<double, 3>;  // display sRGB, 0..255
using Matrix = std::array<std::array<double, 3>, 3>;

constexpr Matrix kNormal{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
constexpr Matrix kProtanopia{{{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}}};
constexpr Matrix kDeuteranopia{{{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}}};

double to_linear(double c) {
  c /= 255.0;
  return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}
double to_display(double c) {
  c = std::clamp(c, 0.0, 1.0);
  return 255.0 * (c <= 0.0031308 ? 12.92 * c : 1.055 * std::pow(c, 1 / 2.4) - 0.055);
}

Rgb unpack(std::uint32_t rgba) {
  // over the white panel, for a colour with alpha
  const double a = double(rgba >> 24 & 0xffu) / 255.0;
  Rgb c{};
  for (int k = 0; k < 3; ++k) c[std::size_t(k)] = 255.0 + (double(rgba >> (8 * k) & 0xffu) - 255.0) * a;
  return c;
}

Rgb simulate(const Rgb& c, const Matrix& m) {
  const Rgb l{to_linear(c[0]), to_linear(c[1]), to_linear(c[2])};
  Rgb out{};
  for (std::size_t i = 0; i < 3; ++i) out[i] = to_display(m[i][0] * l[0] + m[i][1] * l[1] + m[i][2] * l[2]);
  return out;
}

std::array<double, 3> lab(const Rgb& c) {
  const double r = to_linear(c[0]), g = to_linear(c[1]), b = to_linear(c[2]);
  const double x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, y = 0.2126 * r + 0.7152 * g + 0.0722 * b,
               z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;  // D65 white
  auto f = [](double t) { return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116.0; };
  return {116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
}

double deg(double r) { return r * 180.0 / 3.14159265358979323846; }
double rad(double d) { return d * 3.14159265358979323846 / 180.0; }

double ciede2000_lab(const std::array<double, 3>& x1, const std::array<double, 3>& x2) {
  const auto [l1, a1, b1] = x1;
  const auto [l2, a2, b2] = x2;
  const double cm = 0.5 * (std::hypot(a1, b1) + std::hypot(a2, b2));
  const double g = 0.5 * (1 - std::sqrt(std::pow(cm, 7) / (std::pow(cm, 7) + std::pow(25.0, 7))));
  const double a1p = (1 + g) * a1, a2p = (1 + g) * a2;
  const double c1p = std::hypot(a1p, b1), c2p = std::hypot(a2p, b2);
  auto hue = [](double b, double a) { const double h = deg(std::atan2(b, a)); return h < 0 ? h + 360 : h; };
  const double h1 = hue(b1, a1p), h2 = hue(b2, a2p);
  double dh = 0;
  if (c1p * c2p != 0) {
    dh = h2 - h1;
    if (dh > 180) dh -= 360;
    else if (dh < -180) dh += 360;
  }
  const double dl = l2 - l1, dc = c2p - c1p, dhh = 2 * std::sqrt(c1p * c2p) * std::sin(rad(dh / 2));
  const double lm = 0.5 * (l1 + l2), cmp = 0.5 * (c1p + c2p);
  double hm = h1 + h2;
  if (c1p * c2p != 0) hm = std::abs(h1 - h2) <= 180 ? 0.5 * (h1 + h2) : (h1 + h2 < 360 ? 0.5 * (h1 + h2 + 360) : 0.5 * (h1 + h2 - 360));
  const double t = 1 - 0.17 * std::cos(rad(hm - 30)) + 0.24 * std::cos(rad(2 * hm)) + 0.32 * std::cos(rad(3 * hm + 6)) - 0.20 * std::cos(rad(4 * hm - 63));
  const double dtheta = 30 * std::exp(-std::pow((hm - 275) / 25, 2));
  const double rc = 2 * std::sqrt(std::pow(cmp, 7) / (std::pow(cmp, 7) + std::pow(25.0, 7)));
  const double sl = 1 + 0.015 * (lm - 50) * (lm - 50) / std::sqrt(20 + (lm - 50) * (lm - 50)), sc = 1 + 0.045 * cmp, sh = 1 + 0.015 * cmp * t;
  const double rt = -std::sin(rad(2 * dtheta)) * rc;
  return std::sqrt(std::pow(dl / sl, 2) + std::pow(dc / sc, 2) + std::pow(dhh / sh, 2) + rt * (dc / sc) * (dhh / sh));
}

double ciede2000(const Rgb& c1, const Rgb& c2) { return ciede2000_lab(lab(c1), lab(c2)); }

Rgb tissue(anatomy::StructureKind k) {
  const anatomy::TissueColour c = anatomy::atlas_colour(k);
  return {255.0 * c.r, 255.0 * c.g, 255.0 * c.b};
}

}  // namespace

TEST_CASE("CIEDE2000 gives Sharma, Wu and Dalal's test values", "[colour]") {
  // pairs 1, 7 and 17 of their table of test data (Color Res Appl 30:21, 2005)
  CHECK(ciede2000_lab({50.0, 2.6772, -79.7751}, {50.0, 0.0, -82.7485}) == Approx(2.0425).margin(1e-4));
  CHECK(ciede2000_lab({50.0, 0.0, 0.0}, {50.0, -1.0, 2.0}) == Approx(2.3669).margin(1e-4));
  CHECK(ciede2000_lab({50.0, 2.5, 0.0}, {73.0, 25.0, -18.0}) == Approx(27.1492).margin(1e-4));
  // and a deuteranope tells the classic red-green pair apart far less well than others do
  const Rgb red{200, 30, 30}, green{40, 160, 40};
  CHECK(ciede2000(simulate(red, kDeuteranopia), simulate(green, kDeuteranopia)) < 0.5 * ciede2000(red, green));
}

TEST_CASE("the frame's colour codes stay 10 CIEDE2000 apart for protanopes and deuteranopes", "[colour]") {
  using namespace app::palette;
  using K = anatomy::StructureKind;
  struct Pair {
    const char* what;
    Rgb a, b;
  };
  const Pair pairs[] = {
      {"blood fresh / a minute in the leg", unpack(kBloodFresh), unpack(kBloodOld)},
      {"fresh blood / muscle", unpack(kBloodFresh), tissue(K::Muscle)},
      {"old blood / muscle", unpack(kBloodOld), tissue(K::Muscle)},
      {"fresh blood / vein wall", unpack(kBloodFresh), tissue(K::Vein)},
      {"old blood / vein wall", unpack(kBloodOld), tissue(K::Vein)},
      {"vein wall / muscle", tissue(K::Vein), tissue(K::Muscle)},
      {"legend: vein wall / calf muscle", unpack(kWallSwatch), unpack(kMuscleSwatch)},
      {"ankle pressure line / normal band", unpack(kPressure), unpack(kNormalBand)},
      {"arrow: going up / falling back", unpack(kFlowUp), unpack(kFlowDown)},
      {"pressure plot / volume plot", unpack(kPressure), unpack(kVolume)},
  };
  for (const Pair& p : pairs) {
    const double normal = ciede2000(simulate(p.a, kNormal), simulate(p.b, kNormal));
    const double protan = ciede2000(simulate(p.a, kProtanopia), simulate(p.b, kProtanopia));
    const double deutan = ciede2000(simulate(p.a, kDeuteranopia), simulate(p.b, kDeuteranopia));
    std::printf("%-36s normal %5.1f  protanopia %5.1f  deuteranopia %5.1f\n", p.what, normal, protan, deutan);
    INFO(p.what << ": normal " << normal << ", protanopia " << protan << ", deuteranopia " << deutan);
    CHECK(normal >= 10.0);
    CHECK(protan >= 10.0);
    CHECK(deutan >= 10.0);
  }
}

TEST_CASE("the blood's drawn colours are the palette's", "[colour]") {
  // shaders/splat.frag colours the blood by time in the leg between two ends given in its source
  const auto shader = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "shaders" / "splat.frag";
  std::ifstream in(shader);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  auto read = [&](const std::string& name) {
    const auto at = s.find(name + " = vec3(");
    REQUIRE(at != std::string::npos);
    Rgb c{};
    std::sscanf(s.c_str() + at + name.size() + 8, "%lf, %lf, %lf", &c[0], &c[1], &c[2]);
    for (double& v : c) v *= 255.0;
    return c;
  };
  const Rgb fresh = read("fresh"), old = read("old"), want_fresh = unpack(app::palette::kBloodFresh), want_old = unpack(app::palette::kBloodOld);
  for (std::size_t k = 0; k < 3; ++k) {
    CHECK(fresh[k] == Approx(want_fresh[k]).margin(1.0));
    CHECK(old[k] == Approx(want_old[k]).margin(1.0));
  }
}
