"""Treatment-track manuals: one TOML file per track, validated on load with errors naming file and field."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from behandlerklient.core.vocab import SESSION_FORMAT, SESSION_PARTS

PART_KEYS = tuple(SESSION_PARTS)
FORMATS = tuple(SESSION_FORMAT)
FOLLOW_UP_KINDS = ("follow_up", "booster")
# The numbers a track file holds; each is either cited in `[sources]` or listed in `municipal_settings` (a number
# no source states: the municipality's choice, not a fact about the manual).
NUMBER_FIELDS = ("age", "session_range", "session_minutes", "follow_up")
MUNICIPAL = "kommunal indstilling"


class ManualError(ValueError):
    """A manual file that does not fit the schema. Names the file and the field."""

    def __init__(self, file: str, field_path: str, message: str) -> None:
        super().__init__(f"{file}: felt '{field_path}': {message}")
        self.file = file
        self.field_path = field_path
        self.message = message


@dataclass(frozen=True)
class SessionOutline:
    number: int
    theme: str
    parts: dict[str, str]


@dataclass(frozen=True)
class Track:
    id: str
    name: str
    owner: str
    target_problems: tuple[str, ...]
    age_min: int
    age_max: int
    formats: tuple[str, ...]
    sessions_min: int
    sessions_max: int
    sessions_nominal: int
    follow_up_kind: str
    follow_up_after_days: int
    default_outline: dict[str, str]
    sessions: tuple[SessionOutline, ...] = ()
    session_minutes: int = 60
    parent_involvement: str = ""
    age_note: str = ""
    notes: str = ""
    fidelity_items: tuple[str, ...] = ()
    source_file: str = ""
    flexible: bool = False
    sources: dict[str, str] = field(default_factory=dict)  # number field -> where the number comes from
    municipal_settings: tuple[str, ...] = ()  # number fields no source states
    enabled: bool = True  # an example track a municipality switches on by its own file with enabled = true

    def basis(self, number_field: str) -> str:
        """Where a number comes from, in Danish: its source, "kommunal indstilling", or "" when the file says none."""
        return MUNICIPAL if number_field in self.municipal_settings else self.sources.get(number_field, "")
    individual_only: bool = False  # no group formats, no group sessions (STIME selvskade: social contagion)

    def outline_for(self, number: int) -> SessionOutline:
        """The manual's outline for a session number; beyond the written sessions, the default outline."""
        for s in self.sessions:
            if s.number == number:
                merged = dict(self.default_outline)
                merged.update({k: v for k, v in s.parts.items() if v})
                return SessionOutline(number, s.theme, merged)
        return SessionOutline(number, "", dict(self.default_outline))

    @property
    def range_text(self) -> str:
        if self.sessions_min == self.sessions_max:
            return str(self.sessions_min)
        return f"{self.sessions_min}-{self.sessions_max}"


class _Reader:
    """Typed access to a TOML table that raises ManualError with the dotted field path."""

    def __init__(self, file: str, data: dict[str, Any], prefix: str = "") -> None:
        self.file, self.data, self.prefix = file, data, prefix

    def _path(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def fail(self, key: str, message: str) -> ManualError:
        return ManualError(self.file, self._path(key), message)

    def get(self, key: str, kind: type, *, required: bool = True, default: Any = None) -> Any:
        if key not in self.data:
            if required:
                raise self.fail(key, "mangler")
            return default
        value = self.data[key]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            raise self.fail(key, f"skal være {_KIND_NAMES[kind]}, er {type(value).__name__}")
        if kind is str and required and not value.strip():
            raise self.fail(key, "må ikke være tom")
        return value

    def strings(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        items = self.get(key, list, required=required, default=[])
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                raise ManualError(self.file, f"{self._path(key)}[{i}]", "skal være en ikke-tom tekst")
        if required and not items:
            raise self.fail(key, "skal have mindst ét element")
        return tuple(items)

    def table(self, key: str, *, required: bool = True) -> "_Reader":
        sub = self.get(key, dict, required=required, default={})
        return _Reader(self.file, sub, f"{self._path(key)}.")


_KIND_NAMES = {str: "en tekst", int: "et heltal", list: "en liste", dict: "en tabel", bool: "sand/falsk"}


def _parts(r: _Reader, *, required: bool) -> dict[str, str]:
    unknown = set(r.data) - set(PART_KEYS) - {"number", "theme"}
    if unknown:
        raise r.fail(sorted(unknown)[0], f"ukendt felt; sessionens dele er {', '.join(PART_KEYS)}")
    return {k: r.get(k, str, required=required, default="") for k in PART_KEYS}


def parse_track(data: dict[str, Any], file: str) -> Track:
    r = _Reader(file, data)
    known = {"id", "name", "owner", "target_problems", "age", "format", "session_range", "session_minutes",
             "follow_up", "default_outline", "session", "parent_involvement", "notes", "fidelity_items",
             "schema_version", "flexible", "sources", "municipal_settings", "enabled", "individual_only"}
    unknown = set(data) - known
    if unknown:
        raise r.fail(sorted(unknown)[0], "ukendt felt")
    if r.get("schema_version", int) != 1:
        raise r.fail("schema_version", "kun version 1 understøttes")
    track_id = r.get("id", str)
    if not track_id.replace("-", "").replace("_", "").isalnum() or track_id.lower() != track_id:
        raise r.fail("id", "må kun indeholde små bogstaver, tal, '-' og '_'")
    age = r.table("age")
    age_min, age_max = age.get("min", int), age.get("max", int)
    if not 0 <= age_min <= age_max <= 25:
        raise age.fail("max", f"aldersinterval {age_min}-{age_max} er ugyldigt")
    formats = r.strings("format")
    for i, f in enumerate(formats):
        if f not in FORMATS:
            raise ManualError(file, f"format[{i}]", f"'{f}' er ukendt; brug {', '.join(FORMATS)}")
    rng = r.table("session_range")
    smin, smax, nominal = rng.get("min", int), rng.get("max", int), rng.get("nominal", int)
    if not 1 <= smin <= smax:
        raise rng.fail("min", f"min ({smin}) skal være mindst 1 og højst max ({smax})")
    if not smin <= nominal <= smax:
        raise rng.fail("nominal", f"nominal ({nominal}) skal ligge mellem min ({smin}) og max ({smax})")
    fu = r.table("follow_up")
    kind = fu.get("kind", str)
    if kind not in FOLLOW_UP_KINDS:
        raise fu.fail("kind", f"'{kind}' er ukendt; brug {' eller '.join(FOLLOW_UP_KINDS)}")
    after = fu.get("after_days", int)
    if not 1 <= after <= 366:
        raise fu.fail("after_days", "skal være 1-366 dage")
    default_outline = _parts(r.table("default_outline"), required=True)
    outlines: list[SessionOutline] = []
    raw_sessions = r.get("session", list, required=False, default=[])
    seen: set[int] = set()
    for i, raw in enumerate(raw_sessions):
        if not isinstance(raw, dict):
            raise ManualError(file, f"session[{i}]", "skal være en tabel")
        s = _Reader(file, raw, f"session[{i}].")
        number = s.get("number", int)
        if number < 1 or number in seen:
            raise s.fail("number", f"sessionsnummer {number} er ugyldigt eller gentaget")
        seen.add(number)
        outlines.append(SessionOutline(number, s.get("theme", str), _parts(s, required=False)))
    minutes = r.get("session_minutes", int, required=False, default=60)
    if not 10 <= minutes <= 300:
        raise r.fail("session_minutes", "skal være 10-300 minutter")
    src = r.table("sources", required=False)
    sources = {}
    for key in src.data:
        if key not in NUMBER_FIELDS:
            raise src.fail(key, f"ukendt felt; kilder angives for {', '.join(NUMBER_FIELDS)}")
        sources[key] = src.get(key, str)
    municipal = r.strings("municipal_settings", required=False)
    for i, key in enumerate(municipal):
        if key not in NUMBER_FIELDS:
            raise ManualError(file, f"municipal_settings[{i}]", f"'{key}' er ukendt; brug {', '.join(NUMBER_FIELDS)}")
        if key in sources:
            raise ManualError(file, f"municipal_settings[{i}]", f"'{key}' har en kilde i [sources] og kan ikke "
                                                                f"samtidig være en kommunal indstilling")
    return Track(
        id=track_id, name=r.get("name", str), owner=r.get("owner", str, required=False, default=""),
        target_problems=r.strings("target_problems"), age_min=age_min, age_max=age_max,
        age_note=age.get("note", str, required=False, default=""), formats=formats,
        sessions_min=smin, sessions_max=smax, sessions_nominal=nominal, follow_up_kind=kind,
        follow_up_after_days=after, default_outline=default_outline, sessions=tuple(outlines),
        session_minutes=minutes, parent_involvement=r.get("parent_involvement", str, required=False, default=""),
        notes=r.get("notes", str, required=False, default=""),
        fidelity_items=r.strings("fidelity_items", required=False),
        flexible=r.get("flexible", bool, required=False, default=False), source_file=file, sources=sources,
        municipal_settings=municipal, enabled=r.get("enabled", bool, required=False, default=True),
        individual_only=r.get("individual_only", bool, required=False, default=False))


def load_track(path: Path) -> Track:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ManualError(path.name, "(fil)", f"ikke gyldig TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManualError(path.name, "(fil)", f"kan ikke læses: {exc}") from None
    return parse_track(data, path.name)


@dataclass
class Catalogue:
    """All tracks by id: the shipped ones, overridden or extended by the municipality's own files."""

    tracks: dict[str, Track] = field(default_factory=dict)
    overridden: set[str] = field(default_factory=set)
    problems: list[ManualError] = field(default_factory=list)
    disabled: dict[str, Track] = field(default_factory=dict)  # shipped examples not switched on: never offered

    def get(self, track_id: str) -> Track:
        return self.tracks[track_id]

    def sorted(self) -> list[Track]:
        return sorted(self.tracks.values(), key=lambda t: t.name.lower())


def load_catalogue(bundled: Path, user: Path | None = None, *, strict: bool = False) -> Catalogue:
    """Bundled files must all be valid; a broken user file is reported (or raised when strict) and skipped."""
    cat = Catalogue()
    for path in sorted(bundled.glob("*.toml")):
        track = load_track(path)
        cat.tracks[track.id] = track
    if user is not None and user.is_dir():
        for path in sorted(user.glob("*.toml")):
            try:
                track = load_track(path)
            except ManualError as exc:
                if strict:
                    raise
                cat.problems.append(exc)
                continue
            if track.id in cat.tracks:
                cat.overridden.add(track.id)
            cat.tracks[track.id] = track
    for track_id in [t.id for t in cat.tracks.values() if not t.enabled]:
        cat.disabled[track_id] = cat.tracks.pop(track_id)
    return cat
