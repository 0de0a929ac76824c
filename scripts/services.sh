#!/usr/bin/env bash
# Local backing services for HotlineGrains tests and benchmarks.
#
#   scripts/services.sh start  [postgres|rabbitmq ...]   install missing packages, start (idempotent)
#   scripts/services.sh stop   [postgres|rabbitmq ...]   stop what `start` started (idempotent)
#   scripts/services.sh status [postgres|rabbitmq ...]   exit 0 if all named services run, 3 otherwise
#   scripts/services.sh env                              print export lines: eval "$(scripts/services.sh env)"
#   scripts/services.sh rabbitmqctl ARGS...              rabbitmqctl against the node `start` runs
#                                                        (tests make virtual hosts of their own with it)
#
# Without service names a command applies to both services. `start` also installs
# chromium (needed by the browser tests) when it is missing, and Node.js with npm (the gateway's
# build restores its browser libraries with npm) when no npm is on PATH.
#
# Everything lives under ${HOTLINE_SERVICES_DIR:-/tmp/hotlinegrains-services}:
#   pg/data, pg/postgres.log, pg/run (unix socket)    PostgreSQL 15, owned by the `postgres` OS user
#   rabbitmq/{mnesia,log,home,...}, rabbitmq/server.log  RabbitMQ node, run as root
#
# Tunables (environment): HOTLINE_SERVICES_DIR, HOTLINE_PG_PORT (55432),
# HOTLINE_PG_MAX_CONNECTIONS (500), HOTLINE_RABBITMQ_PORT (5672),
# HOTLINE_RABBITMQ_DIST_PORT (AMQP port + 20000), HOTLINE_RABBITMQ_NODE (hotline@localhost),
# HOTLINE_EPMD_PORT (4369), HOTLINE_START_TIMEOUT (120 s per service),
# HOTLINE_APT_LOCK_TIMEOUT (1800 s), HOTLINE_SKIP_APT=1 (never run apt-get).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd -P)"
export ROOT

SERVICES_DIR="$(realpath -m "${HOTLINE_SERVICES_DIR:-/tmp/hotlinegrains-services}")"
PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT="${HOTLINE_PG_PORT:-55432}"
PG_PASSWORD=hotline
PG_DATABASE=hotline_test
PG_MAX_CONNECTIONS="${HOTLINE_PG_MAX_CONNECTIONS:-500}"
PG_BASE="$SERVICES_DIR/pg"
PG_DATA="$PG_BASE/data"
PG_SOCKET_DIR="$PG_BASE/run"
PG_LOG="$PG_BASE/postgres.log"

RMQ_PORT="${HOTLINE_RABBITMQ_PORT:-5672}"
RMQ_DIST_PORT="${HOTLINE_RABBITMQ_DIST_PORT:-$((RMQ_PORT + 20000))}"
RMQ_NODE="${HOTLINE_RABBITMQ_NODE:-hotline@localhost}"
RMQ_BASE="$SERVICES_DIR/rabbitmq"
RMQ_SBIN=/usr/lib/rabbitmq/bin   # the real scripts; /usr/sbin/* would `su rabbitmq`
EPMD_PORT="${HOTLINE_EPMD_PORT:-4369}"

START_TIMEOUT="${HOTLINE_START_TIMEOUT:-120}"
APT_LOCK_TIMEOUT="${HOTLINE_APT_LOCK_TIMEOUT:-1800}"

PACKAGES=(postgresql rabbitmq-server chromium)
ALL_SERVICES=(postgres rabbitmq)

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

# True if something accepts TCP connections on 127.0.0.1:$1.
port_open() {
    timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

require_root() {
    [[ $(id -u) -eq 0 ]] || die "must run as root (needs apt-get and runuser -u postgres)"
}

# ---------------------------------------------------------------------------
# Package installation
# ---------------------------------------------------------------------------

pkg_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

apt_busy() {
    pgrep -x 'apt|apt-get|aptitude|dpkg|unattended-upgr|packagekitd' >/dev/null 2>&1 && return 0
    if command -v fuser >/dev/null 2>&1; then
        fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock \
              /var/cache/apt/archives/lock >/dev/null 2>&1 && return 0
    fi
    return 1
}

APT_DEADLINE=0
wait_apt_idle() {
    local waited=0
    while apt_busy; do
        (( SECONDS < APT_DEADLINE )) || die "another apt/dpkg process still holds the package lock after ${APT_LOCK_TIMEOUT}s (see /tmp/apt-install.log if a background install is running)"
        (( waited % 30 == 0 )) && log "waiting for another apt/dpkg process to finish (deadline in $((APT_DEADLINE - SECONDS))s)..."
        sleep 5
        waited=$((waited + 5))
    done
}

# Run an apt-get command, retrying while another process holds one of the apt/dpkg locks.
apt_retry() {
    local out rc
    while true; do
        wait_apt_idle
        local remaining=$((APT_DEADLINE - SECONDS))
        (( remaining > 0 )) || remaining=1
        set +e
        out="$(DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$remaining" "$@" 2>&1)"
        rc=$?
        set -e
        if (( rc == 0 )); then
            printf '%s\n' "$out" | tail -n 3 >&2
            return 0
        fi
        if grep -qiE 'could not get lock|unable to acquire the dpkg frontend lock|unable to lock' <<<"$out" \
           && (( SECONDS < APT_DEADLINE )); then
            log "apt lock busy, retrying: apt-get $*"
            sleep 5
            continue
        fi
        printf '%s\n' "$out" | tail -n 40 >&2
        die "apt-get $* failed (exit $rc)"
    done
}

POLICY_RC_CREATED=0
cleanup_policy_rc() {
    if (( POLICY_RC_CREATED )); then
        rm -f /usr/sbin/policy-rc.d
        POLICY_RC_CREATED=0
    fi
}

ensure_packages() {
    if [[ "${HOTLINE_SKIP_APT:-0}" == 1 ]]; then
        return 0
    fi
    APT_DEADLINE=$((SECONDS + APT_LOCK_TIMEOUT))
    local missing=() p
    for p in "${PACKAGES[@]}"; do pkg_installed "$p" || missing+=("$p"); done
    # The gateway's build restores its browser libraries with npm. Any Node.js on PATH will do
    # (it may come from elsewhere than Debian): only when there is none is Debian's installed.
    command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
    if (( ${#missing[@]} == 0 )); then
        return 0
    fi
    # An install might be running right now (e.g. a provisioning step): let it finish first.
    if apt_busy; then
        wait_apt_idle
        missing=()
        for p in "${PACKAGES[@]}"; do pkg_installed "$p" || missing+=("$p"); done
        command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
        (( ${#missing[@]} == 0 )) && return 0
    fi
    require_root
    log "installing missing packages: ${missing[*]}"
    # Keep the packages' own system services (postgresql@15-main, rabbitmq-server) from being
    # started by their postinst scripts: they would occupy 5672/4369. Only done when no
    # policy-rc.d exists; it is removed again right after the install.
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        POLICY_RC_CREATED=1
        trap cleanup_policy_rc EXIT
    fi
    apt_retry update -q
    apt_retry install -y -q --no-install-recommends "${missing[@]}"
    cleanup_policy_rc
    for p in "${missing[@]}"; do pkg_installed "$p" || die "package $p is still not installed"; done
}

# ---------------------------------------------------------------------------
# Directories
# ---------------------------------------------------------------------------

ensure_base_dir() {
    mkdir -p "$SERVICES_DIR"
    chmod 755 "$SERVICES_DIR" 2>/dev/null || true
}

# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------

as_postgres() {
    # cd / so that tools run as postgres do not complain about an unreadable cwd.
    (cd / && runuser -u postgres -- "$@")
}

pg_running() {
    [[ -f "$PG_DATA/PG_VERSION" ]] || return 1
    as_postgres "$PG_BIN/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1
}

pg_pid() {
    head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null || true
}

pg_fail() {
    log "---- last lines of $PG_LOG ----"
    tail -n 40 "$PG_LOG" >&2 2>/dev/null || true
    die "$*"
}

pg_psql() {
    as_postgres "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres "$@"
}

pg_write_config() {
    cat >"$PG_DATA/hotline.conf" <<EOF
# Written by scripts/services.sh on every start; edit the script, not this file.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCKET_DIR'
max_connections = $PG_MAX_CONNECTIONS
password_encryption = 'scram-sha-256'
logging_collector = off
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
EOF
    chown postgres: "$PG_DATA/hotline.conf"
    if ! grep -q "^include_if_exists = 'hotline.conf'" "$PG_DATA/postgresql.conf"; then
        printf "\n# HotlineGrains local settings\ninclude_if_exists = 'hotline.conf'\n" >>"$PG_DATA/postgresql.conf"
    fi
}

pg_start() {
    [[ -x "$PG_BIN/pg_ctl" ]] || die "$PG_BIN/pg_ctl not found (is postgresql-15 installed?)"
    id postgres >/dev/null 2>&1 || die "OS user 'postgres' does not exist"
    ensure_base_dir
    install -d -o postgres -g postgres -m 700 "$PG_BASE" "$PG_SOCKET_DIR"
    as_postgres test -w "$PG_BASE" \
        || die "OS user postgres cannot reach $PG_BASE: every parent of HOTLINE_SERVICES_DIR must be traversable (o+x)"

    if pg_running; then
        log "postgres already running (pid $(pg_pid)), reusing it"
        pg_isready_wait
        pg_ensure_database
        return 0
    fi

    if port_open "$PG_PORT"; then
        die "127.0.0.1:$PG_PORT is already in use by something that is not our PostgreSQL ($PG_DATA); set HOTLINE_PG_PORT"
    fi

    if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
        log "initdb $PG_DATA"
        rm -rf "$PG_DATA"
        local pwfile="$PG_BASE/.pwfile" locale_args=(--no-locale)
        locale -a 2>/dev/null | grep -qix 'c.utf-\?8' && locale_args=(--locale=C.UTF-8)
        printf '%s\n' "$PG_PASSWORD" >"$pwfile"
        chown postgres: "$pwfile"
        chmod 600 "$pwfile"
        if ! as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --pwfile="$pwfile" \
                --auth-local=trust --auth-host=scram-sha-256 -E UTF8 "${locale_args[@]}" \
                >"$PG_BASE/initdb.log" 2>&1; then
            rm -f "$pwfile"
            tail -n 40 "$PG_BASE/initdb.log" >&2
            rm -rf "$PG_DATA"
            die "initdb failed"
        fi
        rm -f "$pwfile"
    fi
    pg_write_config

    log "starting postgres on 127.0.0.1:$PG_PORT"
    : >>"$PG_LOG"
    chown postgres: "$PG_LOG"
    if ! as_postgres "$PG_BIN/pg_ctl" start -D "$PG_DATA" -l "$PG_LOG" -w -t "$START_TIMEOUT" -s; then
        pg_fail "postgres did not start"
    fi
    pg_isready_wait
    pg_ensure_database
}

pg_isready_wait() {
    local deadline=$((SECONDS + START_TIMEOUT))
    until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2; do
        (( SECONDS < deadline )) || pg_fail "postgres not ready on 127.0.0.1:$PG_PORT after ${START_TIMEOUT}s"
        pg_running || pg_fail "postgres exited during startup"
        sleep 0.5
    done
}

pg_ensure_database() {
    # Keep the password in sync (cheap, and repairs a data dir initialised with another one).
    pg_psql -d postgres -c "ALTER USER postgres PASSWORD '$PG_PASSWORD'" >/dev/null \
        || pg_fail "could not set the postgres password"
    if [[ "$(pg_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")" != 1 ]]; then
        log "creating database $PG_DATABASE"
        pg_psql -d postgres -c "CREATE DATABASE $PG_DATABASE" >/dev/null || pg_fail "CREATE DATABASE failed"
    fi
}

pg_stop() {
    if pg_running; then
        log "stopping postgres (pid $(pg_pid))"
        as_postgres "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 60 -s \
            || as_postgres "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m immediate -w -t 30 -s \
            || die "could not stop postgres"
    fi
    # Anything still attached to our data directory (e.g. a crashed postmaster's children).
    local pids
    pids="$(pgrep -u postgres -f -- "-D $PG_DATA( |\$)" || true)"
    if [[ -n "$pids" ]]; then
        log "killing leftover postgres processes: $(echo $pids)"
        kill -KILL $pids 2>/dev/null || true
    fi
}

pg_status() {
    if pg_running; then
        echo "postgres: running (pid $(pg_pid)) on 127.0.0.1:$PG_PORT, data $PG_DATA, log $PG_LOG"
        return 0
    fi
    echo "postgres: not running (data $PG_DATA)"
    return 3
}

# ---------------------------------------------------------------------------
# RabbitMQ
# ---------------------------------------------------------------------------

# All RabbitMQ / Erlang settings; nothing from /etc/rabbitmq or /var/lib/rabbitmq is used.
rmq_env() {
    export HOME="$RMQ_BASE/home"                     # .erlang.cookie lives here
    export RABBITMQ_NODENAME="$RMQ_NODE"
    export RABBITMQ_USE_LONGNAME=false
    export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    export RABBITMQ_NODE_PORT="$RMQ_PORT"
    export RABBITMQ_DIST_PORT="$RMQ_DIST_PORT"
    export RABBITMQ_CONF_ENV_FILE="$RMQ_BASE/rabbitmq-env.conf"
    export RABBITMQ_CONFIG_FILE="$RMQ_BASE/rabbitmq.conf"
    export RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ_BASE/advanced.config"
    export RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_BASE/enabled_plugins"
    export RABBITMQ_MNESIA_BASE="$RMQ_BASE/mnesia"
    export RABBITMQ_LOG_BASE="$RMQ_BASE/log"
    export RABBITMQ_PID_FILE="$RMQ_BASE/rabbitmq.pid"
    export RABBITMQ_PLUGINS_EXPAND_DIR="$RMQ_BASE/plugins-expand"
    export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    export RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    export ERL_EPMD_ADDRESS=127.0.0.1
    export ERL_EPMD_PORT="$EPMD_PORT"
}

# rmqctl SECONDS args...: rabbitmqctl against our node, killed after SECONDS.
rmqctl() {
    local limit="$1"; shift
    ( rmq_env; cd "$RMQ_BASE" && exec timeout "$limit" "$RMQ_SBIN/rabbitmqctl" -n "$RMQ_NODE" "$@" )
}

# True if process $1 was started by `start` for this node: every process we launch for
# RabbitMQ (wrapper, beam, erl_child_setup, inet_gethost, epmd) carries this variable.
rmq_owned() {
    grep -qszxF -- "HOTLINE_RABBITMQ_OWNER=$RMQ_BASE" "/proc/$1/environ"
}

rmq_beam_pid() {
    local pid
    pid="$(cat "$RMQ_BASE/rabbitmq.pid" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == beam.smp ]] || return 1
    rmq_owned "$pid" || return 1
    echo "$pid"
}

rmq_running() {
    rmq_beam_pid >/dev/null
}

# Pids of every process that was started by `start` for this node (see rmq_owned).
rmq_owned_pids() {
    local f pid
    for f in /proc/[0-9]*; do
        pid="${f#/proc/}"
        [[ "$pid" == "$$" || "$pid" == "$BASHPID" ]] && continue
        if rmq_owned "$pid"; then
            echo "$pid"
        fi
    done
}

rmq_fail() {
    log "---- last lines of $RMQ_BASE/server.log ----"
    tail -n 30 "$RMQ_BASE/server.log" >&2 2>/dev/null || true
    local nodelog="$RMQ_BASE/log/$RMQ_NODE.log"
    if [[ -f "$nodelog" ]]; then
        log "---- last lines of $nodelog ----"
        tail -n 30 "$nodelog" >&2 || true
    fi
    die "$*"
}

rmq_prepare_dirs() {
    ensure_base_dir
    install -d -m 700 "$RMQ_BASE" "$RMQ_BASE/home" "$RMQ_BASE/mnesia" "$RMQ_BASE/log" "$RMQ_BASE/plugins-expand"
    local cookie="$RMQ_BASE/home/.erlang.cookie"
    if [[ ! -s "$cookie" ]]; then
        (umask 077; od -An -tx1 -N20 /dev/urandom | tr -d " \n" | tr a-f A-F >"$cookie")
        chmod 400 "$cookie"
    fi
    : >"$RMQ_BASE/rabbitmq-env.conf"
    printf '[].\n' >"$RMQ_BASE/enabled_plugins"
    printf '[].\n' >"$RMQ_BASE/advanced.config"
    cat >"$RMQ_BASE/rabbitmq.conf" <<EOF
# Written by scripts/services.sh on every start.
listeners.tcp.1 = 127.0.0.1:$RMQ_PORT
loopback_users.guest = true
disk_free_limit.absolute = 50MB
log.file.level = info
log.console = false
EOF
}

rmq_start() {
    [[ -x "$RMQ_SBIN/rabbitmq-server" ]] || die "$RMQ_SBIN/rabbitmq-server not found (is rabbitmq-server installed?)"
    require_root
    rmq_prepare_dirs

    if rmq_running; then
        log "rabbitmq already running (node $RMQ_NODE, pid $(rmq_beam_pid)), reusing it"
        rmq_wait_ready
        return 0
    fi

    local port
    for port in "$RMQ_PORT" "$RMQ_DIST_PORT"; do
        port_open "$port" && die "127.0.0.1:$port is already in use by something that is not our RabbitMQ node; set HOTLINE_RABBITMQ_PORT"
    done
    # Leftovers of a node that died without `stop` (they would keep ports or the epmd name).
    local stale
    stale="$(rmq_owned_pids)"
    if [[ -n "$stale" ]]; then
        log "killing stale processes of a previous node: $(echo $stale)"
        kill -KILL $stale 2>/dev/null || true
        sleep 1
    fi
    rm -f "$RMQ_BASE/rabbitmq.pid"

    log "starting rabbitmq node $RMQ_NODE on 127.0.0.1:$RMQ_PORT (dist $RMQ_DIST_PORT, epmd $EPMD_PORT)"
    (
        rmq_env
        export HOTLINE_RABBITMQ_OWNER="$RMQ_BASE"
        cd "$RMQ_BASE"
        # epmd: listen on loopback only; the marker variable lets `stop` find it again.
        if ! port_open "$EPMD_PORT"; then
            epmd -daemon -address 127.0.0.1 -port "$EPMD_PORT"
        fi
        setsid nohup "$RMQ_SBIN/rabbitmq-server" </dev/null >"$RMQ_BASE/server.log" 2>&1 &
        echo $! >"$RMQ_BASE/server-wrapper.pid"
    )
    rmq_wait_ready
}

rmq_wait_ready() {
    local deadline=$((SECONDS + START_TIMEOUT)) wrapper
    wrapper="$(cat "$RMQ_BASE/server-wrapper.pid" 2>/dev/null || true)"
    # 1. the beam process wrote its pid file
    until rmq_running; do
        if [[ -n "$wrapper" ]] && ! kill -0 "$wrapper" 2>/dev/null; then
            rmq_fail "rabbitmq-server exited during startup"
        fi
        (( SECONDS < deadline )) || rmq_fail "rabbitmq did not write its pid file within ${START_TIMEOUT}s"
        sleep 1
    done
    # 2. the rabbit application finished booting
    local remaining
    while true; do
        remaining=$((deadline - SECONDS))
        (( remaining > 0 )) || rmq_fail "rabbitmq node $RMQ_NODE not up within ${START_TIMEOUT}s"
        if rmqctl "$remaining" -q -t "$remaining" await_startup >"$RMQ_BASE/await.log" 2>&1; then
            break
        fi
        rmq_running || rmq_fail "rabbitmq exited during startup: $(tail -n 5 "$RMQ_BASE/await.log")"
        sleep 1
    done
    # 3. the AMQP listener accepts connections
    until port_open "$RMQ_PORT"; do
        (( SECONDS < deadline )) || rmq_fail "rabbitmq is up but 127.0.0.1:$RMQ_PORT does not accept connections"
        sleep 0.5
    done
}

rmq_stop() {
    local pid
    if pid="$(rmq_beam_pid)"; then
        log "stopping rabbitmq node $RMQ_NODE (pid $pid)"
        if ! rmqctl 90 -q stop "$RMQ_BASE/rabbitmq.pid" >/dev/null 2>&1; then
            log "rabbitmqctl stop failed; sending SIGTERM"
            kill -TERM "$pid" 2>/dev/null || true
        fi
        local i
        for ((i = 0; i < 30; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$RMQ_BASE/rabbitmq.pid"

    # Everything else of ours: wrapper shell, erl_child_setup, inet_gethost, our epmd.
    # epmd is only ours if we (or our node) started it; leave it if other nodes still use it.
    local pids others
    pids="$(rmq_owned_pids)"
    if [[ -n "$pids" ]]; then
        others="$(ERL_EPMD_PORT="$EPMD_PORT" timeout 5 epmd -names 2>/dev/null | grep '^name ' || true)"
        local keep=() p comm
        for p in $pids; do
            comm="$(cat "/proc/$p/comm" 2>/dev/null || true)"
            if [[ "$comm" == epmd && -n "$others" ]]; then
                log "leaving epmd (pid $p) running: still used by $(echo "$others" | awk '{print $2}' | tr '\n' ' ')"
                continue
            fi
            keep+=("$p")
        done
        if (( ${#keep[@]} )); then
            kill -TERM "${keep[@]}" 2>/dev/null || true
            sleep 1
            kill -KILL "${keep[@]}" 2>/dev/null || true
        fi
    fi
    rm -f "$RMQ_BASE/server-wrapper.pid"
}

rmq_status() {
    local pid
    if pid="$(rmq_beam_pid)"; then
        local amqp="AMQP not accepting connections yet"
        port_open "$RMQ_PORT" && amqp="AMQP on 127.0.0.1:$RMQ_PORT"
        echo "rabbitmq: running (node $RMQ_NODE, pid $pid), $amqp, dist $RMQ_DIST_PORT, epmd $EPMD_PORT, state $RMQ_BASE"
        return 0
    fi
    echo "rabbitmq: not running (node $RMQ_NODE, state $RMQ_BASE)"
    return 3
}

# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------

print_env() {
    echo "export HOTLINE_TEST_POSTGRES='Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$PG_PASSWORD;Database=$PG_DATABASE'"
    echo "export HOTLINE_TEST_RABBITMQ='amqp://guest:guest@127.0.0.1:$RMQ_PORT/'"
    echo "export HOTLINE_PG_BIN='$PG_BIN'"
}

services_from_args() {
    local s
    if (( $# == 0 )); then
        printf '%s\n' "${ALL_SERVICES[@]}"
        return
    fi
    for s in "$@"; do
        case "$s" in
            postgres|postgresql|pg) echo postgres ;;
            rabbitmq|rabbit|rmq) echo rabbitmq ;;
            *) die "unknown service '$s' (expected postgres or rabbitmq)" ;;
        esac
    done
}

usage() {
    sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

main() {
    local cmd="${1:-}"
    (( $# )) && shift
    local svcs svc rc=0
    case "$cmd" in
        start)
            require_root
            svcs="$(services_from_args "$@")"
            local t0=$SECONDS
            ensure_packages
            for svc in $svcs; do
                case "$svc" in
                    postgres) pg_start ;;
                    rabbitmq) rmq_start ;;
                esac
            done
            log "ready after $((SECONDS - t0))s"
            for svc in $svcs; do
                case "$svc" in
                    postgres) pg_status ;;
                    rabbitmq) rmq_status ;;
                esac
            done
            ;;
        stop)
            require_root
            svcs="$(services_from_args "$@")"
            for svc in $svcs; do
                case "$svc" in
                    postgres) pg_stop ;;
                    rabbitmq) rmq_stop ;;
                esac
            done
            ;;
        status)
            svcs="$(services_from_args "$@")"
            for svc in $svcs; do
                case "$svc" in
                    postgres) pg_status || rc=3 ;;
                    rabbitmq) rmq_status || rc=3 ;;
                esac
            done
            return "$rc"
            ;;
        env)
            print_env
            ;;
        rabbitmqctl)
            rmq_running || die "rabbitmq is not running: scripts/services.sh start rabbitmq"
            rmqctl 60 "$@"
            ;;
        -h|--help|help)
            usage
            ;;
        *)
            usage >&2
            exit 2
            ;;
    esac
}

# Allow `source scripts/services.sh` (for debugging single functions) without running main.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    main "$@"
fi
