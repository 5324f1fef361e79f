#pragma once

/// JsonLinesFile: an output file of JSON lines written while the run proceeds. Lines are buffered and
/// go to PATH.tmp; commit() renames it to PATH at the end, so a failed run never leaves a half-written
/// file behind (the destructor removes an uncommitted PATH.tmp).

#include <cstdio>
#include <string>

namespace kubesim::cluster {

class JsonLinesFile {
 public:
  /// Opens PATH.tmp for writing; check is_open().
  explicit JsonLinesFile(std::string path);
  ~JsonLinesFile();
  JsonLinesFile(const JsonLinesFile&) = delete;
  JsonLinesFile& operator=(const JsonLinesFile&) = delete;

  [[nodiscard]] bool is_open() const { return file_ != nullptr; }
  /// Where to append the next line (with its '\n'); call wrote() after.
  std::string& buffer() { return buffer_; }
  /// Flushes the buffer once it holds 1 MiB.
  void wrote();
  /// Flushes and renames PATH.tmp to PATH; false (errno set) on failure.
  bool commit();

 private:
  void flush();
  std::string path_;
  std::string tmp_path_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
};

}  // namespace kubesim::cluster
