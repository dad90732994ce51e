dockerd=$(command -v dockerd)
mkdir -p /etc/systemd/system/docker.service.d
{
  printf '[Service]\nExecStart=\n'
  printf 'ExecStart=%s %s\n' "$dockerd" {{exec_args}}
  printf '%s\n' {{environment}}
} > /etc/systemd/system/docker.service.d/10-machine.conf
systemctl daemon-reload
systemctl enable docker >/dev/null 2>&1 || true
systemctl restart docker
