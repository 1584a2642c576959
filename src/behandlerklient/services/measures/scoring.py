"""SDQ scores with their bands, as the CLI and the screening form present them."""

from __future__ import annotations

from functools import lru_cache

from behandlerklient import paths
from behandlerklient.core import sdq
from behandlerklient.core.sdq_bands import BandScheme, load_scheme


@lru_cache(maxsize=1)
def band_scheme() -> BandScheme:
    return load_scheme(paths.resources_dir() / "sdq" / "bands-4band.toml")


def score_with_bands(informant: str, answers: list[int | None], impact: list[int | None] | None = None) -> dict:
    scores = sdq.score(informant, answers, impact)
    values = scores.as_dict()
    scheme = band_scheme()
    return {"informant": informant, **values,
            "bands": {name: scheme.classify(informant, name, value) for name, value in values.items()
                      if (informant, name) in scheme.tables}}
