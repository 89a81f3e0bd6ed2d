#!/usr/bin/env python3
"""The system test's host half: speaks to the shell on the guest's ttyS1 (a Unix socket QEMU
serves) and runs the guest half there; after the first phase, logs in on the technician console on
ttyS0 (the second socket) and asks it for `status`. Usage: drive.py SOCKET PHASE TIMEOUT
[CONSOLE_SOCKET]. Prints the guest's TEST lines; exits 0 when the guest ended with `TEST END 0` and
the console answered, 1 otherwise."""
import socket
import sys
import time

path, phase, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
console_path = sys.argv[4] if len(sys.argv) > 4 else None
start = time.monotonic()


def connect(where=None):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(where or path)
            return s
        except OSError:
            time.sleep(0.1)
    sys.exit("no QEMU serial socket at " + (where or path))


s = connect()
s.settimeout(1.0)
seen = b""


def read_until(marker, limit, stream=False):
    """Reads until `marker` appears in the output; returns the output up to and with it. With
    `stream`, the guest's TEST lines are printed as they arrive."""
    global seen
    deadline = time.monotonic() + limit
    printed = 0
    while marker not in seen:
        if stream:
            lines = seen.split(b"\n")
            for line in lines[printed:-1]:
                if line.startswith(b"TEST "):
                    print("%6.1f %s" % (time.monotonic() - start, line.decode(errors="replace").rstrip()), flush=True)
            printed = max(printed, len(lines) - 1)
        if time.monotonic() > deadline:
            return None
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            continue
        if not chunk:
            return None
        seen += chunk
    out, _, seen = seen.partition(marker)
    if stream:
        for line in out.split(b"\n")[printed:]:
            if line.startswith(b"TEST "):
                print("%6.1f %s" % (time.monotonic() - start, line.decode(errors="replace").rstrip()), flush=True)
    return out + marker


def run(command, limit, stream=False):
    # The echo of the command line holds __KASSA"_"DONE__, the output __KASSA_DONE__: only the
    # output matches.
    s.sendall(command.encode() + b'; echo "__KASSA""_DONE__"\n')
    return read_until(b"__KASSA_DONE__", limit, stream)


# Wait for the shell's prompt without typing anything: the firmware and the boot loader read this
# serial port too, and a key pressed there would stop at systemd-boot's menu.
if read_until(b"root@kassa", timeout) is None:
    sys.exit("no shell on the guest's ttyS1 within %d s" % timeout)
shell_at = time.monotonic() - start
print("TEST INFO: shell on ttyS1 %.1f s after the test connected" % shell_at, flush=True)
run("stty -echo; mkdir -p /run/kassa-test-disk && mount -o ro /dev/vdb /run/kassa-test-disk", 30)
out = run("bash /run/kassa-test-disk/guest.sh " + phase + " 2>&1", timeout, stream=True)
if out is None:
    print(seen.decode(errors="replace"))
    sys.exit("the guest half did not finish within %d s" % timeout)
text = out.decode(errors="replace")
ok = "TEST END 0" in text


def console_check():
    """The technician console on the serial line: log in with the technician's PIN, ask status."""
    global s, seen
    s, seen = connect(console_path), b""
    s.settimeout(1.0)
    s.sendall(b"\r")
    if read_until(b"PIN", 60) is None:
        return "no PIN prompt: " + seen.decode(errors="replace")[-300:]
    s.sendall(b"333333\r")
    if read_until(b"kassa> ", 30) is None:
        return "no prompt after the PIN: " + seen.decode(errors="replace")[-300:]
    s.sendall(b"status\r")
    answer = read_until(b"kassa> ", 30)
    if answer is None or b"till-1" not in answer:
        return "status did not name the register: " + (answer or seen).decode(errors="replace")[-300:]
    print("TEST INFO: console status: " + " | ".join(l.strip() for l in answer.decode(errors="replace").splitlines() if l.strip())[:400])
    return None


if console_path and phase == "first":
    problem = console_check()
    if problem:
        ok = False
        print("TEST FAIL: the console answers status on the serial line: " + problem.replace("\r", " ").replace("\n", " | "), flush=True)
    else:
        print("TEST PASS: the console answers status on the serial line", flush=True)
sys.exit(0 if ok else 1)
