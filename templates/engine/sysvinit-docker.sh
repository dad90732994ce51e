#!/bin/bash
### BEGIN INIT INFO
# Provides:          swarmctl-docker
# Required-Start:    $network $remote_fs
# Required-Stop:     $network $remote_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: Docker engine configured by swarmctl
### END INIT INFO
# Written by swarmctl. Options: /etc/default/swarmctl-docker (a bash array, values verbatim).
PIDFILE=/run/swarmctl-docker.pid
LOG=/var/log/swarmctl-docker.log
DEFAULTS=/etc/default/swarmctl-docker

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

start() {
  running && return 0
  DOCKERD_ARGS=()
  # shellcheck disable=SC1090
  . "$DEFAULTS"
  dockerd=$(command -v dockerd) || { echo "dockerd is not installed" >&2; return 1; }
  setsid "$dockerd" "${DOCKERD_ARGS[@]}" >>"$LOG" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 600); do
    docker -H unix:///var/run/docker.sock version >/dev/null 2>&1 && return 0
    running || { echo "dockerd exited; last lines of $LOG:" >&2; tail -n 20 "$LOG" >&2; rm -f "$PIDFILE"; return 1; }
    sleep 0.1
  done
  echo "dockerd did not answer within 60 s; last lines of $LOG:" >&2
  tail -n 20 "$LOG" >&2
  return 1
}

stop() {
  running || { rm -f "$PIDFILE"; return 0; }
  pid=$(cat "$PIDFILE")
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PIDFILE"; return 0; }
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null
  rm -f "$PIDFILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop && start ;;
  status) if running; then echo "dockerd is running"; else echo "dockerd is stopped"; exit 3; fi ;;
  *) echo "usage: $0 start|stop|restart|status" >&2; exit 2 ;;
esac
