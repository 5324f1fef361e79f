# kubesim report: a run folder (with node_usage.csv and expectations) becomes one self-contained HTML
# page with every section; the same folder gives the same bytes; no network reference anywhere; a
# folder without summary.json or with a broken timeseries.csv exits 2 and writes nothing.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${KUBESIM} run scenarios/kube-proxy-rollout.yaml --out ${WORK}/run --node-usage --quiet
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "kubesim run failed (${rc}):\n${err}")
endif()

execute_process(COMMAND ${KUBESIM} report ${WORK}/run OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT EXISTS ${WORK}/run/report.html)
  message(FATAL_ERROR "kubesim report failed (${rc}) or wrote no report.html:\n${out}${err}")
endif()
# It says what it wrote, on stderr only; --quiet / -q says nothing.
if(NOT err STREQUAL "wrote ${WORK}/run/report.html\n" OR NOT out STREQUAL "")
  message(FATAL_ERROR "kubesim report should print 'wrote ${WORK}/run/report.html' on stderr only:\n${out}---\n${err}")
endif()
foreach(flag --quiet -q)
  execute_process(COMMAND ${KUBESIM} report ${WORK}/run ${flag} -o ${WORK}/quiet.html OUTPUT_VARIABLE out
                  ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR NOT EXISTS ${WORK}/quiet.html OR NOT "${out}${err}" STREQUAL "")
    message(FATAL_ERROR "kubesim report ${flag} should write quietly (rc ${rc}):\n${out}${err}")
  endif()
endforeach()
file(READ ${WORK}/run/report.html html)
foreach(needle "<!DOCTYPE html>" "kubesim report: kube-proxy-rollout" "seed 5" "id=\"utilization\""
               "CPU (% of allocatable)" "Memory (% of allocatable)" "id=\"pending\"" "Pending pods"
               "id=\"latency\"" "Scheduling latency" "Start-up latency" "class=\"cdf-curve\"" "id=\"heatmap\""
               "class=\"heatmap\"" "id=\"expectations\"" "rollout complete" "service/web.success_rate"
               "id=\"traffic\"" "<th>error windows</th>" "id=\"rollouts\"" "id=\"endpoints\"" "id=\"api\""
               "<th>latency mean</th>" "<th>lag max</th>" " since ")
  string(FIND "${html}" "${needle}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "report.html lacks '${needle}'")
  endif()
endforeach()
foreach(forbidden "http://" "https://" "<script" "url(")
  string(FIND "${html}" "${forbidden}" pos)
  if(NOT pos EQUAL -1)
    message(FATAL_ERROR "report.html must be self-contained, but has '${forbidden}' at ${pos}")
  endif()
endforeach()

# -o FILE, and byte-identical output for the same folder.
execute_process(COMMAND ${KUBESIM} report ${WORK}/run -o ${WORK}/again.html RESULT_VARIABLE rc)
file(READ ${WORK}/again.html again)
if(NOT rc EQUAL 0 OR NOT html STREQUAL again)
  message(FATAL_ERROR "a second report of the same folder differs (rc ${rc})")
endif()

# Without node_usage.csv the heat map section says how to get it.
file(COPY ${WORK}/run/ DESTINATION ${WORK}/no_usage)
file(REMOVE ${WORK}/no_usage/node_usage.csv ${WORK}/no_usage/report.html)
execute_process(COMMAND ${KUBESIM} report ${WORK}/no_usage RESULT_VARIABLE rc)
file(READ ${WORK}/no_usage/report.html html)
string(FIND "${html}" "run with <code>--node-usage</code> for the per-node heat map" pos)
if(NOT rc EQUAL 0 OR pos EQUAL -1)
  message(FATAL_ERROR "without node_usage.csv the report should say to run with --node-usage (rc ${rc})")
endif()

function(expect_report_error dir expected)
  execute_process(COMMAND ${KUBESIM} report ${dir} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 2)
    message(FATAL_ERROR "kubesim report ${dir}: expected exit 2, got ${rc}\n${out}${err}")
  endif()
  string(FIND "${err}" "${expected}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "kubesim report ${dir}: stderr lacks '${expected}':\n${err}")
  endif()
  if(EXISTS ${dir}/report.html)
    message(FATAL_ERROR "kubesim report ${dir} failed but wrote report.html")
  endif()
endfunction()

# No summary.json.
file(COPY ${WORK}/no_usage/ DESTINATION ${WORK}/no_summary)
file(REMOVE ${WORK}/no_summary/summary.json ${WORK}/no_summary/report.html)
expect_report_error(${WORK}/no_summary "error: cannot read summary file '${WORK}/no_summary/summary.json'")
expect_report_error(${WORK}/no_summary "hint: `kubesim report` reads the folder")
# A malformed timeseries.csv is reported at its line and column.
file(COPY ${WORK}/no_usage/ DESTINATION ${WORK}/bad_series)
file(REMOVE ${WORK}/bad_series/report.html)
file(APPEND ${WORK}/bad_series/timeseries.csv "999,x\n")
expect_report_error(${WORK}/bad_series "timeseries.csv:")
expect_report_error(${WORK}/bad_series ": error: row has 2 fields, the header has")
# A bad number in a required column is one error at its cell, not also "empty value" on every row.
file(COPY ${WORK}/no_usage/ DESTINATION ${WORK}/bad_number)
file(REMOVE ${WORK}/bad_number/report.html)
file(READ ${WORK}/bad_number/timeseries.csv series_text)
string(REGEX MATCH "\n[^\n]+\n" first_row "${series_text}")
string(REGEX REPLACE "^\n([^,]*),([^,]*),([^,]*),([^,]*),[^,]*," "\n\\1,\\2,\\3,\\4,abc," bad_row "${first_row}")
string(REPLACE "${first_row}" "${bad_row}" series_text "${series_text}")
file(WRITE ${WORK}/bad_number/timeseries.csv "${series_text}")
expect_report_error(${WORK}/bad_number
                    "timeseries.csv:2:5: error: 'abc' in column 'cpu_requested_millicpu' is not a number\n1 error\n")
# A malformed pods.csv row is reported at its line and column (the first field beyond the header's).
file(COPY ${WORK}/no_usage/ DESTINATION ${WORK}/bad_pods)
file(REMOVE ${WORK}/bad_pods/report.html)
file(READ ${WORK}/bad_pods/pods.csv pods_text)
string(REGEX MATCHALL "\n" newlines "${pods_text}")
list(LENGTH newlines pod_line_count)
math(EXPR bad_line "${pod_line_count} + 1")
string(REGEX MATCH "^[^\n]*" pods_header "${pods_text}")
string(REGEX MATCHALL "," header_commas "${pods_header}")
list(LENGTH header_commas commas)
math(EXPR extra_field "${commas} + 2")
file(APPEND ${WORK}/bad_pods/pods.csv "default,web,worker-0,Running,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19\n")
expect_report_error(${WORK}/bad_pods "pods.csv:${bad_line}:${extra_field}: error: row has ")
# A summary.json that is not JSON: yaml-cpp's words plus what the file should be.
file(COPY ${WORK}/no_usage/ DESTINATION ${WORK}/bad_summary)
file(REMOVE ${WORK}/bad_summary/report.html)
file(WRITE ${WORK}/bad_summary/summary.json "{\"scenario\": \"x\", \"pods\": {\"created\": 3\n")
expect_report_error(${WORK}/bad_summary "summary.json:")
expect_report_error(${WORK}/bad_summary "(summary.json must be the JSON that `kubesim run --out DIR` writes")
# Not a folder at all.
expect_report_error(${WORK}/none "error: '${WORK}/none' is not a directory")

# A run with a node fault gets the node-faults section.
execute_process(COMMAND ${KUBESIM} run scenarios/node-failure.yaml --out ${WORK}/faults --quiet RESULT_VARIABLE rc)
execute_process(COMMAND ${KUBESIM} report ${WORK}/faults --quiet RESULT_VARIABLE rc2)
file(READ ${WORK}/faults/report.html html)
foreach(needle "id=\"node-faults\"" "<td>crashNode</td><td>worker-2</td><td>1m0s</td>" "<th>recovered after</th>")
  string(FIND "${html}" "${needle}" pos)
  if(NOT rc EQUAL 0 OR NOT rc2 EQUAL 0 OR pos EQUAL -1)
    message(FATAL_ERROR "the node-failure report lacks '${needle}' (rc ${rc}, ${rc2})")
  endif()
endforeach()
