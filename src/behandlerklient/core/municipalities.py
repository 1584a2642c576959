"""Denmark's 98 municipalities by kommunekode (the code CPR, DST and the national registers use), so the child's
home and treating municipality are recorded as one of them and the monitoring export can give the code."""

from __future__ import annotations

# (code, official name). Source: Danmarks Statistik's classification of municipalities (KOMK, valid since
# 2007-01-01); Christiansø (411) is administered by the state and is no municipality.
MUNICIPALITIES: tuple[tuple[str, str], ...] = (
    ("101", "Københavns Kommune"), ("147", "Frederiksberg Kommune"), ("151", "Ballerup Kommune"),
    ("153", "Brøndby Kommune"), ("155", "Dragør Kommune"), ("157", "Gentofte Kommune"),
    ("159", "Gladsaxe Kommune"), ("161", "Glostrup Kommune"), ("163", "Herlev Kommune"),
    ("165", "Albertslund Kommune"), ("167", "Hvidovre Kommune"), ("169", "Høje-Taastrup Kommune"),
    ("173", "Lyngby-Taarbæk Kommune"), ("175", "Rødovre Kommune"), ("183", "Ishøj Kommune"),
    ("185", "Tårnby Kommune"), ("187", "Vallensbæk Kommune"), ("190", "Furesø Kommune"),
    ("201", "Allerød Kommune"), ("210", "Fredensborg Kommune"), ("217", "Helsingør Kommune"),
    ("219", "Hillerød Kommune"), ("223", "Hørsholm Kommune"), ("230", "Rudersdal Kommune"),
    ("240", "Egedal Kommune"), ("250", "Frederikssund Kommune"), ("253", "Greve Kommune"),
    ("259", "Køge Kommune"), ("260", "Halsnæs Kommune"), ("265", "Roskilde Kommune"),
    ("269", "Solrød Kommune"), ("270", "Gribskov Kommune"), ("306", "Odsherred Kommune"),
    ("316", "Holbæk Kommune"), ("320", "Faxe Kommune"), ("326", "Kalundborg Kommune"),
    ("329", "Ringsted Kommune"), ("330", "Slagelse Kommune"), ("336", "Stevns Kommune"),
    ("340", "Sorø Kommune"), ("350", "Lejre Kommune"), ("360", "Lolland Kommune"),
    ("370", "Næstved Kommune"), ("376", "Guldborgsund Kommune"), ("390", "Vordingborg Kommune"),
    ("400", "Bornholms Regionskommune"), ("410", "Middelfart Kommune"), ("420", "Assens Kommune"),
    ("430", "Faaborg-Midtfyn Kommune"), ("440", "Kerteminde Kommune"), ("450", "Nyborg Kommune"),
    ("461", "Odense Kommune"), ("479", "Svendborg Kommune"), ("480", "Nordfyns Kommune"),
    ("482", "Langeland Kommune"), ("492", "Ærø Kommune"), ("510", "Haderslev Kommune"),
    ("530", "Billund Kommune"), ("540", "Sønderborg Kommune"), ("550", "Tønder Kommune"),
    ("561", "Esbjerg Kommune"), ("563", "Fanø Kommune"), ("573", "Varde Kommune"),
    ("575", "Vejen Kommune"), ("580", "Aabenraa Kommune"), ("607", "Fredericia Kommune"),
    ("615", "Horsens Kommune"), ("621", "Kolding Kommune"), ("630", "Vejle Kommune"),
    ("657", "Herning Kommune"), ("661", "Holstebro Kommune"), ("665", "Lemvig Kommune"),
    ("671", "Struer Kommune"), ("706", "Syddjurs Kommune"), ("707", "Norddjurs Kommune"),
    ("710", "Favrskov Kommune"), ("727", "Odder Kommune"), ("730", "Randers Kommune"),
    ("740", "Silkeborg Kommune"), ("741", "Samsø Kommune"), ("746", "Skanderborg Kommune"),
    ("751", "Aarhus Kommune"), ("756", "Ikast-Brande Kommune"), ("760", "Ringkøbing-Skjern Kommune"),
    ("766", "Hedensted Kommune"), ("773", "Morsø Kommune"), ("779", "Skive Kommune"),
    ("787", "Thisted Kommune"), ("791", "Viborg Kommune"), ("810", "Brønderslev Kommune"),
    ("813", "Frederikshavn Kommune"), ("820", "Vesthimmerlands Kommune"), ("825", "Læsø Kommune"),
    ("840", "Rebild Kommune"), ("846", "Mariagerfjord Kommune"), ("849", "Jammerbugt Kommune"),
    ("851", "Aalborg Kommune"), ("860", "Hjørring Kommune"),
)

NAME_BY_CODE = dict(MUNICIPALITIES)


def _base(name: str) -> str:
    for suffix in (" regionskommune", " kommune"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _aliases() -> dict[str, str]:
    """Every way a user may write a municipality, lower case, to its code: the code (with or without a leading
    zero), the official name, the name without "Kommune", and without the genitive s ("Københavns")."""
    out: dict[str, str] = {}
    for code, name in MUNICIPALITIES:
        base = _base(name.lower())
        for alias in (code, code.zfill(4), name.lower(), base, base[:-1] if base.endswith("s") else base):
            out.setdefault(alias, code)
    return out


_ALIASES = _aliases()


def code_of(text: str) -> str:
    """The kommunekode of a written municipality, '' when it is empty or names none (legacy free text)."""
    return _ALIASES.get(" ".join(text.split()).lower(), "")


def normalise(text: str) -> str:
    """The official name for what the user typed (a code or a name); '' stays '' (not known yet).
    Raises ValueError with a Danish message naming the value when it is no Danish municipality."""
    cleaned = " ".join(text.split())
    if not cleaned:
        return ""
    code = code_of(cleaned)
    if not code:
        raise ValueError(f"{cleaned!r} er ikke en dansk kommune: skriv kommunens navn eller dens kommunekode "
                         f"(fx 101 for Københavns Kommune).")
    return NAME_BY_CODE[code]
