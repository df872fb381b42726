#!/usr/bin/env bash
# Start a single-node Slurm (controller + compute daemon on 127.0.0.1) for the campaign Slurm test.
# Needs Debian packages slurm-wlm and munge, and root (slurmd). No systemd: daemons are started by hand.
# Usage: test/slurm/start.sh STATE_DIR   → writes STATE_DIR/slurm.conf; export SLURM_CONF=STATE_DIR/slurm.conf
# Stop with test/slurm/stop.sh STATE_DIR (kills only the daemons this script started, by their pid files).
set -euo pipefail
D=$(realpath -m "${1:?usage: start.sh STATE_DIR}")
mkdir -p "$D/state" "$D/spool"
host=$(hostname -s)
cpus=$(nproc)

# munge: authentication between the Slurm daemons and clients
if ! (munge -n 2>/dev/null | unmunge >/dev/null 2>&1); then
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge
  chown -R munge:munge /var/log/munge /var/lib/munge /etc/munge
  chmod 0755 /run/munge
  su -s /bin/sh munge -c munged
  echo started > "$D/munge.started"
  for _ in $(seq 50); do (munge -n | unmunge >/dev/null 2>&1) && break; sleep 0.1; done
fi

cat > "$D/slurm.conf" <<CONF
ClusterName=specfuse-test
SlurmctldHost=${host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
SlurmctldPort=${SPECFUSE_SLURMCTLD_PORT:-6817}
SlurmdPort=${SPECFUSE_SLURMD_PORT:-6818}
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.log
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=30
KillWait=5
NodeName=${host} NodeAddr=127.0.0.1 CPUs=${cpus} State=UNKNOWN
PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF

export SLURM_CONF="$D/slurm.conf"
slurmctld -c -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
# wait until the node is idle
for _ in $(seq 100); do
  state=$(sinfo -h -o '%t' 2>/dev/null | head -n1 || true)
  if [ "$state" = "idle" ] || [ "$state" = "mix" ]; then echo "slurm ready: SLURM_CONF=$SLURM_CONF"; exit 0; fi
  sleep 0.2
done
echo "slurm did not become ready (node state: ${state:-none}); see $D/slurmctld.log and $D/slurmd.log" >&2
exit 1
