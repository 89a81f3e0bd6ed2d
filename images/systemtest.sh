#!/usr/bin/env bash
# The appliance's system test: boots the image images/build.sh made under QEMU (TCG), creates USB
# gadgets on dummy_hcd inside the guest (a printer-class receipt printer with a fake printer
# process behind it, a HID keyboard scanner, a CDC-ACM customer display), sells, prints, unplugs
# the printer mid-receipt and plugs it back; then cuts the power and boots again to find every
# completed sale.
#
#   images/systemtest.sh [OUT]          OUT: what images/build.sh made (.build-image/amd64)
#
# The image boots as built, through UEFI firmware (OVMF) and its own systemd-boot; the test adds
# only, from QEMU's command line, a root shell on a second serial port (systemd.debug_shell=ttyS1,
# passed as SMBIOS type 11 extra kernel command line) and a second, read-only disk holding the guest half
# (images/systemtest/guest.sh and a static fake printer). The disk image is copied first, so the
# built image stays as it was. Needs qemu-system-x86, ovmf, gcc, e2fsprogs, python3.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$(cd "${1:-$repo/.build-image/amd64}" && pwd)
work=$out/systemtest
rm -rf "$work"
mkdir -p "$work/testdisk"

gcc -static -O2 -Wall -o "$work/testdisk/fake-printer" "$repo/images/systemtest/fake-printer.c"
install -m 755 "$repo/images/systemtest/guest.sh" "$work/testdisk/guest.sh"
mkfs.ext4 -q -L kassa-test -d "$work/testdisk" "$work/test.ext4" 16M
cp --sparse=always "$out/kassa-amd64.img" "$work/disk.img"

# Through the firmware, as a box boots: OVMF, the image's own ESP and systemd-boot, which appends
# SMBIOS type 11's extra command line. Without OVMF, QEMU's direct kernel boot with the same
# kernel, initramfs and command line.
if [ -f /usr/share/OVMF/OVMF_CODE.fd ]; then
    cp /usr/share/OVMF/OVMF_VARS.fd "$work/efivars.fd"
    boot=(-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd
          -drive if=pflash,format=raw,file="$work/efivars.fd"
          -smbios type=11,value=io.systemd.boot.kernel-cmdline-extra=systemd.debug_shell=ttyS1)
    echo "TEST INFO: booting through UEFI firmware (OVMF) and the image's systemd-boot"
else
    boot=(-kernel "$out/vmlinuz" -initrd "$out/initrd.img" -append "$(cat "$out/cmdline") systemd.debug_shell=ttyS1")
    echo "TEST INFO: booting the image's kernel directly (no OVMF here)"
fi

status=0
boot() {
    local phase=$1 started qemu
    started=$(date +%s.%N)
    qemu-system-x86_64 -accel tcg -m 1024 -smp 2 -display none -monitor none -no-reboot "${boot[@]}" \
        -drive file="$work/disk.img",format=raw,if=virtio \
        -drive file="$work/test.ext4",format=raw,if=virtio,readonly=on \
        -chardev socket,id=ttyS0,path="$work/ttyS0.sock",server=on,wait=off,logfile="$work/ttyS0-$phase.log" \
        -serial chardev:ttyS0 -serial unix:"$work/ttyS1.sock",server=on,wait=off &
    qemu=$!
    if ! timeout -s KILL 600 python3 "$repo/images/systemtest/drive.py" "$work/ttyS1.sock" "$phase" 400 "$work/ttyS0.sock"; then status=1; fi
    echo "TEST INFO: boot $phase: $(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.0f", e - s }') s from QEMU's start to the guest half's end"
    # The power cut: no shutdown, no sync.
    kill -KILL "$qemu" 2>/dev/null || true
    wait "$qemu" 2>/dev/null || true
    rm -f "$work/ttyS0.sock" "$work/ttyS1.sock"
}
start=$(date +%s)
boot first
boot second
echo "TEST INFO: system test took $(($(date +%s) - start)) s; serial console logs in $work"
exit $status
