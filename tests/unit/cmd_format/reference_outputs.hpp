#pragma once
// Verbatim stdout of docker-machine 0.16.2 (none driver, fake TLS endpoint), copied from
// shared/reference/docker-machine-outputs.md; every entry's length matches the byte count recorded
// there.
#include <string_view>

namespace sc::test::ref {
struct Output {
  std::string_view section, command, stdout_text;
};

inline constexpr Output k_outputs[] = {
    {"ls (no daemon)", "docker-machine -s /tmp/dm-store ls",
     "NAME    ACTIVE   DRIVER   STATE     URL                    SWARM   DOCKER    ERRORS\n"
     "fake1   -        none     Running   tcp://127.0.0.1:2376           Unknown   Unable to query "
     "docker version: Cannot connect to the docker engine endpoint\n"},
    {"ls", "docker-machine -s /tmp/dm-store ls",
     "NAME    ACTIVE   DRIVER   STATE     URL                    SWARM   DOCKER     ERRORS\n"
     "fake1   -        none     Running   tcp://127.0.0.1:2376           v19.03.5   \n"},
    {"ls -q", "docker-machine -s /tmp/dm-store ls -q", "fake1\n"},
    {"ls --format",
     "docker-machine -s /tmp/dm-store ls --format '{{.Name}} {{.DriverName}} {{.State}} {{.URL}} "
     "{{.DockerVersion}} {{.Active}}'",
     "fake1 none Running tcp://127.0.0.1:2376 v19.03.5 -\n"},
    {"ls --filter driver=none", "docker-machine -s /tmp/dm-store ls --filter driver=none",
     "NAME    ACTIVE   DRIVER   STATE     URL                    SWARM   DOCKER     ERRORS\n"
     "fake1   -        none     Running   tcp://127.0.0.1:2376           v19.03.5   \n"},
    {"ls --filter name=nomatch", "docker-machine -s /tmp/dm-store ls --filter name=nomatch",
     "NAME   ACTIVE   DRIVER   STATE   URL   SWARM   DOCKER   ERRORS\n"},
    {"env fake1 (auto-detect from SHELL=/bin/bash)", "docker-machine -s /tmp/dm-store env fake1",
     "export DOCKER_TLS_VERIFY=\"1\"\n"
     "export DOCKER_HOST=\"tcp://127.0.0.1:2376\"\n"
     "export DOCKER_CERT_PATH=\"/tmp/dm-store/machines/fake1\"\n"
     "export DOCKER_MACHINE_NAME=\"fake1\"\n"
     "# Run this command to configure your shell: \n"
     "# eval $(docker-machine -s /tmp/dm-store env fake1)\n"},
    {"env --shell bash fake1", "docker-machine -s /tmp/dm-store env --shell bash fake1",
     "export DOCKER_TLS_VERIFY=\"1\"\n"
     "export DOCKER_HOST=\"tcp://127.0.0.1:2376\"\n"
     "export DOCKER_CERT_PATH=\"/tmp/dm-store/machines/fake1\"\n"
     "export DOCKER_MACHINE_NAME=\"fake1\"\n"
     "# Run this command to configure your shell: \n"
     "# eval $(docker-machine -s /tmp/dm-store env --shell bash fake1)\n"},
    {"env --shell fish fake1", "docker-machine -s /tmp/dm-store env --shell fish fake1",
     "set -gx DOCKER_TLS_VERIFY \"1\";\n"
     "set -gx DOCKER_HOST \"tcp://127.0.0.1:2376\";\n"
     "set -gx DOCKER_CERT_PATH \"/tmp/dm-store/machines/fake1\";\n"
     "set -gx DOCKER_MACHINE_NAME \"fake1\";\n"
     "# Run this command to configure your shell: \n"
     "# eval (docker-machine -s /tmp/dm-store env --shell fish fake1)\n"},
    {"env --shell powershell fake1", "docker-machine -s /tmp/dm-store env --shell powershell fake1",
     "$Env:DOCKER_TLS_VERIFY = \"1\"\n"
     "$Env:DOCKER_HOST = \"tcp://127.0.0.1:2376\"\n"
     "$Env:DOCKER_CERT_PATH = \"/tmp/dm-store/machines/fake1\"\n"
     "$Env:DOCKER_MACHINE_NAME = \"fake1\"\n"
     "# Run this command to configure your shell: \n"
     "# & docker-machine -s /tmp/dm-store env --shell powershell fake1 | Invoke-Expression\n"},
    {"env --shell cmd fake1", "docker-machine -s /tmp/dm-store env --shell cmd fake1",
     "SET DOCKER_TLS_VERIFY=1\n"
     "SET DOCKER_HOST=tcp://127.0.0.1:2376\n"
     "SET DOCKER_CERT_PATH=/tmp/dm-store/machines/fake1\n"
     "SET DOCKER_MACHINE_NAME=fake1\n"
     "REM Run this command to configure your shell: \n"
     "REM \t@FOR /f \"tokens=*\" %i IN ('docker-machine -s /tmp/dm-store env --shell cmd fake1') "
     "DO @%i\n"},
    {"env --shell emacs fake1", "docker-machine -s /tmp/dm-store env --shell emacs fake1",
     "(setenv \"DOCKER_TLS_VERIFY\" \"1\")\n"
     "(setenv \"DOCKER_HOST\" \"tcp://127.0.0.1:2376\")\n"
     "(setenv \"DOCKER_CERT_PATH\" \"/tmp/dm-store/machines/fake1\")\n"
     "(setenv \"DOCKER_MACHINE_NAME\" \"fake1\")\n"
     ";; Run this command to configure your shell: \n"
     ";; (with-temp-buffer (shell-command \"docker-machine -s /tmp/dm-store env --shell emacs "
     "fake1\" (current-buffer)) (eval-buffer))\n"},
    {"env --shell tcsh fake1", "docker-machine -s /tmp/dm-store env --shell tcsh fake1",
     "setenv DOCKER_TLS_VERIFY \"1\";\n"
     "setenv DOCKER_HOST \"tcp://127.0.0.1:2376\";\n"
     "setenv DOCKER_CERT_PATH \"/tmp/dm-store/machines/fake1\";\n"
     "setenv DOCKER_MACHINE_NAME \"fake1\";\n"
     ": Run this command to configure your shell: \n"
     ": eval `docker-machine -s /tmp/dm-store env --shell tcsh fake1`\n"},
    {"env --no-proxy fake1", "docker-machine -s /tmp/dm-store env --no-proxy fake1",
     "export DOCKER_TLS_VERIFY=\"1\"\n"
     "export DOCKER_HOST=\"tcp://127.0.0.1:2376\"\n"
     "export DOCKER_CERT_PATH=\"/tmp/dm-store/machines/fake1\"\n"
     "export DOCKER_MACHINE_NAME=\"fake1\"\n"
     "export NO_PROXY=\"127.0.0.1:2376\"\n"
     "# Run this command to configure your shell: \n"
     "# eval $(docker-machine -s /tmp/dm-store env --no-proxy fake1)\n"},
    {"env --unset", "docker-machine -s /tmp/dm-store env --unset",
     "unset DOCKER_TLS_VERIFY\n"
     "unset DOCKER_HOST\n"
     "unset DOCKER_CERT_PATH\n"
     "unset DOCKER_MACHINE_NAME\n"
     "# Run this command to configure your shell: \n"
     "# eval $(docker-machine -s /tmp/dm-store env --unset)\n"},
    {"env --unset --shell bash", "docker-machine -s /tmp/dm-store env --unset --shell bash",
     "unset DOCKER_TLS_VERIFY\n"
     "unset DOCKER_HOST\n"
     "unset DOCKER_CERT_PATH\n"
     "unset DOCKER_MACHINE_NAME\n"
     "# Run this command to configure your shell: \n"
     "# eval $(docker-machine -s /tmp/dm-store env --unset --shell bash)\n"},
    {"env --unset --shell fish", "docker-machine -s /tmp/dm-store env --unset --shell fish",
     "set -e DOCKER_TLS_VERIFY;\n"
     "set -e DOCKER_HOST;\n"
     "set -e DOCKER_CERT_PATH;\n"
     "set -e DOCKER_MACHINE_NAME;\n"
     "# Run this command to configure your shell: \n"
     "# eval (docker-machine -s /tmp/dm-store env --unset --shell fish)\n"},
    {"env --unset --shell powershell",
     "docker-machine -s /tmp/dm-store env --unset --shell powershell",
     "Remove-Item Env:\\\\DOCKER_TLS_VERIFY\n"
     "Remove-Item Env:\\\\DOCKER_HOST\n"
     "Remove-Item Env:\\\\DOCKER_CERT_PATH\n"
     "Remove-Item Env:\\\\DOCKER_MACHINE_NAME\n"
     "# Run this command to configure your shell: \n"
     "# & docker-machine -s /tmp/dm-store env --unset --shell powershell | Invoke-Expression\n"},
    {"env --unset --shell cmd", "docker-machine -s /tmp/dm-store env --unset --shell cmd",
     "SET DOCKER_TLS_VERIFY=\n"
     "SET DOCKER_HOST=\n"
     "SET DOCKER_CERT_PATH=\n"
     "SET DOCKER_MACHINE_NAME=\n"
     "REM Run this command to configure your shell: \n"
     "REM \t@FOR /f \"tokens=*\" %i IN ('docker-machine -s /tmp/dm-store env --unset --shell cmd') "
     "DO @%i\n"},
    {"env --unset --shell emacs", "docker-machine -s /tmp/dm-store env --unset --shell emacs",
     "(setenv \"DOCKER_TLS_VERIFY\" nil)\n"
     "(setenv \"DOCKER_HOST\" nil)\n"
     "(setenv \"DOCKER_CERT_PATH\" nil)\n"
     "(setenv \"DOCKER_MACHINE_NAME\" nil)\n"
     ";; Run this command to configure your shell: \n"
     ";; (with-temp-buffer (shell-command \"docker-machine -s /tmp/dm-store env --unset --shell "
     "emacs\" (current-buffer)) (eval-buffer))\n"},
    {"env --unset --shell tcsh", "docker-machine -s /tmp/dm-store env --unset --shell tcsh",
     "unsetenv DOCKER_TLS_VERIFY;\n"
     "unsetenv DOCKER_HOST;\n"
     "unsetenv DOCKER_CERT_PATH;\n"
     "unsetenv DOCKER_MACHINE_NAME;\n"
     ": Run this command to configure your shell: \n"
     ": eval `docker-machine -s /tmp/dm-store env --unset --shell tcsh`\n"},
    {"inspect --format",
     "docker-machine -s /tmp/dm-store inspect --format '{{.Driver.URL}} {{.DriverName}} "
     "{{.HostOptions.AuthOptions.CaCertPath}}' fake1",
     "tcp://127.0.0.1:2376 none /tmp/dm-store/certs/ca.pem\n"},
    {"config fake1", "docker-machine -s /tmp/dm-store config fake1",
     "--tlsverify\n"
     "--tlscacert=\"/tmp/dm-store/machines/fake1/ca.pem\"\n"
     "--tlscert=\"/tmp/dm-store/machines/fake1/cert.pem\"\n"
     "--tlskey=\"/tmp/dm-store/machines/fake1/key.pem\"\n"
     "-H=tcp://127.0.0.1:2376\n"},
    {"ls after rm", "docker-machine -s /tmp/dm-store ls",
     "NAME   ACTIVE   DRIVER   STATE   URL   SWARM   DOCKER   ERRORS\n"},
};

inline std::string_view output(std::string_view section) {
  for (const auto &o : k_outputs)
    if (o.section == section) return o.stdout_text;
  return {};
}
} // namespace sc::test::ref
