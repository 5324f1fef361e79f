# Renders a kubesim report in headless Chromium and checks that the browser built the SVG charts
# (the page is valid HTML with inline SVG, not just text that looks like it). Skipped when
# ${CHROMIUM} is not installed: the test prints the SKIP_REGULAR_EXPRESSION text.
if(NOT EXISTS ${CHROMIUM})
  message("SKIPPED: ${CHROMIUM} is not installed (apt-get install chromium)")
  return()
endif()
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/profile)
execute_process(COMMAND ${KUBESIM} run scenarios/kube-proxy-rollout.yaml --out ${WORK}/run --node-usage --quiet
                RESULT_VARIABLE rc ERROR_QUIET)
execute_process(COMMAND ${KUBESIM} report ${WORK}/run RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "kubesim report failed (${rc})")
endif()
# Every switch that could make the browser reach the network or a desktop session is off.
execute_process(COMMAND ${CHROMIUM} --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
                        --disable-background-networking --disable-component-update --disable-sync
                        --user-data-dir=${WORK}/profile --dump-dom file://${WORK}/run/report.html
                OUTPUT_VARIABLE dom ERROR_VARIABLE err RESULT_VARIABLE rc TIMEOUT 120)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "chromium failed (${rc}):\n${err}")
endif()
string(REGEX MATCHALL "<svg [^>]*>" svgs "${dom}")
list(LENGTH svgs nsvg)
# CPU, memory, pending pods, two CDFs and the heat map.
if(NOT nsvg EQUAL 6)
  message(FATAL_ERROR "expected 6 <svg> elements in the rendered DOM, found ${nsvg}:\n${dom}")
endif()
foreach(needle "<path class=\"cdf-curve\"" "<rect " "<title>CPU (% of allocatable)</title>" "id=\"expectations\"")
  string(FIND "${dom}" "${needle}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "the rendered DOM lacks '${needle}'")
  endif()
endforeach()
