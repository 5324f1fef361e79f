# Runs SCENARIO and compares stdout with EXPECTED byte for byte.
# Regenerate with scripts/update-golden.sh and review the diff.
execute_process(COMMAND ${KUBESIM} run ${SCENARIO} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "kubesim run ${SCENARIO} exited with ${rc}:\n${err}")
endif()
file(READ ${EXPECTED} expected)
if(NOT out STREQUAL expected)
  message(FATAL_ERROR "output differs from ${EXPECTED}\n--- expected\n${expected}\n--- actual\n${out}")
endif()
