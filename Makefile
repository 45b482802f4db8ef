# stranger - plain Makefile.
#
#   make            build/stranger
#   make check      install missing build deps, build, run every test, then
#                   again under ASan+UBSan, then each fuzz harness briefly
#   make demo       install missing deps, build, replay the article's night
#   make static     build/static/stranger, no shared libraries
#   make bench      side-by-side benchmarks against the peer tools
#   make lint       formatting (clang-format) and the house rules that a
#                   grep can check (scripts/lint.sh)
#   make install    PREFIX=/usr/local
#   make deb        build/deb/stranger_VERSION_ARCH.deb (dpkg -i it)
#
# Variants build in their own folder: BUILD=build/asan SAN=1.

CC      ?= cc
BUILD   ?= build
PREFIX  ?= /usr/local
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wvla \
           -Wformat=2 -Wno-format-nonliteral \
           -Wno-missing-field-initializers
CPPFLAGS += -Isrc -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64
STD     := -std=gnu11
LIBS    := -lcrypto -lpthread -larchive
ifeq ($(SAN),1)
CFLAGS  := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(FUZZ),1)
CC      := clang
CFLAGS  := -O1 -g -fsanitize=fuzzer-no-link,address,undefined
endif
ifeq ($(STATIC),1)
LDFLAGS += -static
LIBS    += -ldl
# libarchive's own libraries, which a static link must name
LIBS    += -lnettle -lacl -llzma -lzstd -llz4 -lbz2 -lz -lxml2 -licuuc -licudata -lstdc++ -lm
endif

# every .c under src/util, src/cmd and the capability folders of src/lib,
# except the BPF programs, which clang builds for the kernel
SRC      := $(sort $(filter-out %.bpf.c,$(wildcard src/util/*.c src/cmd/*.c \
                src/lib/*/*.c src/lib/*/*/*.c)))
OBJ      := $(SRC:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ := $(BUILD)/obj/src/main.o
UNIT_SRC := $(sort $(wildcard tests/unit/*/test_*.c tests/unit/*/*/test_*.c))
UNIT_BIN := $(addprefix $(BUILD)/tests/,$(notdir $(UNIT_SRC:.c=)))
vpath test_%.c $(sort $(dir $(UNIT_SRC)))
# tests/fixtures/NAME.c is a program, tests/fixtures/libNAME.c a preload library
FIXT_SO_SRC := $(sort $(wildcard tests/fixtures/lib*.c))
FIXT_SRC := $(filter-out $(FIXT_SO_SRC),$(sort $(wildcard tests/fixtures/*.c)))
FIXT_BIN := $(FIXT_SRC:tests/fixtures/%.c=$(BUILD)/fixtures/%) \
            $(FIXT_SO_SRC:tests/fixtures/%.c=$(BUILD)/fixtures/%.so)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))

.PHONY: all deps check test asan static demo bench fuzz fuzz-build fixtures lint install clean syscall-table deb

all: $(BUILD)/stranger

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(STD) $(CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c $< -o $@

$(BUILD)/libstranger.a: $(OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(BUILD)/stranger: $(MAIN_OBJ) $(BUILD)/libstranger.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: %.c $(BUILD)/libstranger.a
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $^ -lcmocka $(LIBS)

# Fixtures play suspects; they are built without sanitizers, as plain
# programs, since they are what is looked at, not what looks.
$(BUILD)/fixtures/%: tests/fixtures/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror -pthread -o $@ $< -ldl

$(BUILD)/fixtures/%.so: tests/fixtures/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -D_GNU_SOURCE -O1 -Wall -Wextra -Werror -shared -fPIC \
		-o $@ $< -ldl

# The backdoor's known-good twin: the same program, saying /bin/login.
$(BUILD)/fixtures/backdoor-twin: tests/fixtures/backdoor.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror \
		-DSHELL_PATH='"/bin/login"' -o $@ $<

# the system call table: libseccomp's numbers joined with scripts/syscall-attrs.txt
syscall-table: scripts/gen-syscall-table.c scripts/syscall-attrs.txt
	$(CC) $(STD) -O1 -o $(BUILD)/gen-syscall-table scripts/gen-syscall-table.c -lseccomp
	$(BUILD)/gen-syscall-table scripts/syscall-attrs.txt > src/lib/trace/syscall/syscall_table.h

fixtures: $(FIXT_BIN) $(BUILD)/fixtures/backdoor-twin

# Each parser's libFuzzer harness, linked against an instrumented library.
$(BUILD)/fuzz/%: tests/fuzz/%.c $(BUILD)/libstranger.a
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(CPPFLAGS) $(CFLAGS) $(WARN) -fsanitize=fuzzer -o $@ $^ $(LIBS)

fuzz-build: $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)

deps:
	@scripts/deps.sh

# check: everything, on a fresh machine.
check: deps
	$(MAKE) lint
	$(MAKE) test
	$(MAKE) asan
	$(MAKE) fuzz

test: $(BUILD)/stranger $(UNIT_BIN) fixtures
	tests/run.sh $(BUILD)

asan:
	$(MAKE) BUILD=build/asan SAN=1 test

static:
	$(MAKE) BUILD=build/static STATIC=1 build/static/stranger
	@ldd build/static/stranger 2>&1 | grep -q 'not a dynamic' && \
		echo "build/static/stranger: static"

# fuzz: build every harness and run each for FUZZ_SECONDS (default 5)
fuzz:
	$(MAKE) BUILD=build/fuzz FUZZ=1 fuzz-build
	@scripts/fuzz.sh build/fuzz

# lint: clang-format --dry-run --Werror on src/, raw allocation, stderr and
# O_NOATIME outside their helpers, and the option rows' type check
lint:
	@CC="$(CC)" scripts/lint.sh

demo: deps
	$(MAKE) all fixtures
	demo/night.sh $(BUILD)

bench: deps
	$(MAKE) all fixtures
	@for b in bench/*.sh; do echo "== $$b"; $$b $(BUILD) || exit 1; done

install: $(BUILD)/stranger
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/stranger $(DESTDIR)$(PREFIX)/bin/stranger
	install -m 644 doc/stranger.1 $(DESTDIR)$(PREFIX)/share/man/man1/stranger.1

# A Debian package: binary, manual page, bash completion, the Ansible role.
deb: $(BUILD)/stranger
	@scripts/mkdeb.sh $(BUILD)

clean:
	rm -rf build

# The eBPF programs (src/lib/CAP/NAME.bpf.c, beside the module that loads
# them): vmlinux.h dumped from the running kernel's BTF, the BPF object built
# by clang's BPF target, and the skeleton that embeds it, all generated into
# $(BUILD)/bpf, never checked in.
LIBS       += -lbpf -lelf -lz
BPFTOOL    ?= bpftool
BPF_CLANG  ?= clang
BPF_ARCH   := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux

$(BUILD)/bpf/vmlinux.h:
	@mkdir -p $(dir $@)
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c >$@.tmp && mv $@.tmp $@

BPF_SRC    := $(wildcard src/lib/*/*.bpf.c)
vpath %.bpf.c $(sort $(dir $(BPF_SRC)))
$(BUILD)/bpf/%.bpf.o: %.bpf.c $(BUILD)/bpf/vmlinux.h
	$(BPF_CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -Wall -Werror \
		-I$(BUILD)/bpf -I$(dir $<) -c $< -o $@
$(BUILD)/bpf/trace.bpf.o: src/lib/trace/trace.bpf.h
$(BUILD)/bpf/pidsweep.bpf.o: src/lib/hidden/pidsweep.bpf.h
$(BUILD)/bpf/sinkhole.bpf.o: src/lib/sandbox/sinkhole.bpf.h

$(BUILD)/bpf/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $*_bpf >$@.tmp && mv $@.tmp $@

.SECONDARY: $(BUILD)/bpf/vmlinux.h $(BUILD)/bpf/trace.bpf.o \
            $(BUILD)/bpf/pidsweep.bpf.o $(BUILD)/bpf/sinkhole.bpf.o
$(BUILD)/obj/src/lib/trace/bpftrace.o: $(BUILD)/bpf/trace.skel.h
$(BUILD)/obj/src/lib/trace/bpftrace.o: CPPFLAGS += -I$(BUILD)/bpf
$(BUILD)/obj/src/lib/hidden/pidsweep.o: $(BUILD)/bpf/pidsweep.skel.h
$(BUILD)/obj/src/lib/hidden/pidsweep.o: CPPFLAGS += -I$(BUILD)/bpf
$(BUILD)/obj/src/lib/sandbox/sinkhole.o: $(BUILD)/bpf/sinkhole.skel.h
$(BUILD)/obj/src/lib/sandbox/sinkhole.o: CPPFLAGS += -I$(BUILD)/bpf

-include $(OBJ:.o=.d) $(MAIN_OBJ:.o=.d)
