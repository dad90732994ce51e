cat > /etc/default/swarmctl-docker <<'SWARMCTL_DEFAULTS_EOF'
{{defaults}}SWARMCTL_DEFAULTS_EOF
cat > /etc/init.d/swarmctl-docker <<'SWARMCTL_INIT_EOF'
{{init_script}}SWARMCTL_INIT_EOF
chmod 755 /etc/init.d/swarmctl-docker
mkdir -p /etc/swarmctl/boot.d
ln -sf /etc/init.d/swarmctl-docker /etc/swarmctl/boot.d/50-docker
if command -v update-rc.d >/dev/null 2>&1; then
  update-rc.d -f docker remove >/dev/null 2>&1 || true
  update-rc.d swarmctl-docker defaults >/dev/null 2>&1 || true
fi
# A dockerd not started by this script (the package's, or one started by hand) would hold the
# socket: stop it. Wait for that process, not for its pid file: dockerd removes the file as it
# exits (an empty read made the old loop wait on "/proc/" for its whole 10 s), bounded at 20 s.
if [ -f /var/run/docker.pid ] && ! /etc/init.d/swarmctl-docker status >/dev/null 2>&1; then
  pid=$(cat /var/run/docker.pid 2>/dev/null || true)
  case "$pid" in ''|*[!0-9]*) pid= ;; esac
  if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
    i=0
    while [ -e "/proc/$pid" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
    if [ -e "/proc/$pid" ]; then
      echo "dockerd $pid did not stop within 20 s: killed" >&2
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
fi
/etc/init.d/swarmctl-docker restart
