#!/usr/bin/env bash
# The one command to run every HotlineGrains test (locally and in CI).
#
#   scripts/test.sh [extra dotnet test arguments...]
#   e.g. scripts/test.sh --filter "FullyQualifiedName~Gateway"
#
# 1. starts PostgreSQL + RabbitMQ via scripts/services.sh (installing them if needed),
# 2. exports HOTLINE_TEST_POSTGRES / HOTLINE_TEST_RABBITMQ / HOTLINE_PG_BIN,
# 3. runs `dotnet test HotlineGrains.sln -c Release` with a TRX logger into TestResults/,
# 4. prints one line "N passed, M failed, K skipped" summed over all .trx files,
# 5. stops the services it started itself (services that were already running stay up).
#
# Exit code: dotnet test's exit code; 1 if it succeeded but no test ran at all.
# Environment: HOTLINE_KEEP_SERVICES=1 leaves the services running afterwards;
# HOTLINE_TEST_RESULTS overrides the results directory; the HOTLINE_* settings of
# scripts/services.sh (ports, state directory) are honoured.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd -P)"
SERVICES="$SCRIPT_DIR/services.sh"
RESULTS="${HOTLINE_TEST_RESULTS:-$ROOT/TestResults}"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[test] %s\n' "$*" >&2; }

# Sum the <Counters .../> of every .trx file under $1 and print
# "N passed, M failed, K skipped"; the exit status is 0 only if at least one test ran.
# Skipped = notExecuted (or total - executed when that attribute is absent).
summarize_trx() {
    local dir="$1" files
    files="$(find "$dir" -type f -name '*.trx' 2>/dev/null | sort || true)"
    local line
    if [[ -n "$files" ]]; then
        line="$(
            while IFS= read -r f; do
                # one <Counters ...> element per output line, even if it was split over lines
                tr '\r\n\t' '   ' <"$f" | grep -o '<Counters[^>]*>' || true
            done <<<"$files" | awk '
                {
                    split("", a)
                    n = split($0, tok, /[ ]+/)
                    for (i = 1; i <= n; i++) {
                        if (tok[i] !~ /^[A-Za-z]+=["\047][0-9]+/) continue
                        k = tok[i]; sub(/=.*/, "", k)
                        v = tok[i]; sub(/^[^"\047]*["\047]/, "", v); sub(/[^0-9].*$/, "", v)
                        a[k] = v + 0
                    }
                    P += a["passed"]; F += a["failed"]
                    if ("notExecuted" in a) S += a["notExecuted"]
                    else if (a["total"] - a["executed"] > 0) S += a["total"] - a["executed"]
                }
                END { printf "%d passed, %d failed, %d skipped\n", P, F, S }'
        )"
    else
        line="0 passed, 0 failed, 0 skipped"
    fi
    printf '\n%s\n' "$line"
    local passed failed
    passed="${line%% passed*}"
    failed="${line#*passed, }"; failed="${failed%% failed*}"
    (( passed + failed > 0 ))
}

# Only summarise (used for checking the summary logic without running dotnet).
if [[ "${1:-}" == "--summarize-only" ]]; then
    summarize_trx "${2:-$RESULTS}"
    exit $?
fi

cd "$ROOT"

# --- services -----------------------------------------------------------------
TO_STOP=()
on_exit() {
    local rc=$?
    if (( ${#TO_STOP[@]} )) && [[ "${HOTLINE_KEEP_SERVICES:-0}" != 1 ]]; then
        log "stopping services started by this run: ${TO_STOP[*]}"
        bash "$SERVICES" stop "${TO_STOP[@]}" || log "WARNING: stopping services failed"
    fi
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for svc in postgres rabbitmq; do
    if bash "$SERVICES" status "$svc" >/dev/null 2>&1; then
        log "$svc was already running; it will be left running"
    else
        TO_STOP+=("$svc")   # registered before starting, so a half-finished start is cleaned up too
    fi
done

bash "$SERVICES" start
eval "$(bash "$SERVICES" env)"
log "HOTLINE_TEST_POSTGRES=$HOTLINE_TEST_POSTGRES"
log "HOTLINE_TEST_RABBITMQ=$HOTLINE_TEST_RABBITMQ"

# --- Kubernetes manifests -------------------------------------------------------
# Rendered, schema- and policy-checked, and the checks' self-test (seconds; needs npm, which
# services.sh installs when missing). The manifests' settings are checked against the code by
# tests/Deploy.Tests below.
log "running: scripts/k8s-check.sh --all"
bash "$SCRIPT_DIR/k8s-check.sh" --all

# --- tests --------------------------------------------------------------------
SOLUTION="${HOTLINE_SOLUTION:-HotlineGrains.sln}"
if [[ ! -e "$SOLUTION" && -e HotlineGrains.slnx ]]; then
    SOLUTION=HotlineGrains.slnx
fi

rm -rf "$RESULTS"
mkdir -p "$RESULTS"

# `dotnet test` builds only what the test projects need; the whole solution is built first so a
# project no test references (the benchmark harness) cannot stop compiling unnoticed.
log "running: dotnet build $SOLUTION -c Release"
dotnet build "$SOLUTION" -c Release

# `dotnet test` has two modes in .NET 10: VSTest (default) and Microsoft.Testing.Platform
# (opted into via global.json "test": {"runner": "Microsoft.Testing.Platform"}), with
# different argument syntax.
if [[ -f global.json ]] && grep -q '"Microsoft.Testing.Platform"' global.json; then
    cmd=(dotnet test --solution "$SOLUTION" -c Release --results-directory "$RESULTS" --report-trx "$@")
else
    cmd=(dotnet test "$SOLUTION" -c Release --logger "trx" --results-directory "$RESULTS" "$@")
fi
log "running: ${cmd[*]}"
set +e
"${cmd[@]}"
rc=$?
set -e

if summarize_trx "$RESULTS"; then
    ran=1
else
    ran=0
fi
if (( rc == 0 && ran == 0 )); then
    log "ERROR: dotnet test succeeded but no test ran (no passed/failed results in $RESULTS/*.trx)"
    rc=1
fi
exit "$rc"
