#include "kubesim/scheduler/framework/status.hpp"

namespace kubesim::scheduler {

std::string_view code_name(Code c) {
  switch (c) {
  case Code::Success:
    return "Success";
  case Code::Error:
    return "Error";
  case Code::Unschedulable:
    return "Unschedulable";
  case Code::UnschedulableAndUnresolvable:
    return "UnschedulableAndUnresolvable";
  case Code::Wait:
    return "Wait";
  case Code::Skip:
    return "Skip";
  }
  return "Unknown";
}

}  // namespace kubesim::scheduler
