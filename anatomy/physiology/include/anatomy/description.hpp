#pragma once
// The one description of the leg (data/anatomy/*.toml): vessels with centerlines, valves, muscles,
// inflow beds, landmarks and physical constants. Both the physiological network (model.hpp) and,
// later, the 3D geometry are built from this; it is loaded once and then only read.
//
// Leg coordinates: metres, right leg, origin on the floor under the heel, +z up, +y anterior,
// +x lateral. Values are SI except where a field name says otherwise.

#include <array>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace calfpump::anatomy {

/// A point in leg coordinates (m).
using Point3 = std::array<double, 3>;

/// Where a vein lies; decides which pressures surround it and its wall stiffness.
enum class Compartment { Intramuscular, DeepIntermuscular, Superficial, Perforator, Central };

/// The description-file spelling of a compartment ("deep-intermuscular", ...).
const char* compartment_name(Compartment c);

/// A muscle that squeezes the veins inside or beside it when it contracts.
struct MuscleDesc {
  std::string name;
  std::string label;
  double rest_pressure_Pa = 0;      ///< intramuscular pressure at zero activation
  double max_pressure_Pa = 0;       ///< intramuscular pressure at full activation
  double standing_activation = 0;   ///< postural tone while standing still, in [0, 1]
  double gait_peak_activation = 0;  ///< peak activation in a walking gait cycle
  std::vector<std::array<double, 2>> gait_windows;  ///< active windows, fractions of the gait cycle
  double raise_activation = 0;      ///< peak activation in a forceful movement it drives (tiptoe raise, ankle pump)
  bool plantar_flexor = false;      ///< active in the plantar-flexion half of an ankle pump
  bool dorsiflexor = false;         ///< active in the dorsiflexion half of an ankle pump
};

/// A share of a muscle's pressure felt by a vessel as external pressure.
struct Squeeze {
  std::string muscle;
  double share = 0;
};

/// A named vein (or a pair running together) with its centerline and reference size.
struct VesselDesc {
  std::string name;
  std::string label;
  Compartment compartment = Compartment::DeepIntermuscular;
  int count = 1;                 ///< veins running together (paired venae comitantes = 2)
  double diameter_m = 0;         ///< reference (circular, zero transmural pressure) diameter of one vein
  double diameter_end_m = 0;     ///< at the proximal end; equals diameter_m when not tapered
  std::vector<Point3> points;    ///< centerline, distal (upstream) to proximal (downstream)
  std::string from;              ///< vessel it branches from at its first point, or empty
  std::string to;                ///< vessel it drains into at its last point, or "right-atrium"
  std::vector<Squeeze> squeezed_by;
  double collapse_stiffness_Pa = 0;    ///< tube-law K_c; 0 takes the compartment's value
  double distension_stiffness_Pa = 0;  ///< tube-law K_d; 0 takes the compartment's value
};

/// A valve site: a bicuspid valve at a fraction of a vessel's length (1 = at its outlet junction).
struct ValveDesc {
  std::string name;
  std::string vessel;
  double at = 0;
};

/// How an inflow bed's microcirculation drains into the veins.
struct Drain {
  std::string vessel;
  double share = 0;
  double at = -1;  ///< fraction along the vessel, or < 0 to spread along its whole length
};

/// A microcirculatory bed fed by arterial pressure and draining into veins.
struct BedDesc {
  std::string name;
  std::string label;
  double resting_flow_m3_s = 0;  ///< resting flow supine (no venoarteriolar reflex), the venous piezometric pressure right-atrial
  std::string tissue;            ///< muscle whose pressure compresses the bed (waterfall), or empty
  bool calf_muscle = false;      ///< counts toward calf muscle perfusion
  /// venoarteriolar reflex: share of the bed's supine (reflex-free) conductance the reflex takes
  /// away when its veins are distended (standing still); resting_flow is the flow without it
  double venoarteriolar_reduction = 0;
  /// exercise hyperaemia: rise of the bed's conductance, as a multiple of its resting value, at
  /// full mean activation of its tissue muscle contracting once per second; it scales with the
  /// contraction rate (work rate at a given force) (0 = none)
  double exercise_hyperaemia = 0;
  std::vector<Drain> drains;
};

/// How the microcirculation's conductance responds (model.hpp, simulation.cpp).
struct MicrocirculationDesc {
  double var_onset_Pa = 0;        ///< local venous pressure at which the venoarteriolar reflex starts
  double var_full_Pa = 0;         ///< at which it is fully on
  double var_time_constant_s = 1;
  double hyperaemia_rise_s = 1;   ///< time constant of the rise of exercise hyperaemia
  double hyperaemia_decay_s = 1;  ///< and of its decay after the exercise
};

/// A place where a clinical pressure is read, e.g. the ankle.
struct SiteDesc {
  std::string name;
  std::string vessel;
  double at = 0;
};

/// What a body is, for materials and deformation.
enum class BodyKind { Bone, Muscle, Tendon, Skin };

/// The description-file spelling of a body kind.
const char* body_kind_name(BodyKind k);

/// One swept piece of a body: an axis (proximal to distal) with an elliptical cross-section per
/// axis point, [half-width, half-depth] (m), interpolated along the axis and rounded at the ends.
struct SweepDesc {
  std::vector<Point3> axis;
  std::vector<std::array<double, 2>> radius_m;
};

/// A bone, muscle, tendon or the skin, as shape parameters: the smooth union of its sweeps.
struct BodyDesc {
  std::string name;
  std::string label;
  BodyKind kind = BodyKind::Bone;
  std::string muscle;      ///< the muscle whose activation drives it (muscles only), or empty
  double shortening = 0;   ///< fractional shortening at full activation (muscles)
  std::vector<std::string> follows;  ///< tendons: the muscles whose distal ends pull its proximal end
  std::vector<SweepDesc> sweeps;
};

/// A hinge the leg turns about. The shank (tibia and fibula) is the reference frame: it stays
/// where the leg's coordinates put it, and the part beyond each joint turns about the joint's axis.
struct JointDesc {
  Point3 centre{};  ///< a point on the axis (leg coordinates, m)
  Point3 axis{};    ///< unit; a positive angle turns by the right-hand rule about it
  bool moves_below = true;         ///< the moving part lies below the centre (ankle: the foot) or above (knee: the thigh)
  std::vector<std::string> bones;  ///< bodies that turn rigidly with the moving part
  /// Soft tissue turns with a smooth weight of its rest height above the centre: the whole angle
  /// on the moving side of [blend_from_m, blend_to_m], none on the other, smoothstep between.
  double blend_from_m = 0;
  double blend_to_m = 0;
};

/// How the joints move with each activity (activity.hpp joint_angles).
struct JointMotionDesc {
  bool present = false;  ///< false: the leg is drawn in its rest pose throughout
  JointDesc ankle;       ///< angle: dorsiflexion positive, plantarflexion negative
  JointDesc knee;        ///< angle: flexion positive
  std::vector<double> gait_ankle_deg;  ///< over one gait cycle from heel strike, equal steps, first == last
  std::vector<double> gait_knee_deg;   ///< the same steps
  double raise_ankle_deg = 0;   ///< at the top of a tiptoe raise
  Point3 forefoot_contact{};    ///< where the sole bears on the floor in a raise: under the metatarsal heads (m)
  double pump_plantar_deg = 0;  ///< the plantar-flexion half of an ankle pump
  double pump_dorsi_deg = 0;    ///< the dorsiflexion half
  double ramp_s = 0;            ///< walking's angles fade in at its start and out at its end over this
};

/// The whole leg description.
struct LegDescription {
  std::filesystem::path file;

  // landmarks (leg coordinates, m)
  double ankle_z = 0;
  double calf_z = 0;  ///< level of maximal calf girth
  double knee_z = 0;
  double hip_z = 0;
  double heart_z_standing = 0;
  double heart_z_sitting = 0;

  // blood and circulation
  double blood_density_kg_m3 = 0;
  double blood_viscosity_Pa_s = 0;
  double mean_arterial_pressure_Pa = 0;  ///< at heart level
  double right_atrial_pressure_Pa = 0;

  // tube-law stiffnesses per compartment (index by Compartment), see tube_law.hpp
  std::array<double, 5> collapse_stiffness_Pa{};
  std::array<double, 5> distension_stiffness_Pa{};
  // share of an external compression transmitted to each compartment
  std::array<double, 5> compression_transmission{};

  // valve dynamics (Mynard et al. 2012)
  double valve_open_rate_per_Pa_s = 0;
  double valve_close_rate_per_Pa_s = 0;
  double valve_closed_threshold = 0;  ///< zeta below which the leaflets are taken to have met

  // numerics
  double max_segment_length_m = 0;

  MicrocirculationDesc microcirculation;

  std::vector<MuscleDesc> muscles;
  std::vector<VesselDesc> vessels;
  std::vector<ValveDesc> valves;
  std::vector<BedDesc> beds;
  std::vector<SiteDesc> sites;
  std::vector<BodyDesc> bodies;
  JointMotionDesc joints;
  /// Named anatomical landmarks on the drawn bones ("medial-malleolus", ...), where an atlas mesh's
  /// own landmarks are fitted to place it (geometry_io.hpp load_user_leg).
  std::vector<std::pair<std::string, Point3>> landmark_points;

  /// Index of the body with this name, or -1.
  int body_index(const std::string& name) const;
  /// Index of the vessel with this name, or -1.
  int vessel_index(const std::string& name) const;
  /// Index of the muscle with this name, or -1.
  int muscle_index(const std::string& name) const;
};

/// Loads and checks a leg description; throws ConfigError naming file, line and key.
LegDescription load_leg_description(const std::filesystem::path& file);

/// The data folder: $CALFPUMP_DATA if set, else the source tree's data/ baked in at build time.
std::filesystem::path data_dir();

/// The default leg description file (data/anatomy/leg.toml).
std::filesystem::path default_leg_file();

}  // namespace calfpump::anatomy
