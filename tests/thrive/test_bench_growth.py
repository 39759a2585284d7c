"""`make bench-growth` puts two volumes' figures side by side (bench/growth.py)."""

from bench.growth import table


def _run(cases, p50, shown):
    page = {"name": "My Cases (worker)", "queries": 4, "shown": shown, "sql": 1.0, "p50": p50}
    return {
        "cases": cases,
        "empty": {"p50": 4.0},
        "pages": [{**page, "p95": p50 * 1.2, "ratio": p50 / 5}],
    }


def test_a_page_whose_time_grows_more_than_half_again_misses_the_target():
    printed = table([_run(20_000, 10.0, 5), _run(1_000_000, 16.0, 50)])

    assert "| My Cases (worker) | 4 / 4 | 5 / 50 |" in printed
    assert "| 1.60 |" in printed and "MISSED" in printed


def test_a_page_within_half_again_meets_it():
    printed = table([_run(20_000, 10.0, 50), _run(1_000_000, 14.0, 50)])

    assert "| 1.40 |" in printed and "| ok |" in printed
    assert "Growth within 1.5x: 1 pages; missed: 0." in printed


def test_a_download_is_not_judged_by_growth():
    small, large = _run(20_000, 10.0, 0), _run(1_000_000, 300.0, 0)
    for run in (small, large):
        run["pages"][0].update(name="Download: CSV", download=True)

    printed = table([small, large])

    assert "(a download)" in printed
    assert "Growth within 1.5x: 0 pages; missed: 0." in printed
