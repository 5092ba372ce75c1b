# SPDX-License-Identifier: GPL-2.0-or-later
# multus: a netlink-native meta CNI plugin.
#
#   make              build/multus with the strict warning set
#   make test         unit tests (no root) and netns tests (root)
#   make asan         the same tests against an ASan+UBSan build (in build-asan/)
#   make fuzz         every libFuzzer target for FUZZ_SECONDS each (default 60)
#   make bench        benchmarks: multus against calling the delegates directly
#   make bench-spawn  the cost of starting one delegate: multus's spawn against fork+exec
#   make demo         the main job: a pod with three interfaces in a throwaway netns
#   make install      binary to $(DESTDIR)$(CNI_BIN_DIR) (/opt/cni/bin), docs and multus(8) under $(PREFIX)
#   make docs         the man page and the READMEs checked against --help and each other
#   make deps         install the Debian packages the build and the tests need
#   make format-check CI's clang-format gate
#   make docker-build the DaemonSet image

VERSION ?= 0.1.0
B ?= build
CC ?= cc
PKGS := libmnl libnftnl jansson libcurl yaml-0.1 libprotobuf-c zlib
PREFIX ?= /usr
CNI_BIN_DIR ?= /opt/cni/bin
IMAGE ?= multus:$(VERSION)

WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes \
	-Wold-style-definition -Wpointer-arith -Wcast-align -Wwrite-strings -Wundef \
	-Wvla -Wnull-dereference -Wimplicit-fallthrough -Wno-unused-parameter \
	-Wno-format-truncation
ifeq ($(CI),true)
WARN += -Werror
endif
ifdef WERROR
WARN += -Werror
endif
OPT ?= -O2 -g
SAN ?=
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libcurl's headers only: src/k8s/curl_dl.c loads the library when the API is first used.
# jansson, libyaml, libnftnl, zlib and protobuf-c are linked from Debian's static archives:
# every invocation maps fewer objects and the loader binds fewer symbols (multus --version:
# 392k -> 189k instructions, 85 -> 65 page faults). libmnl has no archive in Debian and stays
# shared. Their symbols are not exported (nothing linked needs them): libcurl, loaded later,
# keeps using its own libz.so.
STATIC_PKGS := libnftnl jansson yaml-0.1 zlib libprotobuf-c
PKG_LIBS = -Wl,-Bstatic $(shell pkg-config --libs-only-l $(STATIC_PKGS) 2>/dev/null) -Wl,-Bdynamic \
	$(shell pkg-config --libs $(filter-out libcurl $(STATIC_PKGS),$(PKGS)) 2>/dev/null)
ALL_CFLAGS = -std=gnu11 $(OPT) $(WARN) $(SAN) -D_GNU_SOURCE -DMULTUS_VERSION='"$(VERSION)"' \
	-Isrc -I$(B)/gen $(PKG_CFLAGS) -fstack-protector-strong -D_FORTIFY_SOURCE=2 $(CFLAGS)
ALL_LDFLAGS = $(SAN) $(LDFLAGS)

# Rooms, lowest first. A room's archive may use only the rooms after it in its DEPS line.
ROOMS := util cni netns netlink k8s multus install daemon
DEPS_util := util
DEPS_cni := cni util
DEPS_netns := netns util
DEPS_netlink := netlink netns util
DEPS_k8s := k8s util
DEPS_multus := multus k8s netlink netns cni util
# The installer is a second program: it checks a netconf with the plugin's own parser
# (libnetconf.a: multus/netconf.c and the log levels it parses), never the plugin's verbs.
DEPS_install := install netconf k8s cni util
# `multus daemon` runs the installer and serves the node-local cache (k8s/cache_proto.c).
DEPS_daemon := daemon install netconf k8s cni util

# Generated sources: protobuf-c code from a room's .proto files (build/gen/<room>/x.pb-c.[ch],
# included as "<room>/x.pb-c.h"), compiled into that room's archive.
PROTO_k8s := src/k8s/podresources.proto
gen_c_of = $(patsubst src/%.proto,$(B)/gen/%.pb-c.c,$(PROTO_$(1)))
gen_h_of = $(patsubst src/%.proto,$(B)/gen/%.pb-c.h,$(PROTO_$(1)))
# "netconf" is no room of its own: multus/netconf.c and the log it sets up (libnetconf.a below).
NETCONF_SRC := src/multus/netconf.c src/multus/log.c src/multus/logrotate.c
src_of = $(if $(filter netconf,$(1)),$(NETCONF_SRC),$(sort $(wildcard src/$(1)/*.c)))
obj_of = $(patsubst src/%.c,$(B)/obj/%.o,$(call src_of,$(1))) \
	$(patsubst $(B)/gen/%.c,$(B)/obj/gen/%.o,$(call gen_c_of,$(1)))
lib_of = $(foreach r,$(DEPS_$(1)),$(B)/lib$(r).a)

all: $(B)/multus

.SECONDEXPANSION:

$(B)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/gen/%.pb-c.c $(B)/gen/%.pb-c.h: src/%.proto
	@mkdir -p $(B)/gen
	protoc-c --c_out=$(B)/gen -Isrc $<

$(B)/obj/gen/%.o: $(B)/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# A room's sources may include its generated headers: they exist before any of them compiles.
$(foreach r,$(ROOMS),$(eval $(patsubst src/%.c,$(B)/obj/%.o,$(call src_of,$(r))): | $(call gen_h_of,$(r))))

define ROOM_RULE
$(B)/lib$(1).a: $(call obj_of,$(1))
	@rm -f $$@
	$(AR) rcs $$@ $$^
endef
$(foreach r,$(ROOMS),$(eval $(call ROOM_RULE,$(r))))
NETCONF_OBJ := $(patsubst src/%.c,$(B)/obj/%.o,$(NETCONF_SRC))
$(B)/libnetconf.a: $(NETCONF_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

# The libraries `multus install` copies beside the binary are found through this rpath, so
# the binary runs on a node that has none of them installed. RPATH, not RUNPATH: the loader
# applies RPATH to the libraries' own dependencies too (libcurl's libssl, ...). $+, not $^:
# the daemon's rooms again after it (what only the daemon uses of k8s, say cache_trim.o).
$(B)/multus: $(B)/obj/main.o $(call lib_of,multus) $(call lib_of,daemon)
	$(CC) $(ALL_LDFLAGS) -Wl,--disable-new-dtags -Wl,-rpath,'$$ORIGIN/multus.libs' -o $@ $+ $(PKG_LIBS)

# Unit tests: tests/unit/test_<room>_<what>.c links that room and the rooms below it.
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))
room_of_test = $(word 2,$(subst _, ,$(notdir $(1))))

$(B)/tests/%: tests/unit/%.c $$(call lib_of,$$(call room_of_test,$$*))
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< \
		$(call lib_of,$(call room_of_test,$*)) $(ALL_LDFLAGS) $(PKG_LIBS) -lcmocka

unit: $(UNIT_BIN)
	@sh tests/unit/run.sh $(UNIT_BIN)

netns: $(B)/multus
	@sh tests/netns/run.sh $(abspath $(B)/multus)

test: unit netns

ASAN_VARS := B=build-asan OPT='-O1 -g -fno-omit-frame-pointer' \
	SAN='-fsanitize=address,undefined -fno-sanitize-recover=undefined'
asan-unit:
	$(MAKE) $(ASAN_VARS) unit
asan-netns:
	$(MAKE) $(ASAN_VARS) netns
asan: asan-unit asan-netns

# Fuzzing (clang, libFuzzer). Each target is tests/fuzz/fuzz_<room>_<what>.c.
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(FUZZ_SRC))
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -fsanitize=fuzzer,address,undefined -g -O1
build-fuzz/%: tests/fuzz/%.c $(wildcard src/*/*.c src/*/*.h) \
		$(foreach r,$(ROOMS),$(call gen_c_of,$(r)) $(call gen_h_of,$(r)))
	@mkdir -p build-fuzz
	clang -std=gnu11 $(FUZZ_FLAGS) -D_GNU_SOURCE -DMULTUS_VERSION='"$(VERSION)"' -Isrc -I$(B)/gen \
		$(PKG_CFLAGS) -o $@ $< $(foreach r,$(DEPS_$(call room_of_test,$*)),$(call src_of,$(r)) \
		$(call gen_c_of,$(r))) $(PKG_LIBS)
fuzz-build: $(FUZZ_BIN)
fuzz: $(FUZZ_BIN)
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)
# A few seconds each over the kept corpus: part of the test command.
fuzz-smoke: $(FUZZ_BIN)
	@sh tests/fuzz/run.sh 5 $(FUZZ_BIN)

# A benchmark, not a test (tests/bench/run.sh says what it measures): BENCH_RUNS=20, BENCH_K.
bench: $(B)/multus $(B)/bench/cnirun $(B)/bench/passthru $(B)/bench/bench_spawn
	@sh tests/bench/run.sh $(abspath $(B)/multus)
$(B)/bench/cnirun $(B)/bench/passthru: $(B)/bench/%: tests/bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS)

# The cost of starting one delegate (no root): BENCH_SPAWN_ARGS='-n 500 -m 128 /bin/true'.
BENCH_SPAWN_ARGS ?=
$(B)/bench/bench_spawn: tests/bench/bench_spawn.c $(call lib_of,cni)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(call lib_of,cni) $(ALL_LDFLAGS) $(PKG_LIBS)
bench-spawn: $(B)/bench/bench_spawn
	@$(B)/bench/bench_spawn $(BENCH_SPAWN_ARGS)

demo: $(B)/multus
	@sh tests/demo.sh $(abspath $(B)/multus)

install: $(B)/multus
	install -d $(DESTDIR)$(CNI_BIN_DIR) $(DESTDIR)$(PREFIX)/share/doc/multus \
		$(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0755 $(B)/multus $(DESTDIR)$(CNI_BIN_DIR)/multus
	install -m 0644 README.md README.zh.md $(DESTDIR)$(PREFIX)/share/doc/multus/
	install -m 0644 doc/multus.8 $(DESTDIR)$(PREFIX)/share/man/man8/multus.8

# The man page and both READMEs against the binary's --help and each other (tests/docs_test.sh).
docs: $(B)/multus
	@sh tests/docs_test.sh $(abspath $(B)/multus)

deps:
	@sh tests/deps.sh

format-check:
	@clang-format --dry-run --Werror $(wildcard src/*.c src/*/*.c src/*/*.h tests/unit/*.c tests/unit/*.h tests/fuzz/*.c)

# DOCKER_BUILD_FLAGS: e.g. --network=host (tests/docker_test.sh: the build's apt through the
# host's network, on an engine without a bridge).
DOCKER_BUILD_FLAGS ?=
docker-build:
	docker build $(DOCKER_BUILD_FLAGS) --build-arg VERSION=$(VERSION) -t $(IMAGE) -f deploy/Dockerfile .

clean:
	rm -rf build build-asan build-fuzz

.PHONY: all unit netns docs test asan asan-unit asan-netns fuzz fuzz-build fuzz-smoke bench bench-spawn demo install deps format-check \
	docker-build clean
.SECONDARY:

-include $(shell find $(B) -name '*.d' 2>/dev/null)
