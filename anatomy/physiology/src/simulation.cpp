#include "anatomy/simulation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include <stdexcept>

#include <fmt/format.h>

#include "anatomy/error.hpp"
#include "anatomy/tube_law.hpp"
#include "anatomy/units.hpp"
#include "anatomy/valve.hpp"

namespace calfpump::anatomy {

double State::mass_balance_error() const {
  const double scale = std::max(inflow_total_m3, outflow_total_m3);
  if (scale <= 0) return 0.0;
  return std::abs(metrics.stored_volume_m3 - initial_volume_m3 - (inflow_total_m3 - outflow_total_m3)) / scale;
}

namespace {

constexpr Posture kPostures[] = {Posture::Standing, Posture::Sitting, Posture::Supine,
                                 Posture::SupineLegsRaised};

// Area of the face between two segments, per vein: the mean of the two segments' per-vein areas
// (a collapsed segment receiving flow inflates as it fills, so the upstream area keeps the face
// open, as in a staggered finite-volume scheme); the resistance and inertance of an edge are
// R = (8 pi mu / face^2) sum(l/2 / n) and L = (rho / face) sum(l/2 / n) over its two halves
// (model.cpp precomputes the sums)
double edge_face_area(const Model& m, const Edge& e, const std::vector<double>& area) {
  const Segment& sa = m.segments[static_cast<std::size_t>(e.a)];
  const double floor_a = tube_law::kMinAlpha * sa.area_ref_m2 * sa.inv_count;
  double face = area[static_cast<std::size_t>(e.a)] * sa.inv_count;
  if (e.b >= 0) face = 0.5 * (face + area[static_cast<std::size_t>(e.b)] * m.segments[static_cast<std::size_t>(e.b)].inv_count);
  return std::max(face, floor_a);
}

// inputs that depend only on time: muscle pressures, heights, external pressures
void apply_inputs(const Model& m, const Schedule& sched, Workspace& ws, State& st, double t) {
  for (std::size_t k = 0; k < m.leg.muscles.size(); ++k) {
    const MuscleDesc& md = m.leg.muscles[k];
    const double a = muscle_activation(md, sched, t);
    st.muscle_activation[k] = a;
    st.muscle_pressure_Pa[k] = md.rest_pressure_Pa + a * (md.max_pressure_Pa - md.rest_pressure_Pa);
  }
  const JointAngles pose = joint_angles(m.leg.joints, sched, t);
  st.ankle_rad = pose.ankle_rad;
  st.knee_rad = pose.knee_rad;
  st.lift_m = pose.lift_m;
  const PostureBlend pb = posture_at(sched, t);
  const auto& hf = ws.segment_height[static_cast<std::size_t>(pb.from)];
  const auto& ht = ws.segment_height[static_cast<std::size_t>(pb.to)];
  for (std::size_t i = 0; i < m.segments.size(); ++i) {
    ws.height[i] = (1.0 - pb.weight) * hf[i] + pb.weight * ht[i];
    double pe = m.segments[i].compression_Pa;
    for (auto [muscle, share] : m.segments[i].squeezed_by) pe += share * st.muscle_pressure_Pa[static_cast<std::size_t>(muscle)];
    ws.p_ext[i] = pe;
  }
  const auto& sf = ws.site_height[static_cast<std::size_t>(pb.from)];
  const auto& stt = ws.site_height[static_cast<std::size_t>(pb.to)];
  for (std::size_t i = 0; i < m.sites.size(); ++i) ws.site_h[i] = (1.0 - pb.weight) * sf[i] + pb.weight * stt[i];
  // the heights follow the turned foot while the leg stands upright on it (a raise, an ankle pump
  // standing); walking's limbs swing in the world, which the shank-frame pose does not give, so
  // its heights stay the standing ones (README, "The leg in 3D")
  if (pose.ankle_rad != 0.0 && pb.from == Posture::Standing && pb.to == Posture::Standing) {
    const ActivityKind kind = sched.phases[sched.phase_at(t)].activity.kind;
    if (kind == ActivityKind::Tiptoe || kind == ActivityKind::AnklePumps) {
      for (std::size_t i = 0; i < m.segments.size(); ++i) ws.height[i] += ankle_height_change(m.leg.joints, pose.ankle_rad, m.segments[i].center);
      for (std::size_t i = 0; i < m.sites.size(); ++i) ws.site_h[i] += ankle_height_change(m.leg.joints, pose.ankle_rad, m.sites[i].position);
    }
  }
}

void update_metrics(const Model& m, const Workspace& ws, State& st) {
  const double rho_g = m.leg.blood_density_kg_m3 * kGravity_m_s2;
  Metrics& x = st.metrics;
  x.stored_volume_m3 = 0;
  x.calf_volume_m3 = 0;
  for (std::size_t i = 0; i < m.segments.size(); ++i) {
    x.stored_volume_m3 += st.volume_m3[i];
    x.calf_volume_m3 += m.segments[i].calf_weight * st.volume_m3[i];
  }
  const Site& ankle = m.sites[static_cast<std::size_t>(m.ankle_site)];
  const auto seg = static_cast<std::size_t>(ankle.segment);
  x.ankle_pressure_Pa = st.pressure_Pa[seg] + rho_g * (ws.height[seg] - ws.site_h[static_cast<std::size_t>(m.ankle_site)]);
  if (m.foot_site >= 0) {
    const Site& foot = m.sites[static_cast<std::size_t>(m.foot_site)];
    const auto fs = static_cast<std::size_t>(foot.segment);
    x.foot_pressure_Pa = st.pressure_Pa[fs] + rho_g * (ws.height[fs] - ws.site_h[static_cast<std::size_t>(m.foot_site)]);
  } else {
    x.foot_pressure_Pa = x.ankle_pressure_Pa;
  }
  x.calf_muscle_perfusion_m3_s = 0;
  for (std::size_t b = 0; b < m.beds.size(); ++b)
    if (m.beds[b].calf_muscle) x.calf_muscle_perfusion_m3_s += st.bed_inflow_m3_s[b];
}

[[noreturn]] void diverged(const Model& m, const State& st, std::size_t seg, double v, const char* what) {
  const Segment& s = m.segments[seg];
  throw SimulationError(fmt::format(
      "simulation diverged at t = {:.4f} s (step {}): segment '{}' {} (volume {} ml, reference {:.3f} ml, "
      "previous pressure {:.2f} mmHg, external {:.2f} mmHg)",
      st.time_s, st.steps, s.name, what, m3_to_ml(v), m3_to_ml(s.volume_ref_m3),
      Pa_to_mmHg(st.pressure_Pa[seg]), Pa_to_mmHg(st.external_pressure_Pa[seg])));
}

// the venoarteriolar reflex's target for a bed: 0 below the onset pressure, 1 above full, smooth
// between, from the mean gauge pressure of the veins it drains into
double var_target(const Model& m, const State& st, const Bed& bed) {
  if (bed.var_reduction <= 0 || bed.links.empty()) return 0.0;
  double p = 0, w = 0;
  for (int k : bed.links) {
    const InflowLink& l = m.inflows[static_cast<std::size_t>(k)];
    p += l.conductance * st.pressure_Pa[static_cast<std::size_t>(l.segment)];
    w += l.conductance;
  }
  p = w > 0 ? p / w : 0.0;
  const auto& mc = m.leg.microcirculation;
  const double u = std::clamp((p - mc.var_onset_Pa) / (mc.var_full_Pa - mc.var_onset_Pa), 0.0, 1.0);
  return u * u * (3.0 - 2.0 * u);
}

// the microcirculation's slow responses, advanced once per step with the state at its end
// (exact relaxation toward the targets, so any step size keeps them in range)
void update_beds(const Model& m, const Schedule& sched, Workspace& ws, State& st, double dt) {
  const auto& mc = m.leg.microcirculation;
  if (dt != ws.bed_dt) {  // the relaxation factors of a step (the step is fixed: computed once)
    ws.bed_dt = dt;
    ws.var_decay = std::exp(-dt / mc.var_time_constant_s);
    ws.rise_decay = std::exp(-dt / mc.hyperaemia_rise_s);
    ws.fall_decay = std::exp(-dt / mc.hyperaemia_decay_s);
  }
  // work rate: at a given activation, proportional to the contraction frequency (one per second,
  // the clinic's tiptoe test, is the reference)
  const Activity& act = sched.phases.empty() ? Activity{} : sched.phases[sched.phase_at(st.time_s)].activity;
  const double rate = act.cycle_s() > 0 ? 1.0 / act.cycle_s() : 0.0;
  for (std::size_t b = 0; b < m.beds.size(); ++b) {
    const Bed& bed = m.beds[b];
    if (bed.var_reduction > 0) {
      const double target = var_target(m, st, bed);
      st.bed_var[b] = target + (st.bed_var[b] - target) * ws.var_decay;
    }
    if (bed.hyperaemia > 0 && bed.tissue >= 0) {
      const double target = bed.hyperaemia * rate * st.muscle_activation[static_cast<std::size_t>(bed.tissue)];
      const double decay = target > st.bed_hyperaemia[b] ? ws.rise_decay : ws.fall_decay;
      st.bed_hyperaemia[b] = target + (st.bed_hyperaemia[b] - target) * decay;
    }
  }
}

}  // namespace

double bed_conductance_factor(const Bed& bed, double var, double hyperaemia) {
  // resting conductance is the supine one (reflex off); the reflex takes its share r away
  return (1.0 - bed.var_reduction * var) * (1.0 + hyperaemia);
}

Workspace make_workspace(const Model& m, const Schedule& sched) {
  Workspace ws;
  const std::size_t n = m.segments.size();
  for (Posture p : kPostures) {
    std::vector<double> h(n), hs(m.sites.size());
    for (std::size_t i = 0; i < n; ++i) h[i] = height_above_heart(m.leg, p, m.segments[i].center[2], sched.legs_raised_deg);
    for (std::size_t i = 0; i < m.sites.size(); ++i) hs[i] = height_above_heart(m.leg, p, m.sites[i].position[2], sched.legs_raised_deg);
    ws.segment_height.push_back(std::move(h));
    ws.site_height.push_back(std::move(hs));
  }
  ws.height.assign(n, 0.0);
  ws.site_h.assign(m.sites.size(), 0.0);
  ws.p_ext.assign(n, 0.0);
  ws.rhs.assign(n, 0.0);
  ws.v_iter.assign(n, 0.0);
  ws.v_new.assign(n, 0.0);
  ws.compliance.assign(n, 0.0);
  ws.piezo.assign(n, 0.0);
  ws.conductance.assign(m.edges.size(), 0.0);
  ws.source.assign(m.edges.size(), 0.0);
  ws.zeta.assign(m.valves.size(), 0.0);
  ws.edge_flow.assign(m.edges.size(), 0.0);
  ws.inflow.assign(m.inflows.size(), 0.0);
  ws.inflow_linear.assign(m.inflows.size(), 0);
  ws.inflow_const.assign(m.inflows.size(), 0.0);
  ws.inflow_g.assign(m.inflows.size(), 0.0);
  ws.solver = m.solver_pattern;
  ws.base = m.solver_pattern;
  ws.rhs_base.assign(n, 0.0);
  return ws;
}

State initial_state(const Model& m, const Schedule& sched, Workspace& ws) {
  State st;
  const std::size_t n = m.segments.size();
  st.volume_m3.assign(n, 0.0);
  st.pressure_Pa.assign(n, 0.0);
  st.area_m2.assign(n, 0.0);
  st.flow_m3_s.assign(n, 0.0);
  st.external_pressure_Pa.assign(n, 0.0);
  st.edge_flow_m3_s.assign(m.edges.size(), 0.0);
  st.valve_state.assign(m.valves.size(), 1.0);
  st.valve_flow_m3_s.assign(m.valves.size(), 0.0);
  st.muscle_activation.assign(m.leg.muscles.size(), 0.0);
  st.muscle_pressure_Pa.assign(m.leg.muscles.size(), 0.0);
  st.bed_inflow_m3_s.assign(m.beds.size(), 0.0);
  st.bed_var.assign(m.beds.size(), 0.0);
  st.bed_hyperaemia.assign(m.beds.size(), 0.0);
  apply_inputs(m, sched, ws, st, 0.0);
  const double rho_g = m.leg.blood_density_kg_m3 * kGravity_m_s2;
  // hydrostatic equilibrium: piezometric pressure equal to right-atrial pressure everywhere
  for (std::size_t i = 0; i < n; ++i) {
    const Segment& s = m.segments[i];
    const double p = m.leg.right_atrial_pressure_Pa - rho_g * ws.height[i];
    const double alpha = tube_law::area_ratio(p - ws.p_ext[i], s.wall);
    st.volume_m3[i] = alpha * s.volume_ref_m3;
    st.area_m2[i] = alpha * s.area_ref_m2;
    st.pressure_Pa[i] = ws.p_ext[i] + tube_law::pressure(alpha, s.wall);
    st.external_pressure_Pa[i] = ws.p_ext[i];
  }
  // the reflex starts in equilibrium with the first posture's venous pressures
  for (std::size_t b = 0; b < m.beds.size(); ++b) st.bed_var[b] = var_target(m, st, m.beds[b]);
  update_metrics(m, ws, st);
  st.initial_volume_m3 = st.metrics.stored_volume_m3;
  return st;
}

namespace {

// One implicit step of length dt from st.time_s. Returns false, leaving the state untouched but for
// the input fields, when the step would empty a segment below zero volume or stays unconverged
// there (the caller then halves the step).
bool attempt(const Model& m, const Schedule& sched, Workspace& ws, State& st, double dt) {
  const std::size_t n = m.segments.size();
  const double rho = m.leg.blood_density_kg_m3;
  const double rho_g = rho * kGravity_m_s2;
  const double p_art = m.leg.mean_arterial_pressure_Pa;  // piezometric, at heart level
  const double p_ra = m.leg.right_atrial_pressure_Pa;
  const double t1 = st.time_s + dt;

  // inputs at the end of the step (implicit in the forcing)
  apply_inputs(m, sched, ws, st, t1);

  // piezometric pressures (and compliances) of the current volumes under the new inputs
  for (std::size_t i = 0; i < n; ++i) {
    const Segment& s = m.segments[i];
    double p_tm = 0, c = 0;
    tube_law::evaluate(st.volume_m3[i] * s.inv_volume_ref, s.wall, s.volume_ref_m3, p_tm, c);
    ws.v_iter[i] = st.volume_m3[i];
    ws.piezo[i] = ws.p_ext[i] + p_tm + rho_g * ws.height[i];
    ws.compliance[i] = c;
  }

  // valves move with the pressure across them (exact exponential update, zeta stays in [0, 1])
  for (std::size_t k = 0; k < m.valves.size(); ++k) {
    const Edge& e = m.edges[static_cast<std::size_t>(m.valves[k].edge)];
    const double down = e.b >= 0 ? ws.piezo[static_cast<std::size_t>(e.b)] : p_ra;
    const double zeta = st.valve_state[k];
    const double dp_fwd = ws.piezo[static_cast<std::size_t>(e.a)] - down;
    if ((zeta >= 1.0 && dp_fwd >= 0.0) || (zeta <= 0.0 && dp_fwd <= 0.0)) {  // held at a limit
      ws.zeta[k] = zeta;
      continue;
    }
    ws.zeta[k] = valve::advance(zeta, ws.piezo[static_cast<std::size_t>(e.a)] - down,
                                       m.leg.valve_open_rate_per_Pa_s, m.leg.valve_close_rate_per_Pa_s, dt,
                                       m.leg.valve_closed_threshold);
  }

  // edge conductances over the step: resistance R = kR / face^2 and inertance L = kL / face at
  // the current areas, and the Bernoulli loss rho |Q| / (2 A^2) of an open or leaking valve at the
  // current flow (Picard linearisation). With implicit Euler the edge passes
  //   Q = g (P_a - P_b) + g (L / dt) Q_prev,   g = 1 / (R + L / dt + rho |Q_prev| / (2 A^2)),
  // written below with one division per edge, and so that a sealed valve gives exactly g = 0.
  const double inv_dt = 1.0 / dt;
  for (std::size_t k = 0; k < m.edges.size(); ++k) {
    const Edge& e = m.edges[k];
    const double face = edge_face_area(m, e, st.area_m2);
    const double kr = m.edge_resistance_coeff[k];
    const double kl_dt = m.edge_inertance_coeff[k] * inv_dt;
    const double q = st.edge_flow_m3_s[k];
    const double loss = m.edge_loss_coeff[k] * std::abs(q) * face * face;  // stenosis, times face^2
    double g = 0.0, src = 0.0;
    if (e.valve >= 0) {
      const Valve& v = m.valves[static_cast<std::size_t>(e.valve)];
      // the orifice cannot be wider than the vein around it: a vein narrowed by compression or
      // by muscle also narrows the gap between leaflets that fail to meet
      const double vein = e.b >= 0 ? 0.5 * (st.area_m2[static_cast<std::size_t>(e.a)] + st.area_m2[static_cast<std::size_t>(e.b)])
                                   : st.area_m2[static_cast<std::size_t>(e.a)];
      const double area = valve::effective_area(ws.zeta[static_cast<std::size_t>(e.valve)], std::min(v.area_max_m2, vein), v.incompetence);
      if (area > 0.0) {
        // multiply through by 2 A^2 face^2
        const double a2 = 2.0 * area * area;
        const double inv = 1.0 / (a2 * (kr + kl_dt * face + loss) + rho * std::abs(q) * face * face);
        g = a2 * face * face * inv;
        src = a2 * face * kl_dt * q * inv;
      }
    } else {
      const double inv = 1.0 / (kr + kl_dt * face + loss);  // multiplied through by face^2
      g = face * face * inv;
      src = face * kl_dt * q * inv;
    }
    if (m.edge_occluded[k]) g = src = 0.0;
    ws.conductance[k] = g;
    ws.source[k] = src;  // inertia carries the previous flow
  }

  // inflow links: vein pressure or, when higher, tissue pressure limits the arterial inflow; the
  // bed's conductance follows its reflex and hyperaemia (at the start of the step)
  for (std::size_t k = 0; k < m.inflows.size(); ++k) {
    const InflowLink& link = m.inflows[k];
    const auto seg = static_cast<std::size_t>(link.segment);
    const auto bi = static_cast<std::size_t>(link.bed);
    const Bed& bed = m.beds[bi];
    const double g = link.conductance * bed_conductance_factor(bed, st.bed_var[bi], st.bed_hyperaemia[bi]);
    ws.inflow_g[k] = g;
    const int tissue = bed.tissue;
    const double p_tis = tissue >= 0 ? st.muscle_pressure_Pa[static_cast<std::size_t>(tissue)] + rho_g * ws.height[seg]
                                     : -1e300;
    if (ws.piezo[seg] >= p_tis && ws.piezo[seg] < p_art) {
      ws.inflow_linear[k] = 1;
      ws.inflow_const[k] = 0.0;
    } else {
      ws.inflow_linear[k] = 0;
      ws.inflow_const[k] = g * std::max(0.0, p_art - std::max(p_tis, ws.piezo[seg]));
    }
  }

  // the network part of the system (edges, inflows) is fixed over the step: assemble it once
  ws.base.clear();
  std::fill(ws.rhs_base.begin(), ws.rhs_base.end(), 0.0);
  for (std::size_t k = 0; k < m.edges.size(); ++k) {
    const Edge& e = m.edges[k];
    const double g = ws.conductance[k];
    ws.base.add_diagonal(e.a, g);
    ws.rhs_base[static_cast<std::size_t>(e.a)] -= ws.source[k];
    if (e.b >= 0) {
      ws.base.add_diagonal(e.b, g);
      ws.base.add_at(m.edge_slot[k], -g);
      ws.rhs_base[static_cast<std::size_t>(e.b)] += ws.source[k];
    } else {
      ws.rhs_base[static_cast<std::size_t>(e.a)] += g * p_ra;
    }
  }
  for (std::size_t k = 0; k < m.inflows.size(); ++k) {
    const InflowLink& link = m.inflows[k];
    if (ws.inflow_linear[k]) {
      ws.base.add_diagonal(link.segment, ws.inflow_g[k]);
      ws.rhs_base[static_cast<std::size_t>(link.segment)] += ws.inflow_g[k] * p_art;
    } else {
      ws.rhs_base[static_cast<std::size_t>(link.segment)] += ws.inflow_const[k];
    }
  }

  // Newton iterations on the tube law: solve for end-of-step piezometric pressures. One
  // iteration is the linearly implicit Euler step; more are taken only while the solved pressures
  // and the tube law at the new volumes disagree by more than kPressureTolerance_Pa.
  constexpr double kPressureTolerance_Pa = 133.0;  // 1 mmHg
  double last_mismatch = 0.0;
  for (int it = 0; it < ws.max_newton; ++it) {
    ws.solver.copy_values(ws.base);
    for (std::size_t i = 0; i < n; ++i) {
      const double c = ws.compliance[i];
      ws.solver.add_diagonal(static_cast<int>(i), c * inv_dt);
      ws.rhs[i] = ws.rhs_base[i] + (c * ws.piezo[i] - ws.v_iter[i] + st.volume_m3[i]) * inv_dt;
    }
    if (!ws.solver.factor()) return false;
    ws.solver.solve(ws.rhs);  // rhs now holds the end-of-step piezometric pressures
    double mismatch = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const Segment& s = m.segments[i];
      double v = ws.v_iter[i] + ws.compliance[i] * (ws.rhs[i] - ws.piezo[i]);
      // a linearised step may overshoot a collapsing vein through zero: halve the volume instead
      // and let the next iteration re-linearise there
      if (!(v > 0.0)) {
        v = 0.5 * ws.v_iter[i];
        mismatch = std::numeric_limits<double>::infinity();
      }
      double p_tm = 0, c = 0;
      tube_law::evaluate(v * s.inv_volume_ref, s.wall, s.volume_ref_m3, p_tm, c);
      ws.v_iter[i] = v;
      ws.compliance[i] = c;
      ws.piezo[i] = ws.p_ext[i] + p_tm + rho_g * ws.height[i];
      mismatch = std::max(mismatch, std::abs(ws.piezo[i] - ws.rhs[i]));
    }
    last_mismatch = mismatch;
    if (mismatch < kPressureTolerance_Pa) break;
  }
  const std::vector<double>& pz = ws.rhs;

  // flows from the solved pressures; volumes take exactly these flows (mass balance)
  std::fill(ws.v_new.begin(), ws.v_new.end(), 0.0);  // net inflow per segment
  for (std::size_t k = 0; k < m.edges.size(); ++k) {
    const Edge& e = m.edges[k];
    const double down = e.b >= 0 ? pz[static_cast<std::size_t>(e.b)] : p_ra;
    const double q = ws.conductance[k] * (pz[static_cast<std::size_t>(e.a)] - down) + ws.source[k];
    ws.edge_flow[k] = q;
    ws.v_new[static_cast<std::size_t>(e.a)] -= q;
    if (e.b >= 0) ws.v_new[static_cast<std::size_t>(e.b)] += q;
  }
  for (std::size_t k = 0; k < m.inflows.size(); ++k) {
    const InflowLink& link = m.inflows[k];
    const auto seg = static_cast<std::size_t>(link.segment);
    const double q = ws.inflow_linear[k] ? std::max(0.0, ws.inflow_g[k] * (p_art - pz[seg])) : ws.inflow_const[k];
    ws.inflow[k] = q;
    ws.v_new[seg] += q;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double v = st.volume_m3[i] + dt * ws.v_new[i];
    if (!(v > 0.0) || !std::isfinite(v)) return false;
    ws.v_new[i] = v;
  }

  // commit
  st.outflow_m3_s = 0.0;
  for (std::size_t k = 0; k < m.edges.size(); ++k) {
    st.edge_flow_m3_s[k] = ws.edge_flow[k];
    if (m.edges[k].b < 0) st.outflow_m3_s += ws.edge_flow[k];
  }
  std::fill(st.bed_inflow_m3_s.begin(), st.bed_inflow_m3_s.end(), 0.0);
  st.inflow_m3_s = 0.0;
  for (std::size_t k = 0; k < m.inflows.size(); ++k) {
    st.bed_inflow_m3_s[static_cast<std::size_t>(m.inflows[k].bed)] += ws.inflow[k];
    st.inflow_m3_s += ws.inflow[k];
  }
  for (std::size_t i = 0; i < n; ++i) {
    const Segment& s = m.segments[i];
    const double alpha = ws.v_new[i] / s.volume_ref_m3;
    st.volume_m3[i] = ws.v_new[i];
    st.area_m2[i] = alpha * s.area_ref_m2;
    st.pressure_Pa[i] = ws.p_ext[i] + tube_law::pressure(alpha, s.wall);
    st.external_pressure_Pa[i] = ws.p_ext[i];
    st.flow_m3_s[i] = st.edge_flow_m3_s[static_cast<std::size_t>(s.outlet_edge)];
  }
  for (std::size_t k = 0; k < m.valves.size(); ++k) {
    st.valve_state[k] = ws.zeta[k];
    st.valve_flow_m3_s[k] = st.edge_flow_m3_s[static_cast<std::size_t>(m.valves[k].edge)];
  }
  st.inflow_total_m3 += dt * st.inflow_m3_s;
  st.outflow_total_m3 += dt * st.outflow_m3_s;
  if (last_mismatch >= kPressureTolerance_Pa) {  // accepted, but counted and its size kept
    ++st.newton_unconverged_steps;
    st.newton_worst_mismatch_Pa = std::max(st.newton_worst_mismatch_Pa, last_mismatch);
  }
  st.time_s = t1;
  return true;
}

// advances by dt, halving the step where a vein empties faster than one step can follow
void advance(const Model& m, const Schedule& sched, Workspace& ws, State& st, double dt, int depth) {
  if (attempt(m, sched, ws, st, dt)) return;
  constexpr int kMaxHalvings = 10;
  if (depth >= kMaxHalvings) {
    // report the segment that failed
    std::size_t worst = 0;
    for (std::size_t i = 0; i < m.segments.size(); ++i)
      if (!(st.volume_m3[i] + dt * ws.v_new[i] > 0.0) || !std::isfinite(ws.v_new[i])) { worst = i; break; }
    diverged(m, st, worst, st.volume_m3[worst], "cannot be advanced: its volume would fall below zero or become non-finite");
  }
  advance(m, sched, ws, st, 0.5 * dt, depth + 1);
  advance(m, sched, ws, st, 0.5 * dt, depth + 1);
}

}  // namespace

void step(const Model& m, const Schedule& sched, Workspace& ws, State& st, double dt) {
  const double t0 = st.time_s;
  advance(m, sched, ws, st, dt, 0);
  st.time_s = t0 + dt;  // exactly, whatever the halvings
  ++st.steps;
  update_beds(m, sched, ws, st, dt);
  update_metrics(m, ws, st);
}

Simulation::Simulation(const Model& model, Schedule schedule, double dt)
    : model_(model), schedule_(std::move(schedule)), dt_(dt), ws_(make_workspace(model_, schedule_)),
      state_(initial_state(model_, schedule_, ws_)) {}

Simulation::Simulation(const Model& model, Schedule schedule, const State& state, double dt)
    : model_(model), schedule_(std::move(schedule)), dt_(dt), ws_(make_workspace(model_, schedule_)), state_(state) {
  if (state.pressure_Pa.size() != model.segments.size() || state.edge_flow_m3_s.size() != model.edges.size() ||
      state.valve_state.size() != model.valves.size())
    throw std::invalid_argument("the state belongs to a model with another network");
}

void Simulation::step() { anatomy::step(model_, schedule_, ws_, state_, dt_); }

void Simulation::run_until(double t) {
  // whole steps, counted from the step index so that time never drifts by rounding
  const auto target = static_cast<std::uint64_t>(std::llround(t / dt_));
  while (state_.steps < target) step();
}

}  // namespace calfpump::anatomy
