"""Say on the HTML report's pages what each of its percentages counts.

Allure 3's two pages count differently: the overview (awesome/) shows the
cases that passed of those that ran, skips left out; the dashboard's
"Current status" the cases that passed of all results, skips counted. For a
run with many skips (a corpus on a small target) the two differ widely
(91.3% and 46.67% were seen for one run). A note with both figures, and what
each counts, goes on both pages. Used by tools/report.sh.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

MARK = "<!-- bytecode-hil: what the percentages count -->"


def _two_places(value: float) -> str:
    """As Allure shows a percentage: cut, not rounded, after two places (71.42%)."""
    return f"{int(value * 100) / 100:g}"


def note(report: Path) -> str:
    stats = json.loads((report / "awesome" / "widgets" / "statistic.json").read_text())
    total, passed, skipped = stats.get("total", 0), stats.get("passed", 0), stats.get("skipped", 0)
    ran = total - skipped
    overview = f"{_two_places(100 * passed / ran)}%" if ran else "none ran"
    dashboard = f"{_two_places(100 * passed / total)}%" if total else "no results"
    text = (f"{passed} of {total} results passed, {skipped} skipped (the target cannot run them: see each reason). "
            f"The overview's figure, {overview}, counts the passed of those that ran (skips left out); "
            f"the dashboard's current status, {dashboard}, the passed of all results (skips counted).")
    style = ("position:fixed;left:0;right:0;bottom:0;z-index:9999;padding:4px 12px;font:12px sans-serif;"
             "background:#fffbe6;border-top:1px solid #e0d8a8;color:#333")
    return f'{MARK}<div id="hil-percentages" style="{style}">{text}</div>'


def main(report: str) -> int:
    folder = Path(report)
    banner = note(folder)
    for page in (folder / "awesome" / "index.html", folder / "dashboard" / "index.html"):
        if not page.is_file():
            continue
        html = page.read_text()
        if MARK not in html:
            page.write_text(html.replace("</body>", banner + "</body>", 1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
