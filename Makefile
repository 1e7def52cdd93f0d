# Vigil's front door. Run as root on Debian 12 with a BTF kernel.
#   make build   install what is missing, compile BPF objects and Java (no tests)
#   make run     build, then run the agent in the foreground with the embedded configuration
#   make test    install what the tests need, then build and run every test (host kernel, then
#                the agent on Debian's 6.1 kernel under qemu: make vm-test alone)
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
	$(MAKE) vm-check

bench: build
	$(MVN) -q -Pbench -DskipTests -pl bench/jmh -am package
	bench/jmh/run.sh $(ARGS)

clean:
	$(MVN) -q clean
	$(MAKE) -C bpf clean OUT=$(CURDIR)/vigil-kernel/target/bpf

# make vm-test: the real agent on a second kernel (Debian's 6.1 cloud kernel under qemu, software
# emulation, with BPF LSM, fentry and kprobes usable): scripts/vm/build-initramfs.sh, then the
# JUnit class KernelMatrixVmTest, which boots scripts/vm/run.sh smoke and checks the agent's
# feature lines, its exec events, LSM blocking, a module load's rule alert and its clean stop. Downloads are cached in /var/cache/vigil-vm.
# make test runs it too (vm-check: the same without rebuilding), after the host's suite.
.PHONY: vm-test vm-check
vm-test: build vm-check

vm-check:
	scripts/vm/build-initramfs.sh target/vm
	VIGIL_VM_TEST=1 $(MVN) -pl vigil-agent test -Dtest=KernelMatrixVmTest -Dsurefire.failIfNoSpecifiedTests=false
