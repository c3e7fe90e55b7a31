#!/usr/bin/env bash
# Checks the README on a fresh Debian 12 machine: a bookworm chroot that has only what the .NET SDK needs, the SDK of
# this machine copied in, this machine's package-registry settings (NuGet config, the CA certificates and NUGET_*
# variables that reach the registry), and the repository cloned from a branch. As root inside it, it runs the README's
# two commands, then `dotnet test LLenergyMeasure.sln`, and checks that:
#   - chromium is absent before and installed by the test command itself (its set-up);
#   - the test command's last line is 'N passed, 0 failed, K skipped';
#   - `dotnet test LLenergyMeasure.sln` runs as many tests as the test command (skip with CHECK_SOLUTION=0).
#
#   sudo scripts/fresh-machine-check.sh [BRANCH]     BRANCH: default the current one (committed work only)
#
# WORK (default /var/tmp/lem-fresh) keeps the debootstrap base (made once, never changed; delete it to start over),
# the run's chroot (new each run) and the logs. MIRROR: a Debian mirror for debootstrap (default: debootstrap's own).
# Needs a Debian-like host with debootstrap (installed if missing), git and the .NET SDK; takes 20-40 minutes.
set -euo pipefail

REPO=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
BRANCH=${1:-$(git -C "$REPO" rev-parse --abbrev-ref HEAD)}
WORK=${WORK:-/var/tmp/lem-fresh}
BASE=$WORK/base
ROOT=$WORK/run
LOGS=$WORK/logs
SDK=$(dirname "$(readlink -f "$(command -v dotnet)")")
CHECK_SOLUTION=${CHECK_SOLUTION:-1}

say() { echo "fresh-machine-check: $*"; }
die() { say "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (debootstrap, chroot and mount need it): sudo $0 $*"
[ -x "$SDK/dotnet" ] || die "no .NET SDK found (dotnet on PATH)"
# the chroot shares this machine's network: SLURM daemons running here hold the ports the chroot's own would take
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if port_taken 6817 || port_taken 6818; then
  die "slurmctld or slurmd runs on this machine and holds SLURM's ports (6817, 6818), which the test command's single-node cluster in the chroot needs. Remedy: stop them (sh scripts/slurm-single-node.sh stop) and run the check again"
fi
command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; }

# 1. Debian 12 with what the .NET SDK's own package depends on (the libraries of Microsoft's dotnet-sdk-10.0 .deb).
if [ ! -f "$BASE/etc/debian_version" ]; then
  say "debootstrap bookworm into $BASE"
  rm -rf "$BASE.partial"
  debootstrap --include=ca-certificates,libicu72,libssl3,libgssapi-krb5-2,zlib1g,libstdc++6 bookworm "$BASE.partial" ${MIRROR:+"$MIRROR"}
  mv "$BASE.partial" "$BASE"
fi

unmount() {
  # what the test command started in the chroot (the SLURM daemons, munged) would hold this machine's ports
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ] && kill "${p#/proc/}" 2>/dev/null
  done
  for m in dev/pts dev proc sys/fs/cgroup sys; do mountpoint -q "$ROOT/$m" && umount -l "$ROOT/$m"; done
  return 0
}
trap unmount EXIT
unmount
rm -rf "$ROOT" "$LOGS"
mkdir -p "$LOGS"
say "fresh copy of the base in $ROOT"
cp -a "$BASE" "$ROOT"

# 2. The SDK, as an install of it would lay it out.
mkdir -p "$ROOT/usr/share/dotnet"
cp -a "$SDK/." "$ROOT/usr/share/dotnet/"
ln -sf /usr/share/dotnet/dotnet "$ROOT/usr/bin/dotnet"

# 3. This machine's way to the registries: apt sources, name resolution, CA certificates, NuGet config.
if compgen -G "/etc/apt/sources.list.d/*.sources" >/dev/null; then
  rm -f "$ROOT/etc/apt/sources.list"
  cp /etc/apt/sources.list.d/*.sources "$ROOT/etc/apt/sources.list.d/"
fi
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
cp /etc/hosts "$ROOT/etc/hosts"   # as a machine's installer writes it: its own name resolves
if compgen -G "/usr/local/share/ca-certificates/*" >/dev/null; then
  cp -a /usr/local/share/ca-certificates/. "$ROOT/usr/local/share/ca-certificates/"
fi
for config in "$HOME/.nuget/NuGet/NuGet.Config" /etc/opt/NuGet/Config/*.config; do
  [ -f "$config" ] || continue
  case $config in
    "$HOME"/*) target=$ROOT/root/${config#"$HOME"/} ;;
    *) target=$ROOT$config ;;
  esac
  mkdir -p "$(dirname "$target")"
  cp "$config" "$target"
done
nuget_env=()
while IFS='=' read -r name value; do nuget_env+=("$name=$value"); done < <(env | grep '^NUGET_' || true)

# 4. The repository, as a user clones it.
say "clone $BRANCH of $REPO"
git clone -q --branch "$BRANCH" --single-branch "$REPO" "$ROOT/root/LLenergyMeasure"
git -C "$ROOT/root/LLenergyMeasure" log --oneline -1

mount --bind /dev "$ROOT/dev"
mount --bind /dev/pts "$ROOT/dev/pts"
mount -t proc proc "$ROOT/proc"
mount -t sysfs sys "$ROOT/sys" 2>/dev/null || mount --bind /sys "$ROOT/sys"
# the cgroup file systems, as a booted machine's init mounts them (slurmd needs them: docs/testing.md)
if grep -qs ' /sys/fs/cgroup' /proc/mounts; then mount --rbind /sys/fs/cgroup "$ROOT/sys/fs/cgroup"; fi

inside() { # runs a bash command in the chroot, as root, in the clone, with a login's plain environment
  chroot "$ROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "${nuget_env[@]}" \
    bash -c "cd /root/LLenergyMeasure && $1"
}

inside "update-ca-certificates >/dev/null"
if inside "command -v chromium" >/dev/null; then die "chromium is already in the chroot: the check needs a machine without it"; fi

logged() { # NAME COMMAND: runs COMMAND inside, shows and keeps its output in $LOGS/NAME.log; returns its exit code
  set +e
  inside "$2" 2>&1 | tee "$LOGS/$1.log"
  local code=${PIPESTATUS[0]}
  set -e
  return "$code"
}

say "README command 1: dotnet run --project dsl/Lem.Cli -- run examples/quickstart.lem"
logged quickstart "dotnet run --project dsl/Lem.Cli -- run examples/quickstart.lem" || die "the quickstart failed (log: $LOGS/quickstart.log)"

say "README command 2: dotnet fsi build.fsx test"
test_code=0
logged test "dotnet fsi build.fsx test" || test_code=$?
last=$(grep -v '^[[:space:]]*$' "$LOGS/test.log" | tail -n 1)
inside "command -v chromium" >/dev/null || die "the test command did not install chromium"
[[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]] || die "the test command's last line is not 'N passed, N failed, K skipped': $last"
[ "$test_code" = 0 ] && [ "${BASH_REMATCH[2]}" = 0 ] || die "the test command failed (exit $test_code): $last (log: $LOGS/test.log)"
readme_total=$((BASH_REMATCH[1] + BASH_REMATCH[2] + BASH_REMATCH[3]))

if [ "$CHECK_SOLUTION" = 1 ]; then
  say "dotnet test LLenergyMeasure.sln --no-build"
  logged solution "dotnet test LLenergyMeasure.sln --no-build --nologo" || die "dotnet test LLenergyMeasure.sln failed (log: $LOGS/solution.log)"
  solution_total=$(grep -oE 'Total: +[0-9]+' "$LOGS/solution.log" | awk '{ s += $2 } END { print s + 0 }')
  [ "$solution_total" = "$readme_total" ] || die "dotnet test LLenergyMeasure.sln ran $solution_total tests, the test command $readme_total"
  say "dotnet test LLenergyMeasure.sln ran $solution_total tests, as many as the test command"
fi
say "passed: $last"
