# swarmctl — see README.md. Every target installs what it needs (Debian 12, as root).
BUILD ?= build
JOBS ?= $(shell nproc)
SWARMCTL := $(BUILD)/swarmctl
DEPS := build-essential cmake pkg-config libssh-dev libcurl4-openssl-dev libyaml-cpp-dev \
	libcli11-dev libfmt-dev doctest-dev libssl-dev nlohmann-json3-dev libexpected-dev \
	openssh-server openssh-client docker.io etcd-server etcd-client iptables busybox-static \
	iproute2 util-linux procps psmisc curl ca-certificates python3 python3-botocore \
	clang-format hyperfine time bc openssl bats
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man

.PHONY: all deps build test unit integration e2e compat demo demo-down bench format format-check \
	install-man clean

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

# docker-machine's bats assertions, the binary named swarmctl and docker-machine (tests/compat).
compat: build
	cd $(BUILD) && ctest --output-on-failure -L compat

# Man pages generated from the binary's own flag tables (the same as --help): swarmctl(1) and
# swarmctl-COMMAND(1), into $(DESTDIR)$(MANDIR)/man1.
install-man: build
	rm -rf $(BUILD)/man && $(SWARMCTL) help --man $(BUILD)/man
	install -d $(DESTDIR)$(MANDIR)/man1
	install -m 0644 $(BUILD)/man/*.1 $(DESTDIR)$(MANDIR)/man1/

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
	rm -rf $(BUILD)
