#include "output_files.hpp"

#include "kubesim/scenario/loader.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>

namespace kubesim::app {

std::optional<scenario::ScenarioSpec> load_scenario_or_report(const std::string& path) {
  auto spec = path.empty() ? scenario::parse_scenario(scenario::builtin_quickstart_yaml(), "<builtin:quickstart>")
                           : scenario::load_scenario(path);
  if (!spec) {
    std::fputs(spec.error().str().c_str(), stderr);
    return std::nullopt;
  }
  return std::move(spec.value());
}

bool create_output_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    fmt::print(stderr, "error: cannot create output directory '{}': {}\n", dir, ec.message());
    return false;
  }
  return true;
}

bool write_file_atomically(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    return false;
  }
  bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    int saved = errno;
    std::remove(tmp.c_str());
    errno = saved;
    return false;
  }
  return true;
}

}  // namespace kubesim::app
