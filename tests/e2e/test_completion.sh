#!/usr/bin/env bash
# Shell completions (`swarmctl completion bash|zsh|fish`), driven in the real shells: bash through
# `complete -p` and COMP_WORDS/COMP_CWORD + the registered function (what bash does on TAB), fish
# through `complete -C`, zsh loaded after compinit and its function run with compadd/_describe
# recording what they are given. No root, no hosts: machines are `none` records in a store.
set -uo pipefail
SWARMCTL_BIN=${SWARMCTL_BIN:?}
T=$(mktemp -d /tmp/swarmctl-e2e-completion.XXXXXX)
trap 'rm -rf "$T"' EXIT
export SWARMCTL_STORAGE_PATH=$T/store
unset MACHINE_DRIVER
pass=0; failn=0
ok() { pass=$((pass+1)); echo "ok: $1" >&2; }
ko() { failn=$((failn+1)); echo "FAIL: $1" >&2; }
eq() { if [ "$2" = "$3" ]; then ok "$1"; else ko "$1: expected [$2] got [$3]"; fi; }
has() { if grep -qxF -- "$2" <<<"$3"; then ok "$1"; else ko "$1: [$2] not in [$(tr '\n' ' ' <<<"$3")]"; fi; }
hasnt() { if grep -qxF -- "$2" <<<"$3"; then ko "$1: [$2] offered"; else ok "$1"; fi; }
sc() { "$SWARMCTL_BIN" "$@"; }
need() {
  if ! command -v "$1" >/dev/null; then
    if [ "${CI:-}" = true ]; then ko "$1 is not installed (make deps)"; else echo "SKIPPED: $1 missing" >&2; fi
    return 1
  fi
}

sc create -q -d none --url tcp://127.0.0.1:2376 m1
sc create -q -d none --url tcp://127.0.0.1:2377 m2
sc -s "$T/other" create -q -d none --url tcp://127.0.0.1:2378 elsewhere
mkdir -p "$T/dir/sub" && touch "$T/dir/seed.yml" "$T/dir/notes.txt"

sc completion bash > "$T/swarmctl.bash" || ko "completion bash exits 0"
sc completion zsh > "$T/_swarmctl" || ko "completion zsh exits 0"
sc completion fish > "$T/swarmctl.fish" || ko "completion fish exits 0"
out=$(sc completion tcsh 2>&1); rc=$?
eq "unknown shell: exit 2" 2 "$rc"
eq "unknown shell: one line" 1 "$(printf '%s\n' "$out" | wc -l)"

# ---- bash: what bash runs on TAB (COMP_WORDS, COMP_CWORD, the function `complete -p` names).
bcomp() {
  bash --norc --noprofile -c '
    source "$1"; shift
    spec=$(complete -p swarmctl) || exit 9
    fn=${spec#*-F }; fn=${fn%% *}
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    "$fn" swarmctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"' _ "$T/swarmctl.bash" "$@"
}
eq "bash: complete -p registers the function" "complete -F _swarmctl swarmctl" \
  "$(bash --norc -c "source $T/swarmctl.bash && complete -p swarmctl")"
r=$(bcomp swarmctl ''); has "bash: commands" create "$r"; has "bash: commands (context)" context "$r"
has "bash: commands (completion)" completion "$r"; has "bash: commands (up)" up "$r"
r=$(bcomp swarmctl ip ''); eq "bash: machine names from the store" "m1 m2" "$(echo $r)"
r=$(bcomp swarmctl ip m2); eq "bash: machine name prefix" "m2" "$r"
r=$(bcomp swarmctl -s "$T/other" ip ''); eq "bash: -s selects the store" "elsewhere" "$r"
r=$(bcomp swarmctl --storage-path = "$T/other" env ''); eq "bash: --storage-path=DIR" "elsewhere" "$r"
r=$(bcomp swarmctl rm -y m1 ''); has "bash: rm takes several machines" m2 "$r"
r=$(bcomp swarmctl env --shell ''); has "bash: env --shell values" fish "$r"; has "bash: env --shell powershell" powershell "$r"
r=$(bcomp swarmctl env --shell = f); eq "bash: env --shell=f" "fish" "$r"
r=$(bcomp swarmctl create -d ''); eq "bash: drivers" "amazonec2 generic local none virtualbox" "$(echo $r)"
r=$(bcomp swarmctl create -d virtualbox --virtualbox-mem); eq "bash: virtualbox flag" "--virtualbox-memory" "$r"
r=$(bcomp swarmctl create -d amazonec2 --virtualbox-); eq "bash: no virtualbox flag for amazonec2" "" "$r"
r=$(bcomp swarmctl create -d amazonec2 --amazonec2-reg); eq "bash: amazonec2 flag" "--amazonec2-region" "$r"
r=$(bcomp swarmctl create --driver = local --local-); has "bash: --driver=local flags" --local-rootfs "$r"
r=$(bcomp swarmctl create --engine-label x -d generic --generic-ssh-); has "bash: option values are skipped" --generic-ssh-key "$r"
r=$(bcomp swarmctl create --swarm-strategy ''); eq "bash: IsMember values" "spread binpack random" "$(echo $r)"
r=$(bcomp swarmctl create --); hasnt "bash: create name is new (no driver flags of others)" --amazonec2-region "$r"
has "bash: default driver's flags (virtualbox)" --virtualbox-memory "$r"
r=$(MACHINE_DRIVER=generic bcomp swarmctl create --generic-ssh-u); eq "bash: \$MACHINE_DRIVER" "--generic-ssh-user" "$r"
r=$(cd "$T/dir" && bcomp swarmctl up -f ''); eq "bash: up -f cluster files and dirs" "seed.yml sub" "$(echo $(sort <<<"$r"))"
r=$(bcomp swarmctl kv ''); eq "bash: kv subcommands" "status" "$r"
r=$(bcomp swarmctl kv status ''); eq "bash: kv status machine" "m1 m2" "$(echo $r)"
r=$(bcomp swarmctl completion ''); eq "bash: completion shells" "bash zsh fish" "$(echo $r)"
r=$(bcomp swarmctl ip --); hasnt "bash: no create flags on ip" --driver "$r"
r=$(bcomp swarmctl --st); eq "bash: global flags" "--storage-path" "$r"
# Same tables as the parser: every driver flag `create --help` lists is offered, per driver.
for d in virtualbox amazonec2 generic local; do
  want=$(sc create --help 2>&1 | grep -oE -- "--$d-[a-z0-9-]+" | sort -u)
  got=$(bcomp swarmctl create -d "$d" "--$d-" | sort -u)
  eq "bash: every --$d-* flag of create --help" "$want" "$got"
done
# Read fast: 1000 machines listed from the directory, no process per machine.
for i in $(seq 1 1000); do mkdir -p "$T/big/machines/n$i" && : > "$T/big/machines/n$i/config.json"; done
t0=$(date +%s%N)
n=$(bcomp swarmctl -s "$T/big" ip '' | wc -l)
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
eq "bash: 1000 machine names" 1000 "$n"
if [ "$ms" -lt 1000 ]; then ok "bash: 1000 names in ${ms} ms"; else ko "bash: 1000 names took ${ms} ms"; fi

# ---- fish: complete -C runs the real completion machinery.
if need fish; then
  fcomp() { fish --no-config -c "source $T/swarmctl.fish; complete -C '$1'" | cut -f1; }
  eq "fish: loads without error" "" "$(fish --no-config -c "source $T/swarmctl.fish" 2>&1)"
  r=$(fcomp 'swarmctl '); has "fish: commands" create "$r"; has "fish: commands (context)" context "$r"
  r=$(fcomp 'swarmctl ip '); eq "fish: machine names" "m1 m2" "$(echo $r)"
  r=$(fcomp "swarmctl -s $T/other ip "); eq "fish: -s selects the store" "elsewhere" "$(echo $r)"
  r=$(fcomp 'swarmctl env --shell '); has "fish: env --shell values" zsh "$r"
  r=$(fcomp 'swarmctl create -d virtualbox --virtualbox-mem'); eq "fish: virtualbox flag" "--virtualbox-memory" "$r"
  r=$(fcomp 'swarmctl create -d amazonec2 --virtualbox-'); eq "fish: no virtualbox flag for amazonec2" "" "$r"
  r=$(fcomp 'swarmctl create -d '); has "fish: drivers" amazonec2 "$r"
  r=$(fcomp 'swarmctl kv '); eq "fish: kv subcommands" "status" "$r"
  r=$(cd "$T/dir" && fcomp 'swarmctl up -f '); has "fish: up -f files" seed.yml "$r"
fi

# ---- zsh: loads after compinit; its function, run with compadd/_describe/_files recorded.
if need zsh; then
  eq "zsh: loads without error after compinit" "" \
    "$(HOME=$T zsh -f -c "autoload -Uz compinit && compinit -u -d $T/zcd && source $T/_swarmctl && (( \$+_comps[swarmctl] )) || echo not-registered" 2>&1)"
  eq "zsh: autoloads from fpath without error" "" \
    "$(HOME=$T zsh -f -c "fpath=($T \$fpath); autoload -Uz compinit && compinit -u -d $T/zcd2 && [[ \$_comps[swarmctl] == _swarmctl ]] || echo not-registered" 2>&1)"
  zcomp() {
    zsh -f -c '
      source "$1"; shift
      compadd() { while [[ $# -gt 0 && $1 != -- ]]; do shift; done; shift; print -l -- "$@"; }
      _describe() { local -a a; a=("${(@P)${@[-1]}}"); print -l -- "${a[@]%%:*}"; }
      _files() { print -- "<files $*>"; }
      _message() { :; }
      words=("$@"); CURRENT=$#; PREFIX=${words[-1]}
      _swarmctl' _ "$T/_swarmctl" "$@"
  }
  r=$(zcomp swarmctl ''); has "zsh: commands" create "$r"
  r=$(zcomp swarmctl ip ''); eq "zsh: machine names" "m1 m2" "$(echo $r)"
  r=$(zcomp swarmctl -s "$T/other" ip ''); eq "zsh: -s selects the store" "elsewhere" "$(echo $r)"
  r=$(zcomp swarmctl create -d virtualbox --); has "zsh: virtualbox flag" --virtualbox-memory "$r"
  hasnt "zsh: no amazonec2 flag for virtualbox" --amazonec2-region "$r"
  r=$(zcomp swarmctl env --shell ''); has "zsh: env --shell values" fish "$r"
  r=$(zcomp swarmctl up -f ''); eq "zsh: up -f cluster files" "<files -g *.(yml|yaml)>" "$r"
fi

# ---- make install-completions: where each shell looks (DESTDIR + PREFIX=/usr, as a package).
SRC=${SC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
if make -s -C "$SRC" install-completions SWARMCTL="$SWARMCTL_BIN" BUILD="$T/b" PREFIX=/usr \
  DESTDIR="$T/root" >/dev/null 2>"$T/make.err"; then ok "make install-completions"; else ko "make install-completions: $(cat "$T/make.err")"; fi
for f in usr/share/bash-completion/completions/swarmctl usr/share/zsh/site-functions/_swarmctl \
  usr/share/fish/vendor_completions.d/swarmctl.fish; do
  if [ -s "$T/root/$f" ]; then ok "installed /$f"; else ko "missing /$f"; fi
done
eq "installed bash script is what completion bash prints" "$(cat "$T/swarmctl.bash")" \
  "$(cat "$T/root/usr/share/bash-completion/completions/swarmctl")"
if command -v fish >/dev/null; then
  # (fish autoloads a command's completions once the command is found in PATH)
  mkdir -p "$T/bin" && ln -sf "$SWARMCTL_BIN" "$T/bin/swarmctl"
  r=$(PATH=$T/bin:$PATH HOME=$T XDG_DATA_DIRS=$T/root/usr/share fish -c "complete -C 'swarmctl ip '" | cut -f1)
  eq "fish finds the installed script by itself" "m1 m2" "$(echo $r)"
fi
if command -v zsh >/dev/null; then
  eq "zsh finds the installed script in fpath" "_swarmctl" \
    "$(HOME=$T zsh -f -c "fpath=($T/root/usr/share/zsh/site-functions \$fpath); autoload -Uz compinit && compinit -u -d $T/zcd3 && print -r -- \$_comps[swarmctl]" 2>&1)"
fi

echo "completion: $pass passed, $failn failed" >&2
[ "$failn" -eq 0 ]
