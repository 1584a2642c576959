"""Fuzz run over the input parsers: CPR, SDQ answers, track files, JSON import, letter templates.

Every input must either be accepted or rejected with a clear message (a ValidationError/KnownError/
ManualError with Danish text); anything else is a crash and is printed. Run: python -m bench.fuzz [N]
"""

from __future__ import annotations

import json
import random
import string
import sys
import tempfile
import time
from pathlib import Path

from behandlerklient.core import cpr, sdq
from behandlerklient.core.errors import KnownError, ValidationError
from behandlerklient.core.manuals import ManualError, parse_track
from behandlerklient.exports import gp_letter
from behandlerklient.security import kdf
from behandlerklient.services.exchange import transfer
from behandlerklient.services.workspace import workspace

ALPHABET = string.printable + "æøåÆØÅé–…{}[]\"'\\\x00"


def _text(rng: random.Random, n: int = 20) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, n)))


def _mutate(rng: random.Random, value):  # noqa: ANN001, ANN202
    """A random structural change to a JSON-like value."""
    if isinstance(value, dict) and value:
        key = rng.choice(list(value))
        choice = rng.random()
        if choice < 0.25:
            value = dict(value)
            value.pop(key)
        elif choice < 0.5:
            value = {**value, key: rng.choice([None, 0, -1, 10**20, "", _text(rng), [], {}, True, 1.5])}
        else:
            value = {**value, key: _mutate(rng, value[key])}
        return value
    if isinstance(value, list) and value:
        i = rng.randrange(len(value))
        return value[:i] + [_mutate(rng, value[i])] + value[i + 1:]
    return rng.choice([None, 0, "", _text(rng), [], {}, 12345, "2026-13-40"])


def run(n: int) -> dict:
    rng = random.Random(7)
    counts = {"cpr": 0, "sdq": 0, "manual": 0, "import": 0, "template": 0}
    crashes: list[str] = []

    def attempt(kind: str, fn, *errors) -> None:  # noqa: ANN001
        counts[kind] += 1
        try:
            fn()
        except errors as exc:
            message = getattr(exc, "message", str(exc))
            if not message or "Traceback" in message:
                crashes.append(f"{kind}: unclear message {message!r}")
        except Exception as exc:  # noqa: BLE001 - exactly what the fuzz run is looking for
            crashes.append(f"{kind}: {type(exc).__name__}: {exc}")

    base_track = json.loads(json.dumps({"schema_version": 1, "id": "f", "name": "F", "target_problems": ["x"],
                                        "format": ["individual"], "age": {"min": 5, "max": 9},
                                        "session_range": {"min": 1, "max": 3, "nominal": 2},
                                        "follow_up": {"kind": "booster", "after_days": 30},
                                        "default_outline": {k: "x" for k in ("agenda", "status", "goals", "exercise",
                                                                             "homework")}}))
    kdf.set_default(kdf.ScryptParams(n=2**10))
    with tempfile.TemporaryDirectory() as tmp:
        ws = workspace.create(path=Path(tmp) / "f.db", username="fuzz", full_name="F", passphrase="fuzz-test-kode-1")
        from behandlerklient.services.demo import demo

        demo.generate(ws=ws, children_count=3, seed=1)
        export = json.loads(transfer.export_json(ws=ws))
        target = workspace.create(path=Path(tmp) / "g.db", username="fuzz", full_name="F", passphrase="fuzz-test-kode-1")
        folder = Path(tmp) / "breve"
        folder.mkdir()
        start = time.perf_counter()
        per = n // 5
        for i in range(per):
            digits = "".join(rng.choice("0123456789-  A") for _ in range(rng.randint(0, 13)))
            attempt("cpr", lambda: cpr.parse(digits if i % 2 else _text(rng, 12)), ValidationError)
            answers = ",".join(rng.choice(["0", "1", "2", "", "3", "x", " 1", "-1"]) for _ in range(rng.randint(0, 27)))
            informant = rng.choice(["parent", "teacher", "self", "nabo"])
            attempt("sdq", lambda: sdq.score(informant, sdq.parse_answer_list(answers),
                                             sdq.parse_answer_list("1,0,1,2,3,0")), ValidationError)
            attempt("manual", lambda: parse_track(_mutate(rng, base_track), "fuzz.toml"), ManualError)
            doc = _mutate(rng, export) if i % 10 else _text(rng, 200)
            text = doc if isinstance(doc, str) else json.dumps(doc)
            attempt("import", lambda: transfer.import_json(ws=target, text=text), KnownError)
            body = _text(rng, 60) + rng.choice(["{barn_navn}", "{", "}", "{ukendt}", "{0}", "{barn_navn!r}", ""])
            (folder / "tilbagemelding.toml").write_text(f"title = {json.dumps(_text(rng, 10))}\nbody = "
                                                        f"{json.dumps(body)}\n", encoding="utf-8")
            attempt("template", lambda: gp_letter.load_template("end", [folder]), KnownError)
        seconds = time.perf_counter() - start
        ws.close()
        target.close()
    return {"inputs": sum(counts.values()), "by_parser": counts, "crashes": crashes, "seconds": seconds}


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    r = run(n)
    print(f"{r['inputs']} inputs in {r['seconds']:.0f} s: " + ", ".join(f"{k} {v}" for k, v in r["by_parser"].items()))
    print(f"crashes: {len(r['crashes'])}")
    for c in r["crashes"][:20]:
        print("  " + c)
    return 1 if r["crashes"] else 0


if __name__ == "__main__":
    sys.exit(main())
