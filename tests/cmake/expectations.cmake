# spec.expect[] in CI: a scenario whose expectations hold exits 0 and writes junit.xml without failures;
# one whose expectations fail exits 1, says which on stderr (also with --quiet), and junit.xml has a
# <failure> per failed check. A run without expectations writes no junit.xml.
file(REMOVE_RECURSE ${WORK})

execute_process(COMMAND ${KUBESIM} run scenarios/kube-proxy-rollout.yaml --out ${WORK}/pass --quiet
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "passing expectations: expected exit 0, got ${rc}:\n${err}")
endif()
file(READ ${WORK}/pass/junit.xml junit)
string(FIND "${junit}" "<testsuite name=\"kube-proxy-rollout\" tests=\"4\" failures=\"0\"" pos)
if(pos EQUAL -1)
  message(FATAL_ERROR "junit.xml of a passing run:\n${junit}")
endif()

execute_process(COMMAND ${KUBESIM} run tests/expect/failing.yaml --out ${WORK}/fail --quiet
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "failing expectations: expected exit 1, got ${rc}:\n${err}")
endif()
# One 1-CPU node takes two 400m pods; the third stays Pending.
foreach(line
        "tests/expect/failing.yaml:27:14: expectation failed: everything placed: pods.pending == 0 by 1m0s: measured 1 at 1m0s"
        "tests/expect/failing.yaml:30:14: expectation failed: deployment/web.available_replicas >= 3 by 1m0s: measured 2 at 1m0s")
  string(FIND "${err}" "${line}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "stderr lacks '${line}':\n${err}")
  endif()
endforeach()
string(FIND "${err}" "pods.scheduled == 2:" pos)
if(NOT pos EQUAL -1)
  message(FATAL_ERROR "a passing expectation was reported as failed:\n${err}")
endif()
file(READ ${WORK}/fail/junit.xml junit)
string(REGEX MATCHALL "<failure " failures "${junit}")
list(LENGTH failures nfailures)
string(FIND "${junit}" "tests=\"3\" failures=\"2\"" pos)
if(NOT nfailures EQUAL 2 OR pos EQUAL -1)
  message(FATAL_ERROR "junit.xml of a failing run:\n${junit}")
endif()
file(READ ${WORK}/fail/summary.json summary)
string(JSON passed GET "${summary}" expectations 0 passed)
string(JSON measured GET "${summary}" expectations 1 measured)
if(NOT passed STREQUAL "ON" AND NOT passed STREQUAL "true" OR NOT measured STREQUAL "1")
  message(FATAL_ERROR "summary.json expectations: passed=${passed} measured=${measured}")
endif()

execute_process(COMMAND ${KUBESIM} run scenarios/quickstart.yaml --out ${WORK}/none --quiet RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR EXISTS ${WORK}/none/junit.xml)
  message(FATAL_ERROR "a run without expectations must exit 0 and write no junit.xml")
endif()
