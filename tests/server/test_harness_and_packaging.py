"""The server tests never skip silently in CI, CI installs what they need, and the laptop's frozen build
and default install stay free of the server's code and driver."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from tests.server import conftest

ROOT = Path(__file__).resolve().parents[2]


def test_a_missing_server_skips_locally_but_fails_under_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install postgresql-15"):
        conftest._unavailable("no postgres")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        conftest._unavailable("no postgres")


def test_ci_and_the_readme_test_command_install_what_the_server_tests_need():
    script = (ROOT / "packaging" / "install-server-deps.sh").read_text(encoding="utf-8")
    assert re.search(r"apt-get install .*\\\n\s+postgresql-15 postgresql-plpython3-15 python3-cryptography", script)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash packaging/install-server-deps.sh" in ci
    assert 'export CI="${CI:-true}"' in ci and '-e ".[test,server]"' in ci
    # The README's command has no apt step: the harness runs the same script itself where it may install.
    assert conftest.INSTALL == ROOT / "packaging" / "install-server-deps.sh" and conftest.INSTALL.exists()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = readme.split("<!-- test-command -->", 1)[1].split("```", 2)[1]
    assert '-e ".[test,server]"' in command


def test_psycopg_is_an_optional_pinned_extra_that_the_frozen_build_excludes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any(dep.startswith("psycopg") for dep in project["dependencies"])
    assert project["optional-dependencies"]["server"] == ["psycopg[binary]>=3.1,<4"]
    assert project["scripts"]["behandlerklient-server"] == "behandlerklient.server.cli:main"
    pins = (ROOT / "packaging" / "constraints.txt").read_text(encoding="utf-8").splitlines()
    assert {"psycopg==3.3.9", "psycopg-binary==3.3.9"} <= set(pins)
    spec = (ROOT / "packaging" / "behandlerklient.spec").read_text(encoding="utf-8")
    assert '"behandlerklient.server", "psycopg", "psycopg_binary"' in spec
