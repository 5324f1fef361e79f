#pragma once

/// kubesim's exit codes, the same for every subcommand: CI pipelines branch on them.

namespace kubesim::app {

inline constexpr int kExitOk = 0;
/// An internal failure, a failed expectation, a regression found by `diff`.
inline constexpr int kExitFailure = 1;
/// Bad input: a scenario or file with errors, or a bad command line.
inline constexpr int kExitBadInput = 2;

}  // namespace kubesim::app
