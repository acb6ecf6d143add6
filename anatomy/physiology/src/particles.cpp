#include "anatomy/particles.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>

#include "anatomy/vec.hpp"

namespace calfpump::anatomy {

namespace {

// a reproducible random number in [0, 1) from a particle and a step (splitmix64)
double hash01(std::uint64_t a, std::uint64_t b) {
  std::uint64_t z = a * 0x9E3779B97F4A7C15ull + b + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * (1.0 / 9007199254740992.0);
}

// fraction along segment s of the point of its vessel nearest to p
float nearest_f(const Model& m, const Segment& s, const Point3& p) {
  const auto& pts = m.leg.vessels[static_cast<std::size_t>(s.vessel)].points;
  double best = std::numeric_limits<double>::max(), best_f = 0.5;
  for (int q = 0; q <= 32; ++q) {
    const double f = q / 32.0;
    const double d = distance(p, point_along(pts, s.s0 + (s.s1 - s.s0) * f));
    if (d < best) { best = d; best_f = f; }
  }
  return static_cast<float>(best_f);
}

}  // namespace

float particle_hash(std::uint32_t a, std::uint32_t b) {
  // the same integer hash as shaders/particles.comp, in 32-bit arithmetic
  std::uint32_t h = (a * 0x9E3779B9u) ^ (b + 0x7F4A7C15u + (a << 6) + (a >> 2));
  h ^= h >> 16;
  h *= 0x7feb352du;
  h ^= h >> 15;
  h *= 0x846ca68bu;
  h ^= h >> 16;
  return static_cast<float>(h >> 8) * (1.0f / 16777216.0f);
}

std::vector<double> inflow_link_shares(const Model& model) {
  std::vector<double> bed_g(model.beds.size(), 0.0);
  for (const auto& link : model.inflows) bed_g[static_cast<std::size_t>(link.bed)] += link.conductance;
  std::vector<double> share;
  for (const auto& link : model.inflows) {
    const double g = bed_g[static_cast<std::size_t>(link.bed)];
    share.push_back(g > 0 ? link.conductance / g : 0.0);
  }
  return share;
}

ParticleNetwork make_particle_network(const Model& model) {
  std::vector<std::vector<ParticlePort>> by_segment(model.segments.size());
  for (std::size_t e = 0; e < model.edges.size(); ++e) {
    const Edge& edge = model.edges[e];
    const int ei = static_cast<int>(e);
    const Segment& a = model.segments[static_cast<std::size_t>(edge.a)];
    const auto& a_pts = model.leg.vessels[static_cast<std::size_t>(a.vessel)].points;
    auto& pa = by_segment[static_cast<std::size_t>(edge.a)];
    if (edge.b < 0) {
      pa.push_back({ei, -1, true, 0.0f, 1, 1.0f});
      continue;
    }
    const Segment& b = model.segments[static_cast<std::size_t>(edge.b)];
    auto& pb = by_segment[static_cast<std::size_t>(edge.b)];
    if (a.vessel == b.vessel && b.piece == a.piece + 1) {
      pa.push_back({ei, edge.b, true, 0.0f, 1, 1.0f});
      pb.push_back({ei, edge.a, false, 1.0f, 0, 0.0f});
    } else if (a.outlet_edge == ei) {
      // a tributary's end joining b part-way along
      const float fb = nearest_f(model, b, point_along(a_pts, a.s1));
      pa.push_back({ei, edge.b, true, fb, 1, 1.0f});
      pb.push_back({ei, edge.a, false, 1.0f, -1, fb});
    } else {
      // a branch leaving a part-way along into the start of b (perforators)
      const auto& b_pts = model.leg.vessels[static_cast<std::size_t>(b.vessel)].points;
      const float fa = nearest_f(model, a, point_along(b_pts, b.s0));
      pa.push_back({ei, edge.b, true, 0.0f, -1, fa});
      pb.push_back({ei, edge.a, false, fa, 0, 0.0f});
    }
  }
  // each segment's ports grouped by place (distal end, proximal end, part-way), so that a particle
  // reaching one place reads only that place's ports
  ParticleNetwork n;
  n.start.push_back(0);
  for (const auto& ports : by_segment) {
    std::array<std::uint32_t, 4> group{};
    for (int place = 0; place < 3; ++place) {
      group[static_cast<std::size_t>(place)] = static_cast<std::uint32_t>(n.ports.size());
      for (const ParticlePort& port : ports)
        if ((port.end == 0 ? 0 : port.end == 1 ? 1 : 2) == place) n.ports.push_back(port);
    }
    group[3] = static_cast<std::uint32_t>(n.ports.size());
    n.groups.push_back(group);
    n.start.push_back(group[3]);
  }
  return n;
}

double particle_volume(const State& state, std::size_t count) {
  double total = 0;
  for (double v : state.volume_m3) total += v;
  return total / static_cast<double>(std::max<std::size_t>(count, 1));
}

std::vector<Particle> initial_particles(const State& st, std::size_t count) {
  const double per = particle_volume(st, count);
  std::vector<Particle> out(count);
  std::size_t seg = 0;
  double below = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const double at = (static_cast<double>(i) + 0.5) * per;
    while (seg + 1 < st.volume_m3.size() && below + st.volume_m3[seg] < at) below += st.volume_m3[seg++];
    Particle& p = out[i];
    p.id = static_cast<std::uint32_t>(i);
    p.segment = static_cast<int>(seg);
    // jittered within its share of the volume, so that no rows show where the blood stands still
    const double jitter = (hash01(i, 0x7177e7) - 0.5) * per;
    p.f = static_cast<float>(std::clamp((at - below + jitter) / st.volume_m3[seg], 0.0, 1.0));
    // the blood already in the leg has been there a while: ages spread over two minutes
    p.age_s = static_cast<float>(120.0 * hash01(i, 0x5eed));
  }
  return out;
}

ParticleInputs particle_inputs(const Model& model, const ParticleNetwork& network, const State& st) {
  ParticleInputs in;
  const std::size_t segments = model.segments.size();
  in.port_outflow_m3_s.resize(network.ports.size());
  in.segment_flow.resize(segments);
  for (std::size_t seg = 0; seg < segments; ++seg) {
    // A: what enters at the distal end; B: what leaves at the proximal end, less A, less what the
    // part-way ports add
    double enter = 0, leave = 0, added = 0;
    const auto& g = network.groups[seg];
    for (std::uint32_t k = g[0]; k < g[3]; ++k) {
      const ParticlePort& port = network.ports[k];
      const double q = st.edge_flow_m3_s[static_cast<std::size_t>(port.edge)] * (port.forward ? 1.0 : -1.0);
      in.port_outflow_m3_s[k] = static_cast<float>(q);
      if (k < g[1]) enter -= q;
      else if (k < g[2]) leave += q;
      else added -= q;
    }
    in.segment_flow[seg] = {static_cast<float>(enter), static_cast<float>(leave - enter - added), static_cast<float>(st.area_m2[seg]), 0.0f};
  }
  // inflow per link: the bed's inflow shared by the links' conductances
  const std::vector<double> share = inflow_link_shares(model);
  double run = 0;
  for (std::size_t k = 0; k < model.inflows.size(); ++k) run += st.bed_inflow_m3_s[static_cast<std::size_t>(model.inflows[k].bed)] * share[k];
  in.inflow_m3_s = st.inflow_m3_s;
  const bool none = !(run > 0);
  run = 0;
  for (std::size_t k = 0; k < model.inflows.size(); ++k) {
    run += none ? 1.0 : st.bed_inflow_m3_s[static_cast<std::size_t>(model.inflows[k].bed)] * share[k];
    in.inflow.push_back({static_cast<float>(run), static_cast<float>(model.inflows[k].segment)});
  }
  return in;
}

double reentry_chance(double inflow_m3_s, double dt, double volume_per_particle, std::uint64_t waiting) {
  if (waiting == 0 || !(volume_per_particle > 0) || !(inflow_m3_s * dt > 0)) return 0.0;
  return std::min(1.0, inflow_m3_s * dt / volume_per_particle / static_cast<double>(waiting));
}

double flow_along(const ParticleNetwork& network, const ParticleInputs& in, std::size_t segment, double f) {
  const auto& g = network.groups[segment];
  const auto& sf = in.segment_flow[segment];
  double added_before = 0;
  for (std::uint32_t k = g[2]; k < g[3]; ++k)
    if (network.ports[k].at_f <= f) added_before -= in.port_outflow_m3_s[k];  // a particle at the junction has joined the stream
  return sf[0] + added_before + f * sf[1];
}

ParticleTransport::ParticleTransport(const Model& model, const State& st, std::size_t count)
    : model_(model), network_(make_particle_network(model)), particles_(initial_particles(st, count)),
      crossings_(model.edges.size(), 0), backward_(model.edges.size(), 0), volume_per_particle_(particle_volume(st, count)) {}

double ParticleTransport::vessel_t(const Particle& p) const {
  if (p.segment < 0) return 1.0;
  const Segment& s = model_.segments[static_cast<std::size_t>(p.segment)];
  return s.s0 + (s.s1 - s.s0) * p.f;
}

void ParticleTransport::take(Particle& p, const ParticlePort& port) {
  if (port.forward) ++crossings_[static_cast<std::size_t>(port.edge)];
  else {
    --crossings_[static_cast<std::size_t>(port.edge)];
    ++backward_[static_cast<std::size_t>(port.edge)];
  }
  if (port.other < 0) {
    p.segment = -1;  // out through the outlet: waits at the heart
    return;
  }
  p.segment = port.other;
  p.f = port.entry_f;
}

bool ParticleTransport::pass(Particle& p, int place, float at, bool upward, std::uint32_t salt) {
  // The way on from a place where something happens (0: distal end, 1: proximal end, 2: a junction
  // part-way along at `at`): each port there carrying blood out takes the particle in proportion to
  // its flow; at a junction the segment itself, past the junction, takes it in proportion to the
  // flow going on through. One pass over the place's ports, exit k kept with probability q_k / (sum
  // so far), as particles.comp does it, in the same single precision.
  const auto seg = static_cast<std::size_t>(p.segment);
  const auto& g = network_.groups[seg];
  const auto& sf = in_.segment_flow[seg];
  const float past = place == 2 ? (upward ? at : std::max(0.0f, at - kJunctionStep)) : (place == 1 ? 1.0f : 0.0f);
  const std::uint32_t first = g[static_cast<std::size_t>(place)], last = g[static_cast<std::size_t>(place) + 1];
  float added_before = 0, total = 0;
  std::int64_t chosen = -1;
  for (std::uint32_t k = first; k < last; ++k) {
    const float out_q = in_.port_outflow_m3_s[k];
    bool here = true;
    if (place == 2) {
      const float at_k = network_.ports[k].at_f;
      if (at_k <= past) added_before -= out_q;
      here = at_k == at;
    }
    if (here && out_q > 0.0f) {
      total += out_q;
      if (particle_hash(p.id, salt * 16u + (k - first)) * total < out_q) chosen = k;
    }
  }
  if (place == 2) {
    const float through = std::max(0.0f, (upward ? 1.0f : -1.0f) * (sf[0] + added_before + past * sf[1]));
    total += through;
    if (through > 0.0f && particle_hash(p.id, salt * 16u + 15u) * total < through) chosen = -1;
    p.f = past;
    if (chosen < 0) return true;  // on past the junction (or nothing leaves there)
  } else if (chosen < 0) {
    p.f = past;  // held at its end: a closed valve, a blind end
    return false;
  }
  take(p, network_.ports[static_cast<std::size_t>(chosen)]);
  return p.segment >= 0;
}

void ParticleTransport::advance(const State& st, double dt) {
  ++step_;
  in_ = particle_inputs(model_, network_, st);
  const double chance = reentry_chance(in_.inflow_m3_s, dt, volume_per_particle_, waiting_);
  const auto links = static_cast<std::uint32_t>(in_.inflow.size());
  std::uint64_t waiting = 0;
  for (Particle& p : particles_) {
    if (p.segment < 0) {
      // waiting at the heart: re-enters with the step's share of the arterial inflow, where the
      // microcirculation feeds the veins (in proportion to the inflow)
      if (links == 0 || !(particle_hash(p.id, step_ * 4u + 1u) < chance)) {
        ++waiting;
        continue;
      }
      const float u = particle_hash(p.id, step_ * 4u + 2u) * in_.inflow[links - 1][0];
      std::uint32_t k = 0;
      while (k + 1 < links && in_.inflow[k][0] < u) ++k;
      p.segment = static_cast<int>(in_.inflow[k][1] + 0.5f);
      p.f = particle_hash(p.id, step_ * 4u + 3u);
      p.age_s = 0;
    }
    p.age_s += static_cast<float>(dt);
    double left = dt;
    for (std::uint32_t hop = 0; hop < static_cast<std::uint32_t>(kMaxHops) && left > 0; ++hop) {
      const auto seg = static_cast<std::size_t>(p.segment);
      const Segment& s = model_.segments[seg];
      const auto& g = network_.groups[seg];
      // the next junctions above and below, and the velocity here
      float above = 2.0f, below = -1.0f;
      for (std::uint32_t k = g[2]; k < g[3]; ++k) {
        const float at = network_.ports[k].at_f;
        if (at > p.f) above = std::min(above, at);
        if (at < p.f) below = std::max(below, at);
      }
      const double v = flow_along(network_, in_, seg, p.f) / std::max(static_cast<double>(in_.segment_flow[seg][2]), 1e-12);
      if (v == 0.0) break;
      const bool junction = v > 0 ? above <= 1.0f : below >= 0.0f;
      const float target = junction ? (v > 0 ? above : below) : (v > 0 ? 1.0f : 0.0f);
      const double time_to = std::abs(target - p.f) * s.length_m / std::abs(v);
      if (time_to > left) {
        p.f = static_cast<float>(std::clamp(p.f + v * left / s.length_m, 0.0, 1.0));
        break;
      }
      left -= time_to;
      if (!pass(p, junction ? 2 : (v > 0 ? 1 : 0), target, v > 0, step_ * 32u + hop)) break;
    }
    if (p.segment < 0) ++waiting;
  }
  waiting_ = waiting;
}

}  // namespace calfpump::anatomy
