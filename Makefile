# swarmctl — see README.md. Every target installs what it needs (Debian 12, as root).
BUILD ?= build
JOBS ?= $(shell nproc)
PREFIX ?= /usr/local
SWARMCTL := $(BUILD)/swarmctl
DEPS := build-essential cmake pkg-config libssh-dev libcurl4-openssl-dev libyaml-cpp-dev \
	libcli11-dev libfmt-dev doctest-dev libssl-dev nlohmann-json3-dev libexpected-dev \
	openssh-server openssh-client docker.io etcd-server etcd-client iptables busybox-static \
	iproute2 util-linux procps psmisc curl ca-certificates python3 python3-botocore \
	clang-format hyperfine time bc openssl libarchive-dev qemu-utils genisoimage golang-go zsh fish tcsh
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build build-tests install test unit integration e2e demo demo-down bench format \
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

# The swarmctl binary only (the tests are separate executables: build-tests).
build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS) --target swarmctl

# Everything: the binary and the unit/integration test executables.
build-tests: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

# Installs swarmctl into $(PREFIX)/bin (default /usr/local/bin).
install: build
	$(SUDO) cmake --install $(BUILD) --prefix $(PREFIX) --strip

# Unit + integration + end-to-end (e2e needs root: it creates namespace hosts).
test: build-tests
	cd $(BUILD) && ctest --output-on-failure --timeout 1500

unit: build-tests
	cd $(BUILD) && ctest --output-on-failure -L unit

integration: build-tests
	cd $(BUILD) && ctest --output-on-failure -L integration

# The e2e tests run the swarmctl binary only.
e2e: build
	cd $(BUILD) && ctest --output-on-failure -L e2e

# The 2016 walkthrough on local namespace hosts: brings up the seed cluster (KV host, a classic
# Swarm master, three nodes), then runs the walkthrough's docker commands through the Swarm
# manager (eval $(swarmctl env --swarm master)) and prints the Hello World that crosses hosts.
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
	rm -rf $(BUILD)
