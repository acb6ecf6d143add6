#include "web/page.hpp"

#include <nlohmann/json.hpp>

namespace calfpump::app {

namespace {

// text for HTML element content and attribute values
std::string escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string page_html(const PageSpec& spec) {
  using Json = nlohmann::ordered_json;
  const PageWords& first = spec.languages.front();
  Json words = Json::object();
  for (const PageWords& w : spec.languages)
    words[w.lang] = {{"name", w.name},   {"rtl", w.rtl},   {"heading", w.heading}, {"title", w.title},
                     {"about", w.about}, {"hint", w.hint}, {"play", w.play},       {"pause", w.pause},
                     {"language", w.language}, {"legs", w.leg_names}};
  Json captions = Json::array();
  for (const PageCaption& c : spec.captions) {
    Json text = Json::object();
    for (const auto& [lang, t] : c.text) text[lang] = t;
    captions.push_back({{"start", c.start_s}, {"end", c.end_s}, {"text", text}});
  }
  // inside a <script> element "</" would end it: JSON escapes it
  std::string data = Json{{"words", words}, {"captions", captions}}.dump();
  for (std::size_t at = 0; (at = data.find("</", at)) != std::string::npos; at += 3) data.replace(at, 2, "<\\/");

  std::string options;
  for (const PageWords& w : spec.languages) options += "<option value=\"" + escaped(w.lang) + "\">" + escaped(w.name) + "</option>";
  std::string legs;
  for (const std::string& n : first.leg_names) legs += "<span>" + escaped(n) + "</span>";
  const std::string integrity =
      spec.script_integrity.empty() ? "" : " integrity=\"" + escaped(spec.script_integrity) + "\" crossorigin=\"anonymous\"";

  std::string html;
  html += "<!doctype html>\n<html lang=\"" + escaped(first.lang) + "\" dir=\"" + (first.rtl ? "rtl" : "ltr") + "\">\n<head>\n";
  html += "<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<title>" + escaped(first.heading) + "</title>\n";
  html += "<link rel=\"icon\" href=\"data:,\">\n";
  if (!spec.meshopt_decoder.empty())  // read by model-viewer when it starts
    html += "<script>self.ModelViewerElement = { meshoptDecoderLocation: " + nlohmann::json(spec.meshopt_decoder).dump() + " };</script>\n";
  html += "<script type=\"module\" src=\"" + escaped(spec.script_src) + "\"" + integrity + "></script>\n";
  html += R"(<style>
  :root { color-scheme: light; font-family: system-ui, "DejaVu Sans", sans-serif; }
  body { margin: 0; background: #ffffff; color: #1d2430; }
  main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
  h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
  #title { font-size: 1.1rem; margin: 0 0 .6rem; color: #3a4658; }
  model-viewer { width: 100%; height: min(75vh, 46rem); background: #ffffff; --poster-color: #ffffff; }
  #legs { display: flex; justify-content: space-around; font-weight: 600; }
  #caption { min-height: 3.2em; font-size: 1.45rem; line-height: 1.35; margin: .6rem 0; text-align: center; }
  .controls { display: flex; gap: .8rem; align-items: center; justify-content: center; flex-wrap: wrap; }
  button, select { font-size: 1.05rem; padding: .35rem .9rem; }
  #about, #hint { color: #3a4658; text-align: center; margin: .4rem 0; }
</style>
</head>
<body>
<main>
)";
  html += "<h1 id=\"heading\">" + escaped(first.heading) + "</h1>\n";
  html += "<p id=\"title\">" + escaped(first.title) + "</p>\n";
  html += "<model-viewer id=\"leg\" src=\"" + escaped(spec.model_file) + "\" poster=\"" + escaped(spec.poster_file) + "\" alt=\"" +
          escaped(first.about) + "\" camera-orbit=\"" + escaped(spec.camera_orbit) +
          "\" autoplay camera-controls touch-action=\"pan-y\" interaction-prompt=\"none\" environment-image=\"neutral\" "
          "shadow-intensity=\"0\"><div slot=\"progress-bar\"></div></model-viewer>\n";
  html += "<div id=\"legs\">" + legs + "</div>\n";
  html += "<p id=\"caption\" aria-live=\"polite\"></p>\n";
  html += "<div class=\"controls\"><button id=\"play\" type=\"button\">" + escaped(first.pause) +
          "</button><label id=\"language-label\" for=\"language\">" + escaped(first.language) + "</label><select id=\"language\">" +
          options + "</select></div>\n";
  html += "<p id=\"about\">" + escaped(first.about) + "</p>\n<p id=\"hint\">" + escaped(first.hint) + "</p>\n";
  html += "</main>\n<script type=\"application/json\" id=\"calfpump-data\">" + data + "</script>\n";
  html += R"(<script type="module">
const data = JSON.parse(document.getElementById('calfpump-data').textContent);
const viewer = document.getElementById('leg');
const caption = document.getElementById('caption');
const play = document.getElementById('play');
const menu = document.getElementById('language');
let lang = menu.value;
// the page's words in a language; the captions follow the animation's own clock
function show(l) {
  lang = l;
  const w = data.words[l];
  document.documentElement.lang = l;
  document.documentElement.dir = w.rtl ? 'rtl' : 'ltr';
  document.title = w.heading;
  document.getElementById('heading').textContent = w.heading;
  document.getElementById('title').textContent = w.title;
  document.getElementById('about').textContent = w.about;
  document.getElementById('hint').textContent = w.hint;
  document.getElementById('language-label').textContent = w.language;
  viewer.setAttribute('alt', w.about);
  const legs = document.getElementById('legs').children;
  for (let i = 0; i < legs.length; ++i) legs[i].textContent = w.legs[i] ?? '';
  play.textContent = viewer.paused ? w.play : w.pause;
  tick();
}
function tick() {
  const t = viewer.currentTime;
  const c = data.captions.find((c) => t >= c.start && t < c.end);
  const text = c ? (c.text[lang] ?? c.text.en ?? '') : '';
  if (caption.textContent !== text) caption.textContent = text;
}
function frame() { tick(); requestAnimationFrame(frame); }
menu.addEventListener('change', () => show(menu.value));
play.addEventListener('click', () => {
  if (viewer.paused) viewer.play(); else viewer.pause();
  play.textContent = viewer.paused ? data.words[lang].play : data.words[lang].pause;
});
viewer.addEventListener('play', () => { play.textContent = data.words[lang].pause; });
viewer.addEventListener('pause', () => { play.textContent = data.words[lang].play; });
show(lang);
requestAnimationFrame(frame);
</script>
</body>
</html>
)";
  return html;
}

}  // namespace calfpump::app
