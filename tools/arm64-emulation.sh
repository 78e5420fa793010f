# Sourced by tools/test-arm64.sh and tools/test-onefile-arm64.sh: sets up qemu-user, binfmt_misc and the
# arm64 C libraries so that linux-arm64 executables run on an x64 machine. Defines setup_emulation and
# binfmt_enabled; expects a say() function. Needs root or sudo for the parts that are missing.

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else say "needs root (or sudo) to run: $*"; return 1
  fi
}

arm64_libs="libc6:arm64 libstdc++6:arm64 libicu72:arm64 libssl3:arm64"

libs_installed() {
  local p
  for p in $arm64_libs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || return 1
  done
}

binfmt_enabled() {
  [ -f /proc/sys/fs/binfmt_misc/qemu-aarch64 ] && head -n 1 /proc/sys/fs/binfmt_misc/qemu-aarch64 | grep -qx enabled
}

# Idempotent: each step runs only when its result is missing. apt output goes to a log that is
# shown only when something fails.
setup_emulation() {
  local apt_log
  apt_log=$(mktemp)
  export DEBIAN_FRONTEND=noninteractive
  if ! command -v qemu-aarch64-static >/dev/null 2>&1 || ! command -v update-binfmts >/dev/null 2>&1; then
    say "installing qemu-user-static and binfmt-support"
    { as_root apt-get update -qq && as_root apt-get install -y -qq qemu-user-static binfmt-support; } >"$apt_log" 2>&1 \
      || { cat "$apt_log"; return 1; }
  fi
  if ! libs_installed; then
    say "installing the arm64 C libraries ($arm64_libs)"
    {
      if ! dpkg --print-foreign-architectures | grep -qx arm64; then as_root dpkg --add-architecture arm64; fi
      as_root apt-get update -qq && as_root apt-get install -y -qq $arm64_libs
    } >"$apt_log" 2>&1 || { cat "$apt_log"; return 1; }
  fi
  if ! mountpoint -q /proc/sys/fs/binfmt_misc; then
    as_root mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  fi
  if ! binfmt_enabled; then
    as_root update-binfmts --enable qemu-aarch64 >"$apt_log" 2>&1 || { cat "$apt_log"; return 1; }
  fi
  rm -f "$apt_log"
  binfmt_enabled || { say "qemu-aarch64 is still not registered with binfmt_misc"; return 1; }
}
