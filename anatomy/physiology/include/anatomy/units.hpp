#pragma once
// Unit conversions used at the edges (files, reports, labels). Inside the model everything is SI.

namespace calfpump::anatomy {

inline constexpr double kPaPerMmHg = 133.322387415;  // 1 mmHg in Pa (conventional)
inline constexpr double kM3PerMl = 1.0e-6;             // 1 ml in m^3
inline constexpr double kGravity_m_s2 = 9.81;          // standard gravity (3rd CGPM, 1901)

/// Converts a pressure in mmHg to Pa.
constexpr double mmHg_to_Pa(double p_mmHg) { return p_mmHg * kPaPerMmHg; }
/// Converts a pressure in Pa to mmHg.
constexpr double Pa_to_mmHg(double p_Pa) { return p_Pa / kPaPerMmHg; }
/// Converts a volume in ml to m^3.
constexpr double ml_to_m3(double v_ml) { return v_ml * kM3PerMl; }
/// Converts a volume in m^3 to ml.
constexpr double m3_to_ml(double v_m3) { return v_m3 / kM3PerMl; }

}  // namespace calfpump::anatomy
