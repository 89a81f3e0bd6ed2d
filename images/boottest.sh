#!/usr/bin/env bash
# Boots an image that images/build.sh made, under QEMU with TCG, and speaks to the technician
# console on the machine's first serial port, as a technician's laptop would: kassad must come up
# and the console answer the first-boot questions and `status`. This is the arm64 image's test
# (QEMU's virt machine, Cortex-A72); the x86-64 image has the fuller images/systemtest.sh too.
#
#   images/boottest.sh ARCH [OUT]        OUT: what images/build.sh made (.build-image/ARCH)
#
# The disk image is copied first, so the built image stays as it was. Needs qemu-system-x86 or
# qemu-system-arm, and python3.
set -euo pipefail
arch=${1:?usage: images/boottest.sh amd64|arm64 [OUT]}
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$(cd "${2:-$repo/.build-image/$arch}" && pwd)
case $arch in
    amd64) qemu=(qemu-system-x86_64 -accel tcg) ;;
    arm64) qemu=(qemu-system-aarch64 -machine virt -cpu cortex-a72 -accel tcg) ;;
    *) echo "usage: images/boottest.sh amd64|arm64 [OUT]" >&2; exit 2 ;;
esac
work=$out/boottest
rm -rf "$work"
mkdir -p "$work"
cp --sparse=always "$out/kassa-$arch.img" "$work/disk.img"
"${qemu[@]}" -m 1024 -smp 2 -display none -monitor none -no-reboot \
    -kernel "$out/vmlinuz" -initrd "$out/initrd.img" -append "$(cat "$out/cmdline")" \
    -drive file="$work/disk.img",format=raw,if=none,id=disk -device virtio-blk-pci,drive=disk \
    -serial unix:"$work/console.sock",server=on,wait=off >"$work/qemu.log" 2>&1 &
qemu_pid=$!
trap 'kill -KILL $qemu_pid 2>/dev/null || true' EXIT
status=0
timeout -s KILL 900 python3 "$repo/images/boottest/console.py" "$work/console.sock" 800 "$work/console.log" || status=$?
[ $status -eq 0 ] || { echo "boot test failed; the serial console said:"; tail -n 40 "$work/console.log"; }
kill -KILL $qemu_pid 2>/dev/null || true
wait $qemu_pid 2>/dev/null || true

# A root file system that is not there: the initramfs says so and restarts the machine (QEMU's
# -no-reboot turns the restart into QEMU exiting); it never offers a shell on the console.
noroot=$work/noroot.log
start=$SECONDS
timeout -s KILL 600 "${qemu[@]}" -m 1024 -smp 2 -display none -monitor none -no-reboot \
    -kernel "$out/vmlinuz" -initrd "$out/initrd.img" -append "$(cat "$out/cmdline") root=LABEL=no-such-root" \
    -drive file="$work/disk.img",format=raw,if=none,id=disk -device virtio-blk-pci,drive=disk \
    -serial file:"$noroot" >"$work/qemu-noroot.log" 2>&1 && restarted=yes || restarted=no
if [ $restarted = yes ] && grep -q "cannot mount the root" "$noroot" && grep -q "restarting in 10 s" "$noroot" &&
    ! grep -qE '^(/ )?# ?$|can.t access tty' "$noroot"; then
    echo "boot test: without its root the machine restarted after $((SECONDS - start)) s and offered no shell"
else
    echo "boot test failed: without its root the console said:"; tail -n 20 "$noroot"
    status=1
fi
exit $status
