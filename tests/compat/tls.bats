#!/usr/bin/env bats
# The global --tls-ca-cert, --tls-ca-key, --tls-client-cert, --tls-client-key flags and their
# MACHINE_TLS_* variables, as docker-machine's create uses them (commands/create.go tlsPath,
# libmachine/cert/bootstrap.go): these files instead of the store's certs/, the missing ones
# created there, the paths recorded in the machine's AuthOptions, and the engine checked with
# them. The engine is fake_dockerd.py trusting only the given CA (none driver, no root).
load helpers

setup_file() {
  load helpers
  export MACHINE_STORAGE_PATH=$COMPAT_TMP/store-tls-$MACHINE_NAME
  local d=$COMPAT_TMP/myca-$MACHINE_NAME
  export MYCA=$d
  mkdir -p "$d"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /O=myca -days 2 \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,digitalSignature \
    -keyout "$d/ca-key.pem" -out "$d/ca.pem" 2>/dev/null
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /O=engine \
    -keyout "$d/server-key.pem" -out "$d/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\n' >"$d/ext"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" -CAcreateserial \
    -days 2 -extfile "$d/ext" -out "$d/server.pem" 2>/dev/null
  python3 "$BATS_TEST_DIRNAME/fake_dockerd.py" "$d/ca.pem" "$d/server.pem" "$d/server-key.pem" \
    "$d/port" 3>&- &
  echo $! >"$d/pid"
  wait_until 5 test -s "$d/port"
  export MYCA_URL="tcp://127.0.0.1:$(cat "$d/port")"
}

teardown_file() {
  kill "$(cat "$MYCA/pid")" 2>/dev/null || true
}

@test "tls: create with --tls-* uses the given CA and creates the client certificate there" {
  run machine --tls-ca-cert "$MYCA/ca.pem" --tls-ca-key "$MYCA/ca-key.pem" \
    --tls-client-cert "$MYCA/cert.pem" --tls-client-key "$MYCA/key.pem" \
    create -d none --url "$MYCA_URL" tlsflags
  show
  [ "$status" -eq 0 ]
  [[ $output == *"Creating client certificate: $MYCA/cert.pem"* ]]
  [[ $output != *"Creating CA"* ]]
  openssl verify -CAfile "$MYCA/ca.pem" "$MYCA/cert.pem"
}

@test "tls: the machine's AuthOptions record the given files" {
  run machine inspect -f '{{.HostOptions.AuthOptions.CaCertPath}} {{.HostOptions.AuthOptions.CaPrivateKeyPath}} {{.HostOptions.AuthOptions.ClientCertPath}} {{.HostOptions.AuthOptions.ClientKeyPath}}' tlsflags
  [ "$output" = "$MYCA/ca.pem $MYCA/ca-key.pem $MYCA/cert.pem $MYCA/key.pem" ]
}

@test "tls: env, config, ls and version reach an engine that trusts only the given CA" {
  run machine env --shell bash tlsflags
  show
  [ "$status" -eq 0 ]
  [ "${lines[1]}" = "export DOCKER_HOST=\"$MYCA_URL\"" ]
  local dir=$MACHINE_STORAGE_PATH/machines/tlsflags
  cmp "$dir/ca.pem" "$MYCA/ca.pem"
  cmp "$dir/cert.pem" "$MYCA/cert.pem"
  cmp "$dir/key.pem" "$MYCA/key.pem"
  run machine config tlsflags
  [ "$status" -eq 0 ]
  run machine version tlsflags
  [ "$output" = "19.03.5" ]
  run machine ls --filter name=tlsflags --format '{{.DockerVersion}}'
  [ "$output" = "v19.03.5" ]
}

@test "tls: the store's own CA is not created when the flags name one" {
  [ ! -e "$MACHINE_STORAGE_PATH/certs/ca.pem" ]
  [ ! -e "$MACHINE_STORAGE_PATH/certs/cert.pem" ]
}

@test "tls: MACHINE_TLS_* variables do the same as the flags" {
  MACHINE_TLS_CA_CERT=$MYCA/ca.pem MACHINE_TLS_CA_KEY=$MYCA/ca-key.pem \
    MACHINE_TLS_CLIENT_CERT=$MYCA/cert.pem MACHINE_TLS_CLIENT_KEY=$MYCA/key.pem \
    run machine create -d none --url "$MYCA_URL" tlsenv
  [ "$status" -eq 0 ]
  run machine inspect -f '{{.HostOptions.AuthOptions.CaCertPath}}' tlsenv
  [ "$output" = "$MYCA/ca.pem" ]
  run machine env --shell bash tlsenv
  [ "$status" -eq 0 ]
}

@test "tls: a machine made with the store's CA fails the check against that engine" {
  run machine create -d none --url "$MYCA_URL" storeca
  [ "$status" -eq 0 ]
  run machine env --shell bash storeca
  [ "$status" -eq 1 ]
  [[ $output == *"Error checking TLS connection: Error checking and/or regenerating the certs"* ]]
  [[ $output == *"You can attempt to regenerate them using '$MACHINE_NAME regenerate-certs [name]'."* ]]
}

@test "tls: an engine that refuses the client certificate fails env with OpenSSL's words" {
  # The engine's certificate comes from the store's CA (made by a first create); it takes clients
  # of the other CA only.
  machine create -d none --url tcp://127.0.0.1:1 makeca && machine rm -y makeca
  local d=$BATS_TEST_TMPDIR store=$MACHINE_STORAGE_PATH/certs
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /O=engine \
    -keyout "$d/server-key.pem" -out "$d/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\n' >"$d/ext"
  openssl x509 -req -in "$d/server.csr" -CA "$store/ca.pem" -CAkey "$store/ca-key.pem" \
    -CAcreateserial -days 2 -extfile "$d/ext" -out "$d/server.pem" 2>/dev/null
  python3 "$BATS_TEST_DIRNAME/fake_dockerd.py" "$MYCA/ca.pem" "$d/server.pem" "$d/server-key.pem" \
    "$d/port" 3>&- &
  local pid=$!
  wait_until 5 test -s "$d/port"
  run machine create -d none --url "tcp://127.0.0.1:$(cat "$d/port")" refused
  [ "$status" -eq 0 ]
  run machine env --shell bash refused
  kill "$pid"
  show
  [ "$status" -eq 1 ]
  [[ $output == *"Error checking TLS connection: "* ]]
  # The error texts are loaded when one is printed: the text, not "lib(20)::reason(1048)".
  [[ $output == *"SSL routines::tlsv1 alert unknown ca"* ]]
}

@test "tls: a CA key that does not belong to the CA certificate is refused" {
  openssl ecparam -name prime256v1 -genkey -noout -out "$BATS_TEST_TMPDIR/other-key.pem"
  run machine --tls-ca-cert "$MYCA/ca.pem" --tls-ca-key "$BATS_TEST_TMPDIR/other-key.pem" \
    --tls-client-cert "$BATS_TEST_TMPDIR/cert.pem" --tls-client-key "$BATS_TEST_TMPDIR/key.pem" \
    create -d none --url "$MYCA_URL" badkey
  show
  [ "$status" -eq 1 ]
  [[ $output == *"does not belong to the CA certificate"* ]]
  [ -z "$(machine ls -q --filter name=badkey)" ]
}
