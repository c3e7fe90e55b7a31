#!/bin/sh
# A single-node SLURM cluster on this machine, for tests/Lem.Cli.Tests' SlurmTests (build.fsx runs it as a set-up
# step; docs/testing.md). Debian 12's slurmctld, slurmd and munge, configured for one node with no cgroups
# (proctrack/linuxproc, task/none: it works in a container without systemd) and started directly, as root.
#
#   sh scripts/slurm-single-node.sh check   exit 0 when munged, slurmctld and slurmd answer and the node takes jobs
#   sh scripts/slurm-single-node.sh start   install what is missing, write the configuration, start what is not
#                                           running; does nothing when `check` holds already
#   sh scripts/slurm-single-node.sh stop    stop the three daemons (by their pid files)
#
# State lives under /var/lib/slurm, logs under /var/log/slurm, pid files under /run. The partition is `debug`.
set -eu

CONF=/etc/slurm/slurm.conf
STATE=/var/lib/slurm
LOGS=/var/log/slurm
NODE=$(hostname -s)

say() { echo "slurm-single-node: $*"; }

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1" 2>/dev/null)" 2>/dev/null; }

munge_works() { command -v munge >/dev/null && munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

node_takes_jobs() {
    state=$(sinfo --noheader --nodes="$NODE" --format=%T 2>/dev/null | head -n 1)
    case "$state" in
        idle|mixed|allocated|completing) return 0 ;;
        *) return 1 ;;
    esac
}

check() {
    munge_works && scontrol ping >/dev/null 2>&1 && pid_alive /run/slurmd.pid && node_takes_jobs
}

install_packages() {
    if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null && command -v munged >/dev/null; then
        return
    fi
    say "installing slurmctld, slurmd, slurm-client and munge (Debian packages)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge
}

start_munge() {
    if [ ! -s /etc/munge/munge.key ]; then
        say "creating the munge key"
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null
    fi
    chown munge:munge /etc/munge/munge.key
    chmod 0400 /etc/munge/munge.key
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown munge:munge /run/munge /var/log/munge /var/lib/munge
    if ! munge_works; then
        say "starting munged"
        runuser -u munge -- /usr/sbin/munged
    fi
}

# The node's line as slurmd detects it (CPUs, sockets, cores, threads, memory), so that the node is never drained for
# configured resources it lacks. The controller and the node are addressed as 127.0.0.1, so that a host name that does
# not resolve (no /etc/hosts line for it, as in a fresh chroot) does not matter.
node_line() { slurmd -C | head -n 1; }

render_conf() {
    cat <<EOF
# written by scripts/slurm-single-node.sh: a single-node cluster for lem's tests
ClusterName=lem-test
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$STATE/slurmctld
SlurmdSpoolDir=$STATE/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
$(node_line) NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
}

stop_daemon() {
    if pid_alive "$1"; then
        kill "$(cat "$1")"
        i=0
        while pid_alive "$1" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    fi
}

# slurmd initialises its cgroup plugin even with proctrack/linuxproc and task/none, and fails where no cgroup file
# system is mounted ("No filesystem mounted on /sys/fs/cgroup": a chroot, a minimal container). Where this process is
# in the unified hierarchy only (/proc/self/cgroup holds just "0::"), mount cgroup2 there; on a host that uses cgroup v1
# hierarchies that would leave slurmd in "hybrid mode", which it refuses, so say what to do instead.
need_cgroup() {
    if grep -qs ' /sys/fs/cgroup' /proc/mounts; then return 0; fi
    if [ "$(grep -cv '^0::' /proc/self/cgroup 2>/dev/null)" = 0 ] && mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null; then
        say "mounted cgroup2 on /sys/fs/cgroup (slurmd needs a cgroup file system)"
        return 0
    fi
    say "no cgroup file system is mounted under /sys/fs/cgroup, and slurmd 22.05 needs one even without cgroup plugins. Remedy: mount the machine's cgroup file systems there (in a chroot: mount --rbind /sys/fs/cgroup CHROOT/sys/fs/cgroup) and run this again"
    exit 1
}

start_slurm() {
    mkdir -p /etc/slurm "$STATE/slurmctld" "$STATE/slurmd" "$LOGS"
    need_cgroup
    wanted=$(render_conf)
    if [ ! -f "$CONF" ] || [ "$(cat "$CONF")" != "$wanted" ]; then
        say "writing $CONF"
        printf '%s\n' "$wanted" > "$CONF"
        # a running daemon would keep the old configuration
        stop_daemon /run/slurmd.pid
        stop_daemon /run/slurmctld.pid
    fi
    if ! pid_alive /run/slurmctld.pid; then
        say "starting slurmctld"
        slurmctld
    fi
    if ! pid_alive /run/slurmd.pid; then
        say "starting slurmd"
        slurmd
    fi
    # a node left down or drained by an earlier run takes jobs again
    i=0
    until node_takes_jobs; do
        if [ $i -ge 300 ]; then
            say "the node $NODE does not take jobs after 30 s: $(sinfo --noheader --nodes="$NODE" --format='%T %E' 2>&1)"
            say "logs: $LOGS/slurmctld.log, $LOGS/slurmd.log"
            exit 1
        fi
        case $(sinfo --noheader --nodes="$NODE" --format=%T 2>/dev/null | head -n 1) in
            down*|drain*|drained*) scontrol update nodename="$NODE" state=resume >/dev/null 2>&1 || true ;;
        esac
        sleep 0.1
        i=$((i + 1))
    done
}

case "${1:-}" in
    check) check ;;
    start)
        if check; then exit 0; fi
        install_packages
        start_munge
        start_slurm
        say "node $NODE takes jobs in partition debug"
        ;;
    stop)
        stop_daemon /run/slurmd.pid
        stop_daemon /run/slurmctld.pid
        ;;
    *)
        echo "usage: sh scripts/slurm-single-node.sh check|start|stop" >&2
        exit 2
        ;;
esac
