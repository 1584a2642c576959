"""SIGKILL at random moments of writing: the database always passes verify and keeps every committed row."""

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest

from behandlerklient.services.pathway import pathway
from behandlerklient.services.verify import integrity
from behandlerklient.services.workspace import workspace
from tests.conftest import PASSPHRASE, USERNAME

KILLS = int(os.environ.get("BEHANDLERKLIENT_KILLS", "50"))

# The writer logs each commit to stdout after it returns; anything it printed must survive the kill.
WRITER = textwrap.dedent("""
    import sys
    from datetime import date, timedelta
    from pathlib import Path
    from behandlerklient.security import kdf
    from behandlerklient.services.demo import demo
    from behandlerklient.services.journal import sessions
    from behandlerklient.services.pathway import pathway, records
    from behandlerklient.services.workspace import workspace
    ws = workspace.unlock(path=Path(sys.argv[1]), passphrase=sys.argv[2], username=sys.argv[3])
    mode, seed = sys.argv[4], int(sys.argv[5])
    if mode == "import":
        from behandlerklient.services.exchange import transfer
        print("importing", flush=True)
        transfer.import_json(ws=ws, text=Path(sys.argv[7]).read_text(encoding="utf-8"))
        print("imported", flush=True)
    elif mode == "demo":
        demo.generate(ws=ws, children_count=400, seed=seed, today=date(2026, 11, 23),
                      progress=lambda d, t: print(f"children {d}", flush=True))
    else:
        course_id = int(sys.argv[6])
        for i in range(10000):
            s, _ = sessions.start_session(ws=ws, course_id=course_id, on=date(2026, 1, 1) + timedelta(days=i),
                                          reason="kill test")
            s.parts.exercise = f"Øvelse {i}"
            sessions.save_draft(ws=ws, session=s)
            sessions.finish_confirmed(ws=ws, session=s)
            print(f"signed {s.id}", flush=True)
""")


def _children(db_path: Path) -> int:
    ws = workspace.unlock(path=db_path, passphrase=PASSPHRASE, username=USERNAME)
    try:
        return ws.db.scalar("SELECT count(*) FROM children")
    finally:
        ws.close()


@pytest.mark.slow
def test_sigkill_during_writes_never_corrupts_or_loses_committed_rows(db_path: Path, tmp_path: Path) -> None:
    from tests.helpers import child_with_consent

    ws = workspace.unlock(path=db_path, passphrase=PASSPHRASE, username=USERNAME)
    ws.db.execute("UPDATE users SET role = 'admin'")  # only an administrator imports
    child = child_with_consent(ws, "Kurt", "Kill", "010316-4011")
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="individuelt", start_date=date(2026, 1, 1)).course
    ws.close()
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    # An export of 150 other children, for the import runs.
    from behandlerklient.services.demo import demo
    from behandlerklient.services.exchange import transfer

    source = workspace.create(path=tmp_path / "kilde.db", username=USERNAME, full_name="Kilde", passphrase=PASSPHRASE)
    demo.generate(ws=source, children_count=150, seed=77, today=date(2026, 11, 23))
    export = tmp_path / "eksport.json"
    export.write_text(transfer.export_json(ws=source), encoding="utf-8")
    imported_children = source.db.scalar("SELECT count(*) FROM children")
    source.close()
    rng = random.Random(2026)
    env = {**os.environ, "BEHANDLERKLIENT_LOG_DIR": str(tmp_path / "log")}
    survived = 0
    for n in range(KILLS):
        mode = "demo" if n % 5 == 0 else ("import" if n % 5 == 2 else "sign")
        args = [sys.executable, str(script), str(db_path), PASSPHRASE, USERNAME, mode, str(1000 + n), str(course.id),
                str(export)]
        before = _children(db_path)
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
        time.sleep(rng.uniform(0.35, 1.2))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
        ws = workspace.unlock(path=db_path, passphrase=PASSPHRASE, username=USERNAME)
        try:
            checks = integrity.verify(ws=ws)
            assert all(c.ok for c in checks), [c for c in checks if not c.ok]
            for line in out.splitlines():
                if line.startswith("signed "):
                    sid = int(line.split()[1])
                    assert ws.db.scalar("SELECT state FROM sessions WHERE id = ?", (sid,)) == "signed"
                    assert ws.db.scalar("SELECT count(*) FROM journal_entries WHERE session_id = ?", (sid,)) == 1
                elif line.startswith("children "):
                    assert ws.db.scalar("SELECT count(*) FROM children") >= int(line.split()[1])
            if mode == "import":  # all or nothing
                after = ws.db.scalar("SELECT count(*) FROM children")
                assert after in (before, before + imported_children), (before, after)
                if "imported" in out:
                    assert after == before + imported_children
        finally:
            ws.close()
        survived += 1
    assert survived == KILLS
    print(f"\n{KILLS} kills survived")
