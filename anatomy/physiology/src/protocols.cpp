#include "anatomy/protocols.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "anatomy/units.hpp"

namespace calfpump::anatomy {

namespace {

// protocol timings (s); the reasons are given where they are used
constexpr double kAvpStandStill = 60.0;   // ankle pressure settles within ~20 s of standing
constexpr double kAvpRecovery = 120.0;    // longer than the slowest normal refill (~40 s)
constexpr double kReturnBand_mmHg = 2.0;  // "back to the standing pressure": within 2 mmHg (stated choice,
                                          // about the reading resolution of a venous pressure trace)
constexpr double kApgLegsRaised = 60.0;   // veins drain within seconds with the leg at 45 degrees
constexpr double kApgStanding = 180.0;    // filling at ~1 ml/s reaches its plateau within ~2.5 min
constexpr double kApgAfterOneRaise = 120.0;
constexpr double kApgAfterTenRaises = 2.0;

struct Trace {
  std::vector<double> t, ankle, foot, calf, perfusion, inflow, outflow;
  void add(const State& s) {
    t.push_back(s.time_s);
    ankle.push_back(s.metrics.ankle_pressure_Pa);
    foot.push_back(s.metrics.foot_pressure_Pa);
    calf.push_back(s.metrics.calf_volume_m3);
    perfusion.push_back(s.metrics.calf_muscle_perfusion_m3_s);
    inflow.push_back(s.inflow_m3_s);
    outflow.push_back(s.outflow_m3_s);
  }
  // mean of a series over [t0, t1)
  double mean(const std::vector<double>& x, double t0, double t1) const {
    double s = 0;
    int n = 0;
    for (std::size_t i = 0; i < t.size(); ++i)
      if (t[i] >= t0 - 1e-9 && t[i] < t1 - 1e-9) { s += x[i]; ++n; }
    return n ? s / n : std::numeric_limits<double>::quiet_NaN();
  }
  double min(const std::vector<double>& x, double t0, double t1) const {
    double m = std::numeric_limits<double>::max();
    for (std::size_t i = 0; i < t.size(); ++i)
      if (t[i] >= t0 - 1e-9 && t[i] < t1 - 1e-9) m = std::min(m, x[i]);
    return m;
  }
  double max(const std::vector<double>& x, double t0, double t1) const {
    double m = std::numeric_limits<double>::lowest();
    for (std::size_t i = 0; i < t.size(); ++i)
      if (t[i] >= t0 - 1e-9 && t[i] < t1 - 1e-9) m = std::max(m, x[i]);
    return m;
  }
};

// runs a schedule on a model, recording the trace
Trace run(const Model& model, const Schedule& schedule, double dt, const StepObserver& observer,
          State* final_state) {
  Simulation sim(model, schedule, dt);
  Trace tr;
  const auto steps = static_cast<std::uint64_t>(std::llround(schedule.duration_s() / dt));
  tr.t.reserve(steps + 1);
  tr.add(sim.state());
  if (observer) observer(sim.state());
  while (sim.state().steps < steps) {
    sim.step();
    tr.add(sim.state());
    if (observer) observer(sim.state());
  }
  if (final_state) *final_state = sim.state();
  return tr;
}

// the clinic's exercise: ten tiptoe raises at one per second (Nicolaides & Zukowski 1986)
Activity tiptoe_raises() {
  Activity a;
  a.kind = ActivityKind::Tiptoe;
  a.rate_per_s = 1.0;
  a.intensity = 1.0;
  return a;
}

// after t_end: RT90 (90% of the drop from the lowest pressure just after the exercise recovered)
// and the return to within kReturnBand_mmHg of the standing pressure
void refill_times(const Trace& tr, const std::vector<double>& p, double t_end, double p_stand, double& rt90,
                  bool& refilled, double& rt_base, bool& returned) {
  const double p_low = tr.min(p, t_end, t_end + 1.0);
  const double target = p_low + 0.9 * (p_stand - p_low);
  const double band = mmHg_to_Pa(kReturnBand_mmHg);
  refilled = returned = false;
  rt90 = rt_base = kAvpRecovery;
  for (std::size_t i = 0; i < tr.t.size(); ++i) {
    if (tr.t[i] < t_end) continue;
    if (!refilled && p[i] >= target) { rt90 = tr.t[i] - t_end; refilled = true; }
    if (!returned && p[i] >= p_stand - band) { rt_base = tr.t[i] - t_end; returned = true; }
    if (refilled && returned) break;
  }
}

}  // namespace

RunSummary run_scenario(const Model& model, const Scenario& scenario, double dt, const StepObserver& observer) {
  const Schedule sched = scenario.schedule();
  State last;
  Trace tr = run(model, sched, dt, observer, &last);

  RunSummary s;
  s.newton_unconverged_steps = last.newton_unconverged_steps;
  s.newton_worst_mismatch_mmHg = Pa_to_mmHg(last.newton_worst_mismatch_Pa);
  s.duration_s = sched.duration_s();
  s.dt_s = dt;
  // window: the last (up to) 5 contraction cycles of the activity, or the last 10 s when still
  std::size_t active = sched.phases.size();
  for (std::size_t i = 0; i < sched.phases.size(); ++i)
    if (sched.phases[i].activity.kind != ActivityKind::Still) active = i;
  if (active < sched.phases.size()) {
    const double cycle = sched.phases[active].activity.cycle_s();
    const double end = sched.phase_start(active) + sched.phases[active].duration_s;
    const int cycles = std::max(1, std::min(5, static_cast<int>(std::floor(sched.phases[active].duration_s / cycle + 1e-9))));
    s.window_cycles = cycles;
    s.window_end_s = end;
    s.window_start_s = end - cycles * cycle;
    double ev = 0;
    for (int c = 0; c < cycles; ++c) {
      const double a = s.window_start_s + c * cycle, b = a + cycle;
      ev += tr.max(tr.calf, a, b) - tr.min(tr.calf, a, b);
    }
    s.ejected_volume_per_contraction_ml = m3_to_ml(ev / cycles);
  } else {
    s.window_end_s = s.duration_s;
    s.window_start_s = std::max(0.0, s.duration_s - 10.0);
  }
  const double a = s.window_start_s, b = s.window_end_s + 1e-6;
  s.ankle_pressure_mmHg = Pa_to_mmHg(tr.mean(tr.ankle, a, b));
  s.ankle_pressure_min_mmHg = Pa_to_mmHg(tr.min(tr.ankle, a, b));
  s.ankle_pressure_max_mmHg = Pa_to_mmHg(tr.max(tr.ankle, a, b));
  s.calf_venous_volume_ml = m3_to_ml(tr.mean(tr.calf, a, b));
  s.calf_muscle_perfusion_ml_min = m3_to_ml(tr.mean(tr.perfusion, a, b)) * 60.0;
  s.inflow_ml_min = m3_to_ml(tr.mean(tr.inflow, a, b)) * 60.0;
  s.outflow_ml_min = m3_to_ml(tr.mean(tr.outflow, a, b)) * 60.0;
  s.mass_balance_error = last.mass_balance_error();
  return s;
}

Condition with_tourniquet(Condition c, double p_mmHg) {
  c.tourniquet_Pa = mmHg_to_Pa(p_mmHg);
  return c;
}

Schedule avp_schedule() {
  Schedule s;
  const Activity ex = tiptoe_raises();
  const Activity still{};
  s.phases.push_back({kAvpStandStill, Posture::Standing, still, "stand still"});
  s.phases.push_back({10 * ex.cycle_s(), Posture::Standing, ex, "10 tiptoe raises"});
  s.phases.push_back({kAvpRecovery, Posture::Standing, still, "stand still (recovery)"});
  return s;
}

AvpResult run_avp(const LegDescription& leg, const Scenario& sc, double dt, const StepObserver& observer,
                  const AvpOptions& options) {
  const Condition cond = options.tourniquet ? with_tourniquet(sc.condition, options.tourniquet_mmHg) : sc.condition;
  const Model model = build_model(leg, cond);
  const Schedule sched = avp_schedule();
  State last;
  const Trace tr = run(model, sched, dt, observer, &last);
  const Activity ex = sched.phases[1].activity;
  const double cycle = ex.cycle_s();
  const double t_ex = sched.phase_start(1), t_end = sched.phase_start(2);

  AvpResult r;
  r.exercise = fmt::format("10 tiptoe raises at {:g}/s", ex.rate_per_s);
  r.tourniquet = options.tourniquet;
  const double p_stand = tr.mean(tr.foot, t_ex - 5.0, t_ex);
  double p_amb = std::numeric_limits<double>::max();
  for (int c = 0; c < 10; ++c) p_amb = std::min(p_amb, tr.mean(tr.foot, t_ex + c * cycle, t_ex + (c + 1) * cycle));
  r.standing_pressure_mmHg = Pa_to_mmHg(p_stand);
  r.ambulatory_pressure_mmHg = Pa_to_mmHg(p_amb);
  r.pressure_drop_percent = 100.0 * (p_stand - p_amb) / p_stand;
  refill_times(tr, tr.foot, t_end, p_stand, r.refill_time_s, r.refilled, r.refill_time_baseline_s, r.returned);
  r.newton_unconverged_steps = last.newton_unconverged_steps;
  r.newton_worst_mismatch_mmHg = Pa_to_mmHg(last.newton_worst_mismatch_Pa);
  return r;
}

Schedule walk_schedule(const WalkOptions& o) {
  Schedule s;
  Activity walk;
  walk.kind = ActivityKind::Walking;
  walk.cadence_steps_per_min = o.cadence_steps_per_min;
  const Activity still{};
  // whole gait cycles, so that the walk ends at heel strike
  const double cycles = std::max(10.0, std::round(o.walk_s / walk.cycle_s()));
  s.phases.push_back({kAvpStandStill, Posture::Standing, still, "stand still"});
  s.phases.push_back({cycles * walk.cycle_s(), Posture::Standing, walk, "walk"});
  s.phases.push_back({kAvpRecovery, Posture::Standing, still, "stand still (recovery)"});
  return s;
}

WalkResult run_walk(const LegDescription& leg, const Scenario& sc, double dt, const StepObserver& observer,
                    const WalkOptions& options) {
  const Model model = build_model(leg, sc.condition);
  const Schedule sched = walk_schedule(options);
  State last;
  const Trace tr = run(model, sched, dt, observer, &last);
  const double cycle = sched.phases[1].activity.cycle_s();
  const double t_ex = sched.phase_start(1), t_end = sched.phase_start(2);
  WalkResult r;
  r.cadence_steps_per_min = options.cadence_steps_per_min;
  const double p_stand = tr.mean(tr.ankle, t_ex - 5.0, t_ex);
  const double p_walk = tr.mean(tr.ankle, t_end - 10.0 * cycle, t_end);
  r.standing_pressure_mmHg = Pa_to_mmHg(p_stand);
  r.walking_pressure_mmHg = Pa_to_mmHg(p_walk);
  r.pressure_drop_mmHg = Pa_to_mmHg(p_stand - p_walk);
  r.pressure_drop_percent = 100.0 * (p_stand - p_walk) / p_stand;
  bool refilled = false;
  refill_times(tr, tr.ankle, t_end, p_stand, r.refill_time_s, refilled, r.return_time_s, r.returned);
  r.newton_unconverged_steps = last.newton_unconverged_steps;
  r.newton_worst_mismatch_mmHg = Pa_to_mmHg(last.newton_worst_mismatch_Pa);
  return r;
}

Schedule apg_schedule() {
  Schedule s;
  s.legs_raised_deg = 45.0;  // Christopoulos et al. 1987: supine with the leg elevated 45 degrees
  Activity raise;
  raise.kind = ActivityKind::Tiptoe;
  raise.rate_per_s = 1.0;
  const Activity still{};
  s.phases.push_back({kApgLegsRaised, Posture::SupineLegsRaised, still, "supine, leg raised"});
  s.phases.push_back({kApgStanding, Posture::Standing, still, "stand up"});
  s.phases.push_back({1.0, Posture::Standing, raise, "one tiptoe raise"});
  s.phases.push_back({kApgAfterOneRaise, Posture::Standing, still, "stand still"});
  s.phases.push_back({10.0, Posture::Standing, raise, "ten tiptoe raises"});
  s.phases.push_back({kApgAfterTenRaises, Posture::Standing, still, "stand still"});
  return s;
}

ApgResult run_apg(const LegDescription& leg, const Scenario& sc, double dt, const StepObserver& observer) {
  const Model model = build_model(leg, sc.condition);
  const Schedule sched = apg_schedule();
  State last;
  const Trace tr = run(model, sched, dt, observer, &last);
  const double t_up = sched.phase_start(1), t_one = sched.phase_start(2), t_rest = sched.phase_start(3),
               t_ten = sched.phase_start(4), t_after = sched.phase_start(5);

  ApgResult r;
  const double v_base = tr.mean(tr.calf, t_up - 5.0, t_up);
  const double v_plateau = tr.mean(tr.calf, t_one - 5.0, t_one);
  const double vv = v_plateau - v_base;
  r.venous_volume_ml = m3_to_ml(vv);
  r.filling_time_s = kApgStanding;
  for (std::size_t i = 0; i < tr.t.size(); ++i)
    if (tr.t[i] >= t_up && tr.calf[i] >= v_base + 0.9 * vv) { r.filling_time_s = tr.t[i] - t_up; break; }
  r.venous_filling_index_ml_s = m3_to_ml(0.9 * vv) / r.filling_time_s;
  const double v_before = tr.calf[static_cast<std::size_t>(std::llround(t_one / dt))];
  r.ejection_volume_ml = m3_to_ml(v_before - tr.min(tr.calf, t_one, t_rest + 0.5));
  r.ejection_fraction_percent = 100.0 * r.ejection_volume_ml / r.venous_volume_ml;
  (void)t_ten;
  const double v_after = tr.calf[static_cast<std::size_t>(std::llround(t_after / dt))];
  r.residual_volume_ml = m3_to_ml(v_after - v_base);
  r.residual_volume_fraction_percent = 100.0 * r.residual_volume_ml / r.venous_volume_ml;
  r.newton_unconverged_steps = last.newton_unconverged_steps;
  r.newton_worst_mismatch_mmHg = Pa_to_mmHg(last.newton_worst_mismatch_Pa);
  return r;
}

}  // namespace calfpump::anatomy
