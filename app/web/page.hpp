#pragma once
// The web page `calfpump export --html DIR` writes beside the animated glTF: the clip in
// <model-viewer> (a pinned version, checked by its subresource-integrity hash, or a local copy),
// a poster until the model has loaded, the storyboard shot's captions timed to the animation, a
// play/pause button and a language menu (right-to-left where the language is). Plain files for
// any static file server: nothing is fetched but the script and the files beside the page.

#include <string>
#include <vector>

namespace calfpump::app {

/// One caption of the clip: from start to end (s of the clip), its text per language.
struct PageCaption {
  double start_s = 0, end_s = 0;
  std::vector<std::pair<std::string, std::string>> text;  ///< language -> text
};

/// One language's words for the page.
struct PageWords {
  std::string lang, name;  ///< "es", "Español"
  bool rtl = false;
  std::string heading, title, about, hint, play, pause, language;
  std::vector<std::string> leg_names;  ///< under each leg, left to right (two legs)
};

struct PageSpec {
  std::vector<PageWords> languages;  ///< the first is the page's language at load
  std::vector<PageCaption> captions;
  std::string model_file = "clip.glb", poster_file = "poster.png";
  std::string script_src;        ///< model-viewer's URL, or a file beside the page
  std::string script_integrity;  ///< sha384-... for the pinned URL; empty for a local copy
  std::string camera_orbit = "0deg 80deg auto";
  std::string meshopt_decoder;   ///< the meshopt decoder's URL when the clip is compressed (model-viewer loads it)
};

/// model-viewer as the page loads it by default: the npm package's build on jsDelivr, pinned by
/// version and by the SHA-384 of that file (the web tests check the hash against the package).
inline constexpr const char* kModelViewerVersion = "4.4.0";
inline constexpr const char* kModelViewerUrl = "https://cdn.jsdelivr.net/npm/@google/model-viewer@4.4.0/dist/model-viewer.min.js";
inline constexpr const char* kModelViewerIntegrity = "sha384-wjsPzEO+lXOf7d9csIDfAQpPt2OKuUU3m0K9qsdKIuzX4N8czSF6hdh23eAbZa3p";

/// The meshopt decoder model-viewer loads for EXT_meshopt_compression: the meshoptimizer npm
/// package of the version CalfPump's encoder is (Debian 12's libmeshoptimizer 0.18), on jsDelivr.
inline constexpr const char* kMeshoptDecoderUrl = "https://cdn.jsdelivr.net/npm/meshoptimizer@0.18.1/meshopt_decoder.js";

/// The page's HTML (UTF-8).
std::string page_html(const PageSpec& spec);

}  // namespace calfpump::app
