# Convenience targets for a fresh machine. Each installs what is missing, builds, then acts.
#   make demo   — build the release binary and run the built-in quickstart scenario
#   make test   — build with asserts on and run the whole test suite (what CI runs)
#   make bench  — build with -O3 and run the benchmarks (numbers in benchmarks/README.md)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: deps demo test bench clean format

deps:
	./scripts/install-deps.sh

demo: deps
	cmake --preset release -DKUBESIM_BUILD_TESTS=OFF -DKUBESIM_BUILD_BENCHMARKS=OFF
	cmake --build --preset release -j $(JOBS)
	./build/release/kubesim run

test: deps
	cmake --preset relassert
	cmake --build --preset relassert -j $(JOBS)
	ctest --preset relassert -j $(JOBS)

bench: deps
	cmake --preset bench
	cmake --build --preset bench -j $(JOBS)
	./benchmarks/run.sh build/bench

format:
	find include src tests benchmarks -name '*.hpp' -o -name '*.cpp' | xargs clang-format -i

clean:
	rm -rf build
