"""Step 4: make the town's report with visible progress, then download the PDF and indicators.

:func:`diagnosis.report.render_town` runs the report template for the town and
calls back at each of its stages; the progress bar and the line under it follow
those calls. The bar is ``role="progressbar"`` with its values and a name
(:func:`diagnosis.app.markup.progress_html`), and the line is a live region, so
a screen reader can follow the report being made. The files are written to
``<reports_dir>/<town>/`` and offered as download links that carry the file (see
:func:`diagnosis.app.markup.download_link`), named for the town and year as
:func:`diagnosis.report.town_report.download_name` names them:
``diagnoza_Kwidzyn_2026.pdf``, ``wskazniki_Kwidzyn_2026.xlsx`` and the evidence
sheets' Word file the report writes, ``karty_dowodow_Kwidzyn_2026.docx``.

Above the button, the team's commentary: a labelled text box whose text is
saved as ``komentarz.txt`` in the town folder (``commentary: komentarz.txt``
in ``town.yaml``, :func:`diagnosis.app.town_files.set_commentary`); the report
puts it in its summary, redacted. A live region says that it was saved.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import ipywidgets as widgets

from ..report import ReportFiles, render_town
from ..report.town_report import download_name
from .markup import download_link, escape, notice, progress_html
from .session import Event, Session
from .steps import Step, guarded
from .texts import say, stages
from .town_files import read_commentary, read_config, set_commentary

__all__ = ["ReportStep"]


class ReportStep(Step):
    """Make and download the report.

    Attributes
    ----------
    files : ReportFiles or None
        The last report made for the chosen town.
    progress : ipywidgets.HTML
        The progress bar (:func:`diagnosis.app.markup.progress_html`).
    """

    title_key = "s4_title"
    name = "report"

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.intro = widgets.HTML()
        self.report_lang = widgets.ToggleButtons(
            options=[("Polski", "pl"), ("English", "en")], value=session.lang
        )
        self.report_lang.add_class("dg-report-lang")
        self.report_lang_label = widgets.HTML()
        self.button = widgets.Button(button_style="success", icon="file-pdf-o")
        self.button.layout.width = "fit-content"
        self.button.add_class("dg-make-report")
        self.button.on_click(lambda _: self.make_report())
        self.progress = widgets.HTML()
        self.progress.add_class("dg-progress")
        self.progress.layout.display = "none"
        self.stage = widgets.HTML()
        self.stage.add_class("dg-stage")
        self.stage.add_class("dg-live")
        self.downloads = widgets.HTML()
        self.downloads.add_class("dg-downloads")
        self.files: ReportFiles | None = None
        self._seconds = 0.0
        self._done = 0
        self._started = 0.0

        self.commentary_title = widgets.HTML()
        self.commentary_intro = widgets.HTML()
        self.commentary = widgets.Textarea(
            layout=widgets.Layout(width="820px", height="110px"),
            style={"description_width": "initial"},
        )
        self.commentary.add_class("dg-commentary")
        self.commentary_button = widgets.Button(
            icon="save", layout=widgets.Layout(width="fit-content")
        )
        self.commentary_button.add_class("dg-commentary-save")
        self.commentary_button.on_click(lambda _: self.save_commentary())
        self.commentary_status = widgets.HTML()
        self.commentary_status.add_class("dg-commentary-status")
        self.commentary_status.add_class("dg-live")  # a screen reader hears that it was saved
        self._commentary_message = None
        self.commentary_box = widgets.VBox(
            [
                self.commentary_title,
                self.commentary_intro,
                self.commentary,
                self.commentary_button,
                self.commentary_status,
            ]
        )
        self.commentary_box.add_class("dg-commentary-box")
        self.body.children = [
            self.intro,
            self.commentary_box,
            widgets.HBox([self.report_lang_label, self.report_lang]),
            self.button,
            self.progress,
            self.stage,
            self.downloads,
        ]
        self.relabel()
        self.update("town")

    def relabel(self) -> None:
        """Labels, progress and downloads in the current language."""
        super().relabel()
        self.report_lang.value = self.lang  # the report follows the app's language by default
        self.intro.value = escape(self.t("report_intro"))
        self.report_lang_label.value = f"{escape(self.t('report_lang'))}&nbsp;"
        self.button.description = self.t("make_report")
        self.commentary_title.value = f"<h3>{escape(self.t('commentary_title'))}</h3>"
        self.commentary_intro.value = (
            f'<div class="dg-muted">{escape(self.t("commentary_intro"))}</div>'
        )
        self.commentary.description = self.t("commentary_label")
        self.commentary.placeholder = self.t("commentary_placeholder")
        self.commentary_button.description = self.t("commentary_save")
        self._show_commentary_status()
        self._show_stage()
        self._show_downloads()

    def update(self, event: Event) -> None:
        """A new town or changed data: an earlier report no longer applies."""
        self.files = None
        self._done = 0
        self.progress.layout.display = "none"
        self._show_stage()
        self._show_downloads()
        self.button.disabled = self.session.town is None
        if event == "town":
            self._load_commentary()
        if self.session.town is None:
            self.say("info", "need_town")
        else:
            self.clear()

    # ------------------------------------------------------------------ commentary

    def _load_commentary(self) -> None:
        folder = self.session.town
        self._commentary_message = None
        self._show_commentary_status()
        self.commentary_box.layout.display = "none" if folder is None else None
        self.commentary.value = read_commentary(folder) if folder is not None else ""

    @guarded
    def save_commentary(self) -> None:
        """Save the text box as ``komentarz.txt`` and name it in ``town.yaml``."""
        folder = self.session.town
        if folder is None:
            self.say("info", "need_town")
            return
        text = self.commentary.value
        path = set_commentary(folder, text)
        n = len(text.strip())
        if n:
            self._commentary_message = lambda lang: say(
                lang, "commentary_saved", n=n, file=path.name
            )
        else:
            self._commentary_message = lambda lang: say(lang, "commentary_cleared")
        self._show_commentary_status()

    def _show_commentary_status(self) -> None:
        message = self._commentary_message
        self.commentary_status.value = (
            "" if message is None else notice("ok", escape(message(self.lang)))
        )

    def _progress(self, message: str) -> None:
        """render_town's callback: one call per stage."""
        self._done += 1
        self._show_stage()

    def _show_stage(self) -> None:
        names = stages(self.lang)
        done = min(self._done, len(names))
        text = ""
        if done > 0 and self.files is None:
            text = self.t("stage", i=done, n=len(names), stage=names[done - 1])
        self.progress.value = progress_html(done, len(names), self.t("progress_label"), text)
        self.stage.value = f"<b>{escape(text)}</b>" if text else ""

    def _show_downloads(self) -> None:
        files = self.files
        if files is None:
            self.downloads.value = ""
            return
        town, year = self._town_and_year(files)
        links = [
            download_link(
                files.pdf,
                self.t("download_pdf"),
                "dg-download-pdf",
                download_name("diagnoza", town, year, "pdf"),
            ),
            download_link(
                files.indicators_xlsx,
                self.t("download_xlsx"),
                "dg-download-xlsx",
                download_name("wskazniki", town, year, "xlsx"),
            ),
        ]
        sheets = files.folder / download_name("karty_dowodow", town, year, "docx")
        if sheets.is_file() and sheets.stat().st_mtime >= self._started - 1:
            # written by this report (an older one's sheets would not match it)
            links.append(download_link(sheets, self.t("download_docx"), "dg-download-docx"))
        self.downloads.value = "".join(links)

    def _town_and_year(self, files: ReportFiles) -> tuple[str, int]:
        """The town's name and the report's year, as the report names its Word file."""
        folder = self.session.town
        name = read_config(folder).get("name") if folder is not None else None
        town = name.strip() if isinstance(name, str) and name.strip() else files.folder.name
        year = dt.date.today().year
        try:
            created = json.loads(files.evidence_json.read_text(encoding="utf-8"))["created"]
            year = dt.date.fromisoformat(str(created)).year
        except (OSError, ValueError, KeyError, TypeError):
            pass  # the evidence file says when the report was made; else this year
        return town, year

    @guarded
    def make_report(self) -> None:
        """Render the report of the chosen town, showing each stage."""
        folder = self.session.town
        if folder is None:
            self.say("info", "need_town")
            return
        self.files = None
        self._show_downloads()
        self.clear()
        self._done = 0
        self._show_stage()
        self.progress.layout.display = None
        self.button.disabled = True
        self._started = time.time()
        started = time.monotonic()
        try:
            files = render_town(
                folder,
                Path(self.session.settings.reports_dir) / folder.name,
                lang=self.report_lang.value,
                progress=self._progress,
            )
        finally:
            self.button.disabled = False
        self._done = len(stages(self.lang))
        self.files = files
        seconds = round(time.monotonic() - started)
        self.show(
            "ok",
            lambda lang: escape(say(lang, "report_done", seconds=seconds, folder=files.folder)),
        )
        self._show_stage()
        self._show_downloads()
