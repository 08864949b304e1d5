#!/usr/bin/env bash
# Make the HTML report from a run's Allure results, carrying the history of
# earlier runs so that trends show. Used by `make report`; see docs/reports.md.
#
#   HIL_ALLURE_RESULTS  results of the run      (default reports/allure-results)
#   HIL_ALLURE_REPORT   the report folder made  (default reports/allure-report)
#   HIL_ALLURE_HISTORY  history of earlier runs (default reports/allure-history.jsonl;
#                       read, then the run appended: keep it between runs)
#   HIL_REPORT_NAME     the report's title
set -euo pipefail
cd "$(dirname "$0")/.."

abs() { case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
RESULTS=$(abs "${HIL_ALLURE_RESULTS:-reports/allure-results}")
REPORT=$(abs "${HIL_ALLURE_REPORT:-reports/allure-report}")
HISTORY=$(abs "${HIL_ALLURE_HISTORY:-reports/allure-history.jsonl}")
ALLURE=tools/report/node_modules/.bin/allure

if ! compgen -G "$RESULTS/*-result.json" >/dev/null; then
    echo "report: error: no Allure results in $RESULTS" >&2
    echo "  -> run the suite first (make suite, pytest --target=..., or python -m harness suite --target=...), or set HIL_ALLURE_RESULTS" >&2
    exit 2
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "report: error: Node.js and npm are needed for the Allure 3 command line" >&2
    echo "  -> make setup installs them (Debian packages nodejs and npm)" >&2
    exit 2
fi
if [ ! -x "$ALLURE" ] || [ tools/report/package-lock.json -nt tools/report/node_modules/.package-lock.json ]; then
    echo "report: installing the Allure command line pinned in tools/report/package-lock.json"
    (cd tools/report && npm ci --no-audit --no-fund --loglevel=error)
fi

mkdir -p "$(dirname "$HISTORY")"
rm -rf "$REPORT"
export HIL_ALLURE_RESULTS="$RESULTS" HIL_ALLURE_REPORT="$REPORT" HIL_ALLURE_HISTORY="$HISTORY"
"$ALLURE" generate --config tools/report/allurerc.mjs --output "$REPORT" "$RESULTS"
if [ ! -f "$REPORT/index.html" ]; then
    echo "report: error: allure generate made no $REPORT/index.html" >&2
    exit 1
fi
# The overview and the dashboard count their percentages differently: say how.
python3 tools/report_note.py "$REPORT"
echo "report: $REPORT/index.html (history: $HISTORY, $(wc -l <"$HISTORY" 2>/dev/null || echo 0) runs)"
echo "report: the cases in $REPORT/awesome/, trends in $REPORT/dashboard/"
echo "report: view it with: tools/report/node_modules/.bin/allure open $REPORT"
