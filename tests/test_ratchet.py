"""tools/ratchet.py: lint and type-check counts may only fall (fed made-up counts and tool output)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import ratchet  # noqa: E402


def test_a_rising_count_fails_and_keeps_the_baseline() -> None:
    verdict = ratchet.judge({"ruff": 10, "mypy": 5}, {"ruff": 11, "mypy": 5})
    assert not verdict.ok
    assert verdict.baseline == {"ruff": 10, "mypy": 5}
    assert any("10 -> 11" in m and "adds 1" in m for m in verdict.messages)


def test_an_unchanged_count_passes() -> None:
    verdict = ratchet.judge({"ruff": 10, "mypy": 5}, {"ruff": 10, "mypy": 5})
    assert verdict.ok and verdict.baseline == {"ruff": 10, "mypy": 5}


def test_a_falling_count_passes_and_names_the_new_count() -> None:
    verdict = ratchet.judge({"ruff": 10, "mypy": 5}, {"ruff": 7, "mypy": 5})
    assert verdict.ok
    assert verdict.baseline == {"ruff": 10, "mypy": 5}  # lowered only with --update
    assert any("10 -> 7" in m and "--update" in m for m in verdict.messages)


def test_update_lowers_but_never_raises_without_force() -> None:
    verdict = ratchet.judge({"ruff": 10, "mypy": 5}, {"ruff": 7, "mypy": 6}, update=True)
    assert not verdict.ok
    assert verdict.baseline == {"ruff": 7, "mypy": 5}
    forced = ratchet.judge({"ruff": 10, "mypy": 5}, {"ruff": 7, "mypy": 6}, update=True, force=True)
    assert forced.ok and forced.baseline == {"ruff": 7, "mypy": 6}


def test_a_tool_without_baseline_fails_until_recorded() -> None:
    assert not ratchet.judge({}, {"mypy": 3}).ok
    recorded = ratchet.judge({}, {"mypy": 3}, update=True)
    assert recorded.ok and recorded.baseline == {"mypy": 3}


def test_counting_tool_output() -> None:
    mypy_out = ("src/a.py:3: error: Incompatible types  [assignment]\n"
                "src/a.py:3: note: See https://mypy.readthedocs.io\n"
                "src/b.py:10:5: error: Name \"x\" is not defined  [name-defined]\n"
                "Found 2 errors in 2 files (checked 3 source files)\n")
    assert ratchet.count_mypy(mypy_out) == 2
    assert ratchet.count_mypy("Success: no issues found in 3 source files\n") == 0
    assert ratchet.count_ruff(json.dumps([{"code": "F401"}, {"code": "E501"}])) == 2
    assert ratchet.count_ruff("[]") == 0


def test_main_writes_only_a_lower_baseline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    baseline = tmp_path / "ratchet.json"
    baseline.write_text(json.dumps({"ruff": 10, "mypy": 5}))
    monkeypatch.setattr(ratchet, "TOOLS", {"ruff": lambda: 8, "mypy": lambda: 6})
    assert ratchet.main(["--baseline", str(baseline)]) == 1
    assert json.loads(baseline.read_text()) == {"ruff": 10, "mypy": 5}
    assert ratchet.main(["--baseline", str(baseline), "--update"]) == 1
    assert json.loads(baseline.read_text()) == {"mypy": 5, "ruff": 8}
    monkeypatch.setattr(ratchet, "TOOLS", {"ruff": lambda: 8, "mypy": lambda: 5})
    assert ratchet.main(["--baseline", str(baseline)]) == 0


def test_the_committed_baseline_names_both_tools() -> None:
    counts = json.loads((ROOT / "tools" / "ratchet.json").read_text())
    assert set(counts) == {"ruff", "mypy"} and all(isinstance(n, int) and n >= 0 for n in counts.values())
