#!/usr/bin/env python3
"""The system test's host half: speaks to the shell on the guest's ttyS1 (a Unix socket QEMU
serves) and runs the guest half there. Usage: drive.py SOCKET PHASE TIMEOUT. Prints what the guest
printed; exits 0 when the guest ended with `TEST END 0`, 1 otherwise."""
import socket
import sys
import time

path, phase, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
start = time.monotonic()


def connect():
    while time.monotonic() - start < 30:
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
sys.exit(0 if "TEST END 0" in text else 1)
