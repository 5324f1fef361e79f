# kubesim run --trace (docs/trace.md) on tests/trace/web.yaml: the classroom view shows the flow of
# control in causal order, --trace-filter keeps only matching lines, two runs are byte-identical, the
# summary after the trace is exactly what a run without --trace prints, and bad filters exit 2.
set(SCENARIO tests/trace/web.yaml)

function(run_kubesim out_var)
  execute_process(COMMAND ${KUBESIM} run ${SCENARIO} ${ARGN} OUTPUT_VARIABLE out ERROR_VARIABLE err
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "kubesim run ${SCENARIO} ${ARGN} exited with ${rc}:\n${err}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

set(TIME_RE "\\[ *[0-9]+\\.[0-9][0-9][0-9]s\\] ")

run_kubesim(plain)
run_kubesim(traced --trace)

# The steps, each after the one before it.
set(steps
    "${TIME_RE}api-server +accepted create Deployment default/web from scenario \\(rv [0-9]+\\)"
    "${TIME_RE}deployment +created ReplicaSet default/web-[a-z0-9]+ \\(2 replicas\\)"
    "${TIME_RE}replicaset +created Pod default/web-[a-z0-9]+-[a-z0-9]+"
    "${TIME_RE}scheduler +default/web-[a-z0-9-]+: 2 nodes evaluated, 2 feasible, scored 2, chose worker-[01] \\(score [0-9]+\\)"
    "${TIME_RE}scheduler +bound default/web-[a-z0-9-]+ to worker-[01]"
    "${TIME_RE}kubelet/worker-[01] +default/web-[a-z0-9-]+: Pulling image \"nginx:1.25\" \\(Pulling\\)"
    "${TIME_RE}kubelet/worker-[01] +default/web-[a-z0-9-]+: Started container nginx \\(Started\\)"
    "${TIME_RE}kubelet/worker-[01] +default/web-[a-z0-9-]+: pod Ready"
    "${TIME_RE}endpointslice +added default/web-[a-z0-9-]+ to Service default/web \\(ready, EndpointSlice default/web-[a-z0-9]+\\)"
    "${TIME_RE}kube-proxy/worker-[01] +programmed Service default/web: 2 endpoints"
    "${TIME_RE}timeline +traffic to Service default/web"
    "fingerprint:")
set(last -1)
foreach(re IN LISTS steps)
  string(REGEX MATCH "${re}" m "${traced}")
  if(m STREQUAL "")
    message(FATAL_ERROR "the trace lacks a line matching '${re}':\n${traced}")
  endif()
  string(FIND "${traced}" "${m}" pos)
  if(NOT pos GREATER last)
    message(FATAL_ERROR "'${m}' comes before the step above it:\n${traced}")
  endif()
  set(last ${pos})
endforeach()

# The trace comes first; what follows is exactly the plain run's output.
string(LENGTH "${traced}" traced_len)
string(LENGTH "${plain}" plain_len)
math(EXPR trace_len "${traced_len} - ${plain_len}")
string(SUBSTRING "${traced}" ${trace_len} -1 tail)
if(NOT tail STREQUAL plain)
  message(FATAL_ERROR "the summary after the trace differs from a run without --trace:\n${tail}\n---\n${plain}")
endif()
string(SUBSTRING "${traced}" 0 ${trace_len} trace_only)
string(REGEX REPLACE "${TIME_RE}[^\n]*\n" "" leftover "${trace_only}")
if(NOT leftover STREQUAL "")
  message(FATAL_ERROR "the trace has lines not in the trace format:\n${leftover}")
endif()

# Deterministic: byte-identical twice.
run_kubesim(again --trace)
if(NOT again STREQUAL traced)
  message(FATAL_ERROR "two --trace runs of the same scenario and seed differ")
endif()

# A filter keeps only matching lines (and implies --trace).
function(expect_only filter keep_re)
  run_kubesim(out --trace-filter ${filter})
  string(REGEX MATCH "${TIME_RE}${keep_re}" first "${out}")
  if(first STREQUAL "")
    message(FATAL_ERROR "--trace-filter ${filter} printed no line matching '${keep_re}':\n${out}")
  endif()
  string(REGEX REPLACE "${TIME_RE}${keep_re}[^\n]*\n" "" rest "${out}")
  string(REGEX MATCH "${TIME_RE}[^\n]*" stray "${rest}")
  if(NOT stray STREQUAL "")
    message(FATAL_ERROR "--trace-filter ${filter} printed '${stray}'")
  endif()
  if(NOT rest STREQUAL plain)
    message(FATAL_ERROR "--trace-filter ${filter}: the summary changed")
  endif()
endfunction()
expect_only("component=scheduler" "scheduler ")
expect_only("component=kubelet" "kubelet/worker-[01] ")
expect_only("component=kube-proxy,node=worker-1" "kube-proxy/worker-1 ")
string(REGEX MATCH "created Pod default/(web-[a-z0-9]+-[a-z0-9]+)" m "${traced}")
set(pod ${CMAKE_MATCH_1})
string(REGEX REPLACE ".$" "?" pod_glob "${pod}")
expect_only("pod=default/${pod_glob}" "[^\n]*${pod}")
expect_only("pod=${pod},component=scheduler" "scheduler +[^\n]*${pod}")
expect_only("kind=deployment" "[^\n]*Deployment default/web")

# Bad filters: the message, a hint, exit 2.
function(expect_bad filter message)
  execute_process(COMMAND ${KUBESIM} run ${SCENARIO} --trace-filter ${filter} OUTPUT_VARIABLE out
                  ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 2)
    message(FATAL_ERROR "--trace-filter '${filter}': expected exit 2, got ${rc}\n${err}")
  endif()
  string(FIND "${err}" "error: invalid --trace-filter '${filter}': ${message} (hint: " pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "--trace-filter '${filter}': stderr lacks '${message}':\n${err}")
  endif()
  if(NOT out STREQUAL "")
    message(FATAL_ERROR "--trace-filter '${filter}': a bad filter must not run the scenario:\n${out}")
  endif()
endfunction()
expect_bad("web-*" "term 'web-*' is not key=value")
expect_bad("color=red" "unknown key 'color'")
expect_bad("pod=" "term 'pod=' has no value")
expect_bad("pod=a,,node=b" "empty term")
expect_bad("component=schedular" "unknown component 'schedular'")
expect_bad("kind=Pods" "unknown kind 'Pods'")

# node= keeps everything about one node: the timeline action on it, the node controller's Events
# about the pods bound to it (they have no host) and the taint manager's evictions.
execute_process(COMMAND ${KUBESIM} run scenarios/node-failure.yaml --trace-filter node=worker-2 --quiet
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "node-failure --trace-filter node=worker-2 exited with ${rc}:\n${err}")
endif()
foreach(re "${TIME_RE}timeline +crashNode worker-2\n"
           "${TIME_RE}node-lifecycle +default/web-[a-z0-9-]+: Node is not ready \\(Warning NodeNotReady\\)"
           "${TIME_RE}taint-eviction +default/web-[a-z0-9-]+: Marking for deletion [^\n]*\\(TaintManagerEviction\\)")
  string(REGEX MATCH "${re}" m "${out}")
  if(m STREQUAL "")
    message(FATAL_ERROR "--trace-filter node=worker-2 lacks a line matching '${re}':\n${out}")
  endif()
endforeach()
