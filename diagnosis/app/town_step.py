"""Step 1: choose a town from the towns folder, or create one with its population margins.

Examples
--------
>>> import tempfile, datetime as dt
>>> from diagnosis.app.settings import AppSettings
>>> from diagnosis.app.session import Session
>>> step = TownStep(Session(AppSettings(towns_dir=Path(tempfile.mkdtemp()))))
>>> step.name.value = "Nowa Wieś"
>>> for box in step.cells.values():
...     box.value = 100
>>> step.source.value = "GUS BDL, 2024"
>>> step.start.value, step.end.value = dt.date(2026, 3, 1), dt.date(2026, 4, 30)
>>> step.create_button.click()
>>> step.session.town.name
'nowa-wies'
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import ipywidgets as widgets

from ..present import format_number
from ..town import load_town
from .margins import age_bands, margins_frame, read_margins, sexes
from .markup import escape
from .session import Event, Session
from .steps import Step, guarded
from .texts import TEXTS
from .town_files import create_town, list_towns, read_config, response_names
from .uploads import Upload, uploads_from_widget

__all__ = ["TownStep"]

_WIDE = {"description_width": "200px"}
_AUTO = widgets.Layout(width="fit-content")


class TownStep(Step):
    """Choose or create a town.

    Attributes
    ----------
    towns : ipywidgets.Dropdown
        The towns under the towns folder (value: the folder as a string).
    cells : dict (age band, sex) -> ipywidgets.BoundedIntText
        The margins table of a new town.
    """

    title_key = "s1_title"
    name = "town"

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.intro = widgets.HTML()
        self.towns = widgets.Dropdown(layout=widgets.Layout(width="560px"), style=_WIDE)
        self.towns.add_class("dg-towns")
        self.open_button = widgets.Button(button_style="primary", icon="folder-open", layout=_AUTO)
        self.open_button.add_class("dg-open")
        self.open_button.on_click(lambda _: self.open_town())
        self.choose = widgets.HBox([self.towns, self.open_button])
        self.current = widgets.HTML()
        self.current.add_class("dg-current")

        self.new_title = widgets.HTML()
        self.name = widgets.Text(layout=widgets.Layout(width="420px"), style=_WIDE)
        self.name.add_class("dg-new-name")
        self.margins_intro = widgets.HTML()
        ins = session.instrument
        self._ages, self._sexes = age_bands(ins), sexes(ins)
        self.cells: dict[tuple[str, str], widgets.BoundedIntText] = {}
        self._age_labels: list[widgets.HTML] = []
        self._sex_labels: list[widgets.HTML] = []
        self.age_header = widgets.HTML()
        grid: list[widgets.Widget] = [self.age_header]
        for _sex in self._sexes:
            label = widgets.HTML()
            self._sex_labels.append(label)
            grid.append(label)
        for age in self._ages:
            label = widgets.HTML()
            self._age_labels.append(label)
            grid.append(label)
            for sex in self._sexes:
                box = widgets.BoundedIntText(
                    value=0, min=0, max=10_000_000, layout=widgets.Layout(width="130px")
                )
                box.add_class(f"dg-cell-{age.name}-{sex.name}")
                box.observe(lambda _: self._show_total(), names="value")
                self.cells[(age.name, sex.name)] = box
                grid.append(box)
        self.grid = widgets.GridBox(
            grid,
            layout=widgets.Layout(
                grid_template_columns=f"170px repeat({len(self._sexes)}, 140px)",
                grid_gap="4px 8px",
            ),
        )
        self.grid.add_class("dg-margins")
        self.total = widgets.HTML()
        self.margins_upload = widgets.FileUpload(
            accept=".csv,.xlsx,.xls", multiple=False, layout=_AUTO
        )
        self.margins_upload.add_class("dg-margins-upload")
        self.margins_upload.observe(lambda _: self.load_margins(), names="value")
        self.source = widgets.Text(layout=widgets.Layout(width="420px"), style=_WIDE)
        self.source.add_class("dg-source")
        self.start = widgets.DatePicker(style=_WIDE, layout=widgets.Layout(width="360px"))
        self.start.add_class("dg-start")
        self.end = widgets.DatePicker(style=_WIDE, layout=widgets.Layout(width="360px"))
        self.end.add_class("dg-end")
        self.recruitment = widgets.Text(layout=widgets.Layout(width="620px"), style=_WIDE)
        self.create_button = widgets.Button(button_style="primary", icon="plus", layout=_AUTO)
        self.create_button.add_class("dg-create")
        self.create_button.on_click(lambda _: self.create())

        self.body.children = [
            self.intro,
            self.choose,
            self.current,
            self.new_title,
            self.name,
            self.margins_intro,
            self.grid,
            widgets.HBox([self.total, self.margins_upload]),
            self.source,
            widgets.HBox([self.start, self.end]),
            self.recruitment,
            self.create_button,
        ]
        self.refresh_towns()
        self.relabel()

    # ------------------------------------------------------------------ labels

    def relabel(self) -> None:
        """All labels in the current language."""
        super().relabel()
        towns = self.session.settings.towns_dir
        if self.towns.options:
            self.intro.value = escape(self.t("s1_intro"))
            self.choose.layout.display = None
        else:
            self.intro.value = escape(self.t("no_towns", towns=towns))
            self.choose.layout.display = "none"
        self.towns.description = self.t("town_label")
        self.open_button.description = self.t("open")
        self.new_title.value = f"<h3>{escape(self.t('new_title'))}</h3>"
        self.name.description = self.t("name_label")
        self.name.placeholder = self.t("name_placeholder")
        self.margins_intro.value = f'<div class="dg-muted">{escape(self.t("margins_intro"))}</div>'
        self.age_header.value = f"<b>{escape(self.t('age'))}</b>"
        for label, sex in zip(self._sex_labels, self._sexes, strict=True):
            name = f"sex_{sex.name}"
            text = self.t(name) if name in TEXTS else sex.label(self.lang)
            label.value = f"<b>{escape(text)}</b>"
        for label, age in zip(self._age_labels, self._ages, strict=True):
            label.value = escape(age.label(self.lang))
        self.margins_upload.description = self.t("margins_upload")
        self.source.description = self.t("source_label")
        self.source.placeholder = self.t("source_placeholder")
        self.start.description = self.t("start_label")
        self.end.description = self.t("end_label")
        self.recruitment.description = self.t("recruitment_label")
        self.recruitment.placeholder = self.t("recruitment_placeholder")
        self.create_button.description = self.t("create")
        self._show_total()
        self._show_current()

    def _show_total(self) -> None:
        total = sum(int(box.value or 0) for box in self.cells.values())
        number = format_number(total, self.lang, 0)
        self.total.value = f"<b>{escape(self.t('total', total=number))}</b>&nbsp;&nbsp;"

    def _show_current(self) -> None:
        folder = self.session.town
        if folder is None:
            self.current.value = ""
            return
        raw = read_config(folder)
        files = response_names(raw) or [self.t("no_files")]
        self.current.value = (
            '<div class="dg-notice dg-ok">'
            + self.t(
                "current",
                name=escape(raw.get("name", folder.name)),
                folder=escape(folder),
                files=escape(", ".join(files)),
            )
            + "</div>"
        )

    def update(self, event: Event) -> None:
        """Show the chosen town and its files."""
        self._show_current()

    # ------------------------------------------------------------------ actions

    def refresh_towns(self, select: Path | None = None) -> None:
        """Re-list the towns folder (and select ``select``)."""
        entries = list_towns(self.session.settings.towns_dir)
        keep = self.towns.value
        options = [(f"{e.name} ({e.slug})", str(e.folder)) for e in entries]
        self.towns.options = options
        values = [value for _, value in options]
        if select is not None:
            keep = str(select)
        if values:
            self.towns.value = keep if keep in values else values[0]

    @guarded
    def open_town(self) -> None:
        """Work on the town chosen in the list."""
        if not self.towns.value:
            self.say("warning", "no_towns", towns=self.session.settings.towns_dir)
            return
        folder = Path(self.towns.value)
        raw = read_config(folder)
        if response_names(raw):
            load_town(folder)  # a town.yaml that cannot be used says so here
        self.clear()
        self.session.set_town(folder)

    @guarded
    def load_margins(self) -> None:
        """Fill the table from an uploaded CSV or Excel file."""
        files = uploads_from_widget(self.margins_upload.value)
        if not files:
            return
        upload: Upload = files[0]
        self.margins_upload.value = ()
        folder = Path(tempfile.mkdtemp(prefix="diagnosis-margins-"))
        try:
            path = folder / Path(upload.name.replace("\\", "/")).name
            path.write_bytes(upload.content)
            frame = read_margins(path, self.session.instrument)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        for row in frame.itertuples():
            self.cells[(row.age_band, row.sex)].value = int(row.population)
        self.say("ok", "margins_loaded", file=path.name)

    @guarded
    def create(self) -> None:
        """Create the new town from the form and work on it."""
        counts = {key: box.value for key, box in self.cells.items()}
        margins = margins_frame(counts, self.session.instrument)
        folder = create_town(
            self.session.settings.towns_dir,
            self.name.value,
            margins,
            source=self.source.value,
            fieldwork_start=self.start.value,
            fieldwork_end=self.end.value,
            recruitment=self.recruitment.value,
        )
        name = self.name.value.strip()
        self._clear_form()
        self.refresh_towns(select=folder)
        self.relabel()
        self.say("ok", "created", name=name, folder=folder.name)
        self.session.set_town(folder)

    def _clear_form(self) -> None:
        """An empty form for the next new town (the one made is in the list now)."""
        self.name.value = ""
        for box in self.cells.values():
            box.value = 0
        self.source.value = ""
        self.start.value = None
        self.end.value = None
        self.recruitment.value = ""
