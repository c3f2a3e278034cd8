#!/usr/bin/env bash
# Process helpers shared by scripts/services.sh and scripts/dagger-engine.sh:
# start daemons detached from the caller, and tell our own live processes
# from stale pid files. Sourced, not run.

now_ms() { date +%s%3N; }

since() { local ms=$(( $(now_ms) - $1 )); printf '%d.%03ds' $((ms / 1000)) $((ms % 1000)); }

rotate_log() { # rotate_log <file>: keeps one older copy once it passes 50 MB
  [ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -lt 52428800 ] || mv -f "$1" "$1.1"
}

# Prints the pid from pid file $1 when that process is alive (not a zombie)
# and its command line contains $2; a stale file from a dead run fails.
live_pid() {
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] && [ -r "/proc/$pid/stat" ] || return 1
  [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2" || return 1
  echo "$pid"
}

# Right after `daemonize ... &`, $! is still our forked shell until it execs:
# waits (10s at most) for the pid file's process to show <match>, and fails
# only when it is gone.
exec_seen() { # exec_seen <pid-file> <match>
  local pid _
  pid=$(cat "$1" 2>/dev/null) || return 1
  for _ in $(seq 1 100); do
    live_pid "$1" "$2" >/dev/null && return 0
    [ -d "/proc/$pid" ] || return 1
    sleep 0.1
  done
  return 1
}

# Runs "$@" in a new session (it must outlive this shell and its process
# group) holding no fd above 2: not our lock (9), and not a pipe a CI runner
# waits on to see the job end. Call it with & and take $!.
daemonize() {
  local fd
  for fd in "/proc/$BASHPID/fd"/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
  exec setsid "$@"
}
