#pragma once
// Block: collapsible vein wall (tube law).
//
// Equation (Shapiro 1977, J Biomech Eng 99:126; the form used for veins by Keijsers et al. 2015):
//   p_tm = K_p * (alpha^10 - alpha^(-3/2)),   alpha = A / A0,   p_tm = p_internal - p_external
// A0 is the reference (circular) area at zero transmural pressure, K_p the wall's bending stiffness
// (K_p = E h^3 / (12 (1 - nu^2) R^3), a few to tens of Pa for thin-walled leg veins). Under a small
// negative transmural pressure the vein collapses (alpha -> 0 as p_tm -> -inf); under a high positive
// one it distends only a little (the alpha^10 term stands for the collagen recruited at large strain).
// Units: Pa, m^2. Assumptions: the law holds segment by segment with the segment's mean area; the
// wall is elastic (no viscoelastic creep).

#include <cmath>

namespace calfpump::anatomy::tube_law {

/// Smallest area ratio the law is evaluated at; a vein is never flatter than this (numerical floor).
inline constexpr double kMinAlpha = 1e-4;

/// Transmural pressure (Pa) at area ratio alpha for stiffness K_p (Pa).
inline double pressure(double alpha, double K_p) {
  const double a = alpha < kMinAlpha ? kMinAlpha : alpha;
  const double a2 = a * a, a4 = a2 * a2, a8 = a4 * a4;
  return K_p * (a8 * a2 - 1.0 / (a * std::sqrt(a)));
}

/// d p_tm / d alpha (Pa), always positive.
inline double slope(double alpha, double K_p) {
  const double a = alpha < kMinAlpha ? kMinAlpha : alpha;
  const double a2 = a * a, a4 = a2 * a2, a8 = a4 * a4;
  return K_p * (10.0 * a8 * a + 1.5 / (a2 * std::sqrt(a)));
}

/// Area ratio alpha at transmural pressure p_tm (Pa); inverse of pressure(), by safeguarded Newton.
double area_ratio(double p_tm, double K_p);

}  // namespace calfpump::anatomy::tube_law
