#pragma once
// A session's legs in a renderer: their meshes and models uploaded once, their blood seeded, and
// the blood carried along while the session runs to a first frame. The only place where the app's
// core drives the GPU outside a frame.

#include <cstddef>

#include "anatomy/geometry.hpp"
#include "app/session.hpp"
#include "render/renderer.hpp"

namespace calfpump::app {

/// Puts every leg of the session into the renderer's slots (mesh `rest`, checked against each
/// leg's description; ConfigError naming the mesh file otherwise).
void attach(render::Renderer& renderer, const Session& session, const anatomy::LegGeometry& rest);

/// Seeds `count` particles per leg from the legs' current states.
void seed_particles(render::Renderer& renderer, const Session& session, std::size_t count);

/// Particles move every eighth simulation step while catching up: 30 steps per second of model
/// time, as in a video at 30 frames per second.
inline constexpr int kStepsPerParticleStep = 8;

/// Runs the session to model time t with the renderer's particles moving along (one GPU
/// submission per particle step: for catching up before a first frame, not for frames).
void catch_up(Session& session, render::Renderer& renderer, double t);

/// A still's start: the session run to t, the particles seeded `warmup_s` before it (so that the
/// blood has a history: its colour by time in the leg) and carried to t. No particles: none seeded.
void start_at(Session& session, render::Renderer& renderer, double t, std::size_t particles, double warmup_s = 3.0);

}  // namespace calfpump::app
