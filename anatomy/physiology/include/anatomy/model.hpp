#pragma once
// The venous network built from the leg description and a condition: constant while it runs (the
// MuJoCo mjModel role). Blocks:
//   Segment    a compliant vein compartment (tube_law.hpp) with gravity and external pressure
//   Edge       a resistive-inertive connection between two segments (or to the right atrium);
//              Poiseuille resistance R = 8 pi mu l n / A^2 and inertance L = rho l / A follow the
//              current areas of the two half-segments it joins (n veins in parallel)
//   Valve      on an edge, the Mynard dynamic valve (valve.hpp)
//   InflowLink arterial inflow from a microcirculatory bed into a segment:
//              q = g * (P_art - max(P_vein, P_tissue)) >= 0 in piezometric terms (a vascular
//              waterfall: tissue pressure above venous pressure limits the inflow, and blood never
//              flows back into the arteries)
// Piezometric pressure is P + rho g h with h the height above the heart, so arterial piezometric
// pressure is the mean arterial pressure at heart level everywhere (large-artery losses neglected).

#include <string>
#include <vector>

#include "anatomy/description.hpp"
#include "anatomy/scenario.hpp"
#include "anatomy/sparse_ldl.hpp"
#include "anatomy/tube_law.hpp"

namespace calfpump::anatomy {

/// A compliant compartment: a piece of one vessel between two cuts (valves or length limits).
struct Segment {
  std::string name;  ///< "<vessel>.<k>", k from the distal end
  int vessel = 0;
  int piece = 0;       ///< index within the vessel, 0 = most distal
  double s0 = 0, s1 = 0;  ///< start and end as fractions of the vessel's length
  Compartment compartment = Compartment::DeepIntermuscular;
  Point3 center{};       ///< leg coordinates (m)
  double length_m = 0;
  int count = 1;         ///< parallel veins
  double inv_count = 1;  ///< 1 / count
  double area_ref_m2 = 0;    ///< reference area of all parallel veins together
  double volume_ref_m3 = 0;
  double inv_volume_ref = 0;  ///< 1 / volume_ref_m3
  tube_law::Wall wall;       ///< tube-law stiffnesses
  double calf_weight = 0;    ///< share of the segment between ankle and knee
  std::vector<std::pair<int, double>> squeezed_by;  ///< (muscle index, share of its pressure)
  double compression_Pa = 0;  ///< external compression felt here (after transmission)
  int outlet_edge = -1;       ///< the edge leaving toward the heart along the vessel
};

/// A connection between segment a (upstream) and segment b (downstream, or -1 = right atrium).
/// Positive flow goes from a to b: upward, or superficial to deep through a perforator.
struct Edge {
  int a = 0;
  int b = -1;
  int valve = -1;
};

/// A valve on an edge.
struct Valve {
  std::string name;
  int vessel = 0;
  int edge = 0;
  double at = 0;            ///< fraction along its vessel
  Point3 position{};
  double area_max_m2 = 0;   ///< open orifice area (the vessel's reference area there)
  double incompetence = 0;  ///< A_min / A_max: 0 seals, 1 as if absent
};

/// Inflow from a bed into one segment.
struct InflowLink {
  int bed = 0;
  int segment = 0;
  double conductance = 0;  ///< m^3/(s Pa)
};

/// A microcirculatory bed (grouping of inflow links for reporting).
struct Bed {
  std::string name;
  std::string label;
  int tissue = -1;  ///< muscle whose pressure limits inflow, or -1
  bool calf_muscle = false;
  double var_reduction = 0;   ///< BedDesc::venoarteriolar_reduction
  double hyperaemia = 0;      ///< BedDesc::exercise_hyperaemia
  std::vector<int> links;     ///< its inflow links
};

/// A clinical measuring site: a point on a vessel, read from its segment with a hydrostatic shift.
struct Site {
  std::string name;
  int segment = 0;
  Point3 position{};
};

/// The constant model.
struct Model {
  LegDescription leg;
  Condition condition;
  std::vector<Segment> segments;
  std::vector<Edge> edges;
  std::vector<Valve> valves;
  std::vector<InflowLink> inflows;
  std::vector<Bed> beds;
  std::vector<Site> sites;
  int ankle_site = 0;
  int foot_site = -1;  ///< the dorsal foot vein ("dorsal-foot"), or -1 when the description has none
  SparseLdl solver_pattern;  ///< analysed once; each simulation copies it
  std::vector<double> edge_resistance_coeff;  ///< per edge: 8 pi mu sum(l/2 / n) (Pa s m)
  std::vector<double> edge_inertance_coeff;   ///< per edge: rho sum(l/2 / n) (kg/m^2)
  std::vector<int> edge_slot;  ///< per edge: its off-diagonal slot in the solver (-1 to the atrium)
  /// per edge: a stenosis' loss coefficient B (Pa s^2/m^6), dp = B Q|Q|: Young & Tsai 1973
  /// (J Biomech 6:547) for a narrowing to a share f of the lumen A0, B = K_t rho (1/f - 1)^2 / (2 A0^2),
  /// K_t = 1.52 (the jet's expansion loss; the viscous part is left to Poiseuille). 0 for most edges.
  std::vector<double> edge_loss_coeff;
  std::vector<char> edge_occluded;  ///< per edge: closed by a tourniquet (no flow)

  /// Index of the segment with this name, or -1.
  int segment_index(const std::string& name) const;
  /// Index of the valve with this name, or -1.
  int valve_index(const std::string& name) const;
  /// Total reference volume (m^3).
  double reference_volume_m3() const;
};

/// Builds the network; throws ConfigError for descriptions that cannot form a network.
Model build_model(const LegDescription& leg, const Condition& condition);

/// Point at fraction s (0..1) of the arc length of a centerline.
Point3 point_along(const std::vector<Point3>& pts, double s);
/// Arc length of a centerline (m).
double arc_length(const std::vector<Point3>& pts);

}  // namespace calfpump::anatomy
