#pragma once
// Block: venous valve with a dynamic state (Mynard et al. 2012, Int J Numer Method Biomed Eng
// 28:626-641, "A simple, versatile valve model for use in lumped parameter and one-dimensional
// cardiovascular models").
//
// State zeta in [0, 1] (0 closed, 1 open). With dp the forward (upward, toward the heart; for a
// perforator superficial-to-deep) piezometric pressure difference across the valve:
//   d zeta/dt = (1 - zeta) K_vo dp     if dp > 0   (opening)
//   d zeta/dt =      zeta  K_vc dp     if dp < 0   (closing)
// Effective area A_eff = A_min + (A_max - A_min) zeta with A_min = incompetence * A_max, so
// incompetence = 0 seals and incompetence = 1 behaves as if there were no valve. Pressure drop:
//   dp = R Q + B Q|Q| + L dQ/dt,   B = rho / (2 A_eff^2)   (Bernoulli loss of the jet)
// Units: Pa, m^3/s, m^2, 1/(Pa s). The same zeta drives the leaflet animation.
// Assumptions: leaflets move together (one zeta per valve); when zeta falls below a small threshold
// under reverse pressure the leaflets are taken to have met (zeta = 0), so a competent valve then
// passes no flow at all.

#include <cmath>

namespace calfpump::anatomy::valve {

/// Advances zeta over dt with dp held constant (exact solution of the rate equation, so zeta stays
/// in [0, 1] at any step size).
inline double advance(double zeta, double dp, double open_rate, double close_rate, double dt,
                      double closed_threshold) {
  if (dp > 0.0) {
    zeta = 1.0 - (1.0 - zeta) * std::exp(-open_rate * dp * dt);
  } else if (dp < 0.0) {
    zeta = zeta * std::exp(close_rate * dp * dt);
    if (zeta < closed_threshold) zeta = 0.0;
  }
  return zeta;
}

/// Effective orifice area (m^2).
inline double effective_area(double zeta, double area_max, double incompetence) {
  const double a_min = incompetence * area_max;
  return a_min + (area_max - a_min) * zeta;
}

}  // namespace calfpump::anatomy::valve
