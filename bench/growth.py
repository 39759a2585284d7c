"""`python -m bench growth` (`make bench-growth`): every page at two volumes, one after the
other, and how much each page's time grows from the smaller to the larger (target: at most
GROWTH_TARGET times, O(page) rather than O(rows)).

    make bench-growth                                   20,000 and 1,000,000 cases
    make bench-growth BENCH_GROWTH_VOLUMES=20000,200000 other volumes

Each volume runs `python -m bench` in a process of its own, on its own database (named as
`make bench` names it, or BENCH_DATABASE_URLS: one URL per volume, comma-separated), and
writes its figures as JSON; this process then puts them side by side. "Rows shown" says how
many table rows each page drew at each volume: a list that fits on one page at 20,000 cases
(a worker's five open cases) draws fewer rows than the full page it draws at 1,000,000, so its
growth includes drawing those rows, not only the volume. Downloads are listed but not judged
by growth: they read every row by design (their target is rows a second, in `make bench`)."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

GROWTH_TARGET = 1.5
ROOT = Path(__file__).resolve().parent.parent


def _label(cases: int) -> str:
    return f"{cases // 1_000_000}m" if cases % 1_000_000 == 0 else f"{cases // 1000}k"


def main() -> int:
    volumes = [int(v) for v in os.environ.get("BENCH_GROWTH_VOLUMES", "20000,1000000").split(",")]
    urls = [u for u in os.environ.get("BENCH_DATABASE_URLS", "").split(",") if u]
    if urls and len(urls) != len(volumes):
        print("BENCH_DATABASE_URLS needs one URL for each of BENCH_GROWTH_VOLUMES.")
        return 2
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for index, cases in enumerate(volumes):
            out = Path(folder) / f"{cases}.json"
            env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
            env.update(BENCH_CASES=str(cases), BENCH_JSON=str(out))
            env["BENCH_DATABASE_URL"] = (
                urls[index]
                if urls
                else f"postgres://postgres@127.0.0.1:5432/thrive_bench_{_label(cases)}"
            )
            print(f"== {cases:,} cases: {env['BENCH_DATABASE_URL']}", flush=True)
            done = subprocess.run([sys.executable, "-m", "bench"], cwd=ROOT, env=env, check=False)
            if done.returncode or not out.exists():
                print(f"The run at {cases:,} cases failed.")
                return done.returncode or 1
            results.append(json.loads(out.read_text()))
    print(table(results))
    return 0


def table(results: list[dict]) -> str:
    small, large = results[0], results[-1]
    lo, hi = _label(small["cases"]), _label(large["cases"])
    lines = [
        "",
        f"Growth from {small['cases']:,} to {large['cases']:,} cases (p50 at {hi} over p50 at"
        f" {lo}; target <= {GROWTH_TARGET}x); the empty signed-in page: p50"
        f" {small['empty']['p50']:.1f} ms at {lo}, {large['empty']['p50']:.1f} ms at {hi}.",
        "",
        f"| page | queries {lo} / {hi} | rows shown {lo} / {hi} | SQL ms {lo} | SQL ms {hi} |"
        f" p50 ms {lo} | p50 ms {hi} | p95 ms {hi} | {hi} ÷ {lo} (p50) | p50 ÷ floor ({hi}) |"
        " growth |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    met = missed = 0
    at_small = {page["name"]: page for page in small["pages"]}
    for page in large["pages"]:
        before = at_small.get(page["name"])
        if before is None:
            continue
        growth = page["p50"] / before["p50"]
        ok = growth <= GROWTH_TARGET
        if page.get("download"):  # a download's whole point is every row: rows a second instead
            verdict = "(a download)"
        else:
            met, missed = met + ok, missed + (not ok)
            verdict = "ok" if ok else "MISSED"
        lines.append(
            f"| {page['name']} | {before['queries']} / {page['queries']} |"
            f" {before['shown']} / {page['shown']} | {before['sql']:.1f} | {page['sql']:.1f} |"
            f" {before['p50']:.1f} | {page['p50']:.1f} | {page['p95']:.1f} | {growth:.2f} |"
            f" {page['ratio']:.2f} | {verdict} |"
        )
    lines += ["", f"Growth within {GROWTH_TARGET}x: {met} pages; missed: {missed}."]
    return "\n".join(lines)
