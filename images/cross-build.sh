#!/usr/bin/env bash
# Cross-builds kassad and kassa for arm64 (Raspberry Pi class boards) on an x86-64 machine, from
# Debian's packages alone, with Debian 13's own Swift (swiftlang 6.0.3):
#
#   images/cross-build.sh [OUT]         OUT: .build-cross/arm64; the binaries land in OUT/bin
#
# 1. toolchain: a Debian 13 amd64 chroot (debootstrap) with swiftlang, lld and binutils for aarch64;
# 2. sysroot:   Debian 13's arm64 -dev packages and their dependencies, swiftlang:arm64 and
#               libswiftlang:arm64 among them, unpacked with dpkg -x (they cannot be installed
#               beside the amd64 toolchain: not Multi-Arch);
# 3. a Swift SDK bundle over that sysroot (ld.lld as the linker), and
# 4. `swift build -c release --static-swift-stdlib --swift-sdk kassa-arm64`, then strip.
#
# The toolchain and the sysroot are cached in OUT and made again only when their package lists
# (or this script's recipe for them) change; nothing of them is ever committed. Because this build
# uses Swift 6.0, a language or library feature newer than 6.0 fails here, in CI, not at release.
# The mirror is the one this machine's apt sources name (or KASSA_MIRROR). Needs root.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$repo/.build-cross/arm64}" && cd "${1:-$repo/.build-cross/arm64}" && pwd)
. "$repo/images/debian-mirror.sh"
mirror=$(debian_mirror)
[ -n "$mirror" ] || { echo "no Debian mirror in /etc/apt/sources.list*; set KASSA_MIRROR" >&2; exit 1; }
suite=trixie
sysroot_recipe=3
host_packages="swiftlang libc6-dev libstdc++-14-dev pkg-config lld binutils-aarch64-linux-gnu"
target_packages="libc6-dev libstdc++-14-dev libgcc-14-dev linux-libc-dev libusb-1.0-0-dev libudev-dev libcap2 swiftlang libswiftlang"
toolchain=$out/toolchain
sysroot_in_chroot=/opt/sysroot-arm64
sysroot=$toolchain$sysroot_in_chroot

. "$repo/images/steps.sh"
stamp_of() { printf '%s\n' "$suite" "$@" | sha256sum | cut -c1-16; }

unmount_all() {
    local m
    [ -d "$toolchain" ] || return 0
    for m in $(awk -v r="$toolchain/" 'index($2, r) == 1 { print $2 }' /proc/self/mounts | sort -r); do umount -l "$m" || true; done
    return 0
}
trap unmount_all EXIT
mount_all() {
    mountpoint -q "$toolchain/proc" || mount -t proc proc "$toolchain/proc"
    mountpoint -q "$toolchain/dev" || mount --bind /dev "$toolchain/dev"
    cp /etc/resolv.conf "$toolchain/etc/resolv.conf" 2>/dev/null || true
}
in_chroot() { chroot "$toolchain" env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }

# --- 1. the toolchain chroot -----------------------------------------------------------------------
toolchain_stamp=$(stamp_of "$host_packages" "toolchain recipe 1")
if [ "$(cat "$toolchain/.kassa-stamp" 2>/dev/null)" != "$toolchain_stamp" ]; then
    step "toolchain: debootstrap"
    unmount_all
    rm -rf --one-file-system "$toolchain"
    debootstrap --variant=minbase "$suite" "$toolchain" "$mirror" >"$out/debootstrap.log" 2>&1 ||
        { tail -n 30 "$out/debootstrap.log"; exit 1; }
    step "toolchain: swiftlang"
    mount_all
    printf '#!/bin/sh\nexit 101\n' >"$toolchain/usr/sbin/policy-rc.d"
    chmod 755 "$toolchain/usr/sbin/policy-rc.d"
    # shellcheck disable=SC2086
    in_chroot apt-get install -y -q --no-install-recommends $host_packages >"$out/apt.log" 2>&1 ||
        { tail -n 30 "$out/apt.log"; exit 1; }
    in_chroot dpkg --add-architecture arm64
    in_chroot apt-get update -q >>"$out/apt.log" 2>&1
    echo "$toolchain_stamp" >"$toolchain/.kassa-stamp"
    rm -f "$sysroot/.kassa-stamp"
fi
mount_all

# --- 2. the arm64 sysroot --------------------------------------------------------------------------
sysroot_stamp=$(stamp_of "$host_packages" "$target_packages" "sysroot recipe $sysroot_recipe")
if [ "$(cat "$sysroot/.kassa-stamp" 2>/dev/null)" != "$sysroot_stamp" ]; then
    step "sysroot: download"
    rm -rf "$sysroot" "$toolchain/tmp/debs"
    mkdir -p "$sysroot" "$toolchain/tmp/debs"
    # The packages and everything they depend on: the arm64 ones, and those for every architecture
    # (linux-libc-dev's headers are); virtual packages (<name>) have no file.
    # shellcheck disable=SC2086
    deps=$(in_chroot apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
               --no-replaces --no-enhances $(printf '%s:arm64 ' $target_packages) | awk '/^[a-z0-9]/ { print $1 }' | sort -u)
    wanted=$(echo "$deps" | grep ':arm64$' || true)
    for p in $(echo "$deps" | grep -v ':'); do
        case $(in_chroot apt-cache show --no-all-versions "$p" 2>/dev/null) in
            *"Architecture: all"*) wanted="$wanted $p" ;;
        esac
    done
    # shellcheck disable=SC2086
    in_chroot sh -c "cd /tmp/debs && apt-get download -q $(echo $wanted)" >>"$out/apt.log" 2>&1 ||
        { tail -n 30 "$out/apt.log"; exit 1; }
    step "sysroot: unpack"
    # Merged /usr, as on Debian 13 itself.
    mkdir -p "$sysroot/usr/lib" "$sysroot/usr/bin" "$sysroot/usr/sbin"
    ln -sfn usr/lib "$sysroot/lib"
    ln -sfn usr/bin "$sysroot/bin"
    ln -sfn usr/sbin "$sysroot/sbin"
    for deb in "$toolchain"/tmp/debs/*.deb; do dpkg-deb -x "$deb" "$sysroot"; done
    rm -rf "$toolchain/tmp/debs"
    echo "$sysroot_stamp" >"$sysroot/.kassa-stamp"
fi

# --- 3. the Swift SDK bundle -----------------------------------------------------------------------
step "swift sdk"
bundle=$toolchain/opt/sdks/kassa-arm64.artifactbundle
variant=$bundle/kassa-arm64/aarch64-unknown-linux-gnu
rm -rf "$bundle"
mkdir -p "$variant"
ln -sfn "$sysroot_in_chroot" "$variant/sysroot"
cat >"$bundle/info.json" <<'JSON'
{"schemaVersion": "1.0", "artifacts": {"kassa-arm64": {"type": "swiftSDK", "version": "1",
 "variants": [{"path": "kassa-arm64/aarch64-unknown-linux-gnu"}]}}}
JSON
cat >"$variant/swift-sdk.json" <<'JSON'
{"schemaVersion": "4.0", "targetTriples": {"aarch64-unknown-linux-gnu": {
  "sdkRootPath": "sysroot",
  "swiftResourcesPath": "sysroot/usr/libexec/swift/lib/swift",
  "swiftStaticResourcesPath": "sysroot/usr/libexec/swift/lib/swift_static",
  "toolsetPaths": ["toolset.json"]}}}
JSON
cat >"$variant/toolset.json" <<'JSON'
{"schemaVersion": "1.0",
 "linker": {"path": "/usr/bin/ld.lld"},
 "swiftCompiler": {"extraCLIOptions": ["-use-ld=lld", "-no-toolchain-stdlib-rpath", "-Xlinker", "-rpath=/usr/libexec/swift/lib/swift/linux"]}}
JSON

# --- 4. build --------------------------------------------------------------------------------------
step "copy the source"
rm -rf "$toolchain/src"
mkdir -p "$toolchain/src"
tar -C "$repo" --exclude='./.build*' --exclude=./.git -cf - . | tar -C "$toolchain/src" -xf -
step "swift build (6.0, arm64)"
for product in kassad kassa; do
    in_chroot env PKG_CONFIG_PATH=$sysroot_in_chroot/usr/lib/aarch64-linux-gnu/pkgconfig:$sysroot_in_chroot/usr/share/pkgconfig \
        PKG_CONFIG_SYSROOT_DIR=$sysroot_in_chroot \
        swift build --package-path /src --scratch-path /build -c release --static-swift-stdlib \
        --swift-sdks-path /opt/sdks --swift-sdk kassa-arm64 --product "$product" >"$out/build-$product.log" 2>&1 ||
        { tail -n 40 "$out/build-$product.log"; exit 1; }
done
step "strip"
mkdir -p "$out/bin"
built=$(in_chroot swift build --package-path /src --scratch-path /build -c release --swift-sdks-path /opt/sdks \
        --swift-sdk kassa-arm64 --show-bin-path 2>/dev/null)
for product in kassad kassa; do
    cp "$toolchain$built/$product" "$out/bin/$product.unstripped"
    in_chroot aarch64-linux-gnu-strip -o "/tmp/$product" "$built/$product"
    mv "$toolchain/tmp/$product" "$out/bin/$product"
done
step ""

echo "arm64 binaries in $out/bin (Swift $(in_chroot swift --version 2>/dev/null | sed -n 's/.*Swift version \([^ ]*\).*/\1/p' | head -n 1)):"
for product in kassad kassa; do
    printf '  %-7s %6.1f MB stripped, %6.1f MB with symbols\n' "$product" \
        "$(awk -v b="$(stat -c %s "$out/bin/$product")" 'BEGIN { print b / 1e6 }')" \
        "$(awk -v b="$(stat -c %s "$out/bin/$product.unstripped")" 'BEGIN { print b / 1e6 }')"
done
echo "time:"
printf '  %s\n' "${timings[@]}"
echo "sysroot: $sysroot"
