"""The child view's record tabs: timeline, journal (corrections shown with the original struck through),
consent and the documentation checklist."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QTextBrowser, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from behandlerklient.core.consent_rules import SHARE_PARTIES
from behandlerklient.core.vocab import ROLES
from behandlerklient.services.child_record import ChildRecord

STATE = {"signed": "Underskrevet", "draft": "Kladde", "due": "Planlagt", "done": "Gennemført"}
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
        self.tree.setHeaderLabels([self.tr("Dato"), self.tr("Trin"), self.tr("Status")])
        layout.addWidget(self.tree)

    def show_record(self, rec: ChildRecord | None) -> None:
        self.tree.clear()
        if rec is None:
            self.waits.setText("")
            return
        for e in rec.events:
            QTreeWidgetItem(self.tree, [e.day.strftime("%d.%m.%Y"), e.title, STATE.get(e.state, e.state)])
        self.tree.resizeColumnToContents(0)
        self.tree.resizeColumnToContents(1)
        lines = []
        for day, w in rec.waits:
            parts = [f"forsamtale {w.to_intake} dage" if w.to_intake is not None else "ingen forsamtale endnu"]
            if w.to_screening is not None:
                parts.append(f"screening {w.to_screening} dage")
            if w.to_start is not None:
                parts.append(f"forløbsstart {w.to_start} dage")
            lines.append(f"Henvendelse {day:%d.%m.%Y}: " + ", ".join(parts))
        self.waits.setText("<b>Ventetid</b><br>" + "<br>".join(lines) if lines else "")


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
            signed = e.signed_at.astimezone().strftime("%d.%m.%Y %H:%M") if e.signed_at else "kladde"
            head = (f"<b>{html.escape(e.title)}</b> · {when} · {html.escape(line.author_name)} "
                    f"({ROLES.get(e.author_role, e.author_role).lower()}), underskrevet {signed}")
            body = html.escape(e.body).replace("\n", "<br>")
            if line.superseded:
                c = line.corrected_by
                head = f"<s>{head}</s>"
                body = (f"<s style='color:#777'>{body}</s><br><i>Rettet af {html.escape(line.corrector_name)} den "
                        f"{c.written_at.astimezone():%d.%m.%Y %H:%M}; se rettelsen nedenfor.</i>")
            blocks.append(f"<a name='e{e.id}'></a><p>{head}<br>{body}</p>")
            item = QListWidgetItem(("✎ " if e.kind == "correction" else "") + f"{when}  {e.title}"
                                   + ("  (rettet)" if line.superseded else ""))
            item.setData(ENTRY_ROLE, e.id)
            font = item.font()
            font.setStrikeOut(line.superseded)
            item.setFont(font)
            self.list.addItem(item)
        self.text.setHtml("<hr>".join(blocks) or "<i>Ingen journalnotater endnu.</i>")

    def selected_entry(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else item.data(ENTRY_ROLE)

    def _scroll(self) -> None:
        entry = self.selected_entry()
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
        out = ["<h3>Samtykke i dag</h3><ul>"]
        for key, status in rec.consents.items():
            what = "Behandling" if key == "treatment" else f"Videregivelse til {SHARE_PARTIES.get(key, key)}"
            if status.ok:
                mark, color, detail = "✔", "#206020", f"givet af {status.required_from}"
            elif key == "treatment":
                mark, color, detail = "✘", "#a00000", " ".join(status.missing)
            else:  # sharing is only needed where the course involves that party
                mark, color, detail = "–", "#666666", f"ikke givet (kræves af {status.required_from})"
            extra = "".join(f"<br><small>{html.escape(n)}</small>" for n in status.warnings + status.notes)
            out.append(f"<li><span style='color:{color}'>{mark} {what}</span>: {html.escape(detail)}{extra}</li>")
        out.append("</ul>")
        if rec.parental_access_limited:
            out.append("<p><b>Den unge har bedt om, at forældrenes adgang til journalen begrænses.</b></p>")
        for course_id, items in rec.checklists.items():
            out.append(f"<h3>Dokumentationstjekliste: {html.escape(course_names.get(course_id, str(course_id)))}</h3><ul>")
            for i in items:
                mark, color = ("✔", "#206020") if i.present else ("✘ mangler", "#a00000")
                detail = f" <small>({html.escape(i.detail)})</small>" if i.detail else ""
                out.append(f"<li><span style='color:{color}'>{mark}</span> {html.escape(i.label)}{detail}</li>")
            out.append("</ul>")
        self.text.setHtml("".join(out))
