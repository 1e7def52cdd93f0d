// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Syscalls the escape replays need that busybox has no applet for, built static so it runs
 * in any test container:
 *   escape-helper create-container SOCKET NAME IMAGE   Docker API create through a unix socket
 *   escape-helper ptrace PID                           PTRACE_SEIZE another process, then detach
 *   escape-helper dns NAME SERVER                      one DNS query for NAME, sent with send(2)
 *                                                      on a UDP socket connected to SERVER:53
 *   escape-helper dns-mmsg NAME SERVER                 the A and AAAA queries for NAME in one
 *                                                      sendmmsg(2) to SERVER:53, as glibc's resolver
 */
#define _GNU_SOURCE /* sendmmsg */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

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

/* A query for name of type qtype into q (300 bytes); returns its length. */
static size_t dns_question(unsigned char *q, const char *name, unsigned char qtype)
{
	static const unsigned char header[12] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
	size_t n = sizeof(header);
	const char *label = name;

	memcpy(q, header, sizeof(header));
	/* QNAME as length-prefixed labels, then QTYPE and QCLASS IN. */
	while (*label && n < 300 - 6) {
		const char *dot = strchr(label, '.');
		size_t len = dot ? (size_t)(dot - label) : strlen(label);

		q[n++] = (unsigned char)len;
		memcpy(&q[n], label, len);
		n += len;
		label += len + (dot ? 1 : 0);
	}
	q[n++] = 0;
	q[n++] = 0; q[n++] = qtype; q[n++] = 0; q[n++] = 1;
	return n;
}

static int dns_query_mmsg(const char *name, const char *server)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(53) };
	unsigned char a[300], aaaa[300];
	struct iovec iov[2] = { { a, dns_question(a, name, 1) }, { aaaa, dns_question(aaaa, name, 28) } };
	struct mmsghdr msgs[2];
	int fd, sent;

	if (inet_pton(AF_INET, server, &addr.sin_addr) != 1)
		return 2;
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < 2; i++) {
		msgs[i].msg_hdr.msg_name = &addr;
		msgs[i].msg_hdr.msg_namelen = sizeof(addr);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return 2;
	sent = sendmmsg(fd, msgs, 2, 0);
	if (sent < 0) {
		perror("sendmmsg");
		return 3;
	}
	printf("sent %d messages\n", sent);
	return 0;
}

static int dns_query(const char *name, const char *server)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(53) };
	unsigned char q[300];
	size_t n = dns_question(q, name, 1);
	int fd;

	if (inet_pton(AF_INET, server, &addr.sin_addr) != 1)
		return 2;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror("connect");
		return 2;
	}
	if (send(fd, q, n, 0) < 0) {
		perror("send");
		return 3;
	}
	printf("sent %zu bytes\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "create-container"))
		return create_container(argv[2], argv[3], argv[4]);
	if (argc == 3 && !strcmp(argv[1], "ptrace"))
		return trace(atoi(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "dns"))
		return dns_query(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "dns-mmsg"))
		return dns_query_mmsg(argv[2], argv[3]);
	fprintf(stderr, "usage: escape-helper create-container SOCKET NAME IMAGE | ptrace PID | dns|dns-mmsg NAME SERVER\n");
	return 64;
}
