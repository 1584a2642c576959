"""A smaller ICU data library for the frozen program: Danish, English and the root locale only.

Qt's wheels link Qt6Core against ICU, whose data library (libicudata.so.NN, ~32 MB) holds every locale, every
legacy code page and the dictionaries for Thai and CJK word breaks. Behandlerklient only ever runs in Danish
(with English as the source language); Qt itself uses ICU for collation (QCollator, e.g. sorting a file dialog)
and case mapping. This keeps ICU's non-locale tables (likely subtags, plurals, time zones, normalisation, the
collation root) and the da/en/root entries of every locale tree, drops code page converters, break
dictionaries, transliterators and character names, and links the result as a new libicudata.so.NN exporting
the same symbol (icudtNN_dat). Danish collation (æ, ø, å after z) gives the same order as with the full data.

Used by packaging/behandlerklient.spec on Linux. Needs a C compiler (cc); without one the spec keeps ICU as it is.

    python packaging/icu_subset.py LIBICUDATA OUT_DIR    # writes OUT_DIR/libicudata.so.NN, prints its path
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

LOCALES = {"root", "da", "en"}
# Locale-independent items (not named like a locale) are kept, except these families.
DROPPED_SUFFIXES = (".cnv", ".dict", ".spp", ".cfu", "unames.icu")
_LOCALE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]*)*$")


def keep(item: str) -> bool:
    """Whether an item (`coll/da.res`, `cnvalias.icu`, `zone/tzdbNames.res`) stays in the subset."""
    name = item.rsplit("/", 1)[-1]
    if name.endswith(DROPPED_SUFFIXES) or item.startswith("translit/"):
        return False
    stem = name.rsplit(".", 1)[0]
    if stem in {"pool", "res_index"} or not _LOCALE.match(stem):
        return True
    return stem.split("_")[0] in LOCALES


def _symbol(elf: bytes) -> tuple[str, bytes]:
    """The icudtNN_dat symbol's name and bytes, read from a 64-bit little-endian ELF shared library."""
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF file")
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", elf, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]
    for _, kind, _, _, offset, size, link, _, _, entsize in sections:
        if kind != 11:  # SHT_DYNSYM
            continue
        strtab = sections[link][4]
        for pos in range(offset, offset + size, entsize):
            name_at, _, _, index, value, length = struct.unpack_from("<IBBHQQ", elf, pos)
            name = elf[strtab + name_at:elf.index(b"\0", strtab + name_at)].decode()
            if re.fullmatch(r"icudt\d+_dat", name) and index:
                addr, section_offset = sections[index][3:5]
                start = section_offset + value - addr
                return name, elf[start:start + length]
    raise ValueError("no icudtNN_dat symbol")


def subset(package: bytes) -> tuple[bytes, int, int]:
    """An ICU common data package (format CmnD) with only the items `keep` accepts; and the item counts."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", package, 0)
    if (magic1, magic2) != (0xDA, 0x27) or package[12:16] != b"CmnD" or package[8] != 0:
        raise ValueError("not a little-endian ICU common data package")
    count, = struct.unpack_from("<I", package, header_size)
    toc = [struct.unpack_from("<II", package, header_size + 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_at, data_at) in enumerate(toc):
        name = package[header_size + name_at:package.index(b"\0", header_size + name_at)]
        end = toc[i + 1][1] if i + 1 < count else len(package) - header_size
        items.append((name, package[header_size + data_at:header_size + end]))
    prefix = items[0][0].split(b"/", 1)[0] + b"/"
    kept = [(n, d) for n, d in items if keep(n[len(prefix):].decode())]
    names = b"".join(n + b"\0" for n, _ in kept)
    names_at = 4 + 8 * len(kept)
    data_at = (names_at + len(names) + 15) // 16 * 16
    entries, blobs, offset = [], [], data_at
    for (_, data), name_offset in zip(kept, _offsets(kept, names_at), strict=True):
        entries.append(struct.pack("<II", name_offset, offset))
        padded = data + b"\0" * (-len(data) % 16)  # every item starts 16-aligned, as ICU's own packages do
        blobs.append(padded)
        offset += len(padded)
    body = struct.pack("<I", len(kept)) + b"".join(entries) + names
    body += b"\0" * (data_at - len(body)) + b"".join(blobs)
    return package[:header_size] + body, len(kept), count


def _offsets(items: list[tuple[bytes, bytes]], start: int) -> list[int]:
    out, at = [], start
    for name, _ in items:
        out.append(at)
        at += len(name) + 1
    return out


def build(library: Path, out_dir: Path) -> Path:
    """Write out_dir/<library's name> holding the subset; raise if it cannot be built here."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        raise RuntimeError("no C compiler")
    symbol, package = _symbol(library.read_bytes())
    small, kept, total = subset(package)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = out_dir / f"{symbol}.bin"
    data.write_bytes(small)
    source = out_dir / "icudata.S"
    source.write_text(
        f'\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n{symbol}:\n'
        f'\t.incbin "{data.name}"\n\t.size {symbol}, . - {symbol}\n'
        '\t.section .note.GNU-stack,"",@progbits\n', encoding="utf-8")
    target = out_dir / library.name
    subprocess.run([compiler, "-shared", "-nostdlib", f"-Wl,-soname,{library.name}", "-o", target.name,
                    source.name], cwd=out_dir, check=True)
    print(f"ICU data: {kept} of {total} items, {len(small) / 1e6:.1f} MB of {len(package) / 1e6:.1f} MB",
          file=sys.stderr)
    return target


if __name__ == "__main__":
    print(build(Path(sys.argv[1]), Path(sys.argv[2])))
