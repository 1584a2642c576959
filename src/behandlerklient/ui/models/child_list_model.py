"""The child list: search results or the whole list in pages, CPR masked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from behandlerklient.core import cpr as cprmod
from behandlerklient.core.ages import age_on
from behandlerklient.storage.children import ChildRow
from behandlerklient.ui.i18n import fill

# About a laptop screen of rows: a keystroke reads one page (the cost of a keystroke is the cost of a page,
# whatever the register's size); the view asks for the next when it has room or the user scrolls.
PAGE = 30
HEADERS = (QT_TRANSLATE_NOOP("ChildListModel", "Name"), QT_TRANSLATE_NOOP("ChildListModel", "CPR"),
           QT_TRANSLATE_NOOP("ChildListModel", "Age"))

Index = QModelIndex | QPersistentModelIndex


class ChildListModel(QAbstractTableModel):
    ChildIdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, *, search: Callable[[str, int, int], list[ChildRow]], page: Callable[[int, int], list[ChildRow]],
                 total: Callable[[], int], today: Callable[[], date] = date.today) -> None:
        super().__init__()
        self._search, self._page, self._total, self._today = search, page, total, today
        self._rows: list[ChildRow] = []
        self._query = ""
        self._exhausted = True
        self._total_cache: int | None = None
        self.reload()

    # -- loading --------------------------------------------------------------------------
    def set_query(self, text: str) -> None:
        self._query = text.strip()
        self.reload()

    @property
    def query(self) -> str:
        return self._query

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = self._fetch(0)
        self._exhausted = len(self._rows) < PAGE
        self.endResetModel()

    def _fetch(self, offset: int) -> list[ChildRow]:
        return self._search(self._query, offset, PAGE) if self._query else self._page(offset, PAGE)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802
        if parent.isValid() or self._exhausted:
            return
        more = self._fetch(len(self._rows))
        if len(more) < PAGE:
            self._exhausted = True
        if more:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
            self._rows.extend(more)
            self.endInsertRows()

    def complete(self) -> bool:
        """Whether every match is loaded (so the row count is the number found)."""
        return self._exhausted

    def total(self) -> int:
        """The register's size, counted once per reload of the register, not per keystroke."""
        if self._total_cache is None:
            self._total_cache = self._total()
        return self._total_cache

    def register_changed(self) -> None:
        self._total_cache = None
        self.reload()

    # -- Qt model API ---------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            return self.tr(HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            col = index.column()
            if col == 0:
                return f"{row.last_name}, {row.first_name}"
            if col == 1:
                return cprmod.mask(row.cpr)
            if col == 2:
                return fill(self.tr("%1 years"), age_on(row.birth_date, self._today()))
        if role == self.ChildIdRole:
            return row.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.full_name
        return None

    def child_id(self, row: int) -> int | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, child_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == child_id), None)
