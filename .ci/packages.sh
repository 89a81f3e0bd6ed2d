# The Debian packages Kassa needs to build and test, installed once per machine.
# Sourced by .ci/run and .ci/demo.
KASSA_PACKAGES=(pkg-config systemd udev gcc libc6-dev libusb-1.0-0-dev libudev-dev umockdev gir1.2-umockdev-1.0 python3-gi socat tmux
                debootstrap qemu-user-static file)
# What images/build.sh, images/systemtest.sh and images/boottest.sh need besides (.ci/appliance).
KASSA_IMAGE_PACKAGES=(debootstrap dosfstools mtools fdisk e2fsprogs kmod cpio xz-utils binutils qemu-system-x86 ovmf
                      qemu-system-arm qemu-user-static python3)

# install_packages [PACKAGE…]: the given packages, or KASSA_PACKAGES.
install_packages() {
    local missing=() wanted=("$@")
    [ ${#wanted[@]} -eq 0 ] && wanted=("${KASSA_PACKAGES[@]}")
    for p in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
