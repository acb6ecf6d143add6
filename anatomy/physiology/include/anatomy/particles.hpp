#pragma once
// Blood as particles: the transport's rules, once, for the CPU reference (ParticleTransport) and
// the GPU particle system (shaders/particles.comp), which read the same per-frame inputs
// (particle_inputs: a pure function of model and state) and make the same choices.
// Each particle stands for an equal share of the venous blood volume and lives in one segment of
// the network, at a fraction along it (distal 0 to proximal 1 on its vessel). It moves with the
// local mean velocity Q/A, with Q the flow along the segment at that place: what enters at the
// distal end, plus what tributaries add (or branches take) before that place, plus a uniform share
// of the remainder (capillary inflow and the change of stored volume), so that it ends at what
// leaves at the proximal end: Q(f) = A + added_before(f) + f B.
// At a place where something happens (the segment's distal or proximal end, a junction part-way
// along) each port there carrying blood out of the segment takes the particle with probability
// q_k / total, where at a junction the total includes the flow going on through (so a branch
// receives its share of what arrives: blood flowing back from a deep vein into a leaky saphenous
// vein is carried this way). The choice is one pass over the ports (weighted reservoir sampling,
// as a GPU does it). Where nothing leaves, the particle is held: a closed competent valve stops
// it, a leaky one lets it fall back through.
// Particles leaving through the outlet wait at the heart. Re-entry: over a step of dt, each waiting
// particle re-enters with chance min(1, n / w), where n = (arterial inflow) dt / (volume per
// particle) is the inflow's worth of particles and w the count waiting after the previous step; so
// on average n re-enter, whatever the order. A re-entering particle starts where the
// microcirculation feeds the veins (an inflow link chosen in proportion to its inflow, at a random
// fraction along its segment), and its age (time in the leg) restarts.
// Deterministic: every random choice is particle_hash(particle id, salt) with a salt from the step
// count, the hop and the port, the same function and salts on the CPU and the GPU.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "anatomy/model.hpp"
#include "anatomy/state.hpp"

namespace calfpump::anatomy {

/// Segment ends and junctions a particle may pass in one advance.
inline constexpr int kMaxHops = 16;
/// How far past a junction (fraction of the segment) a particle moving distally is put, so that it
/// counts as below it.
inline constexpr float kJunctionStep = 1e-6f;

/// One particle.
struct Particle {
  int segment = 0;  ///< -1 while it waits at the heart to re-enter
  float f = 0;      ///< fraction along the segment, 0 at its distal end
  float age_s = 0;  ///< time since it entered the veins
  std::uint32_t id = 0;
};

/// An edge as seen from one of its segments (the particle transport's view of the network).
struct ParticlePort {
  int edge = 0;
  int other = -1;       ///< the segment on the other side, -1 for the outlet
  bool forward = true;  ///< positive edge flow leaves this segment through it
  float entry_f = 0;    ///< where a particle enters the other segment
  int end = 1;          ///< where it is attached to this segment: 0 distal, 1 proximal, -1 part-way
  float at_f = 1;       ///< the fraction along this segment where it is attached
};

/// Every segment's ports, in compressed rows: segment s owns ports[start[s] .. start[s + 1]),
/// grouped by place: its distal-end ports from groups[s][0], proximal-end from groups[s][1],
/// part-way from groups[s][2], up to groups[s][3] == start[s + 1].
struct ParticleNetwork {
  std::vector<std::uint32_t> start;
  std::vector<std::array<std::uint32_t, 4>> groups;
  std::vector<ParticlePort> ports;
};

/// One step's inputs to the transport for a state: plain numbers (what the GPU uploads each frame).
struct ParticleInputs {
  /// Per port (network order): the flow out of its segment through it (m^3/s; negative: in).
  std::vector<float> port_outflow_m3_s;
  /// Per segment: (A, B, area, 0), the flow along it Q(f) = A + added_before(f) + f B (m^3/s)
  /// with A what enters at the distal end, B what leaves at the proximal end less A and less what
  /// the part-way ports add; and the whole section's area (m^2, parallel veins together).
  std::vector<std::array<float, 4>> segment_flow;
  /// Per inflow link: (cumulative arterial inflow up to and with it (m^3/s), its segment). With no
  /// inflow at all the links count 1, 2, ... so that a draw is uniform.
  std::vector<std::array<float, 2>> inflow;
  double inflow_m3_s = 0;  ///< the arterial inflow into the veins, all links together
};

/// The transport's inputs for a state (a pure function of model, network and state).
ParticleInputs particle_inputs(const Model& model, const ParticleNetwork& network, const State& state);

/// The chance that a waiting particle re-enters over a step: min(1, n / waiting) with n =
/// inflow * dt / volume_per_particle; 0 when none waits.
double reentry_chance(double inflow_m3_s, double dt, double volume_per_particle, std::uint64_t waiting);

/// The flow along a segment at fraction f (m^3/s) from a step's inputs.
double flow_along(const ParticleNetwork& network, const ParticleInputs& in, std::size_t segment, double f);

/// The particle transport's random number in [0, 1) from a particle id and a salt: a 32-bit
/// integer hash, the same in shaders/particles.comp.
float particle_hash(std::uint32_t a, std::uint32_t b);

/// The ports of a model's network.
ParticleNetwork make_particle_network(const Model& model);

/// The blood volume (m^3) each of `count` particles stands for: a state's venous volume shared out.
double particle_volume(const State& state, std::size_t count);

/// `count` particles placed in proportion to a state's volumes (stratified), ages spread over 2 min.
std::vector<Particle> initial_particles(const State& state, std::size_t count);

/// Each inflow link's share of its bed's inflow (its conductance over the bed's), once per model.
std::vector<double> inflow_link_shares(const Model& model);

/// The particle transport on a model.
class ParticleTransport {
 public:
  /// Places `count` particles in proportion to the volumes of a state.
  ParticleTransport(const Model& model, const State& state, std::size_t count);

  /// Moves every particle by the flows of `state` over dt (s); first, waiting ones re-enter.
  void advance(const State& state, double dt);
  /// Particles waiting at the heart.
  std::uint64_t waiting() const { return waiting_; }

  const std::vector<Particle>& particles() const { return particles_; }
  /// Blood volume each particle stands for (m^3).
  double volume_per_particle() const { return volume_per_particle_; }
  /// Net count of particles that crossed an edge in its positive direction since the start.
  std::int64_t crossings(int edge) const { return crossings_[static_cast<std::size_t>(edge)]; }
  /// Particles that crossed an edge against its positive direction (e.g. down through a valve).
  std::int64_t backward_crossings(int edge) const { return backward_[static_cast<std::size_t>(edge)]; }
  /// Vessel fraction of a particle (0 distal, 1 proximal) on its segment's vessel.
  double vessel_t(const Particle& p) const;

 private:
  bool pass(Particle& p, int place, float at, bool upward, std::uint32_t salt);
  void take(Particle& p, const ParticlePort& port);

  const Model& model_;
  ParticleNetwork network_;
  ParticleInputs in_;  // this step's
  std::vector<Particle> particles_;
  std::vector<std::int64_t> crossings_;
  std::vector<std::int64_t> backward_;
  double volume_per_particle_ = 0;
  std::uint64_t waiting_ = 0;  // particles waiting at the heart after the last step
  std::uint32_t step_ = 0;
};

}  // namespace calfpump::anatomy
