# eldercare - Unix filters for the care of rural left-behind elderly.
#
#   make                 build bin/elder-classify ... into bin/
#   make check           unit tests (cmocka) and command-line tests
#   make DEVELOPER=1     strict warnings, as errors
#   make LTO=1           link-time optimisation (GCC)
#   make SANITIZE=address,undefined check
#   make install PREFIX=/usr/local DESTDIR=
#   make bench           the benchmark (never part of check)
#   make mangle MANGLE_SEEDS=N   every tool on N spoilt examples
#   make fuzz FUZZ_SECONDS=60   the libFuzzer harnesses, each that long
#   make fuzz-build      just build them (both need clang, never check)

VERSION   = 0.1.0
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANPREFIX?= $(PREFIX)/share/man
DATADIR  ?= $(PREFIX)/share/eldercare

CC       ?= cc
CFLAGS   ?= -O3 -g
WARN      = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-unused-parameter -Wformat=2 -Wvla
ifdef DEVELOPER
WARN     += -Werror -Wconversion -Wno-sign-conversion
endif
ifdef SANITIZE
CFLAGS   += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=$(SANITIZE)
endif
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -DEC_VERSION='"$(VERSION)"' -iquote lib
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS)
# Link-time optimisation (GCC), not the default: the library and a tool
# are optimised as one program, so that the small functions of lib/ can
# be inlined into the tools' loops; the build takes longer.  GCC's
# profile-guided optimisation is not offered: it did not pay (README,
# Speed).
ifdef LTO
ALL_CFLAGS += -flto=auto
AR        = gcc-ar
endif
LDLIBS   += -lcsv -lyaml -lutf8proc -lpthread

B        ?= build
LIB_SRC   = $(wildcard lib/*.c)
LIB_OBJ   = $(LIB_SRC:lib/%.c=$(B)/lib/%.o) $(B)/lib/policy_default.o
LIB       = $(B)/libeldercare.a
TOOLS     = $(patsubst cmd/%.c,%,$(filter-out cmd/common.c,$(wildcard cmd/*.c)))
BINS      = $(TOOLS:%=bin/%)
UNIT_SRC  = $(wildcard tests/unit/test_*.c)
UNIT_BIN  = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
MAN1      = $(wildcard man/*.1)
MAN5      = $(wildcard man/*.5)
MAN7      = $(wildcard man/*.7)

all: $(BINS)

$(B)/lib/%.o: lib/%.c $(wildcard lib/*.h) | $(B)/lib
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# The default policy is examples/policy.yaml itself, compiled in.
$(B)/lib/policy_default.c: examples/policy.yaml lib/embed.sh | $(B)/lib
	sh lib/embed.sh ec_policy_default_text < examples/policy.yaml > $@.tmp && mv $@.tmp $@

$(B)/lib/policy_default.o: $(B)/lib/policy_default.c
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(B)/cmd/common.o: cmd/common.c cmd/common.h $(wildcard lib/*.h) | $(B)/cmd
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(B)/cmd/%.o: cmd/%.c cmd/common.h $(wildcard lib/*.h) | $(B)/cmd
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

bin/%: $(B)/cmd/%.o $(B)/cmd/common.o $(LIB) | bin
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/cmd/common.o $(LIB) $(LDLIBS)

# A module's internals are static; a unit test that needs them includes
# the module's .c at its top (tests/unit/test_idset.c: lib/idset.c) and
# still links with the whole archive: every global of that member is
# then already defined, so the linker never pulls the member in.
$(B)/tests/%: tests/unit/%.c tests/unit/fixture.h $(LIB) | $(B)/tests
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS) -lcmocka

$(B)/lib $(B)/cmd $(B)/tests bin:
	mkdir -p $@

# Fuzzing, never part of check: tests/fuzz/fuzz_*.c with libFuzzer.  The
# library is built again by clang, instrumented, into $(FB) beside the
# harnesses, never mixed with the objects above.  tests/fuzz/run.sh runs
# each harness on a copy of its seed corpus tests/fuzz/corpus/TARGET/.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN      = address,undefined
# EC_CSV_SMALL: the reader's limits made small enough for the fuzzers'
# inputs of a few KB to reach them (lib/csv.h).
FUZZ_CFLAGS   = -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all \
                -DEC_CSV_SMALL
FB            = $(B)/fuzz
FUZZ_SRC      = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN      = $(FUZZ_SRC:tests/fuzz/%.c=$(FB)/%)
FUZZ_LIB_OBJ  = $(LIB_SRC:lib/%.c=$(FB)/lib/%.o) $(FB)/lib/policy_default.o
FUZZ_LIB      = $(FB)/libeldercare.a

$(FB)/lib/%.o: lib/%.c $(wildcard lib/*.h) | $(FB)/lib
	$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(WARN) $(FUZZ_CFLAGS) \
	    -fsanitize=fuzzer-no-link,$(FUZZ_SAN) -c -o $@ $<

$(FB)/lib/policy_default.c: examples/policy.yaml lib/embed.sh | $(FB)/lib
	sh lib/embed.sh ec_policy_default_text < examples/policy.yaml > $@.tmp && mv $@.tmp $@

$(FB)/lib/policy_default.o: $(FB)/lib/policy_default.c
	$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(FUZZ_CFLAGS) \
	    -fsanitize=fuzzer-no-link,$(FUZZ_SAN) -c -o $@ $<

$(FB)/cmd/common.o: cmd/common.c cmd/common.h $(wildcard lib/*.h) | $(FB)/cmd
	$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(WARN) $(FUZZ_CFLAGS) \
	    -fsanitize=fuzzer-no-link,$(FUZZ_SAN) -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(FUZZ_LIB_OBJ)

$(FB)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FB)/cmd/common.o $(FUZZ_LIB)
	$(FUZZ_CC) $(CPPFLAGS) -iquote cmd -std=c11 $(WARN) $(FUZZ_CFLAGS) \
	    -fsanitize=fuzzer,$(FUZZ_SAN) -o $@ $< $(FB)/cmd/common.o \
	    $(FUZZ_LIB) $(LDLIBS)

$(FB)/lib $(FB)/cmd:
	mkdir -p $@

fuzz-build: $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)
	sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

unit: $(UNIT_BIN)
	sh tests/run-unit.sh $(UNIT_BIN)

cli: $(BINS)
	sh tests/cli/run.sh

# The README's two commands: each installs missing Debian packages first.
demo:
	sh examples/demo.sh

test:
	sh tests/check.sh

deps:
	@sh tests/deps.sh

# A benchmark, never part of check: see tests/bench/run.sh.
bench: all
	sh tests/bench/run.sh

check: all $(UNIT_BIN)
	sh tests/run-unit.sh $(UNIT_BIN)
	sh tests/cli/run.sh
	sh tests/cli/man-examples.sh
	sh tests/mangle/run.sh 200

# Every tool on the examples spoilt MANGLE_SEEDS ways (tests/mangle/).
MANGLE_SEEDS ?= 5000
mangle: all
	sh tests/mangle/run.sh $(MANGLE_SEEDS)

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANPREFIX)/man1 \
	    $(DESTDIR)$(MANPREFIX)/man5 $(DESTDIR)$(MANPREFIX)/man7 $(DESTDIR)$(DATADIR)
	cp -f $(BINS) $(DESTDIR)$(BINDIR)/
	cp -f $(MAN1) $(DESTDIR)$(MANPREFIX)/man1/
	cp -f $(MAN5) $(DESTDIR)$(MANPREFIX)/man5/
	cp -f $(MAN7) $(DESTDIR)$(MANPREFIX)/man7/
	cp -f examples/policy.yaml $(DESTDIR)$(DATADIR)/policy.yaml

uninstall:
	rm -f $(TOOLS:%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(MAN1:man/%=$(DESTDIR)$(MANPREFIX)/man1/%)
	rm -f $(MAN5:man/%=$(DESTDIR)$(MANPREFIX)/man5/%)
	rm -f $(MAN7:man/%=$(DESTDIR)$(MANPREFIX)/man7/%)
	rm -f $(DESTDIR)$(DATADIR)/policy.yaml
	-rmdir $(DESTDIR)$(DATADIR)

clean:
	rm -rf $(B) bin

.PHONY: all check unit cli demo test deps bench mangle install uninstall clean \
	fuzz fuzz-build
.DELETE_ON_ERROR:
