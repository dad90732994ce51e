# swarmctl — see README.md. Every target installs what it needs (Debian 12, as root).
BUILD ?= build
JOBS ?= $(shell nproc)
SWARMCTL := $(BUILD)/swarmctl
DEPS := build-essential cmake pkg-config libssh-dev libcurl4-openssl-dev libyaml-cpp-dev \
	libcli11-dev libfmt-dev doctest-dev libssl-dev nlohmann-json3-dev libexpected-dev \
	openssh-server openssh-client docker.io etcd-server etcd-client iptables busybox-static \
	iproute2 util-linux procps psmisc curl ca-certificates python3 python3-botocore \
	clang-format hyperfine time bc openssl libarchive-dev qemu-utils genisoimage \
	libpugixml-dev clang-14 libclang-rt-14-dev llvm-14
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build test unit integration e2e fuzz fuzz-merge demo demo-down bench format \
	format-check clean

all: build

# Idempotent: apt runs only when a package is missing.
deps:
	@missing=$$(for p in $(DEPS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing:" $$missing; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "All build and test prerequisites are installed."; fi

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

# Unit + integration + end-to-end (e2e needs root: it creates namespace hosts).
test: build
	cd $(BUILD) && ctest --output-on-failure --timeout 1500

unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit

integration: build
	cd $(BUILD) && ctest --output-on-failure -L integration

e2e: build
	cd $(BUILD) && ctest --output-on-failure -L e2e

# libFuzzer targets of every parser of untrusted input (tests/fuzz), built with clang, ASan and
# UBSan in their own directory (the normal build is untouched); each runs FUZZ_SECONDS.
# fuzz-merge also folds new inputs that add coverage into tests/fuzz/corpus/.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
$(FUZZ_BUILD)/CMakeCache.txt:
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSWARMCTL_FUZZ=ON \
	  -DCMAKE_CXX_COMPILER=clang++-14

fuzz fuzz-merge: deps $(FUZZ_BUILD)/CMakeCache.txt
	cmake --build $(FUZZ_BUILD) --target fuzz -j$(JOBS)
	bash tests/fuzz/run.sh $(if $(filter fuzz-merge,$@),--merge) $(FUZZ_BUILD) $(FUZZ_SECONDS)

# Brings up the seed cluster (KV host, master, three nodes, overlay network) on local
# namespace hosts and prints the Hello World that crosses hosts.
demo: build
	SWARMCTL=$(abspath $(SWARMCTL)) bash tests/e2e/demo.sh up

demo-down: build
	SWARMCTL=$(abspath $(SWARMCTL)) bash tests/e2e/demo.sh down

bench: build
	SWARMCTL=$(abspath $(SWARMCTL)) bash bench/run_all.sh

format:
	find cmd drivers provision tests bench -name '*.[ch]pp' | xargs clang-format -i

format-check:
	find cmd drivers provision tests bench -name '*.[ch]pp' | xargs clang-format --dry-run -Werror

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD)
