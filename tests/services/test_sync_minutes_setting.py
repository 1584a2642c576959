"""How often the GUI syncs is an installation setting: 5 minutes unless an administrator says 1-120."""

from dataclasses import replace

import pytest

from behandlerklient.core.errors import InvalidInput
from behandlerklient.services.workspace import settings


def test_sync_minutes_defaults_to_5_and_takes_1_to_120(ws) -> None:  # noqa: ANN001
    assert settings.get(ws=ws, key="sync_minutes") == "5"
    ws.user = replace(ws.user, role="admin")
    settings.put(ws=ws, key="sync_minutes", value="15")
    assert settings.get(ws=ws, key="sync_minutes") == "15"
    for bad in ("0", "121", "fem", "-3"):
        with pytest.raises(InvalidInput, match="1-120 minutter"):
            settings.put(ws=ws, key="sync_minutes", value=bad)
