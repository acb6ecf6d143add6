#pragma once
// The published figures the model is held to (data/published_figures.toml) and the model's own
// figures for the same quantities, from the clinical protocols (protocols.hpp) run on the
// scenario that stands for each condition. One table serves the tests, `calfpump calibrate` and
// the figures quoted in README.md and data/CALIBRATION.md.
//
// A quantity is "<protocol>.<figure>":
//   avp.*            ten tiptoe raises at 1/s, dorsal foot vein: standing_mmHg, ambulatory_mmHg,
//                    drop_percent, rt90_s, rt_s (back to the standing pressure)
//   avp_tourniquet.* the same with an above-knee tourniquet
//   walk.*           treadmill walking at 90 steps/min (Pollack et al. 1949), great saphenous vein at
//                    the ankle: standing_mmHg, walking_mmHg, drop_mmHg, drop_percent, return_s, rt90_s
//   walk_slow.*, walk_fast.*  the same at 85 and 120 steps/min (about 3 and 6 km/h)
//   apg.*            air plethysmography: vv_ml, vfi_ml_s, ef_percent, rvf_percent

#include <filesystem>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "anatomy/description.hpp"
#include "anatomy/scenario.hpp"

namespace calfpump::anatomy {

/// One published figure: a band [low, high] (either side may be open) for a quantity in a condition.
struct PublishedFigure {
  std::string quantity;   ///< e.g. "avp.ambulatory_mmHg"
  std::string condition;  ///< a key of PublishedTable::conditions
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
  double value = std::numeric_limits<double>::quiet_NaN();  ///< the published mean or median, when given
  std::string source;     ///< study
  std::string where;      ///< table, figure or part of the text
  std::string read;       ///< what of the source was read: "abstract", "full text" or "no" (secondary)
  std::string known_failure;  ///< why the model does not reach it yet, or empty
  std::string note;
  int line = 0;           ///< line in the table file
};

/// The table of published figures.
struct PublishedTable {
  std::filesystem::path file;
  std::map<std::string, std::string> conditions;  ///< condition -> built-in scenario
  std::map<std::string, std::string> condition_labels;
  std::vector<std::string> condition_order;       ///< as listed in the file
  std::vector<PublishedFigure> figures;
};

/// The default table (data/published_figures.toml).
std::filesystem::path default_published_figures_file();

/// Loads and checks the table (quantities known, conditions defined, bands ordered); throws
/// ConfigError naming file, line and key.
PublishedTable load_published_figures(const std::filesystem::path& file);

/// The quantities a model run can give (for checking the table).
const std::set<std::string>& known_quantities();

/// The model's figures for one scenario: quantity -> value, for the protocols the listed
/// quantities need (all when empty). Also "<protocol>.newton_unconverged" per protocol run.
std::map<std::string, double> model_figures(const LegDescription& leg, const Scenario& scenario,
                                            const std::set<std::string>& quantities = {});

/// A figure against the model.
struct CalibrationRow {
  PublishedFigure published;
  std::string scenario;
  double model = 0;
  bool in_band = false;
};

/// The whole table against the model, and the solver's account over all runs.
struct Calibration {
  std::vector<CalibrationRow> rows;
  std::map<std::string, std::map<std::string, double>> figures;  ///< condition -> quantity -> value
  double newton_unconverged_steps = 0;  ///< over every protocol run
};

/// Runs every condition's protocols and compares them with the table; with grid, every condition
/// also runs every protocol of the model-figures grid (markdown_tables).
Calibration calibrate(const LegDescription& leg, const PublishedTable& table, bool grid = false);

/// The quantities of the model-figures grid, with their labels, in order.
const std::vector<std::pair<std::string, std::string>>& grid_quantities();

/// The two tables README.md and data/CALIBRATION.md quote, in Markdown: the published figures
/// against the model (figure, condition, model, published, source, read, in or out), and the
/// model-figures grid (quantity x condition). Needs a calibration run with grid = true.
std::string markdown_tables(const Calibration& c, const PublishedTable& table);

/// Reference results: every built-in scenario's protocol figures (model_figures), for the
/// regression test (tests/reference/protocols.csv).
std::map<std::string, std::map<std::string, double>> reference_results(const LegDescription& leg);

/// A band as text: "15-30", "> 20", "< 2".
std::string band_text(const PublishedFigure& f);

}  // namespace calfpump::anatomy
