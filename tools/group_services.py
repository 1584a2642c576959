"""Group src/behandlerklient/services/ into folders named for an aggregate or a pathway step (issue 13), so a
newcomer finds a rule from the folder names alone.

Run once from the repository root on a clean tree, then review and commit what it did:

    python tools/group_services.py            # move, rewrite, report
    python tools/group_services.py --check    # only say whether anything is left to do (exit 1 if so)

It `git mv`s every module (and the old subpackage pathway_records/) into its folder below, writes each folder's
__init__.py (a docstring only: importing a folder runs nothing, so folders add no import cycles), and rewrites
every reference to an old module path in src/, tests/, bench/, tools/, packaging/, server/, docs/, .ci/,
README.md and pyproject.toml (import-linter contracts):

- `from behandlerklient.services import a, b` is split into one import per folder; the names stay as they were;
- dotted names `behandlerklient.services.a[.x]` (imports, `import ... as`, monkeypatch targets, contract and
  test lists such as STILL_HOLDING_SQL) and paths `services/a.py`, `services.a.x` in comments and docs;
- relative imports in the modules it moves become absolute first.
Then `ruff check --select I --fix` re-sorts the imports of the files it changed.

Idempotent: a second run finds nothing to move and no old path to rewrite, and changes nothing. A run on a tree
where someone later added code naming an old path (`behandlerklient.services.journal.correct`) rewrites it.
Module names do not change, only their folder: `services/journal.py` becomes `services/journal/journal.py`.

A module in services/ that this map does not know (one added since) stops the run with its name; place it with
`--place name=folder` (repeatable) or add it to FOLDERS. The folders form a one-way stack (import-linter's
acyclic_siblings contract checks it): signatures <- workspace <- accounts <- registration <- measures <- pathway
<- supervision, journal <- documents, reports, overview, demo; exchange <- verify, sync.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import re
import shutil
import subprocess
import sys
import tokenize
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ROOT / "src" / "behandlerklient" / "services"
PACKAGE = "behandlerklient.services"

# folder -> (what a newcomer finds there: the folder's __init__ docstring, the modules/packages it holds)
FOLDERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "signatures": (
        "What makes a record final and provable: the author's seal (Ed25519), the hash-chained audit log, the "
        "chain's anchor outside the database, and the signed envelopes leaving for the sync server (outbox).",
        ("seal", "audit", "anchor", "outbox")),
    "workspace": (
        "The installation: creating and unlocking it, its settings, the manuals catalogue, backups, and the "
        "editors' drafts kept over a lock.",
        ("workspace", "catalogue", "settings", "backup", "ui_drafts")),
    "accounts": (
        "Users and what they may do: accounts, passphrases and keys (change, recovery, rotation), confirming "
        "the signer, a draft's author, and who may see which child (caseloads, supervision pairs).",
        ("users", "keys", "rotation", "signing", "authorship", "access")),
    "registration": (
        "Registering and finding children, and correcting their master data (name, CPR, address, GP).",
        ("children", "master_data")),
    "measures": (
        "SDQ responses and scores, and the municipality's symptom-specific questionnaires.",
        ("sdq_records", "scoring", "questionnaires")),
    "pathway": (
        "The pathway from contact to closing: contacts and courses, the signed pathway records (contact, intake, "
        "screening, consent, coordination, notification, closing, follow-up; one module per kind in "
        "pathway_records/), consent rules, the next step, the documentation checklist and the timeline.",
        ("pathway", "records", "record_kinds", "pathway_records", "consent", "next_step", "documentation",
         "timeline", "record_rules")),
    "supervision": (
        "Supervision: fidelity ratings, the review queue and its decisions, supervision meetings.",
        ("supervision",)),
    "journal": (
        "The journal: reading and correcting entries, documenting sessions and group sessions, and resolving "
        "conflicts between laptops (a signed journal entry).",
        ("journal", "sessions", "group_sessions", "conflicts")),
    "exchange": (
        "The whole database as the documented JSON export and back (docs/export-format.md): streaming, row "
        "checks, events and the authors' signatures that travel with the records.",
        ("transfer", "json_stream", "import_checks", "event_transfer", "export_signatures", "grant_transfer")),
    "verify": (
        "`verify` and `--self-check`: the database's integrity, every signature, imported and received records "
        "against their authors' proof, and that every part of the installed program loads.",
        ("integrity", "signature_check", "import_proof_check", "received_check", "self_check")),
    "documents": (
        "What leaves as a document for one child: letters to the GP (with the consent rule) and the record as "
        "PDF.",
        ("letters", "documents")),
    "reports": (
        "Reports over many children: activity reports, the national monitoring export, the admin CLI's listings.",
        ("reports", "monitoring", "listing")),
    "overview": (
        "What the start screen and the child view gather from the other folders: the work queue and the child "
        "record's tabs.",
        ("work_queue", "child_record")),
    "demo": (
        "Synthetic demo data built through the real use cases.",
        ("demo", "demo_course", "demo_vocabulary")),
}
# Stays in services/ itself: the package, and the record every use case returns.
LOOSE = ("__init__", "changes")
# Already a folder of its own, left where it is.
KEPT_PACKAGES = ("sync",)

TEXT_SUFFIXES = {".py", ".md", ".toml", ".spec", ".cfg", ".ini", ".txt", ".rst", ".sh", ".yml", ".yaml", ".sql"}
SCANNED = ("src", "tests", "bench", "tools", "packaging", "server", "docs", ".ci", "README.md", "pyproject.toml",
           ".importlinter", "setup.cfg")
SELF = Path(__file__).resolve()

# `behandlerklient.services.x.y`, `behandlerklient/services/x/y`, or a bare `services.x` / `services/x` in prose
# (but not `tests/services/x`, which is a test folder).
_REFERENCE = re.compile(
    r"(?:(?<=behandlerklient\.)|(?<=behandlerklient/)|(?<![\w./-]))services(?P<sep>[./])"
    r"(?P<tail>[A-Za-z_]\w*(?:(?P=sep)[A-Za-z_]\w*)*)")


_FROM_SERVICES = re.compile(r"from\s+behandlerklient\.services\s+import")
# The same on one line inside a string (code a test runs in a subprocess) or a document.
_NAMES = r"(?P<names>\w+(?: as \w+)?(?:, *\w+(?: as \w+)?)*)"
_FROM_SERVICES_LINE = re.compile(r"^(?P<indent>[ \t]*)from behandlerklient\.services import " + _NAMES + r"[ \t]*$",
                                 re.MULTILINE)
_FROM_SERVICES_TEXT = re.compile(r"from behandlerklient\.services import " + _NAMES)


class Stop(Exception):
    """A condition the merger must resolve by hand; the message says what."""


def build_moves(places: dict[str, str]) -> dict[str, str]:
    """old name in services/ -> folder."""
    moves: dict[str, str] = {}
    for folder, (_, members) in FOLDERS.items():
        for name in members:
            assert name not in moves, f"{name} is mapped twice"
            moves[name] = folder
    for name, folder in places.items():
        if folder not in FOLDERS and folder not in KEPT_PACKAGES:
            raise Stop(f"--place {name}={folder}: no folder {folder!r} (one of {', '.join(sorted(FOLDERS))})")
        moves[name] = folder
    return moves


def loose_entries() -> set[str]:
    """Module and package names directly in services/ (not __pycache__, not leftover empty folders)."""
    names = {p.stem for p in SERVICES.glob("*.py")}
    names |= {p.name for p in SERVICES.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    return names


def old_location(name: str) -> Path | None:
    """Where the module or package `name` sits if it has not been moved yet."""
    module = SERVICES / f"{name}.py"
    if module.exists():
        return module
    package = SERVICES / name
    if (package / "__init__.py").exists() and name not in FOLDERS:
        return package
    return None


def folder_members(folder: str, moves: dict[str, str]) -> set[str]:
    members = {name for name, f in moves.items() if f == folder}
    path = SERVICES / folder
    if path.is_dir():  # whatever was added to the folder since
        members |= {p.stem for p in path.glob("*.py")} | {p.name for p in path.iterdir() if p.is_dir()}
    return members


class Rewriter:
    def __init__(self, moves: dict[str, str], pending: set[str]) -> None:
        self.moves = moves
        self.pending = pending  # names whose old location existed when this run began
        self.members = {folder: folder_members(folder, moves) for folder in set(moves.values())}

    def new_tail(self, segments: list[str]) -> list[str] | None:
        """The reference's segments after `services` in the new layout, or None if it needs no change."""
        first = segments[0]
        if first not in self.moves:
            return None
        folder = self.moves[first]
        if first not in self.pending:  # already moved: is this already the new path?
            if first == folder and (len(segments) == 1 or segments[1] in self.members[folder]):
                return None
            if first in FOLDERS and first != folder and len(segments) == 1:
                return None
        return [folder, *segments]

    def text(self, source: str) -> str:
        def replace(match: re.Match[str]) -> str:
            sep = match["sep"]
            tail = self.new_tail(match["tail"].split(sep))
            return match[0] if tail is None else f"services{sep}{sep.join(tail)}"
        return _REFERENCE.sub(replace, source)

    def from_imports_in_text(self, source: str) -> str:
        """`from behandlerklient.services import a` where ast does not see it: strings, documents."""
        def replace(match: re.Match[str]) -> str:
            names = [n.strip() for n in match["names"].split(",")]
            if not any(n.split(" as ")[0] in self.moves for n in names):
                return match[0]
            groups: dict[str, list[str]] = {}
            for name in names:
                folder = self.moves.get(name.split(" as ")[0])
                groups.setdefault(f"{PACKAGE}.{folder}" if folder else PACKAGE, []).append(name)
            imports = [f"from {module} import {', '.join(n)}" for module, n in sorted(groups.items())]
            # A line of its own (code in a string) gets one line per import; within a line they join with `;`.
            indent = match.groupdict().get("indent")
            return indent + ("\n" + indent).join(imports) if indent is not None else "; ".join(imports)
        return _FROM_SERVICES_TEXT.sub(replace, _FROM_SERVICES_LINE.sub(replace, source))

    def from_imports(self, source: str, path: Path) -> str:
        """Split `from behandlerklient.services import a, b` into one import per folder."""
        if not _FROM_SERVICES.search(source):
            return source
        tree = ast.parse(source)
        edits: list[tuple[ast.ImportFrom, str]] = []
        for node in ast.walk(tree):
            if not (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == PACKAGE):
                continue
            if not any(alias.name in self.moves for alias in node.names):
                continue
            groups: dict[str, list[str]] = {}
            for alias in node.names:
                folder = self.moves.get(alias.name)
                module = f"{PACKAGE}.{folder}" if folder else PACKAGE
                groups.setdefault(module, []).append(
                    alias.name + (f" as {alias.asname}" if alias.asname else ""))
            indent = " " * node.col_offset
            # A trailing comment (a noqa, or why an import is kept) goes with each of the new imports.
            assert node.end_lineno is not None and node.end_col_offset is not None
            end_line = source.splitlines()[node.end_lineno - 1]
            rest = end_line.encode()[node.end_col_offset:].decode()
            comment = f"  {rest.strip()}" if rest.strip().startswith("#") else ""
            end_col = len(end_line.encode()) if comment else node.end_col_offset
            lines = [f"from {module} import {', '.join(names)}{comment}" for module, names in sorted(groups.items())]
            edits.append((node, end_col, ("\n" + indent).join(lines)))
        return _apply(source, edits, path)


def _apply(source: str, edits: list[tuple[ast.ImportFrom, int, str]], path: Path) -> str:
    """Replace each import statement (to the given end column of its last line) by its new text."""
    if not edits:
        return source
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def at(line: int, col: int) -> int:  # ast columns are UTF-8 byte offsets
        return offsets[line - 1] + len(lines[line - 1].encode()[:col].decode())

    comments = {tok.start[0] for tok in tokenize.generate_tokens(io.StringIO(source).readline)
                if tok.type == tokenize.COMMENT}
    out = source
    for node, end_col, replacement in sorted(edits, key=lambda e: (e[0].lineno, e[0].col_offset), reverse=True):
        assert node.end_lineno is not None
        inner = set(range(node.lineno, node.end_lineno)) & comments  # a comment inside a parenthesised import
        if inner:
            raise Stop(f"{path.relative_to(ROOT)}:{min(inner)}: a comment inside an import this script rewrites; "
                       "move it above the import and run again")
        out = out[:at(node.lineno, node.col_offset)] + replacement + out[at(node.end_lineno, end_col):]
    return out


def rewrap(source: str, before: str, limit: int = 120) -> str:
    """Lines of comments and docstrings that the longer paths pushed over the line limit, broken at a space.

    Code lines are left as they are (ruff re-wraps the imports); only lines that were not in `before` change."""
    old_lines = set(before.splitlines())
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
        tree = ast.parse(source)
    except (tokenize.TokenError, SyntaxError):
        return source
    prose = {tok.start[0] for tok in tokens if tok.type == tokenize.COMMENT and tok.line.lstrip().startswith("#")}
    # Docstrings (a string standing as a statement); never a string that is used, such as code run in a subprocess.
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            prose |= set(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    out = []
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        body = line.rstrip("\r\n")
        while number in prose and len(body) > limit and body not in old_lines:
            indent = body[:len(body) - len(body.lstrip())]
            lead = indent + ("# " if body.lstrip().startswith("#") else "")
            cut = body.rfind(" ", len(lead) + 1, limit + 1)
            if cut <= len(lead):
                break
            out.append(body[:cut] + "\n")
            body = lead + body[cut + 1:]
        out.append(body + line[len(line.rstrip("\r\n")):])
    return "".join(out)


def absolute_relative_imports(path: Path, module: str) -> str | None:
    """The module's source with its relative imports made absolute (its old package), or None if it has none."""
    source = path.read_text(encoding="utf-8")
    is_package = path.name == "__init__.py"
    edits = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level and node.end_col_offset is not None:
            parts = module.split(".")
            base = parts if is_package else parts[:-1]
            base = base[:len(base) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
            names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in node.names)
            edits.append((node, node.end_col_offset, f"from {target} import {names}"))
    return _apply(source, edits, path) if edits else None


def scanned_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-z", "--", *SCANNED], cwd=ROOT, capture_output=True, check=True,
                            text=True).stdout.split("\0")
    files = [ROOT / name for name in listed if name]
    return sorted(p for p in files if p.exists() and p.resolve() != SELF
                  and (p.suffix in TEXT_SUFFIXES or p.name in (".importlinter", "run")))


def git(*args: str) -> None:
    subprocess.run(["git", *args], cwd=ROOT, check=True)


def module_name(path: Path) -> str:
    rel = path.relative_to(SERVICES.parent.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def plan(places: dict[str, str]) -> tuple[dict[str, str], set[str]]:
    moves = build_moves(places)
    unknown = sorted(loose_entries() - set(moves) - set(LOOSE) - set(KEPT_PACKAGES) - set(FOLDERS))
    if unknown:
        raise Stop("services/ holds modules this script does not know: " + ", ".join(unknown) + "\n"
                   "Say where each belongs with --place NAME=FOLDER (folders: " + ", ".join(sorted(FOLDERS))
                   + ") or add it to FOLDERS in tools/group_services.py.")
    pending = {name for name in moves if old_location(name) is not None}
    for name in sorted(pending):
        target = SERVICES / moves[name] / (name if (SERVICES / name).is_dir() else f"{name}.py")
        if target.exists():
            raise Stop(f"services/{name} exists both where it was and in {moves[name]}/: merge them by hand first")
    return moves, pending


def run(places: dict[str, str], check_only: bool) -> list[Path]:
    moves, pending = plan(places)
    rewriter = Rewriter(moves, pending)
    files = scanned_files()
    changed: dict[Path, str] = {}
    for path in files:
        source = path.read_text(encoding="utf-8")
        # Dotted names and paths first: the imports the split writes are already in the new layout.
        new = rewriter.text(source)
        if path.suffix == ".py":
            with contextlib.suppress(SyntaxError):  # not Python 3.11 (a template): only its text is rewritten
                new = rewriter.from_imports(new, path)
        new = rewriter.from_imports_in_text(new)  # what is left is in strings and prose
        if new != source and path.suffix == ".py":
            new = rewrap(new, source)
        if new != source:
            changed[path] = new
    if check_only:
        for name in sorted(pending):
            print(f"to move: services/{name} -> services/{moves[name]}/")
        for path in changed:
            print(f"to rewrite: {path.relative_to(ROOT)}")
        return [Path(name) for name in pending] + list(changed)

    # Relative imports in the modules about to move name their old package: make them absolute first.
    for name in sorted(pending):
        location = old_location(name)
        assert location is not None
        for path in ([location] if location.is_file() else sorted(location.rglob("*.py"))):
            fixed = absolute_relative_imports(path, module_name(path))
            if fixed is not None:
                text = rewriter.from_imports(rewriter.text(fixed), path)
                changed[path] = rewrap(rewriter.from_imports_in_text(text), fixed)
    for path, text in changed.items():
        path.write_text(text, encoding="utf-8")

    moved_files: list[Path] = []
    for folder, (doc, _) in FOLDERS.items():
        if not any(moves[name] == folder for name in pending):
            continue
        init = SERVICES / folder / "__init__.py"
        if not init.exists():
            init.parent.mkdir(exist_ok=True)
            init.write_text(f'"""{_wrap(doc)}"""\n', encoding="utf-8")
            git("add", str(init.relative_to(ROOT)))
    for name in sorted(pending):
        location = old_location(name)
        assert location is not None
        target = SERVICES / moves[name] / location.name
        git("mv", str(location.relative_to(ROOT)), str(target.relative_to(ROOT)))
        moved_files += [target] if target.is_file() else sorted(target.rglob("*.py"))
        if location.is_dir():  # what git does not track (__pycache__) stays behind
            shutil.rmtree(location, ignore_errors=True)
        pycache = SERVICES / "__pycache__"
        for stale in pycache.glob(f"{name}.*.pyc") if pycache.is_dir() else ():
            stale.unlink()

    touched = sorted({_moved(p, moves) for p in changed} | set(moved_files))
    python = [str(p.relative_to(ROOT)) for p in touched if p.suffix == ".py" and p.exists()]
    if python:
        _sort_imports(python)
    return touched


def _moved(path: Path, moves: dict[str, str]) -> Path:
    """Where a file changed before the moves lives after them."""
    try:
        rel = path.relative_to(SERVICES)
    except ValueError:
        return path
    head = rel.parts[0].removesuffix(".py")
    if len(rel.parts) >= 1 and head in moves and not (SERVICES / rel.parts[0]).exists():
        return SERVICES / moves[head] / rel
    return path


def _sort_imports(files: Iterable[str]) -> None:
    """Re-sort the imports the rewrite changed (ruff's isort rule), so the lint count does not rise."""
    ruff = [sys.executable, "-m", "ruff"]
    if subprocess.run([*ruff, "--version"], capture_output=True, check=False).returncode != 0:
        if shutil.which("ruff") is None:
            print("ruff not found: run `ruff check --select I --fix` on the changed files", file=sys.stderr)
            return
        ruff = ["ruff"]
    subprocess.run([*ruff, "check", "--select", "I", "--fix", "--quiet", "--exit-zero", *files], cwd=ROOT,
                   check=True)


def _wrap(text: str, width: int = 110) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--place", action="append", default=[], metavar="NAME=FOLDER",
                        help="put a module this script does not know into a folder")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if anything is left to do")
    args = parser.parse_args(argv)
    places = {}
    for item in args.place:
        name, _, folder = item.partition("=")
        places[name.strip().removesuffix(".py")] = folder.strip().strip("/")
    try:
        touched = run(places, args.check)
    except Stop as stop:
        print(f"group_services: {stop}", file=sys.stderr)
        return 2
    if args.check:
        return 1 if touched else 0
    print(f"group_services: {len(touched)} files moved or rewritten" if touched else "group_services: nothing to do")
    return 0


if __name__ == "__main__":
    sys.exit(main())
