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

double particle_hash(std::uint64_t a, std::uint64_t b) { return hash01(a, b); }

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
  ParticleNetwork n;
  n.start.push_back(0);
  for (const auto& ports : by_segment) {
    n.ports.insert(n.ports.end(), ports.begin(), ports.end());
    n.start.push_back(static_cast<std::uint32_t>(n.ports.size()));
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

ParticleTransport::ParticleTransport(const Model& model, const State& st, std::size_t count)
    : model_(model), network_(make_particle_network(model)), particles_(initial_particles(st, count)),
      link_share_(inflow_link_shares(model)), crossings_(model.edges.size(), 0), backward_(model.edges.size(), 0),
      volume_per_particle_(particle_volume(st, count)) {}

double ParticleTransport::vessel_t(const Particle& p) const {
  if (p.segment < 0) return 1.0;
  const Segment& s = model_.segments[static_cast<std::size_t>(p.segment)];
  return s.s0 + (s.s1 - s.s0) * p.f;
}

double ParticleTransport::flow_along(const State& st, int segment, double f) const {
  double enter = 0, added_before = 0, added = 0, leave = 0;
  for (const ParticlePort& port : ports_of(segment)) {
    const double q = st.edge_flow_m3_s[static_cast<std::size_t>(port.edge)];
    const double inflow = port.forward ? -q : q;  // into this segment through the port
    if (port.end == 0) enter += inflow;
    else if (port.end == 1) leave -= inflow;
    else {
      added += inflow;
      if (port.at_f <= f) added_before += inflow;  // a particle at the junction has joined the stream
    }
  }
  // a blind start (no inlet) fills from the capillaries along the segment
  return enter + added_before + f * (leave - enter - added);
}

void ParticleTransport::respawn(Particle& p, std::uint64_t step) {
  // re-enter where the microcirculation feeds the veins, in proportion to the inflow
  const double u = hash01(p.id, step * 2 + 1) * inflow_cdf_.back();
  const auto k = static_cast<std::size_t>(std::upper_bound(inflow_cdf_.begin(), inflow_cdf_.end(), u) - inflow_cdf_.begin());
  p.segment = model_.inflows[std::min(k, model_.inflows.size() - 1)].segment;
  p.f = static_cast<float>(hash01(p.id, step * 2 + 2));
  p.age_s = 0;
}

void ParticleTransport::inject(const State& st, double dt) {
  // one waiting particle re-enters for each particle's worth of arterial inflow
  inflow_owed_m3_ += st.inflow_m3_s * dt;
  while (inflow_owed_m3_ >= volume_per_particle_ && waiting_head_ < waiting_.size()) {
    respawn(particles_[waiting_[waiting_head_++]], step_);
    inflow_owed_m3_ -= volume_per_particle_;
  }
  if (waiting_head_ == waiting_.size()) {
    waiting_.clear();
    waiting_head_ = 0;
    inflow_owed_m3_ = std::min(inflow_owed_m3_, volume_per_particle_);  // nobody to send: the debt lapses
  }
}

void ParticleTransport::take(Particle& p, const ParticlePort& port) {
  if (port.forward) ++crossings_[static_cast<std::size_t>(port.edge)];
  else {
    --crossings_[static_cast<std::size_t>(port.edge)];
    ++backward_[static_cast<std::size_t>(port.edge)];
  }
  if (port.other < 0) {
    p.segment = -1;  // out through the outlet: waits at the heart
    waiting_.push_back(p.id);
    return;
  }
  p.segment = port.other;
  p.f = port.entry_f;
}

namespace {

// blood leaving a segment through a port (m^3/s; 0 when it enters or stands)
double outflow_of(const State& st, const ParticlePort& port) {
  const double q = st.edge_flow_m3_s[static_cast<std::size_t>(port.edge)] * (port.forward ? 1.0 : -1.0);
  return q > 0 ? q : 0.0;
}

// the port in whose share of the outflows u falls (u from 0 to their sum), or none past them all
template <class Outflow>
const ParticlePort* pick_port(std::span<const ParticlePort> ports, Outflow outflow, double u) {
  for (const ParticlePort& port : ports) {
    const double q = outflow(port);
    if (q <= 0) continue;
    u -= q;
    if (u <= 0) return &port;
  }
  return nullptr;
}

}  // namespace

std::span<const ParticlePort> ParticleTransport::ports_of(int segment) const {
  const auto s = static_cast<std::size_t>(segment);
  return {network_.ports.data() + network_.start[s], network_.ports.data() + network_.start[s + 1]};
}

bool ParticleTransport::pass_on(Particle& p, const State& st, bool at_proximal_end, std::uint64_t step) {
  // the edges carrying blood out of this segment at the end reached, weighted by that flow
  const std::span<const ParticlePort> ports = ports_of(p.segment);
  const int end = at_proximal_end ? 1 : 0;
  auto outflow = [&](const ParticlePort& port) { return port.end == end ? outflow_of(st, port) : 0.0; };
  double total = 0;
  for (const ParticlePort& port : ports) total += outflow(port);
  if (total <= 0) {  // nothing leaves: held at the end (a closed valve, a blind end)
    p.f = at_proximal_end ? 1.0f : 0.0f;
    return false;
  }
  const ParticlePort* chosen = pick_port(ports, outflow, hash01(p.id, step * 2 + 7) * total);
  if (!chosen) return false;
  take(p, *chosen);
  return p.segment >= 0;
}

bool ParticleTransport::pass_junction(Particle& p, const State& st, float at, bool upward, std::uint64_t step) {
  // A junction part-way along: a branch there takes its share of the blood arriving, q_out /
  // (q_out + q_through), where q_through is what flows on past the junction; the rest goes on.
  const std::span<const ParticlePort> ports = ports_of(p.segment);
  auto outflow = [&](const ParticlePort& port) { return port.end == -1 && port.at_f == at ? outflow_of(st, port) : 0.0; };
  double out = 0;
  for (const ParticlePort& port : ports) out += outflow(port);
  const float past = upward ? at : std::max(0.0f, at - kJunctionStep);
  const double through = std::max(0.0, (upward ? 1.0 : -1.0) * flow_along(st, p.segment, past));
  p.f = past;
  if (out <= 0) return true;
  const ParticlePort* chosen = pick_port(ports, outflow, hash01(p.id, step * 2 + 9) * (out + through));
  if (!chosen) return true;  // on past the junction
  take(p, *chosen);
  return p.segment >= 0;
}

void ParticleTransport::advance(const State& st, double dt) {
  ++step_;
  // inflow per link: the bed's inflow shared by the links' conductances
  inflow_cdf_.assign(model_.inflows.size(), 0.0);
  double run = 0;
  for (std::size_t k = 0; k < model_.inflows.size(); ++k) {
    run += st.bed_inflow_m3_s[static_cast<std::size_t>(model_.inflows[k].bed)] * link_share_[k];
    inflow_cdf_[k] = run;
  }
  if (run <= 0)
    for (std::size_t k = 0; k < inflow_cdf_.size(); ++k) inflow_cdf_[k] = static_cast<double>(k + 1);
  inject(st, dt);
  for (Particle& p : particles_) {
    if (p.segment < 0) continue;
    p.age_s += static_cast<float>(dt);
    double left = dt;
    for (int hops = 0; hops < kMaxHops && left > 0; ++hops) {
      const Segment& s = model_.segments[static_cast<std::size_t>(p.segment)];
      const double v = flow_along(st, p.segment, p.f) / std::max(st.area_m2[static_cast<std::size_t>(p.segment)], 1e-12);
      if (v == 0.0) break;
      // the next place where something happens: a junction part-way along, or the segment's end
      float target = v > 0 ? 1.0f : 0.0f;
      bool junction = false;
      for (const ParticlePort& port : ports_of(p.segment)) {
        const float at = port.at_f;
        if (port.end != -1) continue;
        if (v > 0 ? (at > p.f && at <= target) : (at < p.f && at >= target)) {
          target = at;
          junction = true;
        }
      }
      const double time_to = std::abs(target - p.f) * s.length_m / std::abs(v);
      if (time_to > left) {
        p.f = static_cast<float>(std::clamp(p.f + v * left / s.length_m, 0.0, 1.0));
        break;
      }
      left -= time_to;
      const std::uint64_t salt = step_ * 32 + static_cast<std::uint64_t>(hops);
      if (junction) {
        if (!pass_junction(p, st, target, v > 0, salt)) break;
        continue;
      }
      p.f = target;
      if (!pass_on(p, st, v > 0, salt)) break;
    }
  }
}

}  // namespace calfpump::anatomy
