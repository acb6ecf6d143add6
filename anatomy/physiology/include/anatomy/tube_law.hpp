#pragma once
// Block: collapsible vein wall (tube law).
//
// Equations. With alpha = A / A0 (A0: circular area at zero transmural pressure) and
// p_tm = p_internal - p_external:
//   collapse  (alpha < 1):  p_tm = K_c * (1 - alpha^(-3/2))      Shapiro 1977, J Biomech Eng 99:126
//   distension (alpha >= 1): p_tm = K_d * (alpha^2 - 1)
// K_c is the wall's bending stiffness (E h^3 / (12 (1 - nu^2) R^3), a few to tens of Pa for leg
// veins): a vein collapses under a small negative transmural pressure and alpha -> 0 as
// p_tm -> -inf. K_d is the stretching stiffness of the distended wall. Shapiro's distension branch
// (alpha^10) makes leg veins almost rigid above ~20 mmHg; measured calf venous compliance instead
// falls gradually with pressure, the volume-pressure curve being close to a quadratic over
// 0-90 mmHg (Halliwill, Minson & Joyner 1999, J Appl Physiol 87:1555), so that a vein at the
// standing column (~90 mmHg) holds about 1.5-2 times its volume at 30 mmHg. alpha^2 reproduces that
// shape, with K_d set per compartment from the standing distension. The two branches meet at
// alpha = 1 with equal pressure (the slope changes there, as a round tube starts to buckle).
// Units: Pa, m^2. Assumptions: segment-mean area; elastic wall (no creep).

#include <cmath>

namespace calfpump::anatomy::tube_law {

/// Smallest area ratio the law is evaluated at; a vein is never flatter than this (numerical floor).
inline constexpr double kMinAlpha = 1e-4;

/// Wall parameters of one segment.
struct Wall {
  double collapse_Pa = 0;    ///< K_c
  double distension_Pa = 0;  ///< K_d
};

/// Transmural pressure (Pa) at area ratio alpha.
inline double pressure(double alpha, const Wall& w) {
  if (alpha >= 1.0) return w.distension_Pa * (alpha * alpha - 1.0);
  const double a = alpha < kMinAlpha ? kMinAlpha : alpha;
  return w.collapse_Pa * (1.0 - 1.0 / (a * std::sqrt(a)));
}

/// d p_tm / d alpha (Pa), always positive.
inline double slope(double alpha, const Wall& w) {
  if (alpha >= 1.0) return 2.0 * w.distension_Pa * alpha;
  const double a = alpha < kMinAlpha ? kMinAlpha : alpha;
  return 1.5 * w.collapse_Pa / (a * a * std::sqrt(a));
}

/// Pressure and the compliance dV/dp_tm = V0 / slope in one evaluation (shares the costly terms).
inline void evaluate(double alpha, const Wall& w, double volume_ref, double& p_tm, double& compliance) {
  if (alpha >= 1.0) {
    p_tm = w.distension_Pa * (alpha * alpha - 1.0);
    compliance = volume_ref / (2.0 * w.distension_Pa * alpha);
    return;
  }
  const double a = alpha < kMinAlpha ? kMinAlpha : alpha;
  const double root = std::sqrt(a);
  const double inv = 1.0 / (a * root);  // alpha^(-3/2)
  p_tm = w.collapse_Pa * (1.0 - inv);
  compliance = volume_ref * a / (1.5 * w.collapse_Pa * inv);
}

/// Area ratio alpha at transmural pressure p_tm (Pa): the exact inverse of pressure().
inline double area_ratio(double p_tm, const Wall& w) {
  if (p_tm >= 0.0) return std::sqrt(1.0 + p_tm / w.distension_Pa);
  const double a = std::pow(1.0 - p_tm / w.collapse_Pa, -2.0 / 3.0);
  return a < kMinAlpha ? kMinAlpha : a;
}

}  // namespace calfpump::anatomy::tube_law
