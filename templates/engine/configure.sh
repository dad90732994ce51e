# swarmctl: configure the Docker engine with TLS (one round trip; secrets arrive on stdin).
set -eu
name={{hostname}}
hostname "$name" 2>/dev/null || true
echo "$name" > /etc/hostname
if ! grep -qE "[[:space:]]$name([[:space:]]|\$)" /etc/hosts 2>/dev/null; then
  if grep -q '^127\.0\.1\.1[[:space:]]' /etc/hosts 2>/dev/null; then
    sed -i "s/^127\.0\.1\.1[[:space:]].*/127.0.1.1 $name/" /etc/hosts
  else
    echo "127.0.1.1 $name" >> /etc/hosts
  fi
fi
mkdir -p /etc/docker
cat > /etc/docker/ca.pem <<'SWARMCTL_CA_EOF'
{{ca_pem}}SWARMCTL_CA_EOF
cat > /etc/docker/server.pem <<'SWARMCTL_CERT_EOF'
{{server_pem}}SWARMCTL_CERT_EOF
(umask 077 && cat > /etc/docker/server-key.pem <<'SWARMCTL_KEY_EOF'
{{server_key_pem}}SWARMCTL_KEY_EOF
)
chmod 644 /etc/docker/ca.pem /etc/docker/server.pem
chmod 600 /etc/docker/server-key.pem
# The engine gets a new identity and bridge config on restart: docker0 is recreated.
{{service}}
# Wait for the engine on its unix socket (deadline 60 s, no fixed sleep).
i=0
until docker -H unix:///var/run/docker.sock version >/dev/null 2>&1; do
  i=$((i + 1))
  if [ $i -gt 600 ]; then
    echo "the Docker engine did not start; last lines of its log:" >&2
    {{log_tail}} >&2 || true
    exit 1
  fi
  sleep 0.1
done
