"""Prints the access-table figure: cells whose result differs from the table (must be 0)."""

_results: dict[str, int] = {"cells": 0, "mismatches": 0}


def pytest_runtest_logreport(report):
    if report.when == "call" and "test_access_cell" in report.nodeid:
        _results["cells"] += 1
        _results["mismatches"] += int(report.failed)


def pytest_terminal_summary(terminalreporter):
    if _results["cells"]:
        terminalreporter.write_line(
            f"access table: {_results['cells']} cells checked, {_results['mismatches']} differ from the table"
        )
