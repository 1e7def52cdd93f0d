#!/usr/bin/env python3
"""Traffic probe for the network tests; run inside a namespace (ip netns exec / nsenter).

  probe.py tcp HOST PORT TIMEOUT          -> prints ok | refused | timeout | eperm | error:<errno>
  probe.py udp-send HOST PORT COUNT [PAUSE] -> sends COUNT datagrams from one socket (PAUSE s apart); prints sent N | eperm
  probe.py udp-spray HOST PORT COUNT      -> one datagram from each of COUNT sockets (distinct source ports)
  probe.py tcp-serve HOST PORT SECONDS    -> accepts and closes connections; prints the count at the end
  probe.py udp-count HOST PORT SECONDS    -> counts datagrams received; prints the count at the end
"""
import errno
import socket
import sys
import time


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def tcp(host, port, timeout):
    s = socket.socket(family(host), socket.SOCK_STREAM)
    s.settimeout(float(timeout))
    try:
        s.connect((host, int(port)))
        return "ok"
    except socket.timeout:
        return "timeout"
    except OSError as e:
        if e.errno == errno.EPERM:
            return "eperm"
        if e.errno == errno.ECONNREFUSED:
            return "refused"
        if e.errno in (errno.ETIMEDOUT, errno.EHOSTUNREACH):
            return "timeout"
        return "error:%d" % e.errno
    finally:
        s.close()


def udp_send(host, port, count, pause="0"):
    s = socket.socket(family(host), socket.SOCK_DGRAM)
    n, pause = 0, float(pause)
    try:
        for i in range(int(count)):
            s.sendto(b"vigil-%d" % i, (host, int(port)))
            n += 1
            if pause:
                time.sleep(pause)
    except OSError as e:
        if e.errno == errno.EPERM:
            return "eperm after %d" % n
        return "error:%d after %d" % (e.errno, n)
    return "sent %d" % n


def udp_spray(host, port, count):
    n = 0
    for i in range(int(count)):
        s = socket.socket(family(host), socket.SOCK_DGRAM)
        try:
            s.sendto(b"x", (host, int(port)))
            n += 1
        except OSError:
            pass
        finally:
            s.close()
    return "sent %d" % n


def tcp_serve(host, port, seconds):
    s = socket.socket(family(host), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, int(port)))
    s.listen(64)
    s.settimeout(0.2)
    print("listening", flush=True)
    n, end = 0, time.time() + float(seconds)
    while time.time() < end:
        try:
            c, _ = s.accept()
            c.close()
            n += 1
        except socket.timeout:
            pass
    return str(n)


def udp_count(host, port, seconds):
    s = socket.socket(family(host), socket.SOCK_DGRAM)
    s.bind((host, int(port)))
    s.settimeout(0.2)
    print("listening", flush=True)
    n, end = 0, time.time() + float(seconds)
    while time.time() < end:
        try:
            s.recv(2048)
            n += 1
        except socket.timeout:
            pass
    return str(n)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    fn = {"tcp": tcp, "udp-send": udp_send, "udp-spray": udp_spray, "tcp-serve": tcp_serve, "udp-count": udp_count}[cmd]
    print(fn(*args), flush=True)
