"""Lint and type-check ratchet: ruff and mypy findings may only fall.

The code base predates both tools, so neither is clean yet. tools/ratchet.json holds the committed number of
findings per tool; this script runs both, counts, and fails when a count rose (a change added findings). When
a count fell it says so and passes; `--update` then writes the lower count, so the gain is kept. `--update`
never raises a count unless `--force` is given (e.g. a deliberate tool upgrade that adds rules).

    python tools/ratchet.py            # check (.ci/run)
    python tools/ratchet.py --update   # record counts that fell
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = Path(__file__).with_name("ratchet.json")

_MYPY_ERROR = re.compile(r"^[^:\n]+:\d+(?::\d+)?: error: ", re.MULTILINE)


def count_ruff(output: str) -> int:
    """Findings in `ruff check --output-format json` output."""
    return len(json.loads(output or "[]"))


def count_mypy(output: str) -> int:
    """Error lines in mypy's output (notes and the summary line are not findings)."""
    return len(_MYPY_ERROR.findall(output))


def _run(args: list[str], ok_codes: tuple[int, ...]) -> str:
    done = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode not in ok_codes:
        # A crash or a bad configuration must not read as "0 findings".
        raise SystemExit(f"{args[0]} failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def run_ruff() -> int:
    return count_ruff(_run(["ruff", "check", "--output-format", "json", "--exit-zero", "src", "tests", "tools"],
                           (0,)))


def run_mypy() -> int:
    # mypy exits 1 when it found errors, 2 when it could not check.
    return count_mypy(_run(["mypy"], (0, 1)))


TOOLS: dict[str, Callable[[], int]] = {"ruff": run_ruff, "mypy": run_mypy}


@dataclass(frozen=True)
class Verdict:
    ok: bool
    messages: list[str]
    baseline: dict[str, int]  # what the baseline file should hold afterwards


def judge(baseline: Mapping[str, int], counts: Mapping[str, int], *, update: bool = False,
          force: bool = False) -> Verdict:
    """Compare counts with the baseline. Pure, so it is tested without running the tools."""
    ok, messages, new = True, [], dict(baseline)
    for tool, count in sorted(counts.items()):
        before = baseline.get(tool)
        if before is None:
            if update:
                new[tool] = count
                messages.append(f"{tool}: {count} findings recorded (no baseline before)")
            else:
                ok = False
                messages.append(f"{tool}: {count} findings but no baseline; run tools/ratchet.py --update")
        elif count > before:
            if force:
                new[tool] = count
                messages.append(f"{tool}: {before} -> {count} findings, baseline raised (--force)")
            else:
                ok = False
                messages.append(f"{tool}: {before} -> {count} findings: this change adds {count - before}; "
                                "fix them (a count may only fall)")
        elif count < before:
            if update:
                new[tool] = count
                messages.append(f"{tool}: {before} -> {count} findings, baseline lowered")
            else:
                messages.append(f"{tool}: {before} -> {count} findings; run tools/ratchet.py --update to keep "
                                "the gain")
        else:
            messages.append(f"{tool}: {count} findings (baseline)")
    return Verdict(ok, messages, new)


def load(path: Path) -> dict[str, int]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def save(path: Path, baseline: Mapping[str, int]) -> None:
    path.write_text(json.dumps(dict(sorted(baseline.items())), indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="write counts that fell to the baseline")
    parser.add_argument("--force", action="store_true", help="with --update: also write counts that rose")
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    parser.add_argument("--tool", action="append", choices=sorted(TOOLS), help="run only this tool (repeatable)")
    args = parser.parse_args(argv)
    if args.force and not args.update:
        parser.error("--force only goes with --update")
    baseline = load(args.baseline)
    counts = {name: TOOLS[name]() for name in (args.tool or sorted(TOOLS))}
    verdict = judge(baseline, counts, update=args.update, force=args.force)
    for line in verdict.messages:
        print(line)
    if args.update and verdict.baseline != baseline:
        save(args.baseline, verdict.baseline)
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main())
