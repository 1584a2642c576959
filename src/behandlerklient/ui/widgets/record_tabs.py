"""The child view's record tabs: timeline, journal (corrections shown with the original struck through),
consent and the documentation checklist."""

from __future__ import annotations

import html

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from behandlerklient.core.consent_rules import SHARE_PARTIES
from behandlerklient.core.vocab import ROLES
from behandlerklient.services.overview.child_record import ChildRecord
from behandlerklient.ui.i18n import fill

STATE = {"signed": QT_TRANSLATE_NOOP("TimelineTab", "Signed"), "draft": QT_TRANSLATE_NOOP("TimelineTab", "Draft"),
         "due": QT_TRANSLATE_NOOP("TimelineTab", "Planned"), "done": QT_TRANSLATE_NOOP("TimelineTab", "Done")}
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 20


class TimelineTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.waits = QLabel("")
        self.waits.setObjectName("waitsLabel")
        self.waits.setWordWrap(True)
        layout.addWidget(self.waits)
        self.tree = QTreeWidget()
        self.tree.setObjectName("timelineTree")
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels([self.tr("Date"), self.tr("Step"), self.tr("Status"), self.tr("Signed by")])
        layout.addWidget(self.tree)

    def show_record(self, rec: ChildRecord | None) -> None:
        self.tree.clear()
        if rec is None:
            self.waits.setText("")
            return
        for e in rec.events:
            state = QCoreApplication.translate("TimelineTab", STATE[e.state]) if e.state in STATE else e.state
            signer = f"{e.signed_by}, {e.signed_at.astimezone():%d.%m.%Y %H:%M}" if e.signed_at else ""
            QTreeWidgetItem(self.tree, [e.day.strftime("%d.%m.%Y"), e.title, state, signer])
        for column in range(3):
            self.tree.resizeColumnToContents(column)
        lines = []
        for day, w in rec.waits:
            parts = [fill(self.tr("intake talk %1 days"), w.to_intake) if w.to_intake is not None
                     else self.tr("no intake talk yet")]
            if w.to_screening is not None:
                parts.append(fill(self.tr("screening %1 days"), w.to_screening))
            if w.to_start is not None:
                parts.append(fill(self.tr("course start %1 days"), w.to_start))
            lines.append(fill(self.tr("Contact %1: %2"), f"{day:%d.%m.%Y}", ", ".join(parts)))
        self.waits.setText(self.tr("<b>Waiting time</b>") + "<br>" + "<br>".join(lines) if lines else "")


class JournalTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.list = QListWidget()
        self.list.setObjectName("journalList")
        self.list.setMaximumHeight(180)
        layout.addWidget(self.list)
        self.text = QTextBrowser()
        self.text.setObjectName("journalText")
        layout.addWidget(self.text, 1)
        self.list.currentItemChanged.connect(lambda *_: self._scroll())

    def show_record(self, rec: ChildRecord | None) -> None:
        self.list.clear()
        if rec is None:
            self.text.clear()
            return
        blocks = []
        for line in sorted(rec.journal, key=lambda j: (j.entry.event_time, j.entry.id)):
            e = line.entry
            when = e.event_time.strftime("%d.%m.%Y")
            signed = e.signed_at.astimezone().strftime("%d.%m.%Y %H:%M") if e.signed_at else self.tr("draft")
            head = fill(self.tr("<b>%1</b> · %2 · %3 (%4), signed %5"), html.escape(e.title), when,
                        html.escape(line.author_name), ROLES.get(e.author_role, e.author_role).lower(), signed)
            if line.unproven:
                head += " · <i>" + self.tr("imported without proof of signature") + "</i>"
            body = html.escape(e.body).replace("\n", "<br>")
            if line.set_aside:
                head = f"<s>{head}</s>"
                body = f"<s style='color:#777'>{body}</s><br><i>" + self.tr(
                    "Set aside: another correction of the same entry, made on another device at the same time, was "
                    "chosen when the conflict was resolved. Kept, not current.") + "</i>"
            elif line.superseded:
                c = line.corrected_by
                head = f"<s>{head}</s>"
                body = f"<s style='color:#777'>{body}</s><br><i>" + fill(
                    self.tr("Corrected by %1 on %2; see the correction below."), html.escape(line.corrector_name),
                    f"{c.written_at.astimezone():%d.%m.%Y %H:%M}") + "</i>"
            blocks.append(f"<a name='e{e.id}'></a><p>{head}<br>{body}</p>")
            item = QListWidgetItem(("✎ " if e.kind == "correction" else "") + f"{when}  {e.title}"
                                   + (self.tr("  (corrected)") if line.superseded else "")
                                   + (self.tr("  (set aside)") if line.set_aside else ""))
            item.setData(ENTRY_ROLE, e.id)
            font = item.font()
            font.setStrikeOut(line.superseded or line.set_aside)
            item.setFont(font)
            self.list.addItem(item)
        self.text.setHtml("<hr>".join(blocks) or self.tr("<i>No journal entries yet.</i>"))

    def selected_entry(self) -> int | None:
        # Selected, not merely current: focusing the list makes its first row current without the user choosing it.
        chosen = self.list.selectedItems()
        return chosen[0].data(ENTRY_ROLE) if chosen else None

    def _scroll(self) -> None:
        item = self.list.currentItem()
        entry = None if item is None else item.data(ENTRY_ROLE)
        if entry is not None:
            self.text.scrollToAnchor(f"e{entry}")


class ConsentTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.text = QTextBrowser()
        self.text.setObjectName("consentText")
        layout.addWidget(self.text)

    def show_record(self, rec: ChildRecord | None, course_names: dict[int, str]) -> None:
        if rec is None:
            self.text.clear()
            return
        out = [self.tr("<h3>Consent today</h3>"), "<ul>"]
        for key, status in rec.consents.items():
            what = self.tr("Treatment") if key == "treatment" else fill(self.tr("Disclosure to %1"),
                                                                         SHARE_PARTIES.get(key, key))
            if status.ok:
                mark, color, detail = "✔", "#206020", fill(self.tr("given by %1"), status.required_from)
            elif key == "treatment":
                mark, color, detail = "✘", "#a00000", " ".join(status.missing)
            else:  # sharing is only needed where the course involves that party
                mark, color, detail = "–", "#666666", fill(self.tr("not given (required from %1)"),
                                                           status.required_from)
            extra = "".join(f"<br><small>{html.escape(n)}</small>" for n in status.warnings + status.notes)
            out.append(f"<li><span style='color:{color}'>{mark} {what}</span>: {html.escape(detail)}{extra}</li>")
        out.append("</ul>")
        if rec.parental_access_limited:
            out.append(self.tr("<p><b>The young person has asked for the parents' access to the journal to be "
                               "limited.</b></p>"))
        for course_id, items in rec.checklists.items():
            out.append(fill(self.tr("<h3>Documentation checklist: %1</h3>"),
                            html.escape(course_names.get(course_id, str(course_id)))) + "<ul>")
            for i in items:
                mark, color = ("✔", "#206020") if i.present else (self.tr("✘ missing"), "#a00000")
                detail = f" <small>({html.escape(i.detail)})</small>" if i.detail else ""
                out.append(f"<li><span style='color:{color}'>{mark}</span> {html.escape(i.label)}{detail}</li>")
            out.append("</ul>")
        self.text.setHtml("".join(out))
