#!/usr/bin/env bash
# Builds Kassa's appliance disk image, without loop devices and without root's mounts in the image:
#
#   images/build.sh [ARCH [OUT]]        ARCH: amd64 (default); OUT: .build-image/ARCH
#
# A GPT disk OUT/kassa-ARCH.img with three partitions, each made as a file and copied in with dd:
#   1 ESP (FAT, mtools): systemd-boot, the kernel and our initramfs (UEFI firmware boots it)
#   2 kassa-root (ext4 from `mkfs.ext4 -d`): Debian 13 minbase, systemd, udev, libusb, the kernel's
#     modules, static-stdlib kassad and kassa, the units and rules; mounted read-only, always
#   3 kassa-data (ext4): /var/lib/kassa, kassad's state, the only file system the box writes
# so that pulling the plug can never damage the system itself. OUT also gets vmlinuz and
# initrd.img, for QEMU's direct kernel boot (images/systemtest.sh).
#
# The Debian mirror is the one this machine's apt sources name (or KASSA_MIRROR), read now and
# never written into the repository. Needs root (debootstrap, chroot), debootstrap, dosfstools,
# mtools, fdisk, e2fsprogs, kmod, cpio, and Swift on the PATH.
#
# The arm64 variant (issue 9) is the same script with its `case` entry filled in: a cross build
# with a Swift SDK for the binaries, qemu-user for debootstrap's second stage, and the board's boot.
set -euo pipefail

# --base-only: only the Debian base tree (debootstrap), kept in OUT/base for the next full build
# with the same packages to start from; CI makes the arm64 one in the background while it tests.
base_only=
if [ "${1:-}" = --base-only ]; then
    base_only=1
    shift
fi
arch=${1:-amd64}
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${2:-$repo/.build-image/$arch}" && cd "${2:-$repo/.build-image/$arch}" && pwd)
suite=trixie

case $arch in
    amd64)
        kernel_package=linux-image-amd64
        boot_efi=systemd-bootx64.efi
        efi_name=BOOTX64.EFI
        root_type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709    # Linux root (x86-64), Discoverable Partitions
        console=ttyS0
        consoles=${KASSA_CONSOLES:-ttyS0}
        esp_mb=64
        components=main
                # What the initramfs may need to reach the root: virtio, SATA, NVMe, USB sticks.
        boot_modules="virtio_pci virtio_blk ext4 ahci sd_mod nvme xhci_pci usb_storage uas"
        ;;
    arm64)
        # Raspberry Pi 4/5 class boards, and QEMU's virt machine for the boot test. The binaries
        # are cross-built with Debian 13's Swift (images/cross-build.sh); debootstrap's second
        # stage runs the arm64 packages' scripts under qemu-user through binfmt_misc.
        kernel_package=linux-image-arm64
        boot_efi=systemd-bootaa64.efi
        efi_name=BOOTAA64.EFI
        root_type=B921B045-1DF0-41C3-AF44-4C6F280D3FAE    # Linux root (arm64), Discoverable Partitions
        console=ttyAMA0
        # The technician's serial line is QEMU virt's PL011, ttyAMA0; on a Pi 4 the GPIO UART is
        # ttyS1 with Debian's kernel and enable_uart=1, on a Pi 5 the debug UART is ttyAMA10:
        # KASSA_CONSOLES="ttyS1" builds for those.
        consoles=${KASSA_CONSOLES:-ttyAMA0}
        # raspi-firmware (the Pi's boot firmware) lives in non-free-firmware.
        components=main,non-free-firmware
        esp_mb=128
        boot_modules="virtio_pci virtio_blk ext4 xhci_pci usb_storage uas mmc_block sdhci_iproc"
        ;;
    *)
        echo "usage: images/build.sh [amd64|arm64] [OUT]" >&2
        exit 2
        ;;
esac

# --- where the time goes -------------------------------------------------------------------------
. "$repo/images/steps.sh"
build_start=$(date +%s.%N)

# --- the mirror, from this machine's apt sources (images/debian-mirror.sh) ------------------------
. "$repo/images/debian-mirror.sh"
mirror=$(debian_mirror)
[ -n "$mirror" ] || { echo "no Debian mirror in /etc/apt/sources.list*; set KASSA_MIRROR" >&2; exit 1; }

root=$out/rootfs
scratch=$out/scratch
cleanup() {
    # Whatever is still mounted under the root tree, deepest first.
    if [ -d "$root" ]; then
        local m
        for m in $(awk -v r="$root/" 'index($2, r) == 1 { print $2 }' /proc/self/mounts | sort -r); do umount -l "$m" || true; done
    fi
    return 0
}
trap cleanup EXIT

if [ "$arch" = arm64 ]; then
    # The kernel runs the arm64 packages' maintainer scripts through qemu-user.
    binfmt=/proc/sys/fs/binfmt_misc
    mountpoint -q "$binfmt" || mount -t binfmt_misc binfmt_misc "$binfmt"
    [ -e "$binfmt/qemu-aarch64" ] || cat /usr/lib/binfmt.d/qemu-aarch64.conf >"$binfmt/register"
fi

# --- kassad and kassa: static Swift standard library -----------------------------------------------
if [ -z "$base_only" ]; then
    step "swift build"
    if [ "$arch" = amd64 ]; then
        (cd "$repo" && swift build -c release --static-swift-stdlib --product kassad >&2 &&
            swift build -c release --static-swift-stdlib --product kassa >&2)
        bin=$(cd "$repo" && swift build -c release --static-swift-stdlib --show-bin-path)
        strip_flag=-s
    else
        # Stripped by the cross toolchain's own strip; the host's binutils know no aarch64.
        bash "$repo/images/cross-build.sh" "$repo/.build-cross/$arch" >&2
        bin=$repo/.build-cross/$arch/bin
        strip_flag=
    fi
fi

# --- Debian 13 base ------------------------------------------------------------------------------
step "debootstrap"
cleanup
if awk -v r="$root/" 'index($2, r) == 1 { found = 1 } END { exit !found }' /proc/self/mounts; then
    echo "something is still mounted under $root: not removing it" >&2
    exit 1
fi
rm -rf --one-file-system "$root" "$scratch"
mkdir -p "$scratch"
# minbase is Priority: required; the rest is what the appliance needs at run time: systemd and udev,
# the libraries kassad links (libusb, libudev, libstdc++), fsck for the data partition, loadkeys and
# setfont for the kiosk, zoneinfo for local time; D-Bus, logind (polkit needs it), polkit and ip for
# the technician console.
packages=systemd,systemd-sysv,udev,libusb-1.0-0,libudev1,libstdc++6,kmod,e2fsprogs,kbd,tzdata,dbus,libpam-systemd,polkitd,iproute2
# The base tree is kept and used again while its inputs stay the same (never across CI runs).
base=$out/base
base_stamp=$(printf '%s\n' "$arch" "$suite" "$components" "$packages" "$mirror" | sha256sum | cut -c1-16)
if [ "$(cat "$base/.kassa-base" 2>/dev/null)" != "$base_stamp" ]; then
    rm -rf --one-file-system "$base"
    debootstrap --variant=minbase --arch="$arch" --components="$components" --include="$packages" "$suite" "$base" "$mirror" \
        >"$out/debootstrap.log" 2>&1 || { tail -n 30 "$out/debootstrap.log"; exit 1; }
    echo "$base_stamp" >"$base/.kassa-base"
fi
if [ -n "$base_only" ]; then
    step ""
    echo "kassa-$arch base tree: $base"
    printf '  %s\n' "${timings[@]}"
    exit 0
fi
cp -a "$base" "$root"
rm -f "$root/.kassa-base"

step "kernel and packages"
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
mountpoint -q "$root/sys" || mount -t sysfs sysfs "$root/sys"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"   # no daemons start in the chroot
chmod 755 "$root/usr/sbin/policy-rc.d"
in_root() { chroot "$root" env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }
# INITRD=No: Debian's initramfs-tools hook is skipped; our own initramfs is below.
if [ "$arch" = amd64 ]; then
    in_root env INITRD=No apt-get install -y -q --no-install-recommends "$kernel_package" console-setup-linux >"$out/apt.log" 2>&1 ||
        { tail -n 30 "$out/apt.log"; exit 1; }
else
    # Under emulation the kernel package's scripts take minutes; all they do for us is depmod,
    # which this machine's depmod does on the arm64 modules just as well. So the kernel and the
    # console fonts are unpacked, not installed.
    in_root apt-get update -q >"$out/apt.log" 2>&1
    kernel_deb=$(in_root apt-cache depends "$kernel_package" | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
    (cd "$root/tmp" && in_root sh -c "cd /tmp && apt-get download -q $kernel_deb console-setup-linux" >>"$out/apt.log" 2>&1) ||
        { tail -n 30 "$out/apt.log"; exit 1; }
    for deb in "$root"/tmp/*.deb; do dpkg-deb -x "$deb" "$root"; done
    rm -f "$root"/tmp/*.deb
    depmod -b "$root" "$(basename "$(ls -d "$root"/usr/lib/modules/* | sort -V | tail -n 1)")"
fi
# Taken apart beside the image, never installed into it: the boot loader and the initramfs' shell.
boot_debs="systemd-boot-efi busybox-static"
[ "$arch" = arm64 ] && boot_debs="$boot_debs raspi-firmware"
(cd "$root/tmp" && in_root sh -c "cd /tmp && apt-get download -q $boot_debs" >>"$out/apt.log" 2>&1)
for deb in "$root"/tmp/*.deb; do dpkg-deb -x "$deb" "$scratch/debs"; done
rm -f "$root"/tmp/*.deb "$root/usr/sbin/policy-rc.d"
in_root apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
kver=$(basename "$(ls -d "$root"/usr/lib/modules/* | sort -V | tail -n 1)")

# --- Kassa ---------------------------------------------------------------------------------------
step "kassa into the root"
install -m 755 $strip_flag "$bin/kassad" "$root/usr/bin/kassad"
install -m 755 $strip_flag "$bin/kassa" "$root/usr/bin/kassa"
install -m 644 -t "$root/usr/lib/systemd/system" "$repo"/systemd/*.service
install -m 644 -t "$root/usr/lib/udev/rules.d" "$repo"/udev-rules/*.rules
install -D -m 644 "$repo/README.md" "$root/usr/share/doc/kassa/README.md"
cp -r --no-preserve=ownership "$repo/images/rootfs/." "$root/"
# Users: kassad owns the devices and the state; kassa is the clients' group and the register's user.
in_root systemd-sysusers >&2
kassad_gid=$(in_root getent group kassad | cut -d: -f3)
install -d -m 750 -g "$kassad_gid" "$root/etc/kassa" "$root/var/lib/kassa"
chgrp "$kassad_gid" "$root/etc/kassa/kassa.conf"
chmod 640 "$root/etc/kassa/kassa.conf"
echo kassa >"$root/etc/hostname"
: >"$root/etc/machine-id"    # empty: a fresh id each boot, kept in /run (the root is read-only)
cat >"$root/etc/fstab" <<EOF
# The root is never written: only kassad's state lives on a writable file system.
LABEL=kassa-root  /               ext4   ro,noatime                         0 1
LABEL=kassa-data  /var/lib/kassa  ext4   rw,noatime,nosuid,nodev,noexec    0 2
tmpfs             /tmp            tmpfs  nosuid,nodev,size=64m              0 0
tmpfs             /var/tmp        tmpfs  nosuid,nodev,size=16m              0 0
tmpfs             /var/log        tmpfs  nosuid,nodev,noexec,size=32m       0 0
EOF
# The till is the only thing on the screen: no getty on tty1 or on the console's serial line, none
# on tty2-6 either (Debian's getty-static.service starts those where logind has no D-Bus, as
# here), and Ctrl-Alt-Del goes nowhere. (systemctl --root works on any architecture's tree.)
systemctl --root="$root" enable kassad.service kassa-register.service $(printf 'kassa-console@%s.service ' $consoles) \
    systemd-networkd.service >&2
systemctl --root="$root" mask getty@tty1.service $(printf 'serial-getty@%s.service ' $consoles) getty-static.service \
    ctrl-alt-del.target systemd-firstboot.service >&2
in_root passwd -l root >/dev/null

# --- initramfs: busybox, the modules that reach the root, and /init --------------------------------
step "initramfs"
initramfs=$scratch/initramfs
mkdir -p "$initramfs"/{bin,dev,proc,sys,newroot,lib/modules}
cp "$(ls "$scratch"/debs/usr/bin/busybox "$scratch"/debs/bin/busybox 2>/dev/null | sed -n 1p)" "$initramfs/bin/busybox"
# In load order, dependencies first, decompressed (busybox's insmod reads plain .ko files).
for m in $boot_modules; do
    # Built into this kernel, or not there at all: either way nothing to load.
    modprobe -d "$root" -S "$kver" --show-depends "$m" 2>/dev/null || echo "note: no module $m in $kver" >&2
done | awk '$1 == "insmod" { print $2 }' |
    awk '!seen[$0]++' | while read -r module; do
        name=$(basename "$module")
        case $name in
            *.xz) xz -dc "$module" >"$initramfs/lib/modules/${name%.xz}"; name=${name%.xz} ;;
            *.zst) zstd -qdc "$module" >"$initramfs/lib/modules/${name%.zst}"; name=${name%.zst} ;;
            *) cp "$module" "$initramfs/lib/modules/$name" ;;
        esac
        echo "$name" >>"$initramfs/lib/modules/order"
    done
cat >"$initramfs/init" <<'EOF'
#!/bin/busybox sh
# Kassa's initramfs: load what reaches the root, mount it read-only, hand over to systemd.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /lib/modules/order); do insmod /lib/modules/$m 2>/dev/null; done
root=LABEL=kassa-root
for word in $(cat /proc/cmdline); do case $word in root=*) root=${word#root=} ;; esac; done
for i in $(seq 100); do device=$(findfs "$root" 2>/dev/null) && break; sleep 0.1; done
if [ -z "$device" ] || ! mount -t ext4 -o ro "$device" /newroot; then
    # A register never offers a shell: say why on the console, then start again (a disk that
    # was slow to appear is found on the next boot). If even the reboot fails, this script ends,
    # the kernel panics and panic= on the command line restarts the box.
    echo "kassa initramfs: cannot mount the root $root; restarting in 10 s" >/dev/console
    sleep 10
    reboot -f
    exit 1
fi
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot /sbin/init
EOF
chmod 755 "$initramfs/init"
(cd "$initramfs" && find . | cpio -o -H newc --quiet | gzip -6) >"$out/initrd.img"
cp "$root/boot/vmlinuz-$kver" "$out/vmlinuz"
cmdline="root=LABEL=kassa-root ro console=$console,115200 quiet loglevel=3 systemd.show_status=false panic=10"
echo "$cmdline" >"$out/cmdline"

# --- the three file systems and the disk -----------------------------------------------------------
step "file systems"
cleanup
rm -rf "$root/boot"/* "$root/tmp"/* "$root"/var/log/*   # the kernel boots from the ESP
root_mb=$(( $(du -sm "$root" | cut -f1) * 115 / 100 + 64 ))
data_mb=${KASSA_DATA_MB:-256}
rm -f "$out"/esp.vfat "$out"/root.ext4 "$out"/data.ext4
mkfs.vfat -C -n KASSA-ESP "$out/esp.vfat" $((esp_mb * 1024)) >/dev/null
export MTOOLS_SKIP_CHECK=1
mmd -i "$out/esp.vfat" ::/EFI ::/EFI/BOOT ::/loader ::/loader/entries ::/kassa
mcopy -i "$out/esp.vfat" "$scratch/debs/usr/lib/systemd/boot/efi/$boot_efi" "::/EFI/BOOT/$efi_name"
mcopy -i "$out/esp.vfat" "$out/vmlinuz" "::/kassa/vmlinuz"
mcopy -i "$out/esp.vfat" "$out/initrd.img" "::/kassa/initrd.img"
printf 'default kassa.conf\ntimeout 0\neditor no\n' | mcopy -i "$out/esp.vfat" - ::/loader/loader.conf
printf 'title Kassa\nlinux /kassa/vmlinuz\ninitrd /kassa/initrd.img\noptions %s\n' "$cmdline" |
    mcopy -i "$out/esp.vfat" - ::/loader/entries/kassa.conf
if [ "$arch" = arm64 ]; then
    # A Raspberry Pi 4/5 boots from the first FAT partition: its firmware (Debian's raspi-firmware),
    # the boards' device trees from Debian's kernel, and config.txt / cmdline.txt pointing at the
    # same kernel and initramfs. (UEFI arm64 machines use systemd-boot on the same partition.)
    for f in "$scratch"/debs/usr/lib/raspi-firmware/*; do mcopy -i "$out/esp.vfat" "$f" ::/; done
    for dtb in bcm2711-rpi-4-b bcm2711-rpi-400 bcm2711-rpi-cm4 bcm2712-rpi-5-b; do
        f=$(ls "$root"/usr/lib/linux-image-"$kver"/broadcom/$dtb.dtb 2>/dev/null || true)
        [ -n "$f" ] && mcopy -i "$out/esp.vfat" "$f" ::/
    done
    printf '%s\n' "# Kassa on a Raspberry Pi 4/5 (Debian's firmware and kernel)" arm_64bit=1 enable_uart=1 \
        kernel=kassa/vmlinuz "initramfs kassa/initrd.img followkernel" disable_overscan=1 |
        mcopy -i "$out/esp.vfat" - ::/config.txt
    echo "root=LABEL=kassa-root ro console=ttyS1,115200 console=tty1 quiet loglevel=3 systemd.show_status=false panic=10" |
        mcopy -i "$out/esp.vfat" - ::/cmdline.txt
fi
mkfs.ext4 -q -L kassa-root -d "$root" "$out/root.ext4" "${root_mb}M"
mkdir -p "$scratch/data"
mkfs.ext4 -q -L kassa-data -d "$scratch/data" "$out/data.ext4" "${data_mb}M"

step "disk"
disk=$out/kassa-$arch.img
rm -f "$disk"
truncate -s $(( (1 + esp_mb + root_mb + data_mb + 1) * 1024 * 1024 )) "$disk"
sfdisk -q "$disk" <<EOF
label: gpt
start=1MiB, size=${esp_mb}MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=esp
size=${root_mb}MiB, type=$root_type, name=kassa-root
size=${data_mb}MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=kassa-data
EOF
offset=1
for part in esp.vfat:$esp_mb root.ext4:$root_mb data.ext4:$data_mb; do
    dd if="$out/${part%%:*}" of="$disk" bs=1M seek=$offset conv=notrunc,sparse status=none
    offset=$((offset + ${part##*:}))
done
rm -f "$out"/esp.vfat "$out"/root.ext4 "$out"/data.ext4
step ""

total=$(awk -v s="$build_start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')
{
    echo "kassa-$arch image: $disk"
    printf '  %s\n' "${timings[@]}"
    printf '  %-22s %6.1f s\n' "total" "$total"
    echo "  kernel $kver; partitions: ESP ${esp_mb} MiB, root ${root_mb} MiB (read-only), data ${data_mb} MiB"
    echo "  image: $(du -h --apparent-size "$disk" | cut -f1) ($(du -h "$disk" | cut -f1) on disk, sparse);" \
        "root tree $(du -sh "$root" | cut -f1); kassad $(du -h "$root/usr/bin/kassad" | cut -f1), kassa $(du -h "$root/usr/bin/kassa" | cut -f1)"
} | tee "$out/build-report.txt"
