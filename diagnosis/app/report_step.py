"""Step 4: make the town's report with visible progress, then download the PDF and indicators.

:func:`diagnosis.report.render_town` runs the report template for the town and
calls back at each of its stages; the progress bar and the line under it follow
those calls. The bar is ``role="progressbar"`` with its values and a name
(:func:`diagnosis.app.markup.progress_html`), and the line is a live region, so
a screen reader can follow the report being made. The files are written to
``<reports_dir>/<town>/`` and offered as download links that carry the file (see
:func:`diagnosis.app.markup.download_link`).
"""

from __future__ import annotations

import time
from pathlib import Path

import ipywidgets as widgets

from ..report import ReportFiles, render_town
from .markup import download_link, escape, progress_html
from .session import Event, Session
from .steps import Step, guarded
from .texts import say, stages

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
        self.body.children = [
            self.intro,
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
        if self.session.town is None:
            self.say("info", "need_town")
        else:
            self.clear()

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
        self.downloads.value = download_link(
            files.pdf, self.t("download_pdf"), "dg-download-pdf"
        ) + download_link(files.indicators_xlsx, self.t("download_xlsx"), "dg-download-xlsx")

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
