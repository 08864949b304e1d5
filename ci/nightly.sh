#!/usr/bin/env bash
# The nightly conformance run, for any CI (GitHub Actions calls it from
# .github/workflows/nightly.yml; see ci/README.md).
#
#   ci/nightly.sh emulated          host32, qemu-m0 and qemu-g030: runs on any Debian machine
#   ci/nightly.sh board TARGET      a real board (g030, esp32): from the labgrid place(s) in
#                                   $LG_ENV, else from the board inventory ($HIL_INVENTORY, ...)
#
# Environment (all optional):
#   HIL_NIGHTLY_DIR      kept between nights: the Allure history and each night's reports
#                        (default ~/.local/share/bytecode-hil/nightly/<job>)
#   HIL_NIGHT_ID         names tonight's run (default: the UTC date); a second call with the same
#                        id goes on with the run in reports/journal.jsonl if that run did not end
#   HIL_NIGHTLY_TARGETS  targets of the emulated job (default host32,qemu-m0,qemu-g030)
#   HIL_WORKERS          pytest-xdist workers (default 2 for emulated, 1 for a board: one per board)
#   HIL_ATTEMPTS         attempts in all (default 3); each later one resumes the journal, running
#                        again only what did not finish (a run that died, infrastructure errors)
#   HIL_LG_RELEASE_STALE=1  first release the places of $LG_ENV that this host and user still hold
#                        (left by a job that was killed); only where the job's environment file
#                        names that job's places alone
#   PYTEST_ARGS          more pytest arguments
#   LG_ENV, LG_COORDINATOR, HIL_INVENTORY, HIL_BOARD, HIL_FIRMWARE, HIL_PACK, ...  as for pytest
#
# Exit status: 0 every case passed; 1 some case failed, or infrastructure errors were left after
# the last attempt (the report is made either way); 2 bad usage or set-up; 3 the run ended but
# the HTML report could not be made (the results are kept).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

usage() { echo "usage: ci/nightly.sh emulated | board TARGET" >&2; exit 2; }
log() { echo "nightly: $*"; }

job=${1:-}
case "$job" in
    emulated)
        [ $# -eq 1 ] || usage
        targets=${HIL_NIGHTLY_TARGETS:-host32,qemu-m0,qemu-g030}
        workers=${HIL_WORKERS:-2}
        name=emulated ;;
    board)
        [ $# -eq 2 ] || usage
        targets=$2
        workers=${HIL_WORKERS:-1}
        name=board-$2 ;;
    *) usage ;;
esac

night=${HIL_NIGHT_ID:-$(date -u +%Y-%m-%d)}
keep=${HIL_NIGHTLY_DIR:-$HOME/.local/share/bytecode-hil/nightly/$name}
attempts=${HIL_ATTEMPTS:-3}
journal=reports/journal.jsonl
mkdir -p "$keep" reports || exit 2

make setup || { log "error: set-up failed (tools/setup.sh); nothing was run"; exit 2; }
PY=.venv/bin/python
if [ "$job" = board ] && [ -n "${LG_ENV:-}" ] && ! "$PY" -c "import labgrid" 2>/dev/null; then
    log "installing labgrid into .venv for the places of $LG_ENV"
    .venv/bin/pip install -q -e '.[labgrid]' || { log "error: could not install labgrid"; exit 2; }
fi

# Where the journal's run stands: none, other (another job's), unfinished,
# "infrastructure N" or done (harness/journal.py: run_state).
journal_state() {
    "$PY" -c 'import sys; from harness.journal import run_state
print(run_state(sys.argv[1], sys.argv[2].split(",")))' "$journal" "$targets"
}

resume=()
state=$(journal_state)
if [ "$(cat "$keep/night" 2>/dev/null)" = "$night" ] && [ "$state" = unfinished ]; then
    log "tonight's run ($night) did not end: going on with it (--resume)"
    resume=(--resume)
fi
echo "$night" >"$keep/night"

if [ "$job" = board ] && [ -n "${LG_ENV:-}" ] && [ "${HIL_LG_RELEASE_STALE:-}" = 1 ]; then
    log "releasing places of $LG_ENV left held by $(hostname)/$(id -un)"
    .venv/bin/labgrid-client -c "$LG_ENV" release || true
fi

pytest_args=(--target="$targets" -ra --junitxml=reports/junit.xml)
if [ "$workers" -gt 1 ]; then
    # worksteal: a case that times out holds its worker; the other takes over its queue
    pytest_args+=(-n "$workers" --dist worksteal)
fi

attempt=1
while :; do
    log "attempt $attempt of $attempts: pytest ${pytest_args[*]} ${resume[*]} ${PYTEST_ARGS:-}"
    # shellcheck disable=SC2086  # PYTEST_ARGS is a list of words
    .venv/bin/pytest "${pytest_args[@]}" "${resume[@]}" ${PYTEST_ARGS:-}
    rc=$?
    state=$(journal_state)
    log "pytest exited $rc; journal: $state"
    case $rc in
        0) break ;;
        4|5) log "error: pytest was not given a run it could make (exit $rc)"; exit 2 ;;
    esac
    case $state in none|other) log "error: the run ended before its first case (exit $rc)"; break ;; esac
    if [ "$attempt" -ge "$attempts" ]; then break; fi
    case $state in
        unfinished|"infrastructure "*) ;;
        *) break ;;  # a complete run whose failures are the cases' own
    esac
    attempt=$((attempt + 1))
    resume=(--resume)
    sleep "${HIL_RETRY_DELAY:-10}"  # a board that was reset or re-plugged comes back
done

# Tonight's results, kept whether or not the report can be made.
archive="$keep/runs/$night"
mkdir -p "$archive"
cp -a reports/. "$archive/"
log "results archived in $archive"

if ! make -n report >/dev/null 2>&1; then
    log "error: this checkout has no 'make report' (the HTML report of issue #5): no HTML report made"
    log "  -> the Allure results, JUnit XML, matrix, journal and timing reports are in reports/ and $archive"
    exit 3
fi
export HIL_ALLURE_HISTORY="$keep/allure-history.jsonl" HIL_REPORT_NAME="bytecode-hil nightly: $name, $night"
if ! make report; then
    log "error: make report failed; the results are in reports/ and $archive"
    exit 3
fi
cp -a reports/allure-report "$archive/" 2>/dev/null || true
log "report: reports/allure-report/index.html (history kept in $HIL_ALLURE_HISTORY)"
[ "$rc" -eq 0 ] && exit 0
exit 1
