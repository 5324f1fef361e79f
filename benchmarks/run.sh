#!/usr/bin/env bash
# Runs kubesim's benchmarks against a build directory (normally build/bench, from `make bench`):
#   1. the event-queue micro-benchmark (BUILD_DIR/benchmarks/event_queue_bench);
#   2. the scheduling-throughput benchmark (BUILD_DIR/benchmarks/scheduler_throughput_bench);
#   3. the scale run `BUILD_DIR/kubesim run benchmarks/scale-5k-100k.yaml`, RUNS times, under
#      /usr/bin/time -v, reporting wall time, events/s, pods scheduled and peak RSS, with the median.
#
# usage: benchmarks/run.sh BUILD_DIR [--runs N] [--quick] [--scenario FILE] [--skip-queue] [--skip-sched] [--skip-scale]
#   --runs N         scale runs (default 3; the median is reported)
#   --quick          pass --quick to the event-queue and scheduler benches (fewer operations, 1 repetition)
#   --scenario FILE  scale scenario (default benchmarks/scale-5k-100k.yaml)
# EQ_BENCH_ARGS (environment) adds options to event_queue_bench, e.g. EQ_BENCH_ARGS="--sizes 1000,100000".
# SCHED_BENCH_ARGS (environment) adds options to scheduler_throughput_bench, e.g. SCHED_BENCH_ARGS="--reps 5".
# BENCH_METER (environment) forces how peak memory is measured: gnu-time, python-rusage or bash-time.
#
# Exit status: 0 when every program ran (a missed target is reported, not an error), 1 otherwise.
set -euo pipefail

usage() {
  sed -n '8,14p' "$0" | sed 's/^# \{0,1\}//'
}

if [[ $# -lt 1 || "$1" == "-h" || "$1" == "--help" ]]; then
  usage
  exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build_dir="$1"
shift
runs=3
quick=0
skip_queue=0
skip_sched=0
skip_scale=0
scenario="$here/scale-5k-100k.yaml"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="${2:?--runs needs a value}"; shift 2 ;;
    --quick) quick=1; shift ;;
    --scenario) scenario="${2:?--scenario needs a value}"; shift 2 ;;
    --skip-queue) skip_queue=1; shift ;;
    --skip-sched) skip_sched=1; shift ;;
    --skip-scale) skip_scale=1; shift ;;
    *) echo "run.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
  echo "run.sh: --runs must be a positive integer" >&2
  exit 2
fi

# Targets (benchmarks/README.md).
target_wall_s=30
target_rss_kib=$((2 * 1024 * 1024))

echo "== machine: $(nproc) core(s), $(uname -srm), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== build: $build_dir"

# ---------------------------------------------------------------------------------------------
if [[ $skip_queue -eq 0 ]]; then
  bench="$build_dir/benchmarks/event_queue_bench"
  if [[ ! -x "$bench" ]]; then
    echo "run.sh: $bench not found (build the 'bench' preset first)" >&2
    exit 1
  fi
  eq_args=()
  if [[ $quick -eq 1 ]]; then
    eq_args+=(--quick)
  fi
  # shellcheck disable=SC2206  # word splitting of the extra options is intended
  eq_args+=(${EQ_BENCH_ARGS:-})
  echo
  echo "== event queue: $bench ${eq_args[*]}"
  "$bench" "${eq_args[@]}"
fi

# ---------------------------------------------------------------------------------------------
if [[ $skip_sched -eq 0 ]]; then
  bench="$build_dir/benchmarks/scheduler_throughput_bench"
  if [[ ! -x "$bench" ]]; then
    echo "run.sh: $bench not found (build the 'bench' preset first)" >&2
    exit 1
  fi
  sched_args=()
  if [[ $quick -eq 1 ]]; then
    sched_args+=(--quick)
  fi
  # shellcheck disable=SC2206  # word splitting of the extra options is intended
  sched_args+=(${SCHED_BENCH_ARGS:-})
  echo
  echo "== scheduler throughput: $bench ${sched_args[*]}  (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  # Exits 1 when a pod was left unscheduled: that fails run.sh (set -e), a missed target does not.
  "$bench" "${sched_args[@]}" | tee "${TMPDIR:-/tmp}/kubesim-sched-bench.$$"
  awk -v t=50000 '$3 == "median" { v = ($4 >= t) ? "met" : "MISSED";
    printf "target: %s nodes x %s pods >= %d pods/s of scheduling: %s (median %s pods/s wall, %s pods/s CPU)\n", $1, $2, t, v, $4, $6 }' \
    "${TMPDIR:-/tmp}/kubesim-sched-bench.$$"
  rm -f "${TMPDIR:-/tmp}/kubesim-sched-bench.$$"
fi

# ---------------------------------------------------------------------------------------------
if [[ $skip_scale -eq 1 ]]; then
  exit 0
fi
kubesim="$build_dir/kubesim"
if [[ ! -x "$kubesim" ]]; then
  echo "run.sh: $kubesim not found" >&2
  exit 1
fi

# How peak memory is measured: GNU time, else getrusage() through python3 (the kernel's high-water
# mark of the child, the same number as VmHWM), else bash's `time` without memory.
# BENCH_METER=gnu-time|python-rusage|bash-time forces one (to test the fallbacks).
if [[ -n "${BENCH_METER:-}" ]]; then
  meter="$BENCH_METER"
elif [[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; then
  meter=gnu-time
elif command -v python3 >/dev/null 2>&1; then
  meter=python-rusage
else
  meter=bash-time
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# run_measured OUT ERR METER_OUT CMD...: runs CMD with stdout in OUT, stderr in ERR, and writes
# "wall_s=<seconds>", "cpu_s=<user + system seconds or empty>" and "maxrss_kib=<KiB or empty>" lines
# to METER_OUT. CPU time is printed next to wall time because on a shared machine the wall time also
# counts the time the process waited for a core.
run_measured() {
  local out="$1" err="$2" meter_out="$3"
  shift 3
  case "$meter" in
    gnu-time)
      /usr/bin/time -v -o "$tmp/time.txt" "$@" >"$out" 2>"$err"
      awk -F': ' '
        /Elapsed \(wall clock\)/ {
          n = split($2, p, ":"); s = 0; for (i = 1; i <= n; ++i) { s = s * 60 + p[i] }; printf "wall_s=%.3f\n", s
        }
        /User time \(seconds\)|System time \(seconds\)/ { cpu += $2 }
        /Maximum resident set size/ { printf "maxrss_kib=%s\n", $2 }
        END { printf "cpu_s=%.2f\n", cpu }' "$tmp/time.txt" >"$meter_out"
      ;;
    python-rusage)
      python3 - "$meter_out" "$out" "$err" "$@" <<'PY'
import resource, subprocess, sys, time
meter_out, out, err, cmd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
t0 = time.monotonic()
with open(out, "wb") as o, open(err, "wb") as e:
    rc = subprocess.call(cmd, stdout=o, stderr=e)
wall = time.monotonic() - t0
with open(meter_out, "w") as m:
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    m.write(f"wall_s={wall:.3f}\nmaxrss_kib={u.ru_maxrss}\ncpu_s={u.ru_utime + u.ru_stime:.2f}\n")
sys.exit(rc)
PY
      ;;
    *)
      local start end
      start=$(date +%s.%N)
      "$@" >"$out" 2>"$err"
      end=$(date +%s.%N)
      printf 'wall_s=%s\nmaxrss_kib=\ncpu_s=\n' "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')" >"$meter_out"
      ;;
  esac
}

# median [FORMAT]: the median of the numbers on stdin, printed with FORMAT (default %.3f); empty if none.
median() {
  sort -g | awk -v fmt="${1:-%.3f}" '{ v[NR] = $1 }
    END { if (NR > 0) { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf fmt "\n", m } }'
}

echo
echo "== scale run: $kubesim run $scenario  ($runs run(s), peak memory via $meter)"
printf '%-6s %10s %8s %10s %12s %10s %11s %12s\n' run "wall s" "cpu s" "loop s" "events/s" "events" scheduled \
  "peak RSS MiB"
: >"$tmp/walls"
: >"$tmp/loops"
: >"$tmp/rates"
: >"$tmp/rss"
: >"$tmp/cpus"
for ((i = 1; i <= runs; ++i)); do
  status=0
  run_measured "$tmp/out.txt" "$tmp/err.txt" "$tmp/meter.txt" "$kubesim" run "$scenario" || status=$?
  if [[ $status -ne 0 ]]; then
    echo "run.sh: kubesim exited with status $status; its stderr:" >&2
    tail -n 20 "$tmp/err.txt" >&2
    exit 1
  fi
  wall_s="$(sed -n 's/^wall_s=//p' "$tmp/meter.txt")"
  rss_kib="$(sed -n 's/^maxrss_kib=//p' "$tmp/meter.txt")"
  cpu_s="$(sed -n 's/^cpu_s=//p' "$tmp/meter.txt")"
  if [[ -n "$cpu_s" ]]; then
    echo "$cpu_s" >>"$tmp/cpus"
  fi
  # kubesim prints "wall time 12.345s, 1234567 events/s" (the event loop only) on stderr.
  loop_s="$(sed -n 's/^wall time \([0-9.]*\)s, .*/\1/p' "$tmp/err.txt" | tail -n 1)"
  rate="$(sed -n 's/^wall time [0-9.]*s, \([0-9]*\) events\/s.*/\1/p' "$tmp/err.txt" | tail -n 1)"
  events="$(sed -n 's/^events processed: *\([0-9]*\).*/\1/p' "$tmp/out.txt" | tail -n 1)"
  scheduled="$(sed -n 's/^pods: .*scheduled \([0-9]*\).*/\1/p' "$tmp/out.txt" | tail -n 1)"
  rss_mib="n/a"
  if [[ -n "$rss_kib" ]]; then
    rss_mib="$(awk -v k="$rss_kib" 'BEGIN { printf "%.1f", k / 1024 }')"
    echo "$rss_kib" >>"$tmp/rss"
  fi
  printf '%-6s %10s %8s %10s %12s %10s %11s %12s\n' "$i" "$wall_s" "${cpu_s:-n/a}" "${loop_s:-?}" "${rate:-?}" "${events:-?}" \
    "${scheduled:-?}" "$rss_mib"
  echo "$wall_s" >>"$tmp/walls"
  if [[ -n "$loop_s" ]]; then
    echo "$loop_s" >>"$tmp/loops"
  fi
  if [[ -n "$rate" ]]; then
    echo "$rate" >>"$tmp/rates"
  fi
done

med_wall="$(median <"$tmp/walls")"
med_loop="$(median <"$tmp/loops")"
med_rate="$(median %.0f <"$tmp/rates")"
med_rss="$(median %.0f <"$tmp/rss")"
med_cpu="$(median %.2f <"$tmp/cpus")"
printf '%-6s %10s %8s %10s %12s %10s %11s %12s\n' median "$med_wall" "${med_cpu:-n/a}" "${med_loop:-?}" "${med_rate:-?}" "${events:-?}" \
  "${scheduled:-?}" "$([[ -n "$med_rss" ]] && awk -v k="$med_rss" 'BEGIN { printf "%.1f", k / 1024 }' || echo n/a)"
echo
echo "summary of the last run:"
sed 's/^/  /' "$tmp/out.txt"

verdict() { if [[ "$1" -eq 1 ]]; then echo met; else echo MISSED; fi; }
wall_ok="$(awk -v w="$med_wall" -v t="$target_wall_s" 'BEGIN { print (w < t) ? 1 : 0 }')"
echo
echo "target: wall time < ${target_wall_s} s: $(verdict "$wall_ok") (median ${med_wall} s)"
if [[ -n "$med_rss" ]]; then
  rss_ok="$(awk -v r="$med_rss" -v t="$target_rss_kib" 'BEGIN { print (r < t) ? 1 : 0 }')"
  echo "target: peak RSS < 2 GiB: $(verdict "$rss_ok") (median $(awk -v k="$med_rss" 'BEGIN { printf "%.1f", k / 1024 }') MiB)"
else
  echo "target: peak RSS < 2 GiB: unknown (peak memory unavailable without /usr/bin/time or python3)"
fi
