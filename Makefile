# Vigil's front door. Run as root on Debian 12 with a BTF kernel.
#   make build   install what is missing, compile BPF objects and Java (no tests)
#   make run     build, then run the agent in the foreground with the embedded configuration
#   make test    install what the tests need, then build and run every test
#   make bench   run the JMH benchmarks (not part of the test suite)

SHELL := /bin/bash
MVN_FLAGS ?= -B -ntp
JAVA_HOME = $(shell scripts/jdk.sh)
MVN = JAVA_HOME=$(JAVA_HOME) mvn $(MVN_FLAGS)

.PHONY: build run test bench clean setup setup-test

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --test

build: setup
	$(MVN) -q -DskipTests install

run: build
	bin/vigil agent $(ARGS)

test: setup-test
	$(MVN) install

bench: build
	$(MVN) -q -Pbench -DskipTests -pl bench/jmh -am package
	bench/jmh/run.sh $(ARGS)

clean:
	$(MVN) -q clean
	$(MAKE) -C bpf clean OUT=$(CURDIR)/vigil-kernel/target/bpf
