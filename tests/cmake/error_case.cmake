# `kubesim validate tests/errors/CASE.yaml` must exit 2 with stderr exactly tests/errors/CASE.expected.
execute_process(COMMAND ${KUBESIM} validate tests/errors/${CASE}.yaml
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
file(READ tests/errors/${CASE}.expected expected)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "expected exit code 2, got ${rc}\nstderr:\n${err}")
endif()
if(NOT err STREQUAL expected)
  message(FATAL_ERROR "stderr differs\n--- expected\n${expected}\n--- actual\n${err}")
endif()
if(NOT out STREQUAL "")
  message(FATAL_ERROR "nothing should be printed on stdout, got:\n${out}")
endif()
