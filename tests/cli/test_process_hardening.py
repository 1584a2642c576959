"""Process and file hardening at start-up: no core dumps (they would hold the data key and names), a log
readable by its user only, and no change to the mode of a folder the user chose."""

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from behandlerklient import paths

# Runs in a fresh interpreter: allows core dumps as far as the hard limit lets it (many systems start at a
# soft limit of 0, which would prove nothing), starts the program the given way, and reports the state.
_PROBE = textwrap.dedent("""
    import ctypes, json, resource, sys
    soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))
    libc = ctypes.CDLL(None)
    before = {"core": resource.getrlimit(resource.RLIMIT_CORE)[0], "dumpable": libc.prctl(3, 0, 0, 0, 0)}

    def report():
        after = {"core": list(resource.getrlimit(resource.RLIMIT_CORE)), "dumpable": libc.prctl(3, 0, 0, 0, 0)}
        print(json.dumps({"before": before, "after": after}))
        raise SystemExit(0)

    if sys.argv[1] == "cli":
        from behandlerklient import cli, services
        from behandlerklient.services.verify import self_check
        self_check.run = lambda: report()
        cli.main(["--self-check"])
    else:
        from behandlerklient import app
        app.create_application = lambda *a, **k: report()  # the first Qt step of the GUI's start
        app.run_gui(db_path=None)
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_CORE and prctl: Linux (Windows keeps no "
                    "core files; its crash dumps need an administrator's LocalDumps setting)")
@pytest.mark.parametrize("start", ["cli", "gui"])
def test_core_dumps_are_disabled_at_start(start, tmp_path) -> None:
    import json

    env = {**os.environ, "BEHANDLERKLIENT_LOG_DIR": str(tmp_path / "log"), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", _PROBE, start], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    state = json.loads(done.stdout.strip().splitlines()[-1])
    assert state["before"]["dumpable"] == 1  # the probe started from a process that could dump
    assert state["after"] == {"core": [0, 0], "dumpable": 0}


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_the_log_file_and_its_folder_are_private(tmp_path) -> None:
    log_dir = tmp_path / "log"
    env = {**os.environ, "BEHANDLERKLIENT_LOG_DIR": str(log_dir)}
    script = "import logging, os; os.umask(0o022); from behandlerklient import logs; logs.configure(); " \
             "logging.getLogger('x').info('started'); " \
             "h = [h for h in logging.getLogger().handlers if getattr(h, '_behandlerklient', False)][0]; h.doRollover(); " \
             "logging.getLogger('x').info('rotated')"
    subprocess.run([sys.executable, "-c", script], check=True, env=env, timeout=60)
    files = sorted(log_dir.glob("behandlerklient.log*"))
    assert len(files) == 2  # the rotated file and the new one
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    assert stat.S_IMODE(log_dir.stat().st_mode) == 0o700


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_an_older_world_readable_log_is_made_private(tmp_path) -> None:
    log_dir = tmp_path / "log"
    log_dir.mkdir(mode=0o755)
    old = log_dir / "behandlerklient.log.1"
    old.write_text("gammel\n")
    old.chmod(0o644)
    env = {**os.environ, "BEHANDLERKLIENT_LOG_DIR": str(log_dir)}
    subprocess.run([sys.executable, "-c", "from behandlerklient import logs; logs.configure()"], check=True, env=env,
                   timeout=60)
    assert stat.S_IMODE(old.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_dir.stat().st_mode) == 0o700


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_a_folder_the_user_chose_keeps_its_mode(tmp_path: Path) -> None:
    chosen = tmp_path / "Dokumenter"
    chosen.mkdir()
    chosen.chmod(0o755)
    paths.ensure_private_dir(chosen)  # e.g. `behandlerklient --db ~/Dokumenter/journal.db`, a backup folder
    assert stat.S_IMODE(chosen.stat().st_mode) == 0o755
    made = chosen / "ny-mappe"
    paths.ensure_private_dir(made)  # a folder the program makes itself is private
    assert stat.S_IMODE(made.stat().st_mode) == 0o700
    own = paths.data_dir()
    own.mkdir(parents=True)
    own.chmod(0o755)
    paths.ensure_private_dir(own)  # the program's own data folder is made private even if it existed
    assert stat.S_IMODE(own.stat().st_mode) == 0o700


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_starting_the_gui_on_a_database_in_a_chosen_folder_leaves_the_folder_alone(tmp_path: Path) -> None:
    chosen = tmp_path / "Fælles"
    chosen.mkdir()
    chosen.chmod(0o750)
    script = textwrap.dedent(f"""
        from pathlib import Path
        from behandlerklient import app
        from behandlerklient.ui import single_instance
        single_instance.acquire = lambda path: None  # stop right after the folder step, before any window
        import behandlerklient.ui.prompts as prompts
        prompts.error = lambda *a, **k: None
        app.run_gui(db_path=Path({str(chosen / 'journal.db')!r}))
    """)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BEHANDLERKLIENT_LOG_DIR": str(tmp_path / "log")}
    subprocess.run([sys.executable, "-c", script], check=True, env=env, timeout=120, capture_output=True)
    assert stat.S_IMODE(chosen.stat().st_mode) == 0o750


def test_uncaught_errors_in_threads_are_logged_without_their_message(tmp_path) -> None:
    log_dir = tmp_path / "log"
    env = {**os.environ, "BEHANDLERKLIENT_LOG_DIR": str(log_dir)}
    script = textwrap.dedent("""
        import threading
        from behandlerklient import logs
        logs.configure()
        def work():
            raise ValueError("Invalid isoformat string: 'Zacharias Quistgaard 240314-4321'")
        t = threading.Thread(target=work)
        t.start(); t.join()
    """)
    done = subprocess.run([sys.executable, "-c", script], env=env, timeout=60, capture_output=True, text=True)
    log = (log_dir / "behandlerklient.log").read_text(encoding="utf-8")
    assert "ValueError" in log and "Zacharias" not in log + done.stderr and "240314" not in log + done.stderr
