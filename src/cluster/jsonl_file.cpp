#include "kubesim/cluster/jsonl_file.hpp"

namespace kubesim::cluster {

JsonLinesFile::JsonLinesFile(std::string path) : path_(std::move(path)), tmp_path_(path_ + ".tmp") {
  file_ = std::fopen(tmp_path_.c_str(), "wb");
}

JsonLinesFile::~JsonLinesFile() {
  if (file_ != nullptr) {
    std::fclose(file_);
    std::remove(tmp_path_.c_str());
  }
}

void JsonLinesFile::wrote() {
  if (buffer_.size() > (1U << 20)) {
    flush();
  }
}

void JsonLinesFile::flush() {
  if (file_ != nullptr && !buffer_.empty()) {
    std::fwrite(buffer_.data(), 1, buffer_.size(), file_);
  }
  buffer_.clear();
}

bool JsonLinesFile::commit() {
  if (file_ == nullptr) {
    return false;
  }
  flush();
  bool ok = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!ok || std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    std::remove(tmp_path_.c_str());
    return false;
  }
  return true;
}

}  // namespace kubesim::cluster
