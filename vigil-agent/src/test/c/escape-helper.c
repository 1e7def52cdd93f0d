// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Syscalls the escape replays need that busybox has no applet for, built static so it runs
 * in any test container:
 *   escape-helper create-container SOCKET NAME IMAGE   Docker API create through a unix socket
 *   escape-helper ptrace PID                           PTRACE_SEIZE another process, then detach
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/un.h>

static int create_container(const char *path, const char *name, const char *image)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char body[512], req[1024], resp[2048];
	int fd, n;

	strncpy(addr.sun_path, path, sizeof(addr.sun_path) - 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror("connect");
		return 2;
	}
	printf("connected\n");
	fflush(stdout);
	snprintf(body, sizeof(body), "{\"Image\":\"%s\",\"Cmd\":[\"true\"]}", image);
	snprintf(req, sizeof(req),
		 "POST /v1.40/containers/create?name=%s HTTP/1.0\r\nHost: d\r\nContent-Type: application/json\r\n"
		 "Content-Length: %zu\r\n\r\n%s", name, strlen(body), body);
	if (write(fd, req, strlen(req)) < 0)
		return 3;
	n = read(fd, resp, sizeof(resp) - 1);
	if (n > 0) {
		resp[n] = 0;
		printf("%s\n", resp);
	}
	return 0;
}

static int trace(pid_t pid)
{
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0) {
		perror("ptrace");
		return 2;
	}
	printf("attached %d\n", pid);
	fflush(stdout);
	ptrace(PTRACE_DETACH, pid, 0, 0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "create-container"))
		return create_container(argv[2], argv[3], argv[4]);
	if (argc == 3 && !strcmp(argv[1], "ptrace"))
		return trace(atoi(argv[2]));
	fprintf(stderr, "usage: escape-helper create-container SOCKET NAME IMAGE | ptrace PID\n");
	return 64;
}
