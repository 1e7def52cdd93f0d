// Syscall-heavy loops for overhead measurements: prints CPU ns per iteration (user+sys of this
// process and its children, getrusage) and wall ns per iteration, so runs with and without the
// agent compare the work the application had to pay for.
//   loops exec N     fork + execve(/bin/true) + waitpid
//   loops open N     openat + read 1 byte + close of a small file
//   loops write N    write 1 byte to an open /dev/null (the DNS hook sits on write)
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long cpu_ns(int who)
{
	struct rusage ru;
	getrusage(who, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s exec|open|write N\n", argv[0]);
		return 2;
	}
	long n = atol(argv[2]);
	char path[] = "/tmp/vigil-loops-XXXXXX";
	int tmp = mkstemp(path);
	if (tmp < 0 || write(tmp, "x", 1) != 1)
		return 1;
	close(tmp);
	int null = open("/dev/null", O_WRONLY);
	if (null < 0)
		return 1;
	long long t0 = now_ns(), c0 = cpu_ns(RUSAGE_SELF) + cpu_ns(RUSAGE_CHILDREN);
	for (long i = 0; i < n; i++) {
		if (strcmp(argv[1], "exec") == 0) {
			pid_t pid = fork();
			if (pid == 0) {
				execl("/bin/true", "true", (char *)NULL);
				_exit(127);
			}
			waitpid(pid, NULL, 0);
		} else if (strcmp(argv[1], "write") == 0) {
			if (write(null, "x", 1) != 1)
				return 1;
		} else {
			char b;
			int fd = open(path, O_RDONLY);
			if (fd < 0 || read(fd, &b, 1) != 1)
				return 1;
			close(fd);
		}
	}
	long long t1 = now_ns(), c1 = cpu_ns(RUSAGE_SELF) + cpu_ns(RUSAGE_CHILDREN);
	unlink(path);
	printf("%.1f %.1f\n", (double)(c1 - c0) / n, (double)(t1 - t0) / n);
	return 0;
}
