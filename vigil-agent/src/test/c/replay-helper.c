// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Syscalls the busybox test image has no tool for, for RuleReplayTest (issue #6). Built static by
 * the test and mounted read-only into its containers.
 *
 *   replay-helper bpf-prog     bpf(BPF_PROG_LOAD) of a two-instruction socket filter (return 0)
 *   replay-helper bpf-map      bpf(BPF_MAP_CREATE) of a one-entry array (the benign neighbour)
 *   replay-helper connect PATH connect(2) to the unix socket PATH, then close it
 *
 * Exit status 0 when the call succeeded, 1 when it failed (the replays look at the records, which
 * the sensor takes at the call's entry for bpf and at its exit for a successful connect).
 */
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static int bpf_call(int cmd, union bpf_attr *attr)
{
	return (int)syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

int main(int argc, char **argv)
{
	union bpf_attr attr;

	if (argc >= 2 && strcmp(argv[1], "bpf-prog") == 0) {
		struct bpf_insn insns[2] = {
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
			{ .code = BPF_JMP | BPF_EXIT },
		};
		memset(&attr, 0, sizeof(attr));
		attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
		attr.insns = (unsigned long)insns;
		attr.insn_cnt = 2;
		attr.license = (unsigned long)"GPL";
		int fd = bpf_call(BPF_PROG_LOAD, &attr);
		if (fd < 0) return 1;
		close(fd);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "bpf-map") == 0) {
		memset(&attr, 0, sizeof(attr));
		attr.map_type = BPF_MAP_TYPE_ARRAY;
		attr.key_size = 4;
		attr.value_size = 4;
		attr.max_entries = 1;
		int fd = bpf_call(BPF_MAP_CREATE, &attr);
		if (fd < 0) return 1;
		close(fd);
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "connect") == 0) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		strncpy(sun.sun_path, argv[2], sizeof(sun.sun_path) - 1);
		int s = socket(AF_UNIX, SOCK_STREAM, 0);
		if (s < 0) return 1;
		int rc = connect(s, (struct sockaddr *)&sun, sizeof(sun));
		close(s);
		return rc == 0 ? 0 : 1;
	}
	fprintf(stderr, "usage: %s bpf-prog | bpf-map | connect PATH\n", argv[0]);
	return 2;
}
