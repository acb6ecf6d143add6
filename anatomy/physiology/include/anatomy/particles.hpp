#pragma once
// Blood as particles: the CPU reference of the transport the GPU particle system must follow.
// Each particle stands for an equal share of the venous blood volume and lives in one segment of
// the network, at a fraction along it (distal 0 to proximal 1 on its vessel). It moves with the
// local mean velocity Q/A, with Q the flow along the segment at that place: what enters at the
// distal end, plus what tributaries add (or branches take) before that place, plus a uniform share
// of the remainder (capillary inflow and the change of stored volume), so that it ends at what
// leaves at the proximal end.
// At a junction part-way along (a tributary joining, a perforator leaving) a branch that takes blood
// out of the segment takes each passing particle with probability q_out / (q_out + q_through), so
// that it receives its share of what arrives; blood flowing back from a deep vein into a leaky
// saphenous vein is carried this way.
// At a segment's end it passes into one of the edges carrying blood out of the segment, chosen in
// proportion to their flows, so branching follows the simulated flows: a closed competent valve
// carries nothing and stops particles, a leaky one lets them fall back through. Particles leaving
// through the outlet wait at the heart and re-enter, one for each particle's worth of arterial
// inflow, where the microcirculation feeds the veins (chosen in proportion to the inflow); their age
// (time in the leg) restarts. Deterministic: random choices come from a hash
// of particle index and step.

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

/// Every segment's ports, in compressed rows: segment s owns ports[start[s] .. start[s + 1]).
struct ParticleNetwork {
  std::vector<std::uint32_t> start;
  std::vector<ParticlePort> ports;
};

/// The ports of a model's network.
ParticleNetwork make_particle_network(const Model& model);

/// The blood volume (m^3) each of `count` particles stands for: a state's venous volume shared out.
double particle_volume(const State& state, std::size_t count);

/// `count` particles placed in proportion to a state's volumes (stratified), ages spread over 2 min.
std::vector<Particle> initial_particles(const State& state, std::size_t count);

/// Each inflow link's share of its bed's inflow (its conductance over the bed's), once per model.
std::vector<double> inflow_link_shares(const Model& model);

/// A reproducible random number in [0, 1) from two integers.
double particle_hash(std::uint64_t a, std::uint64_t b);

/// The particle transport on a model.
class ParticleTransport {
 public:
  /// Places `count` particles in proportion to the volumes of a state.
  ParticleTransport(const Model& model, const State& state, std::size_t count);

  /// Moves every particle by the flows of `state` over dt (s).
  void advance(const State& state, double dt);

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
  double flow_along(const State& st, int segment, double f) const;
  void respawn(Particle& p, std::uint64_t step);
  void inject(const State& st, double dt);
  bool pass_on(Particle& p, const State& st, bool forward_end, std::uint64_t step);
  bool pass_junction(Particle& p, const State& st, float at, bool upward, std::uint64_t step);
  std::span<const ParticlePort> ports_of(int segment) const;
  void take(Particle& p, const ParticlePort& port);

  const Model& model_;
  ParticleNetwork network_;
  std::vector<Particle> particles_;
  std::vector<double> link_share_;
  std::vector<double> inflow_cdf_;
  std::vector<std::int64_t> crossings_;
  std::vector<std::int64_t> backward_;
  double volume_per_particle_ = 0;
  std::vector<std::uint32_t> waiting_;  // particles that left, in order of leaving
  std::size_t waiting_head_ = 0;
  double inflow_owed_m3_ = 0;           // arterial inflow not yet given a particle
  std::uint64_t step_ = 0;
};

}  // namespace calfpump::anatomy
