"""The therapists' laptops for bench/sync.py: one encrypted journal per therapist (bt01, bt02, ...), each with its
own demo caseload written by that therapist alone (the demo team's other members are left out, so every record is
the laptop user's and leaves in the first upload). Generating is the slow part (about 0.3 s a child on 2 cores), so
the databases are cached under /tmp, keyed by the parameters and the sources that shape them, built in parallel
processes, and copied for each run (a run enrols and syncs them)."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

PASSPHRASE = "bench-sync-kode"
TODAY = date(2026, 11, 23)
CACHE = Path(tempfile.gettempdir()) / "bk-bench-sync-cache"
SRC = Path(__file__).resolve().parents[1] / "src" / "behandlerklient"


def name_of(i: int) -> str:
    return f"bt{i + 1:02d}"


def _key(children: int, i: int) -> str:
    """Changes when anything that shapes the database does: the migrations, the generator, the outbox."""
    digest = hashlib.sha256(f"{children}-{i}".encode())
    for path in sorted((SRC / "storage" / "migrations").glob("*.sql")):
        digest.update(path.read_bytes())
    for rel in ("services/demo/demo.py", "services/demo/demo_course.py", "services/signatures/outbox.py",
                "services/signatures/seal.py", "core/sync_envelope.py", "services/supervision/supervision.py",
                "storage/events.py", "storage/event_folds.py"):
        digest.update((SRC / rel).read_bytes())
    return digest.hexdigest()[:16]


def create(folder: Path, username: str, role: str, *, signing_key: bytes | None = None) -> Any:
    """A new laptop journal (fast KDF: unlocking is not what is measured). `signing_key`: the user's key from her
    other laptop, for a second laptop of a user the server knows already: the server holds one signing key per user
    (bk.staff) and refuses what another key signed (bad_signature), her new laptop's audit chain included."""
    from behandlerklient.security import kdf
    from behandlerklient.services.workspace import workspace

    kdf.set_default(kdf.ScryptParams(n=2**10))
    folder.mkdir(parents=True, exist_ok=True)
    return workspace.create(path=folder / "journal.db", username=username, full_name=f"Bench {username}",
                            passphrase=PASSPHRASE, role=role, signing_key=signing_key)


def _build(children: int, i: int, target: Path) -> Path:
    from behandlerklient.services.demo import demo

    work = Path(tempfile.mkdtemp(prefix="bk-bench-build-", dir=CACHE))
    ws = create(work, name_of(i), "therapist")
    team = demo.THERAPISTS
    demo.THERAPISTS = ()  # this process only: every child, course and session is the laptop user's
    try:
        demo.generate(ws=ws, children_count=children, seed=1400 + i, today=TODAY)
    finally:
        demo.THERAPISTS = team
        ws.close()
    work.rename(target)  # whole or not at all: a killed build leaves only its work folder
    return target


def cached(children: int, therapists: int, *, jobs: int = 2) -> list[Path]:
    """The folder of each therapist's generated journal, building what the cache lacks."""
    CACHE.mkdir(exist_ok=True)
    folders = [CACHE / f"{name_of(i)}-{children}-{_key(children, i)}" for i in range(therapists)]
    missing = [(i, f) for i, f in enumerate(folders) if not (f / "journal.db").exists()]
    if missing:
        with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(missing)))) as pool:
            for done in pool.map(_build, [children] * len(missing), [i for i, _ in missing], [f for _, f in missing]):
                print(f"built {done}", flush=True)
    return folders


def copy(folder: Path, into: Path) -> Path:
    """A working copy of a cached laptop (the journal and its key file)."""
    into.mkdir(parents=True)
    for path in folder.iterdir():
        if path.is_file() and path.name.startswith("journal.db"):
            shutil.copy2(path, into / path.name)
    return into / "journal.db"


if __name__ == "__main__":  # python -m bench.sync_laptops CHILDREN THERAPISTS [JOBS]: fill the cache ahead
    import sys

    for built in cached(int(sys.argv[1]), int(sys.argv[2]), jobs=int(sys.argv[3]) if len(sys.argv) > 3 else 2):
        print(built)
