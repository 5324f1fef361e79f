# kubesim compare and merge, end to end: two profiles on three seeds; the same sweep run in one go,
# with one thread, and in two shards merged back gives byte-identical comparison.csv and the same
# table; bad input exits 2 with a clear message.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(scenario scenarios/policy-comparison.yaml)
set(grid --profile default-scheduler --profile best-fit --seeds 1-3 --duration 2m)

function(run_ok out_var)
  execute_process(COMMAND ${KUBESIM} ${ARGN} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "kubesim ${ARGN}: exit ${rc}\n${out}${err}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

function(expect_contains text needle what)
  string(FIND "${text}" "${needle}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "${what} lacks '${needle}':\n${text}")
  endif()
endfunction()

function(expect_fail expected_rc needle)
  execute_process(COMMAND ${KUBESIM} ${ARGN} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL ${expected_rc})
    message(FATAL_ERROR "kubesim ${ARGN}: expected exit ${expected_rc}, got ${rc}\n${out}${err}")
  endif()
  expect_contains("${err}" "${needle}" "stderr of kubesim ${ARGN}")
endfunction()

# The whole sweep, two threads.
run_ok(whole compare ${scenario} ${grid} --jobs 2 --out ${WORK}/whole)
expect_contains("${whole}" "scenario 'policy-comparison': 2 profile(s) x 3 seed(s) (1-3)" "compare output")
expect_contains("${whole}" "differences to 'default-scheduler' are paired by seed" "compare output")
expect_contains("${whole}" "\nutilization.nodes_in_use_mean\n  default-scheduler" "compare output")
foreach(f comparison.csv comparison.html sweep.json runs/best-fit/seed-2/summary.json
          runs/default-scheduler/seed-3/summary.json)
  if(NOT EXISTS ${WORK}/whole/${f})
    message(FATAL_ERROR "compare did not write ${f}")
  endif()
endforeach()
file(READ ${WORK}/whole/comparison.csv csv)
expect_contains("${csv}" "metric,profile,direction,n,mean,stddev,ci95_low,ci95_high,diff_mean" "comparison.csv")
expect_contains("${csv}" "\npods.scheduled,best-fit,higher-is-better,3," "comparison.csv")
# Each run is the run `kubesim run --seed` makes with that profile: the default profile's seed-2 run
# equals a plain run of the scenario with seed 2.
run_ok(ignored run ${scenario} --seed 2 --duration 2m --out ${WORK}/single --quiet)
file(READ ${WORK}/single/summary.json single)
file(READ ${WORK}/whole/runs/default-scheduler/seed-2/summary.json cell)
if(NOT single STREQUAL cell)
  message(FATAL_ERROR "the sweep's default-scheduler seed-2 summary differs from kubesim run --seed 2")
endif()

# One thread: the same numbers.
run_ok(serial compare ${scenario} ${grid} --jobs 1 --out ${WORK}/serial)
file(READ ${WORK}/serial/comparison.csv serial_csv)
if(NOT serial_csv STREQUAL csv OR NOT serial STREQUAL whole)
  message(FATAL_ERROR "compare with --jobs 1 differs from --jobs 2")
endif()

# Two shards and a merge: the same comparison as the whole sweep.
run_ok(shard0 compare ${scenario} ${grid} --shard 0/2 --out ${WORK}/shard0)
expect_contains("${shard0}" "shard 0/2: ran 3 of the 6 runs" "shard output")
run_ok(shard1 compare ${scenario} ${grid} --shard 1/2 --out ${WORK}/shard1)
if(EXISTS ${WORK}/shard0/comparison.csv)
  message(FATAL_ERROR "a shard must not write a comparison of its part of the grid")
endif()
run_ok(merged merge ${WORK}/shard1 ${WORK}/shard0 --out ${WORK}/merged)
file(READ ${WORK}/merged/comparison.csv merged_csv)
if(NOT merged_csv STREQUAL csv)
  message(FATAL_ERROR "merged shards differ from the unsharded sweep:\n${merged_csv}\nvs\n${csv}")
endif()
if(NOT merged STREQUAL whole)
  message(FATAL_ERROR "merge prints another table than compare:\n${merged}\nvs\n${whole}")
endif()
file(READ ${WORK}/merged/comparison.html merged_html)
file(READ ${WORK}/whole/comparison.html whole_html)
if(NOT merged_html STREQUAL whole_html)
  message(FATAL_ERROR "merged comparison.html differs from the unsharded one")
endif()

# Bad input.
expect_fail(2 "error: unknown profile 'tetris' (the scenario defines: default-scheduler, best-fit, worst-fit, dot-product"
            compare ${scenario} --profile default-scheduler --profile tetris --out ${WORK}/bad)
expect_fail(2 "error: name the profiles to compare with --profile" compare ${scenario} --out ${WORK}/bad)
expect_fail(2 "error: --profile 'best-fit' is given twice"
            compare ${scenario} --profile best-fit --profile best-fit --out ${WORK}/bad)
expect_fail(2 "error: --shard: invalid shard '2/2': the index counts from 0"
            compare ${scenario} ${grid} --shard 2/2 --out ${WORK}/bad)
expect_fail(2 "error: --seeds: invalid seed list '3-1': the range '3-1' is reversed"
            compare ${scenario} --profile best-fit --seeds 3-1 --out ${WORK}/bad)
expect_fail(2 "error: --jobs must be at least 1" compare ${scenario} --profile best-fit --jobs 0 --out ${WORK}/bad)
expect_fail(2 "cannot read scheduler configuration file"
            compare ${scenario} --profile best-fit --scheduler-config ${WORK}/none.yaml --out ${WORK}/bad)
expect_fail(2 "error: 3 of the sweep's 6 runs are missing:\n  profile 'best-fit', seed 1 (shard 1/2)"
            merge ${WORK}/shard0 --out ${WORK}/bad)
expect_fail(2 "is in both" merge ${WORK}/shard0 ${WORK}/shard0 --out ${WORK}/bad)
expect_fail(2 "are not shards of the same sweep: shard count '2' vs '1'" merge ${WORK}/shard0 ${WORK}/whole
            --out ${WORK}/bad)
expect_fail(2 "cannot read" merge ${WORK}/nothing-here --out ${WORK}/bad)
# Shards of another sweep in disguise: another --duration, or an edited scenario under the same name.
run_ok(ignored compare ${scenario} --profile default-scheduler --profile best-fit --seeds 1-3 --duration 90s
       --shard 1/2 --out ${WORK}/shard1-short --quiet)
expect_fail(2 "simulated duration (seconds) '120' vs '90'" merge ${WORK}/shard0 ${WORK}/shard1-short
            --out ${WORK}/bad)
file(READ ${scenario} text)
string(REPLACE "count: 8" "count: 9" text "${text}")
file(WRITE ${WORK}/edited.yaml "${text}")
run_ok(ignored compare ${WORK}/edited.yaml ${grid} --shard 1/2 --out ${WORK}/shard1-edited --quiet)
expect_fail(2 "inputs (a hash of the scenario file, --scheduler-config file and duration)" merge ${WORK}/shard0
            ${WORK}/shard1-edited --out ${WORK}/bad)

# Profiles from a file.
file(WRITE ${WORK}/extra.yaml "apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
  - schedulerName: first-fit
    plugins:
      score:
        disabled: [{name: \"*\"}]
        enabled: [{name: FirstFit}]
")
# (Options before the scenario: one name per --profile, the scenario stays positional.)
run_ok(from_file compare --profile default-scheduler --profile first-fit --scheduler-config ${WORK}/extra.yaml
       ${scenario} --seeds 1-2 --duration 1m --out ${WORK}/file --quiet)
if(NOT EXISTS ${WORK}/file/runs/first-fit/seed-2/summary.json)
  message(FATAL_ERROR "compare with --scheduler-config did not run first-fit")
endif()
