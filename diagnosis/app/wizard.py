"""The librarian's app: a header with the language switch and the four steps, one under another.

``notebooks/app.ipynb`` shows it in Voilà (``diagnosis app`` starts that); in
any Jupyter notebook ``LibrarianApp.from_environment().widget`` does the same.

Examples
--------
>>> import tempfile
>>> app = LibrarianApp(AppSettings(towns_dir=Path(tempfile.mkdtemp())))
>>> app.lang.value = "en"
>>> app.data.title.value
'<h2>2. Survey responses</h2>'
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets

from .data_step import DataStep
from .markup import STYLE, escape
from .preview_step import PreviewStep
from .report_step import ReportStep
from .session import Event, Session
from .settings import AppSettings
from .texts import say
from .town_step import TownStep

__all__ = ["LibrarianApp"]


class LibrarianApp:
    """The whole app for one browser tab.

    Parameters
    ----------
    settings : AppSettings
        Where towns and reports live, the upload limit, the first language.

    Attributes
    ----------
    widget : ipywidgets.VBox
        What to display (CSS classes ``dg-app`` and ``dg-lang-pl`` or
        ``dg-lang-en``: on the app's page the ``lang`` attribute and the
        title follow the language, see :func:`diagnosis.app.server.voila_template`).
    lang : ipywidgets.ToggleButtons
        The pl/en switch; it relabels every step.
    town, data, preview, report : Step
        The four steps.
    """

    def __init__(self, settings: AppSettings) -> None:
        self.session = Session(settings)
        self.header = widgets.HTML()
        self.lang = widgets.ToggleButtons(
            options=[("Polski", "pl"), ("English", "en")], value=settings.lang
        )
        self.lang.style.button_width = "90px"
        self.lang.add_class("dg-lang")
        self.lang_label = widgets.HTML()
        self.privacy = widgets.HTML()
        self.privacy.add_class("dg-privacy-note")
        self.town = TownStep(self.session)
        self.data = DataStep(self.session)
        self.preview = PreviewStep(self.session)
        self.report = ReportStep(self.session)
        self.widget = widgets.VBox(
            [
                widgets.HTML(STYLE),
                widgets.HBox([self.header]),
                widgets.HBox([self.lang_label, self.lang]),
                self.privacy,
                self.town.widget,
                self.data.widget,
                self.preview.widget,
                self.report.widget,
            ]
        )
        self.widget.add_class("dg-app")
        self.lang.observe(lambda change: self.session.set_lang(change["new"]), names="value")
        self.session.listen(self._on_event)
        self._relabel()

    @classmethod
    def from_environment(cls) -> LibrarianApp:
        """The app with :meth:`AppSettings.from_environment` (what ``diagnosis app`` sets)."""
        return cls(AppSettings.from_environment())

    def _on_event(self, event: Event) -> None:
        if event == "lang":
            self._relabel()

    def _relabel(self) -> None:
        lang, settings = self.session.lang, self.session.settings
        for other in ("pl", "en"):  # the page's lang attribute and title follow this class
            self.widget.remove_class(f"dg-lang-{other}")
        self.widget.add_class(f"dg-lang-{lang}")
        self.header.value = (
            f"<h1>{escape(say(lang, 'title'))}</h1>"
            f'<div class="dg-muted">{escape(say(lang, "subtitle"))}</div>'
        )
        self.lang_label.value = f"{escape(say(lang, 'lang_label'))}&nbsp;"
        text = say(
            lang, "privacy", towns=Path(settings.towns_dir), reports=Path(settings.reports_dir)
        )
        self.privacy.value = f'<div class="dg-privacy">{escape(text)}</div>'

    def _ipython_display_(self) -> None:  # pragma: no cover - only inside Jupyter
        from IPython.display import display

        display(self.widget)
