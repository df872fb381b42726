#!/usr/bin/env bash
# Stop the daemons test/slurm/start.sh started (by their pid files only).
set -uo pipefail
D=$(realpath -m "${1:?usage: stop.sh STATE_DIR}")
for f in slurmd slurmctld; do
  if [ -s "$D/$f.pid" ]; then kill "$(cat "$D/$f.pid")" 2>/dev/null || true; fi
done
for _ in $(seq 50); do
  alive=0
  for f in slurmd slurmctld; do [ -s "$D/$f.pid" ] && kill -0 "$(cat "$D/$f.pid")" 2>/dev/null && alive=1; done
  [ $alive = 0 ] && break
  sleep 0.1
done
if [ -f "$D/munge.started" ] && [ -s /run/munge/munged.pid ]; then
  kill "$(cat /run/munge/munged.pid)" 2>/dev/null || true
  rm -f "$D/munge.started"
fi
exit 0
