// Cameras and views: leg coordinates to Vulkan clip space (x right, y down, depth 0 near to 1 far)
// with GLM, column-major.

#include <algorithm>
#include <cmath>

#include <glm/ext/matrix_clip_space.hpp>
#include <glm/ext/matrix_transform.hpp>
#include <glm/geometric.hpp>
#include <glm/matrix.hpp>

#include "renderer_impl.hpp"

namespace calfpump::render {

namespace {

constexpr float kFar = 5.0f;  // m: the leg is about 1 m long, seen from under 2 m
constexpr float kPi = 3.14159265f;

glm::vec3 vec(const std::array<float, 3>& a) { return {a[0], a[1], a[2]}; }

// the near plane: a quarter of the way to the target, at most 5 cm (close-ups of a valve stand a
// few centimetres off), at least 1 mm
float near_plane(const Camera& c) { return std::clamp(0.25f * glm::distance(vec(c.target), vec(c.eye)), 0.001f, 0.05f); }

// camera space: x right, y down, z forward (GLM's right-handed look-at turned to Vulkan's convention)
glm::mat4 look_at(const Camera& c) {
  return glm::scale(glm::mat4(1.0f), glm::vec3(1.0f, -1.0f, -1.0f)) * glm::lookAtRH(vec(c.eye), vec(c.target), vec(c.up));
}

glm::mat4 projection(const Camera& c, const std::array<int, 4>& viewport) {
  // left-handed (z forward in camera space), depth 0 at the near plane and 1 at the far plane
  return glm::perspectiveLH_ZO(c.fov_deg * kPi / 180.0f, static_cast<float>(viewport[2]) / static_cast<float>(viewport[3]), near_plane(c),
                               kFar);
}

glm::vec4 corner(const std::array<float, 6>& box, int c) {
  return {box[(c & 1) ? 3 : 0], box[(c & 2) ? 4 : 1], box[(c & 4) ? 5 : 2], 1.0f};
}

}  // namespace

View make_view(const Camera& camera, const std::array<int, 4>& viewport) {
  View v;
  v.projection = projection(camera, viewport);
  v.view_projection = v.projection * look_at(camera);
  const float d = glm::distance(vec(camera.target), vec(camera.eye));
  const float half = std::tan(camera.fov_deg * kPi / 360.0f);
  v.metres_per_pixel = 2.0f * d * half / static_cast<float>(viewport[3]);
  v.pixels_per_metre = static_cast<float>(viewport[3]) / (2.0f * half);
  // the leg lies within about a metre of the target: 18 bits over this span is ~10 um a code
  v.depth_near = near_plane(camera);
  v.depth_range = d + 1.5f - v.depth_near;
  return v;
}

bool cut_away(const std::array<float, 4>& clip, const std::array<float, 6>& box) {
  if (clip[0] == 0.0f && clip[1] == 0.0f && clip[2] == 0.0f) return false;
  for (int c = 0; c < 8; ++c) {
    const glm::vec4 p = corner(box, c);
    if (clip[0] * p.x + clip[1] * p.y + clip[2] * p.z + clip[3] >= 0.0f) return false;
  }
  return true;
}

bool outside(const glm::mat4& m, const std::array<float, 6>& box) {
  int beyond[6] = {0, 0, 0, 0, 0, 0};
  for (int c = 0; c < 8; ++c) {
    const glm::vec4 clip = m * corner(box, c);
    beyond[0] += clip.x < -clip.w;
    beyond[1] += clip.x > clip.w;
    beyond[2] += clip.y < -clip.w;
    beyond[3] += clip.y > clip.w;
    beyond[4] += clip.z < 0.0f;
    beyond[5] += clip.z > clip.w;
  }
  for (int b : beyond)
    if (b == 8) return true;
  return false;
}

bool add_projection(const glm::mat4& m, const std::array<float, 6>& box, const std::array<int, 4>& viewport, std::array<float, 4>& rect) {
  for (int c = 0; c < 8; ++c) {
    const glm::vec4 clip = m * corner(box, c);
    if (clip.w <= 1e-4f) return false;
    const float x = static_cast<float>(viewport[0]) + (clip.x / clip.w * 0.5f + 0.5f) * static_cast<float>(viewport[2]);
    const float y = static_cast<float>(viewport[1]) + (clip.y / clip.w * 0.5f + 0.5f) * static_cast<float>(viewport[3]);
    rect = {std::min(rect[0], x), std::min(rect[1], y), std::max(rect[2], x), std::max(rect[3], y)};
  }
  return true;
}

std::array<int, 4> leg_viewport(int width, int height, std::size_t index, std::size_t count, int top, int bottom) {
  const auto n = static_cast<int>(std::max<std::size_t>(count, 1));
  const auto i = static_cast<int>(index);
  const int x0 = i * width / n, x1 = (i + 1) * width / n;
  top = std::clamp(top, 0, height / 2 - 1);
  bottom = std::clamp(bottom, 0, height / 2 - 1);
  return {x0, top, x1 - x0, height - top - bottom};
}

std::array<float, 3> project(const Camera& camera, const std::array<float, 3>& point, const std::array<int, 4>& viewport) {
  const glm::vec4 clip = projection(camera, viewport) * look_at(camera) * glm::vec4(vec(point), 1.0f);
  if (clip.w <= 0) return {0, 0, -1};
  return {static_cast<float>(viewport[0]) + (clip.x / clip.w * 0.5f + 0.5f) * static_cast<float>(viewport[2]),
          static_cast<float>(viewport[1]) + (clip.y / clip.w * 0.5f + 0.5f) * static_cast<float>(viewport[3]), clip.z / clip.w};
}

std::array<std::array<float, 3>, 2> pick_ray(const Camera& camera, const std::array<int, 4>& viewport, float x, float y) {
  const glm::mat4 inverse = glm::inverse(projection(camera, viewport) * look_at(camera));
  const float nx = (x - static_cast<float>(viewport[0])) / static_cast<float>(viewport[2]) * 2.0f - 1.0f;
  const float ny = (y - static_cast<float>(viewport[1])) / static_cast<float>(viewport[3]) * 2.0f - 1.0f;
  const glm::vec4 near = inverse * glm::vec4(nx, ny, 0.0f, 1.0f), far = inverse * glm::vec4(nx, ny, 1.0f, 1.0f);
  const glm::vec3 a = glm::vec3(near) / near.w, b = glm::vec3(far) / far.w;
  const glm::vec3 d = glm::normalize(b - a);
  return {{{camera.eye[0], camera.eye[1], camera.eye[2]}, {d.x, d.y, d.z}}};
}

}  // namespace calfpump::render
