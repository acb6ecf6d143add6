// Activation patterns and posture heights.

#include <catch2/catch.hpp>

#include "anatomy/activity.hpp"
#include "anatomy/description.hpp"

using namespace calfpump::anatomy;

TEST_CASE("walking activates the calf in stance and the tibialis anterior in swing", "[activity]") {
  const LegDescription leg = load_leg_description(default_leg_file());
  const MuscleDesc& soleus = leg.muscles[std::size_t(leg.muscle_index("soleus"))];
  const MuscleDesc& ta = leg.muscles[std::size_t(leg.muscle_index("tibialis-anterior"))];
  Schedule s;
  Activity walk;
  walk.kind = ActivityKind::Walking;
  walk.cadence_steps_per_min = 100;
  s.phases.push_back({12.0, Posture::Standing, walk, "walk"});
  const double cycle = walk.cycle_s();
  CHECK(cycle == Approx(1.2));
  // mid-late stance (~30% of the cycle): soleus high, tibialis anterior quiet
  CHECK(muscle_activation(soleus, s, 2 * cycle + 0.3 * cycle) > 0.5);
  CHECK(muscle_activation(ta, s, 2 * cycle + 0.3 * cycle) < 0.05);
  // mid swing (~80%): the reverse
  CHECK(muscle_activation(soleus, s, 2 * cycle + 0.8 * cycle) < 0.05);
  CHECK(muscle_activation(ta, s, 2 * cycle + 0.8 * cycle) > 0.3);
}

TEST_CASE("tiptoe raises stop after their count", "[activity]") {
  const LegDescription leg = load_leg_description(default_leg_file());
  const MuscleDesc& soleus = leg.muscles[std::size_t(leg.muscle_index("soleus"))];
  Schedule s;
  Activity raise;
  raise.kind = ActivityKind::Tiptoe;
  s.phases.push_back({10.0, Posture::Standing, raise, "raises"});
  s.phases.push_back({10.0, Posture::Standing, Activity{}, "still"});
  CHECK(muscle_activation(soleus, s, 9.35) > 0.8);
  CHECK(muscle_activation(soleus, s, 12.35) == Approx(soleus.standing_activation));
}

TEST_CASE("heights above the heart follow the posture", "[activity]") {
  const LegDescription leg = load_leg_description(default_leg_file());
  CHECK(height_above_heart(leg, Posture::Standing, 0.1, 45) == Approx(0.1 - leg.heart_z_standing));
  CHECK(height_above_heart(leg, Posture::Supine, 0.1, 45) == 0.0);
  CHECK(height_above_heart(leg, Posture::SupineLegsRaised, 0.0, 45) > 0.5);  // the foot well above the heart
  CHECK(height_above_heart(leg, Posture::Sitting, 0.1, 45) == Approx(0.1 - leg.heart_z_sitting));
  // sitting: the thigh lies horizontal at knee height
  CHECK(height_above_heart(leg, Posture::Sitting, 0.7, 45) == Approx(leg.knee_z - leg.heart_z_sitting));
}
