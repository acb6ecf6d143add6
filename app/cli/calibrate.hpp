#pragma once
// `calfpump calibrate [--json|--markdown]`: the model against the published figures of
// data/published_figures.toml; and the protocols the table adds to `calfpump protocol`
// (walk, avp --tourniquet).

#include <string>

#include "commands.hpp"

namespace calfpump::app {

/// Options of `calibrate`.
struct CalibrateOptions {
  bool json = false;
  bool markdown = false;  ///< the tables README.md and data/CALIBRATION.md quote
  std::string table;      ///< published-figures file; empty: data/published_figures.toml
  std::string reference_csv;  ///< write every built-in scenario's protocol figures here (regression references)
};

/// Prints figure, condition, model, published band, source and in/out, known failures marked.
/// Exit code 0 whether or not figures fall outside (the tests hold them); 2 for a bad table.
int cmd_calibrate(const CalibrateOptions& o);

/// `protocol walk` and `protocol avp --tourniquet`; the other protocols stay with cmd_protocol.
int cmd_protocol_extra(const ProtocolOptions& o, bool tourniquet);

}  // namespace calfpump::app
