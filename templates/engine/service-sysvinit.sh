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
# A distro dockerd (started by the package) would hold the socket: stop it.
if [ -f /var/run/docker.pid ] && ! /etc/init.d/swarmctl-docker status >/dev/null 2>&1; then
  kill "$(cat /var/run/docker.pid)" 2>/dev/null || true
  for i in $(seq 1 100); do [ -e "/proc/$(cat /var/run/docker.pid 2>/dev/null)" ] || break; sleep 0.1; done
fi
/etc/init.d/swarmctl-docker restart
