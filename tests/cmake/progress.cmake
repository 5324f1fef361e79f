# The progress line: on a terminal, a run longer than 2 s redraws "simulated T, N events/s, pending pods
# P" on stderr and erases it at the end; without a terminal (this ctest's own pipes) stderr has none.
# `script` (util-linux) gives the run a pseudo-terminal; without it the terminal half is skipped.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${PYTHON} benchmarks/gen_scale_scenario.py --nodes 600 --pods 20000 -o ${WORK}/long.yaml
                OUTPUT_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cannot generate the scenario")
endif()

find_program(SCRIPT script)
if(SCRIPT)
  execute_process(COMMAND ${SCRIPT} -qec "${KUBESIM} run ${WORK}/long.yaml > ${WORK}/stdout.txt" ${WORK}/tty.txt
                  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "kubesim run under script failed: ${rc}")
  endif()
  file(READ ${WORK}/tty.txt tty)
  string(ASCII 13 cr)
  string(ASCII 27 esc)
  string(REGEX MATCH "${cr}simulated [0-9hms.]+, [0-9]+ events/s, pending pods [0-9]+${esc}\\[K" line "${tty}")
  if(NOT line)
    message(FATAL_ERROR "no progress line on the terminal:\n${tty}")
  endif()
  # Erased at the end, before the wall-time line.
  string(FIND "${tty}" "${cr}${esc}[Kwall time" erased)
  if(erased EQUAL -1)
    message(FATAL_ERROR "the progress line is not erased before the wall-time line:\n${tty}")
  endif()
  file(READ ${WORK}/stdout.txt out)
  string(FIND "${out}" "events/s, pending pods" in_stdout)
  if(NOT in_stdout EQUAL -1)
    message(FATAL_ERROR "the progress line leaked into stdout")
  endif()
else()
  message(STATUS "script(1) not found: terminal half skipped")
endif()

execute_process(COMMAND ${KUBESIM} run ${WORK}/long.yaml OUTPUT_QUIET ERROR_VARIABLE err RESULT_VARIABLE rc)
string(FIND "${err}" "pending pods" progress)
if(NOT rc EQUAL 0 OR NOT progress EQUAL -1)
  message(FATAL_ERROR "without a terminal stderr must have no progress line (exit ${rc}):\n${err}")
endif()
