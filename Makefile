# kith - a notmuch plugin that knows who you have actually corresponded with
#
#   make            build libkith and notmuch-kith into $(BUILD)/
#   make check      install missing build dependencies (apt-get), build, run all tests
#   make demo       the same setup, then run kith on a generated sample mailbox
#   make asan       build and test with AddressSanitizer + UBSan (in build-asan/)
#   make valgrind   run the unit tests and the command tests under valgrind
#   make bench      kith against notmuch address, notmuch new and notmuch-addrlookup
#                   on generated 10k/100k mailboxes (BIG=1: also 1M); cached in bench-cache/
#   make eval       kith against the reference read off real mailboxes in ../shared/corpora/real
#                   (not part of check; GENERATED=1: also a generated 10k mailbox)
#   make fuzz       libFuzzer targets of every parser of untrusted input,
#                   FUZZ_SECONDS (60) each, from tests/fuzz/corpus (needs clang);
#                   FUZZ_RUNS=N: N executions each instead (no time limit);
#                   FUZZ_WORKERS=2: two processes per target; FUZZ_SANITIZE=undefined:
#                   UBSan without ASan (faster, in build-fuzz-ubsan/)
#   make install    PREFIX=/usr/local DESTDIR= ; make uninstall
#   make format / format-check   clang-format (changed lines: git clang-format)
#   DEVELOPER=1     turn warnings into errors

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
LISPDIR ?= $(DATADIR)/emacs/site-lisp
CONTRIB_FILES = emacs/notmuch-kith.el emacs/notmuch-kith-address neomutt/kith.neomuttrc \
		alot/config aerc/aerc.conf aerc/binds.conf afew/README.md afew/post-new
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
DESTDIR ?=

BUILD ?= build
CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS = glib-2.0 gmime-3.0 sqlite3
NOTMUCH_LIBS ?= -lnotmuch

VERSION = 0.1.0
SOVERSION = 0

CFLAGS ?= -O2 -g
WARNINGS = -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter \
	   -Wno-missing-field-initializers
ifeq ($(DEVELOPER),1)
WARNINGS += -Werror
endif
ifeq ($(SANITIZE),1)
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = -std=gnu11 $(WARNINGS) $(CFLAGS) $(SANFLAGS) -fPIC -fvisibility=hidden \
	     -Iinclude -Iplugin -I$(BUILD) $(PKG_CFLAGS) -MMD -MP \
	     -DKITH_SYSCONF_RULES='"$(SYSCONFDIR)/kith/rules.conf"'
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)
LIBS = $(PKG_LIBS) $(NOTMUCH_LIBS) -lm

LIB_SRCS = status config mime store aggr score names org index kith hook rules
CLI_SRCS = cli sprinter install vcard main
LIB_OBJS = $(LIB_SRCS:%=$(BUILD)/%.o)
CLI_OBJS = $(CLI_SRCS:%=$(BUILD)/%.o)
UNIT_TESTS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test-*.c))

MAN1 = $(wildcard plugin/man/man1/*.1)

all: $(BUILD)/notmuch-kith $(BUILD)/libkith.so.$(VERSION) $(BUILD)/libkith.a $(BUILD)/kith.pc $(UNIT_TESTS)

$(BUILD)/%.o: plugin/%.c | $(BUILD)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD):
	mkdir -p $(BUILD)/tests

# The built-in request rules: plugin/rules.conf as a C string.
$(BUILD)/kith-rules-default.h: plugin/rules.conf | $(BUILD)
	{ printf 'static const char kith_rules_default[] =\n'; \
	  sed 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$$/\\n"/' $<; printf ';\n'; } > $@.tmp
	mv $@.tmp $@

$(BUILD)/rules.o: $(BUILD)/kith-rules-default.h

$(BUILD)/libkith.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

# plugin/kith.sym lists what the library exports: the functions of kith.h.
$(BUILD)/libkith.so.$(VERSION): $(LIB_OBJS) plugin/kith.sym
	$(CC) -shared -Wl,-soname,libkith.so.$(SOVERSION) -Wl,--version-script=plugin/kith.sym \
	    $(ALL_LDFLAGS) -o $@ $(LIB_OBJS) $(LIBS)

# The pkg-config file, for the paths of this build (rebuilt when they change).
$(BUILD)/kith.pc: plugin/kith.pc.in Makefile FORCE | $(BUILD)
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|' \
	    -e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|' \
	    -e 's|@VERSION@|$(VERSION)|; s|@NOTMUCH_LIBS@|$(NOTMUCH_LIBS)|' $< >$@.tmp
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

$(BUILD)/notmuch-kith: $(CLI_OBJS) $(BUILD)/libkith.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJS) $(BUILD)/libkith.a $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libkith.a | $(BUILD)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libkith.a $(ALL_LDFLAGS) $(LIBS)

# vcard.c belongs to the command, not the library.
$(BUILD)/tests/test-vcard: tests/unit/test-vcard.c $(BUILD)/vcard.o $(BUILD)/libkith.a | $(BUILD)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/vcard.o $(BUILD)/libkith.a $(ALL_LDFLAGS) $(LIBS)

-include $(wildcard $(BUILD)/*.d $(BUILD)/tests/*.d)

# Build dependencies, installed with apt-get when missing (Debian/Ubuntu).
deps:
	@tests/install-deps.sh

check: deps
	$(MAKE) all
	BUILD=$(BUILD) tests/run-tests.sh

asan:
	$(MAKE) deps
	$(MAKE) BUILD=build-asan SANITIZE=1 all
	BUILD=build-asan tests/run-tests.sh

valgrind:
	@KITH_EXTRA_PACKAGES=valgrind tests/install-deps.sh
	$(MAKE) all
	BUILD=$(BUILD) KITH_VALGRIND=1 tests/run-tests.sh

demo: deps
	$(MAKE) all
	BUILD=$(BUILD) tests/demo.sh

BIG ?=
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?=
FUZZ_WORKERS ?= 1
FUZZ_SANITIZE ?= address,undefined

fuzz:
	@KITH_EXTRA_PACKAGES="clang libclang-rt-14-dev" tests/install-deps.sh
	FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_WORKERS=$(FUZZ_WORKERS) FUZZ_SANITIZE=$(FUZZ_SANITIZE) \
		tests/fuzz/run-fuzz.sh $(if $(FUZZ_RUNS),0,$(FUZZ_SECONDS))

bench: $(BUILD)/notmuch-kith
	BUILD=$(BUILD) BIG=$(BIG) tests/bench.sh

# The yardstick on real mail: not part of check; needs ../shared/corpora/real
# (or KITH_EVAL_CORPORA=DIR) and says so when it is absent.
GENERATED ?=

eval: $(BUILD)/notmuch-kith
	BUILD=$(BUILD) tests/eval.sh $(if $(filter 1,$(GENERATED)),--generated)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(DATADIR)/kith
	install -m 755 $(BUILD)/notmuch-kith $(DESTDIR)$(BINDIR)/notmuch-kith
	install -m 644 $(BUILD)/libkith.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libkith.so.$(VERSION)
	ln -sf libkith.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libkith.so.$(SOVERSION)
	ln -sf libkith.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libkith.so
	install -m 644 $(BUILD)/libkith.a $(DESTDIR)$(LIBDIR)/libkith.a
	install -m 644 include/kith.h $(DESTDIR)$(INCLUDEDIR)/kith.h
	install -m 644 $(BUILD)/kith.pc $(DESTDIR)$(PKGCONFIGDIR)/kith.pc
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 plugin/completion/notmuch-kith plugin/completion/notmuch.bash $(DESTDIR)$(BASHCOMPDIR)/
	install -m 644 plugin/rules.conf $(DESTDIR)$(DATADIR)/kith/rules.conf.example
	# mail client integrations: contrib/ as a whole, the Emacs
	# library on the load path, its completion helper on PATH
	for f in $(CONTRIB_FILES); do \
	    install -d $(DESTDIR)$(DATADIR)/kith/contrib/$$(dirname $$f) && \
	    install -m $$(if [ -x contrib/$$f ]; then echo 755; else echo 644; fi) \
		contrib/$$f $(DESTDIR)$(DATADIR)/kith/contrib/$$f || exit 1; \
	done
	install -d $(DESTDIR)$(LISPDIR)
	install -m 644 contrib/emacs/notmuch-kith.el $(DESTDIR)$(LISPDIR)/notmuch-kith.el
	install -m 755 contrib/emacs/notmuch-kith-address $(DESTDIR)$(BINDIR)/notmuch-kith-address

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/notmuch-kith $(DESTDIR)$(INCLUDEDIR)/kith.h \
	      $(DESTDIR)$(LIBDIR)/libkith.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libkith.so.$(SOVERSION) \
	      $(DESTDIR)$(LIBDIR)/libkith.so $(DESTDIR)$(LIBDIR)/libkith.a \
	      $(DESTDIR)$(PKGCONFIGDIR)/kith.pc $(DESTDIR)$(DATADIR)/kith/rules.conf.example \
	      $(patsubst plugin/man/man1/%,$(DESTDIR)$(MANDIR)/man1/%,$(MAN1)) \
	      $(DESTDIR)$(BASHCOMPDIR)/notmuch-kith $(DESTDIR)$(BASHCOMPDIR)/notmuch.bash \
	      $(DESTDIR)$(LISPDIR)/notmuch-kith.el $(DESTDIR)$(BINDIR)/notmuch-kith-address
	rm -rf $(DESTDIR)$(DATADIR)/kith/contrib
	rmdir $(DESTDIR)$(DATADIR)/kith 2>/dev/null || true

# clang-format on the lines changed since FORMAT_BASE (.clang-format:
# checked on changed lines only; older code keeps its hand layout):
# `make format-check` before a commit, FORMAT_BASE=main for a branch.
FORMAT_BASE ?= HEAD
FORMAT_PATHS = plugin include tests/unit tests/fuzz

format:
	git clang-format --extensions c,h $(FORMAT_BASE) -- $(FORMAT_PATHS)

format-check:
	@out=$$(git clang-format --diff --extensions c,h $(FORMAT_BASE) -- $(FORMAT_PATHS)) || exit 1; \
	case "$$out" in \
	"" | "no modified files to format" | "clang-format did not modify any files") \
		echo "format-check: the lines changed since $(FORMAT_BASE) are clang-formatted" ;; \
	*) printf '%s\n' "$$out"; echo "format-check: run make format FORMAT_BASE=$(FORMAT_BASE)"; exit 1 ;; \
	esac

clean:
	rm -rf build build-asan build-fuzz

FORCE:

.PHONY: all deps check asan valgrind demo bench eval fuzz install uninstall format format-check clean FORCE
