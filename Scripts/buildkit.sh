#!/usr/bin/env bash
# A private Docker daemon with BuildKit, for the real-build tests (see RealBuildKitTests.swift).
#
#   Scripts/buildkit.sh start STATE_DIR   start dockerd with everything under STATE_DIR; prints
#                                         `export DOCKER_HOST=unix://STATE_DIR/docker.sock`
#   Scripts/buildkit.sh base-image STATE_DIR
#                                         make the image local/busybox:1 on that daemon from
#                                         /bin/busybox (busybox-static); nothing if it exists
#   Scripts/buildkit.sh stop STATE_DIR    stop that daemon and its containerd, unmount what it
#                                         left under STATE_DIR, and remove STATE_DIR
#
# Typical use (a CI script would also `trap` the stop):
#   apt-get update && apt-get install -y --no-install-recommends docker.io busybox-static
#   state=$(mktemp -d /tmp/planner-buildkit.XXXXXX)
#   eval "$(Scripts/buildkit.sh start "$state")"
#   Scripts/buildkit.sh base-image "$state"
#   PLANNER_DOCKER_HOST=$DOCKER_HOST swift test --filter RealBuildKit
#   Scripts/buildkit.sh stop "$state"
#
# The daemon touches no network and no system path: no iptables, no bridge, its own data and exec
# roots, its own key file. It installs nothing: it needs Debian's docker.io package (dockerd in
# /usr/sbin, the 20.10 client in /usr/bin/docker; a newer `docker` earlier on PATH is not used).
# Only processes started for STATE_DIR are ever signalled: the PID in STATE_DIR/dockerd.pid, its
# descendants, and any process whose command line names STATE_DIR's containerd.
set -euo pipefail

readonly CLI=/usr/bin/docker
readonly MARKER=.planner-buildkit
readonly START_TIMEOUT=30
readonly STOP_TIMEOUT=30
readonly BUSYBOX=/bin/busybox
readonly BASE_IMAGE=local/busybox:1

usage() {
  echo "usage: $0 start|base-image|stop STATE_DIR" >&2
  exit 64
}

log() { echo "buildkit.sh: $*" >&2; }
die() {
  log "$*"
  exit 1
}

# Debian installs dockerd as /usr/sbin/dockerd; /usr/bin/dockerd is accepted too.
dockerd_binary() {
  local candidate
  for candidate in /usr/bin/dockerd /usr/sbin/dockerd; do
    if [[ -x $candidate ]]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# Field $2 of /proc/$1/stat counted after the command name (1 = state, 2 = parent PID); the name
# may hold spaces or parentheses, so it is skipped up to its last `) `.
stat_field() {
  local stat fields
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  read -r -a fields <<<"${stat##*) }"
  echo "${fields[$(($2 - 1))]}"
}

is_alive() {
  local state
  state=$(stat_field "$1" 1 2>/dev/null) || return 1
  [[ $state != Z ]]
}

# Every descendant of a process, from one reading of the process table.
descendants_of() {
  local -A parent=()
  local proc stat fields pid ppid queue=("$1") found=()
  for proc in /proc/[0-9]*; do
    read -r stat 2>/dev/null <"$proc/stat" || continue
    read -r -a fields <<<"${stat##*) }"
    parent[${proc#/proc/}]=${fields[1]}
  done
  while ((${#queue[@]})); do
    ppid=${queue[0]}
    queue=("${queue[@]:1}")
    for pid in "${!parent[@]}"; do
      if [[ ${parent[$pid]} == "$ppid" ]]; then
        found+=("$pid")
        queue+=("$pid")
      fi
    done
  done
  echo "${found[@]:-}"
}

# Processes whose command line names this state folder's containerd (its config or socket): the
# containerd and shims our dockerd started, found even after dockerd died and they were
# re-parented.
started_for() {
  local state=$1 proc cmdline
  for proc in /proc/[0-9]*; do
    cmdline=$(tr '\0' ' ' 2>/dev/null <"$proc/cmdline") || continue
    if [[ $cmdline == *"$state/exec/containerd/"* ]]; then echo "${proc#/proc/}"; fi
  done
}

# Waits up to $2 seconds for process $1 to end; fails if it is still there.
wait_for_exit() {
  local pid=$1 deadline=$((SECONDS + $2))
  while is_alive "$pid"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# The mount points at or under a folder, deepest first. mountinfo escapes space, tab, newline and
# backslash as octal; printf '%b' turns them back.
mounts_under() {
  local root=$1 point
  awk '{print $5}' /proc/self/mountinfo | while read -r point; do
    point=$(printf '%b' "${point//\\/\\0}")
    if [[ $point == "$root" || $point == "$root"/* ]]; then echo "$point"; fi
  done | awk '{print length, $0}' | sort -rn | cut -d' ' -f2-
}

# An absolute path without `..` or symbolic links for a folder that may not exist yet.
absolute() {
  local dir=$1
  mkdir -p -- "$dir"
  (cd -- "$dir" && pwd -P)
}

start() {
  local dockerd state
  dockerd=$(dockerd_binary) \
    || die "no dockerd in /usr/bin or /usr/sbin: apt-get install -y --no-install-recommends docker.io"
  [[ -x $CLI ]] || die "no $CLI: apt-get install -y --no-install-recommends docker.io"
  state=$(absolute "$1")
  case $state in
  *'"'* | *\\* | *[[:space:]]*) die "the state folder's path must not hold quotes, backslashes or spaces: $state" ;;
  esac
  # A Unix socket path holds at most 107 bytes.
  ((${#state} + 12 <= 107)) || die "the state folder's path is too long for a socket: $state"
  if [[ -e $state/dockerd.pid ]] && is_alive "$(cat "$state/dockerd.pid")"; then
    die "a daemon already runs for $state (pid $(cat "$state/dockerd.pid"))"
  fi
  mkdir -p "$state/data" "$state/exec" "$state/cli"
  : >"$state/$MARKER"
  # Without deprecated-key-path, dockerd 20.10 writes /etc/docker/key.json.
  printf '{"deprecated-key-path": "%s/key.json"}\n' "$state" >"$state/daemon.json"

  local host="unix://$state/docker.sock"
  # Its own session, so that no terminal signal reaches it; no inherited descriptors, so that
  # `eval "$(buildkit.sh start …)"` returns at once.
  setsid "$dockerd" -H "$host" --data-root "$state/data" --exec-root "$state/exec" \
    --pidfile "$state/dockerd.pid" --config-file "$state/daemon.json" \
    --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false --bridge=none \
    </dev/null >"$state/dockerd.log" 2>&1 &
  local launched=$!

  local deadline=$((SECONDS + START_TIMEOUT))
  until DOCKER_HOST=$host DOCKER_CONFIG=$state/cli "$CLI" version >/dev/null 2>&1; do
    if ! is_alive "$launched"; then
      tail -n 20 "$state/dockerd.log" >&2 || true
      die "dockerd exited during start-up; its log is $state/dockerd.log"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 20 "$state/dockerd.log" >&2 || true
      log "dockerd did not answer within ${START_TIMEOUT}s; stopping it"
      stop_daemon "$state" || true
      exit 1
    fi
    sleep 0.2
  done
  # setsid execs dockerd in place when it can, so both PIDs agree; the pidfile is authoritative.
  [[ -s $state/dockerd.pid ]] || echo "$launched" >"$state/dockerd.pid"
  log "dockerd $(cat "$state/dockerd.pid") answers on $host"
  echo "export DOCKER_HOST=$host"
}

# The image the real-build Dockerfiles start from, made without a registry: the static busybox,
# its applet links and a minimal passwd, imported as one layer. Each import gives a new image id
# (file times differ), and a new id misses every cached step, so an existing image is kept.
# Needs root for chroot, as dockerd does.
base_image() {
  local state
  [[ -d $1 ]] || die "$1 does not exist; start a daemon there first"
  state=$(cd -- "$1" && pwd -P)
  [[ -e $state/$MARKER ]] || die "$state was not made by '$0 start'"
  local -a docker=(env "DOCKER_HOST=unix://$state/docker.sock" "DOCKER_CONFIG=$state/cli" "$CLI")
  if "${docker[@]}" image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    log "$BASE_IMAGE exists"
    return 0
  fi
  [[ -x $BUSYBOX ]] || die "no $BUSYBOX: apt-get install -y --no-install-recommends busybox-static"
  local root
  root=$(mktemp -d "$state/base-image.XXXXXX")
  mkdir -p "$root/bin" "$root/etc" "$root/tmp"
  cp -- "$BUSYBOX" "$root/bin/busybox"
  chmod 0755 "$root" "$root/bin" "$root/etc" "$root/bin/busybox"
  chmod 1777 "$root/tmp"
  # Run inside the root folder, `--install -s` links each applet as /bin/<name> -> /bin/busybox,
  # which resolves in the image (run outside, it would name the host path). It also proves that
  # the binary needs no C library: the image has none.
  if ! chroot "$root" /bin/busybox --install -s /bin; then
    rm -rf -- "$root"
    die "$BUSYBOX does not run alone (not the static one?): apt-get install -y --no-install-recommends busybox-static"
  fi
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  chmod 0644 "$root/etc/passwd" "$root/etc/group"
  if ! tar -C "$root" --numeric-owner --owner=0 --group=0 -c . \
    | "${docker[@]}" import -c 'ENV PATH=/bin' - "$BASE_IMAGE" >/dev/null; then
    rm -rf -- "$root"
    die "docker import of $BASE_IMAGE failed"
  fi
  rm -rf -- "$root"
  log "made $BASE_IMAGE from $BUSYBOX"
}

# Stops the daemon of a state folder and everything it started; leaves the folder in place.
stop_daemon() {
  local state=$1 pid="" children=()
  if [[ -s $state/dockerd.pid ]]; then
    pid=$(cat "$state/dockerd.pid")
    [[ $pid =~ ^[0-9]+$ ]] || die "$state/dockerd.pid does not hold a PID"
  fi
  if [[ -n $pid ]] && is_alive "$pid"; then
    # Only a dockerd that was started for this folder: a recycled PID is left alone.
    if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "--pidfile $state/dockerd.pid"; then
      # Its descendants (containerd, shims) are listed now, while their parent is known.
      read -r -a children <<<"$(descendants_of "$pid")"
      kill -TERM "$pid"
      if ! wait_for_exit "$pid" "$STOP_TIMEOUT"; then
        log "dockerd $pid ignored SIGTERM for ${STOP_TIMEOUT}s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        wait_for_exit "$pid" 5 || log "dockerd $pid is still there"
      fi
    else
      log "pid $pid is not the dockerd of $state; not signalling it"
    fi
  fi
  # dockerd stops its containerd on SIGTERM; whatever it started and left is ended here.
  local child
  for child in "${children[@]}" $(started_for "$state"); do
    is_alive "$child" || continue
    log "ending leftover process $child ($(tr '\0' ' ' <"/proc/$child/cmdline" | cut -c1-80))"
    kill -TERM "$child" 2>/dev/null || true
    if ! wait_for_exit "$child" 10; then
      kill -KILL "$child" 2>/dev/null || true
      wait_for_exit "$child" 5 || log "process $child is still there"
    fi
  done
}

stop() {
  local state
  [[ -d $1 ]] || {
    log "$1 does not exist; nothing to stop"
    return 0
  }
  state=$(cd -- "$1" && pwd -P)
  [[ -e $state/$MARKER ]] || die "$state was not made by '$0 start'; not touching it"
  stop_daemon "$state"
  local point
  while read -r point; do
    [[ -n $point ]] || continue
    umount -- "$point" 2>/dev/null || umount -l -- "$point" || log "cannot unmount $point"
  done < <(mounts_under "$state")
  if [[ -n $(mounts_under "$state") ]]; then
    die "still mounted under $state: $(mounts_under "$state" | tr '\n' ' ')"
  fi
  rm -rf -- "$state"
  log "stopped; removed $state"
}

(($# == 2)) || usage
case $1 in
start) start "$2" ;;
base-image) base_image "$2" ;;
stop) stop "$2" ;;
*) usage ;;
esac
