#!/usr/bin/env python3
"""The boot test's technician: on the guest's first serial port (a Unix socket QEMU serves) it
waits for the Kassa console, answers the first-boot questions, runs `status` and logs out.
Usage: console.py SOCKET TIMEOUT LOG. Prints the times it saw; exits 0 when status answered."""
import socket
import sys
import time

path, timeout, log_path = sys.argv[1], float(sys.argv[2]), sys.argv[3]
start = time.monotonic()
log = open(log_path, "wb")


def elapsed():
    return time.monotonic() - start


def connect():
    while elapsed() < 30:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s
        except OSError:
            time.sleep(0.1)
    sys.exit("no QEMU serial socket at " + path)


s = connect()
s.settimeout(1.0)
seen = b""


def expect(marker, limit=None):
    """Reads until `marker`; returns what came before it and the marker."""
    global seen
    deadline = start + timeout if limit is None else time.monotonic() + limit
    while marker not in seen:
        if time.monotonic() > deadline:
            sys.exit("TEST FAIL: no %r within the time; the console said: %r" % (marker, seen[-600:]))
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            continue
        if not chunk:
            sys.exit("TEST FAIL: the serial port closed")
        log.write(chunk)
        log.flush()
        seen += chunk
    before, _, seen = seen.partition(marker)
    return before + marker


def send(text):
    s.sendall(text.encode() + b"\r")


expect(b"Kassa technician console")
print("TEST INFO: %.1f s from QEMU's start to the technician console on the serial port" % elapsed(), flush=True)
# The console asks only once kassad answers on its socket: a first-boot box asks for its identity.
expect(b"Store name: ")
print("TEST INFO: %.1f s to kassad serving (the console's first-boot question)" % elapsed(), flush=True)
# Each answer, then the question it leads to.
for answer, following in [("Boot Test Kiosk", b"Register id"), ("boot-1", b"Time zone"), ("Europe/Helsinki", b"Technician id"),
                          ("tech", b"Technician name"), ("Boot Test", b"New PIN"), ("258036", b"Same PIN again"),
                          ("258036", b"Set-up done")]:
    send(answer)
    expect(following, 60)
send("status")
expect(b"status", 30)          # the echo of the command line
answer = expect(b"kassa> ", 60)
text = answer.decode(errors="replace")
for line in text.splitlines():
    if line.strip():
        print("TEST STATUS " + line.rstrip(), flush=True)
if "boot-1" not in text or "read-write" not in text:
    sys.exit("TEST FAIL: status does not show the register read-write")
send("logout")
expect(b"Logged out", 30)
print("TEST PASS: kassad up and the console answered status after %.1f s" % elapsed(), flush=True)
