#include "app/pick.hpp"

#include <cmath>
#include <limits>

#include <glm/geometric.hpp>
#include <glm/vec3.hpp>

#include "anatomy/deform.hpp"

namespace calfpump::app {

namespace {

// Moller-Trumbore: the distance along the ray to the triangle, or infinity
float hit(const glm::vec3& o, const glm::vec3& d, const glm::vec3& a, const glm::vec3& b, const glm::vec3& c) {
  const glm::vec3 e1 = b - a, e2 = c - a, p = glm::cross(d, e2);
  const float det = glm::dot(e1, p);
  if (std::abs(det) < 1e-12f) return std::numeric_limits<float>::infinity();
  const float inv = 1.0f / det;
  const glm::vec3 t = o - a;
  const float u = glm::dot(t, p) * inv;
  if (u < 0.0f || u > 1.0f) return std::numeric_limits<float>::infinity();
  const glm::vec3 q = glm::cross(t, e1);
  const float v = glm::dot(d, q) * inv;
  if (v < 0.0f || u + v > 1.0f) return std::numeric_limits<float>::infinity();
  const float s = glm::dot(e2, q) * inv;
  return s > 0.0f ? s : std::numeric_limits<float>::infinity();
}

}  // namespace

Pick pick(const Session& session, const anatomy::LegGeometry& rest, const render::FrameDesc& frame, float x, float y) {
  Pick best, valve;  // the nearest hit, and the nearest valve hit
  best.distance_m = valve.distance_m = std::numeric_limits<float>::infinity();
  for (std::size_t i = 0; i < session.size(); ++i) {
    const auto viewport = render::leg_viewport(frame.width, frame.height, i, session.size(), frame.leg_top, frame.leg_bottom);
    if (x < static_cast<float>(viewport[0]) || x >= static_cast<float>(viewport[0] + viewport[2]) || y < static_cast<float>(viewport[1]) ||
        y >= static_cast<float>(viewport[1] + viewport[3]))
      continue;
    const auto ray = render::pick_ray(frame.camera, viewport, x, y);
    const glm::vec3 o(ray[0][0], ray[0][1], ray[0][2]), d(ray[1][0], ray[1][1], ray[1][2]);
    const LegRun& l = session.leg(i);
    anatomy::LegGeometry deformed = rest;
    anatomy::Deformer(*l.model, rest).apply(l.sim->state(), deformed);
    for (const anatomy::StructureMesh& s : deformed.structures) {
      const float alpha = frame.layers[static_cast<std::size_t>(s.kind)];
      const bool target = s.kind == anatomy::StructureKind::Vein || s.kind == anatomy::StructureKind::Valve;
      if (alpha <= 0.0f || (alpha < 0.5f && !target)) continue;
      auto at = [&](std::uint32_t v) { return glm::vec3(s.positions[3 * v], s.positions[3 * v + 1], s.positions[3 * v + 2]); };
      for (std::size_t t = 0; t + 2 < s.indices.size(); t += 3) {
        const float dist = hit(o, d, at(s.indices[t]), at(s.indices[t + 1]), at(s.indices[t + 2]));
        Pick& into = s.kind == anatomy::StructureKind::Valve ? valve : best;
        if (!(dist < into.distance_m)) continue;
        into = {static_cast<int>(i), s.name, s.kind, s.kind == anatomy::StructureKind::Valve ? l.model->valve_index(s.name) : -1, dist};
      }
    }
  }
  // a valve inside its vein wins over the see-through wall in front of it (within a vein's width)
  if (valve.leg >= 0 && (best.leg < 0 || valve.distance_m < best.distance_m ||
                         (best.kind == anatomy::StructureKind::Vein && valve.distance_m < best.distance_m + 0.01f)))
    best = valve;
  // a vein clicked at a valve site picks the valve: open, its leaflets lie against the wall where
  // a ray through the vein misses them (within 8 mm of the site along the vein, about a vein's width)
  if (best.leg >= 0 && best.kind == anatomy::StructureKind::Vein) {
    const LegRun& l = session.leg(static_cast<std::size_t>(best.leg));
    const auto viewport = render::leg_viewport(frame.width, frame.height, static_cast<std::size_t>(best.leg), session.size(), frame.leg_top,
                                               frame.leg_bottom);
    const auto ray = render::pick_ray(frame.camera, viewport, x, y);
    const glm::vec3 at = glm::vec3(ray[0][0], ray[0][1], ray[0][2]) + best.distance_m * glm::vec3(ray[1][0], ray[1][1], ray[1][2]);
    const int vessel = l.leg.vessel_index(best.structure);
    float nearest = 0.008f;
    for (std::size_t k = 0; k < l.model->valves.size(); ++k) {
      const anatomy::Valve& v = l.model->valves[k];
      if (v.vessel != vessel) continue;
      const float d = glm::distance(at, glm::vec3(static_cast<float>(v.position[0]), static_cast<float>(v.position[1]), static_cast<float>(v.position[2])));
      if (d >= nearest) continue;
      nearest = d;
      best.structure = v.name;
      best.kind = anatomy::StructureKind::Valve;
      best.valve = static_cast<int>(k);
    }
  }
  if (best.leg < 0) best.distance_m = 0;
  return best;
}

}  // namespace calfpump::app
