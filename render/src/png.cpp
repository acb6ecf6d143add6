// PNG output through stb_image_write (Debian's libstb), written atomically.

#include <filesystem>

#include <fmt/format.h>
#include <stb/stb_image_write.h>

#include "render/renderer.hpp"

namespace calfpump::render {

void write_png(const Image& image, const std::filesystem::path& file) {
  const std::filesystem::path tmp = file.string() + ".partial";
  const int ok = stbi_write_png(tmp.string().c_str(), image.width, image.height, 4, image.rgba.data(), image.width * 4);
  std::error_code ec;
  if (!ok) {
    std::filesystem::remove(tmp, ec);
    throw RenderError(fmt::format("{}: cannot write the PNG (no such folder, no permission or disk full?)", file.string()));
  }
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw RenderError(fmt::format("{}: cannot move the finished PNG into place", file.string()));
  }
}

}  // namespace calfpump::render
