"""The scale curve's report (scripts/bench_report.py, issue 25): which size is compared with which, and
how the 1.2x target is judged. Figures are made up; nothing is timed here (benchmarks are measurements,
never timed assertions in the suite)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import bench_report  # noqa: E402


def _run(scenario, level, p95, throughput, kind="read", errors=0):
    return {
        "scenario": scenario,
        "concurrency": level,
        "kind": kind,
        "p95_ms": p95,
        "p50_ms": p95 / 2,
        "p99_ms": p95 * 1.5,
        "throughput": throughput,
        "errors": errors,
    }


def _size(size, floor_p95, list_p95, list_errors=0):
    runs = []
    for level in (1, 16):
        runs += [_run("floor", level, floor_p95, 1000, kind="floor")] * 2
        runs.append(_run("case_list", level, list_p95, 400, errors=list_errors if level == 16 else 0))
    return {"size": size, "runs": runs, "data": {"cases": size}}


def test_the_largest_size_is_compared_with_the_one_before_at_the_highest_level():
    report = {"curve": {"sizes": [_size(1000, 10, 20), _size(10_000, 10, 25), _size(100_000, 10, 29)]}}
    (growth,) = [g for g in bench_report.curve_growth(report) if g["scenario"] == "case_list"]
    assert (growth["from"], growth["to"]) == (10_000, 100_000)
    assert growth["p95_growth"] == 1.16 and growth["met"]


def test_growth_beyond_the_target_is_not_met():
    report = {"curve": {"sizes": [_size(10_000, 10, 20), _size(100_000, 10, 25)]}}
    (growth,) = [g for g in bench_report.curve_growth(report) if g["scenario"] == "case_list"]
    assert growth["p95_growth"] == 1.25 and not growth["met"]
    targets = [t for t in bench_report.verdicts(report) if "within 1.2x" in t["target"]]
    assert [t["met"] for t in targets] == [False]  # the floor is no target


def test_the_target_is_judged_against_each_size_own_floor():
    """A machine twice as busy at the larger size doubles every p95, the floor's too: not the data's doing."""
    report = {"curve": {"sizes": [_size(10_000, 10, 20), _size(100_000, 20, 40)]}}
    (growth,) = [g for g in bench_report.curve_growth(report) if g["scenario"] == "case_list"]
    assert growth["p95_growth"] == 2.0 and growth["p95_over_floor_growth"] == 1.0 and growth["met"]


def test_errors_at_the_largest_size_fail_the_target():
    report = {"curve": {"sizes": [_size(10_000, 10, 20), _size(100_000, 10, 20, list_errors=3)]}}
    (growth,) = [g for g in bench_report.curve_growth(report) if g["scenario"] == "case_list"]
    assert not growth["met"]


def test_the_markdown_has_the_scale_curve_section():
    report = {"curve": {"sizes": [_size(10_000, 10, 20), _size(100_000, 10, 25)], "concurrency": "1,16"}}
    text = bench_report.markdown(report)
    assert "## Scale curve" in text and "| case_list | 16 |" in text and "**NO**" in text


def test_the_transition_is_held_to_three_times_the_floor_at_every_level():
    """Issue 25: "bring transitions within 3x" the floor's p95; the report names each level's verdict."""
    runs = []
    for level, p95 in ((1, 29.0), (4, 30.0), (16, 31.0)):
        runs += [_run("floor", level, 10, 1000, kind="floor")] * 2
        runs.append(_run("transition", level, p95, 300, kind="write"))
    verdicts = {t["target"]: t["met"] for t in bench_report.verdicts({"runs": runs})}
    assert verdicts == {
        "transition: p95 <= 3x floor, 0 errors (c=1)": True,
        "transition: p95 <= 3x floor, 0 errors (c=4)": True,
        "transition: p95 <= 3x floor, 0 errors (c=16)": False,
    }


def test_a_pgbench_run_that_failed_is_a_target_not_measured_not_a_missing_row():
    error = (
        "pgbench: error: client 0 script 0 aborted in command 15 query 0: ERROR:  null value in column\n"
        "pgbench: error: Run was aborted; the above results are incomplete.\n"
    )
    report = {"runs": [], "ledger": {"pgbench": {"error": error}, "service": {"throughput": 100.0}}}
    (row,) = [v for v in bench_report.verdicts(report) if "pgbench" in v["target"]]
    assert row["met"] is False and row["figure"].startswith("NOT MEASURED")
    assert "null value in column" in row["figure"]
