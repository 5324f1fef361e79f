# kubesim diff: identical summaries exit 0; a regression beyond the tolerance exits 1 and is named;
# bad input exits 2. The current run is the baseline scenario with a 5 s kube-proxy sync lag, which
# costs five times the errors.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
file(READ scenarios/kube-proxy-rollout.yaml scenario)
string(REPLACE "syncLag: 1s" "syncLag: 5s" slow "${scenario}")
file(WRITE ${WORK}/slow.yaml "${slow}")
execute_process(COMMAND ${KUBESIM} run scenarios/kube-proxy-rollout.yaml --out ${WORK}/base --quiet RESULT_VARIABLE rc)
execute_process(COMMAND ${KUBESIM} run ${WORK}/slow.yaml --out ${WORK}/slow --quiet RESULT_VARIABLE rc ERROR_QUIET)
execute_process(COMMAND ${KUBESIM} run --out ${WORK}/other --quiet RESULT_VARIABLE rc)

function(expect_diff expected_rc expected_out)
  execute_process(COMMAND ${KUBESIM} diff ${ARGN} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL ${expected_rc})
    message(FATAL_ERROR "kubesim diff ${ARGN}: expected exit ${expected_rc}, got ${rc}\n${out}${err}")
  endif()
  string(FIND "${out}${err}" "${expected_out}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "kubesim diff ${ARGN}: output lacks '${expected_out}':\n${out}${err}")
  endif()
endfunction()

expect_diff(0 "no regression (tolerance 0%); the runs are identical (same fingerprint)"
            ${WORK}/base/summary.json ${WORK}/base/summary.json)
expect_diff(1 "5 regressions (tolerance 0%)" ${WORK}/base/summary.json ${WORK}/slow/summary.json)
expect_diff(1 "traffic[default web].errors                                       95             455    +378.9%  WORSE"
            ${WORK}/base/summary.json ${WORK}/slow/summary.json --tolerance 5%)
# The other way round it is an improvement.
expect_diff(0 "no regression" ${WORK}/slow/summary.json ${WORK}/base/summary.json)
expect_diff(2 "error: invalid value 'lots' for --tolerance" ${WORK}/base/summary.json ${WORK}/slow/summary.json
            --tolerance lots)
expect_diff(2 "a fraction is at most 1" ${WORK}/base/summary.json ${WORK}/slow/summary.json --tolerance 5)
execute_process(COMMAND ${KUBESIM} diff ${WORK}/base/summary.json ${WORK}/other/summary.json OUTPUT_QUIET
                ERROR_VARIABLE err)
string(FIND "${err}" "warning: the summaries are of different scenarios ('kube-proxy-rollout' and 'quickstart')" pos)
if(pos EQUAL -1)
  message(FATAL_ERROR "no warning for summaries of different scenarios:\n${err}")
endif()
expect_diff(2 "cannot read summary file" ${WORK}/base/summary.json ${WORK}/none.json)
expect_diff(2 "not a kubesim run summary" ${WORK}/base/summary.json scenarios/quickstart.yaml)
