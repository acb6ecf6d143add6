// The viewer's control panel (Dear ImGui, hidden with H): the clock, what each leg does, its
// valves by vein and one by one, compression, the layers, the blood, live plots, and the clinical
// figures on demand, computed in the background while the legs go on walking.

#include <algorithm>
#include <cstdio>

#include <imgui.h>

#include "anatomy/units.hpp"
#include "view/viewer.hpp"

namespace calfpump::app::viewer {

namespace {

// the last 10 s of one quantity of a leg's history, for a plot
std::vector<float> recent(const LegRun& l, double Sample::*field) {
  std::vector<float> out;
  const double now = l.history.empty() ? 0.0 : l.history.back().t_s;
  for (const Sample& s : l.history)
    if (s.t_s >= now - 10.0) out.push_back(static_cast<float>(s.*field));
  return out;
}

const char* kActivities[] = {"standing still", "walking", "tiptoe raises"};

}  // namespace

void Viewer::compute_figures() {
  if (computing.valid()) return;  // already under way
  std::vector<std::pair<anatomy::LegDescription, anatomy::Scenario>> legs;
  for (std::size_t i = 0; i < session->size(); ++i) legs.emplace_back(session->leg(i).leg, session->leg(i).scenario);
  auto progress = simulated_s;
  progress->store(0.0);
  computing = std::async(std::launch::async, [legs, progress] {
    Figures f;
    // the protocols on each leg's current condition; each step's model time counts as progress
    auto observer = [progress](const anatomy::State&) { progress->store(progress->load() + anatomy::kAnimationStep_s); };
    for (const auto& [leg, sc] : legs) {
      f.legs.push_back(sc.title);
      f.avp.push_back(anatomy::run_avp(leg, sc, anatomy::kAnimationStep_s, observer));
      f.apg.push_back(anatomy::run_apg(leg, sc, anatomy::kAnimationStep_s, observer));
    }
    return f;
  });
}

void Viewer::draw_panel() {
  if (!panel) return;
  // on the left, between the labels, where the picture has room
  ImGui::SetNextWindowPos(ImVec2(10, 0.42f * ImGui::GetIO().DisplaySize.y), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowCollapsed(true, ImGuiCond_FirstUseEver);
  ImGui::Begin("CalfPump  (H hides)", &panel, ImGuiWindowFlags_AlwaysAutoResize);
  ImGui::Text("t = %.1f s   %.0f ms a frame (%.0f fps), drawn at %.0f%%", session->time(), frame_ms, frame_ms > 0 ? 1000.0 / frame_ms : 0.0,
              100.0 * target->render_scale());
  ImGui::Checkbox("Pause", &paused);
  ImGui::SameLine();
  if (ImGui::Button("Step")) step_once = true;
  ImGui::SameLine();
  if (ImGui::Button("Restart")) restart();
  float scale = static_cast<float>(time_scale);
  if (ImGui::SliderFloat("time scale", &scale, 1.0f / 16.0f, 4.0f, "%.3fx", ImGuiSliderFlags_Logarithmic)) time_scale = scale;
  ImGui::Checkbox("titles, labels, plots", &overlay);

  if (ImGui::CollapsingHeader("Layers")) {
    using K = anatomy::StructureKind;
    ImGui::SliderFloat("skin", &layers[static_cast<std::size_t>(K::Skin)], 0.0f, 1.0f);
    ImGui::SliderFloat("muscles", &layers[static_cast<std::size_t>(K::Muscle)], 0.0f, 1.0f);
    ImGui::SliderFloat("bones", &layers[static_cast<std::size_t>(K::Bone)], 0.0f, 1.0f);
    int count = static_cast<int>(particles);
    ImGui::SliderInt("blood particles per leg", &count, 0, 400000);
    if (ImGui::IsItemDeactivatedAfterEdit()) {
      particles = static_cast<std::size_t>(count);
      seed_particles(*renderer, *session, particles);
    }
  }

  for (std::size_t i = 0; i < session->size(); ++i) {
    LegRun& l = session->leg(i);
    ImGui::PushID(static_cast<int>(i));
    if (ImGui::CollapsingHeader(l.scenario.title.c_str())) {
      const std::vector<float> ankle = recent(l, &Sample::ankle_mmHg), calf = recent(l, &Sample::calf_ml);
      char label[64];
      std::snprintf(label, sizeof label, "%.0f mmHg", ankle.empty() ? 0.0 : ankle.back());
      ImGui::PlotLines("ankle vein pressure", ankle.data(), static_cast<int>(ankle.size()), 0, label, 0.0f, 120.0f, ImVec2(220, 50));
      std::snprintf(label, sizeof label, "%.0f ml", calf.empty() ? 0.0 : calf.back());
      ImGui::PlotLines("blood in the calf veins", calf.data(), static_cast<int>(calf.size()), 0, label, 0.0f, 200.0f, ImVec2(220, 50));
      // what the leg does from now on
      int activity = l.scenario.activity.kind == anatomy::ActivityKind::Walking ? 1 : l.scenario.activity.kind == anatomy::ActivityKind::Tiptoe ? 2 : 0;
      float cadence = static_cast<float>(l.scenario.activity.cadence_steps_per_min);
      bool changed = ImGui::Combo("activity", &activity, kActivities, 3);
      if (activity == 1) {
        ImGui::SliderFloat("cadence (steps/min)", &cadence, 60.0f, 140.0f, "%.0f");
        changed = changed || ImGui::IsItemDeactivatedAfterEdit();
      }
      if (changed) {
        anatomy::Activity a = l.scenario.activity;
        a.kind = activity == 1 ? anatomy::ActivityKind::Walking : activity == 2 ? anatomy::ActivityKind::Tiptoe : anatomy::ActivityKind::Still;
        a.cadence_steps_per_min = cadence;
        session->set_activity(i, a);
      }
      // compression at the ankle, graduated to 70% at the calf
      float ankle_mmHg = static_cast<float>(anatomy::Pa_to_mmHg(l.scenario.condition.compression_ankle_Pa));
      ImGui::SliderFloat("compression at the ankle (mmHg)", &ankle_mmHg, 0.0f, 50.0f, "%.0f");
      if (ImGui::IsItemDeactivatedAfterEdit()) {
        anatomy::Condition c = l.scenario.condition;
        c.compression_ankle_Pa = anatomy::mmHg_to_Pa(ankle_mmHg);
        c.compression_calf_Pa = 0.7 * c.compression_ankle_Pa;
        session->set_condition(i, c);
        renderer->replace_model(*session->leg(i).model, i);
      }
      // the valves, vein by vein: the vein's box sets them all
      if (ImGui::TreeNode("valves")) {
        const anatomy::Model& m = *l.model;
        for (std::size_t v = 0; v < l.leg.vessels.size(); ++v) {
          std::vector<int> valves;
          bool any = false;
          for (std::size_t k = 0; k < m.valves.size(); ++k)
            if (m.valves[k].vessel == static_cast<int>(v)) {
              valves.push_back(static_cast<int>(k));
              any = any || m.valves[k].incompetence > 0.0;
            }
          if (valves.empty()) continue;
          bool leaky = any;
          if (ImGui::Checkbox(fmt::format("{} leaky", l.leg.vessels[v].name).c_str(), &leaky)) {
            set_valves(i, valves, leaky);
            break;  // the model changed: the rest next frame
          }
          ImGui::Indent();
          bool again = false;
          for (int k : valves) {
            bool one = m.valves[static_cast<std::size_t>(k)].incompetence > 0.0;
            if (ImGui::Checkbox(m.valves[static_cast<std::size_t>(k)].name.c_str(), &one)) {
              set_valves(i, {k}, one);
              again = true;
              break;
            }
          }
          ImGui::Unindent();
          if (again) break;
        }
        ImGui::TreePop();
      }
    }
    ImGui::PopID();
  }

  if (ImGui::CollapsingHeader("Clinical figures")) {
    if (computing.valid()) {
      if (computing.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
        try {
          figures = std::make_unique<Figures>(computing.get());
        } catch (const std::exception& e) {
          fmt::print(stderr, "calfpump: the clinical figures failed: {}\n", e.what());
        }
      } else {
        // the protocols' model time so far: a few minutes of simulated standing, exercise and refill per leg
        ImGui::Text("simulating the protocols: %.0f s of model time", simulated_s->load());
        ImGui::ProgressBar(static_cast<float>(std::fmod(ImGui::GetTime(), 1.0)), ImVec2(260, 0), "");
      }
    } else if (ImGui::Button("Measure AVP and APG (in the background)")) {
      compute_figures();
    }
    if (figures) {
      for (std::size_t i = 0; i < figures->legs.size(); ++i) {
        const auto& a = figures->avp[i];
        const auto& p = figures->apg[i];
        ImGui::Text("%s", figures->legs[i].c_str());
        ImGui::BulletText("AVP: standing %.0f, ambulatory %.0f mmHg (drop %.0f%%), refill %.1f s", a.standing_pressure_mmHg, a.ambulatory_pressure_mmHg,
                          a.pressure_drop_percent, a.refill_time_s);
        ImGui::BulletText("APG: VV %.0f ml, VFI %.1f ml/s, EF %.0f%%, RVF %.0f%%", p.venous_volume_ml, p.venous_filling_index_ml_s,
                          p.ejection_fraction_percent, p.residual_volume_fraction_percent);
      }
    }
  }
  ImGui::End();
}

}  // namespace calfpump::app::viewer
