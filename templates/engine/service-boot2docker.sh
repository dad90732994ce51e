mkdir -p /var/lib/boot2docker
cp /etc/docker/ca.pem /var/lib/boot2docker/ca.pem
cp /etc/docker/server.pem /var/lib/boot2docker/server.pem
cp /etc/docker/server-key.pem /var/lib/boot2docker/server-key.pem
chmod 600 /var/lib/boot2docker/server-key.pem
cat > /var/lib/boot2docker/profile <<'SWARMCTL_PROFILE_EOF'
{{profile}}SWARMCTL_PROFILE_EOF
/etc/init.d/docker restart
