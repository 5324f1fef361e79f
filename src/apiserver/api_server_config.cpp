#include "kubesim/apiserver/api_server_config.hpp"

namespace kubesim::apiserver {

std::string_view verb_name(Verb v) {
  switch (v) {
  case Verb::Get:
    return "get";
  case Verb::List:
    return "list";
  case Verb::Create:
    return "create";
  case Verb::Update:
    return "update";
  case Verb::UpdateStatus:
    return "updateStatus";
  case Verb::Delete:
    return "delete";
  case Verb::Watch:
    return "watch";
  }
  return "unknown";
}

}  // namespace kubesim::apiserver
