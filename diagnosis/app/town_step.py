"""Step 1: choose a town from the towns folder, or create one with its population margins.

The margins of a new town are typed into the age x sex table (or loaded from a
CSV/Excel file), or taken from GUS: typing the town's name offers the gminy of
that name (:func:`diagnosis.population.find_gmina`); choosing one takes its
adults by age band from the table shipped with the package, and a newer BDL
export of table P2137 can replace them. The chosen town's questionnaire can be
replaced by the librarian's own XLSForm, or by one made from a response file
(:mod:`diagnosis.annotate`, when it is installed).

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

import contextlib
import importlib
import importlib.util
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import ipywidgets as widgets

from ..errors import DiagnosisError, Language
from ..instrument import load_instrument
from ..present import format_number
from ..town import STANDARD_INSTRUMENT, load_town
from .errors import AppError
from .margins import (
    BDL_SUFFIXES,
    GMINA_YEAR,
    GusMargins,
    age_bands,
    bdl_figures,
    gmina_figures,
    gmina_options,
    gus_rows,
    margins_frame,
    read_margins,
    sexes,
)
from .markup import download_link, error_text, escape
from .session import Event, Session
from .steps import Step, guarded
from .texts import TEXTS, say
from .town_files import (
    clear_instrument,
    create_town,
    free_name,
    list_towns,
    read_config,
    response_names,
    safe_file_name,
    set_instrument,
)
from .uploads import SUFFIXES, Upload, check_upload, uploads_from_widget

__all__ = ["TownStep"]

_WIDE = {"description_width": "200px"}


def _auto() -> widgets.Layout:
    """A layout of its own for each widget (hiding one must not hide the others)."""
    return widgets.Layout(width="fit-content")


_XLSFORM = (".xlsx", ".xls")
_WORKBOOK = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def annotate_available() -> bool:
    """Whether :mod:`diagnosis.annotate` (a questionnaire proposed from answers) is installed."""
    return importlib.util.find_spec("diagnosis.annotate") is not None


class TownStep(Step):
    """Choose or create a town.

    Attributes
    ----------
    towns : ipywidgets.Dropdown
        The towns under the towns folder (value: the folder as a string).
    cells : dict (age band, sex) -> ipywidgets.BoundedIntText
        The margins table of a new town; each box's label ("Kobiety, wiek
        18-24") is for screen readers only (CSS class ``dg-sr-label``).
    gmina_search : ipywidgets.Text
        The gmina's name; it follows the new town's name until edited.
    gmina : ipywidgets.Dropdown
        The gminy found (value: the TERYT code; ``""``: the numbers are typed).
    bdl_upload : ipywidgets.FileUpload
        A newer GUS BDL export of table P2137 (CSV).
    gus : GusMargins or None
        GUS's figures the new town will get (None: the typed table).
    instrument_upload, propose_upload : ipywidgets.FileUpload
        The chosen town's own questionnaire (XLSForm), or a response file to
        make one from.
    proposal : Path or None
        The questionnaire made last from a response file.
    """

    title_key = "s1_title"
    name = "town"

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.intro = widgets.HTML()
        self.towns = widgets.Dropdown(layout=widgets.Layout(width="560px"), style=_WIDE)
        self.towns.add_class("dg-towns")
        self.open_button = widgets.Button(
            button_style="primary", icon="folder-open", layout=_auto()
        )
        self.open_button.add_class("dg-open")
        self.open_button.on_click(lambda _: self.open_town())
        self.choose = widgets.HBox([self.towns, self.open_button])
        self.current = widgets.HTML()
        self.current.add_class("dg-current")

        self.instrument_title = widgets.HTML()
        self.instrument_info = widgets.HTML()
        self.instrument_info.add_class("dg-instrument")
        self.instrument_intro = widgets.HTML()
        self.instrument_upload = widgets.FileUpload(
            accept=".xlsx,.xls", multiple=False, layout=_auto()
        )
        self.instrument_upload.add_class("dg-instrument-upload")
        self.instrument_upload.observe(lambda _: self.load_instrument(), names="value")
        self.propose_upload = widgets.FileUpload(
            accept=",".join(SUFFIXES), multiple=False, layout=_auto()
        )
        self.propose_upload.add_class("dg-propose-upload")
        self.propose_upload.observe(lambda _: self.propose(), names="value")
        if not annotate_available():
            self.propose_upload.layout.display = "none"
        self.standard_button = widgets.Button(icon="undo", layout=_auto())
        self.standard_button.add_class("dg-standard-instrument")
        self.standard_button.on_click(lambda _: self.use_standard())
        self.proposal_download = widgets.HTML()
        self.proposal_download.add_class("dg-proposal")
        self.proposal: Path | None = None
        self.instrument_box = widgets.VBox(
            [
                self.instrument_title,
                self.instrument_info,
                self.instrument_intro,
                widgets.HBox([self.instrument_upload, self.propose_upload, self.standard_button]),
                self.proposal_download,
            ]
        )
        self.instrument_box.add_class("dg-instrument-box")

        self.new_title = widgets.HTML()
        self.name = widgets.Text(layout=widgets.Layout(width="420px"), style=_WIDE)
        self.name.add_class("dg-new-name")
        self.name.observe(self._name_changed, names="value")
        self.gus_intro = widgets.HTML()
        self.gmina_search = widgets.Text(layout=widgets.Layout(width="420px"), style=_WIDE)
        self.gmina_search.add_class("dg-gmina-search")
        self.gmina_search.observe(lambda _: self.offer_gminy(), names="value")
        self.gmina = widgets.Dropdown(
            options=[("", "")], value="", layout=widgets.Layout(width="620px"), style=_WIDE
        )
        self.gmina.add_class("dg-gmina")
        self.gmina.observe(lambda _: self._gmina_changed(), names="value")
        self.gmina_hint = widgets.HTML()
        self.gmina_hint.add_class("dg-gmina-hint")
        self.bdl_upload = widgets.FileUpload(
            accept=",".join(BDL_SUFFIXES), multiple=False, layout=_auto()
        )
        self.bdl_upload.add_class("dg-bdl-upload")
        self.bdl_upload.observe(lambda _: self.load_bdl(), names="value")
        self.gus_view = widgets.HTML()
        self.gus_view.add_class("dg-gus-margins")
        self.typed_button = widgets.Button(icon="keyboard-o", layout=_auto())
        self.typed_button.add_class("dg-typed")
        self.typed_button.on_click(lambda _: self.use_typed())
        self.gus_box = widgets.VBox([self.gus_view, self.typed_button])
        self.gus_box.layout.display = "none"
        self.gus: GusMargins | None = None
        self._quiet = False
        self._offered_query = ""
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
                box.add_class("dg-sr-label")  # named by its column and row, for screen readers
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
            accept=".csv,.xlsx,.xls", multiple=False, layout=_auto()
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
        self.create_button = widgets.Button(button_style="primary", icon="plus", layout=_auto())
        self.create_button.add_class("dg-create")
        self.create_button.on_click(lambda _: self.create())

        self.typed_box = widgets.VBox(
            [
                self.margins_intro,
                self.grid,
                widgets.HBox([self.total, self.margins_upload]),
                self.source,
            ]
        )
        self.body.children = [
            self.intro,
            self.choose,
            self.current,
            self.instrument_box,
            self.new_title,
            self.name,
            self.gus_intro,
            self.gmina_search,
            self.gmina,
            self.gmina_hint,
            self.bdl_upload,
            self.gus_box,
            self.typed_box,
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
        sex_names = {}
        for label, sex in zip(self._sex_labels, self._sexes, strict=True):
            name = f"sex_{sex.name}"
            sex_names[sex.name] = self.t(name) if name in TEXTS else sex.label(self.lang)
            label.value = f"<b>{escape(sex_names[sex.name])}</b>"
        for label, age in zip(self._age_labels, self._ages, strict=True):
            label.value = escape(age.label(self.lang))
        ages = {age.name: age.label(self.lang) for age in self._ages}
        for (age, sex), box in self.cells.items():
            box.description = self.t("cell_label", sex=sex_names[sex], age=ages[age])
        self.margins_upload.description = self.t("margins_upload")
        self.source.description = self.t("source_label")
        self.source.placeholder = self.t("source_placeholder")
        self.start.description = self.t("start_label")
        self.end.description = self.t("end_label")
        self.recruitment.description = self.t("recruitment_label")
        self.recruitment.placeholder = self.t("recruitment_placeholder")
        self.create_button.description = self.t("create")
        self.gus_intro.value = (
            f'<div class="dg-muted">{escape(self.t("gus_intro", year=GMINA_YEAR))}</div>'
        )
        self.gmina_search.description = self.t("gmina_search_label")
        self.gmina_search.placeholder = self.t("gmina_search_placeholder")
        self.gmina.description = self.t("gmina_label")
        self.bdl_upload.description = self.t("bdl_upload")
        self.typed_button.description = self.t("typed_instead")
        self.instrument_title.value = f"<h3>{escape(self.t('instrument_title'))}</h3>"
        self.instrument_intro.value = (
            f'<div class="dg-muted">{escape(self.t("instrument_intro"))}</div>'
        )
        self.instrument_upload.description = self.t("instrument_upload")
        self.propose_upload.description = self.t("propose_upload")
        self.standard_button.description = self.t("standard_instrument")
        self.offer_gminy()
        self._show_gus()
        self._show_proposal()
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
            self.instrument_box.layout.display = "none"
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
        self.instrument_box.layout.display = None
        own = raw.get("instrument")
        standard = not (isinstance(own, str) and own.strip())
        name = STANDARD_INSTRUMENT.name if standard else str(own)
        self.instrument_info.value = self.t(
            "instrument_current",
            file=escape(name),
            standard=escape(self.t("instrument_standard")) if standard else "",
        )
        self.standard_button.layout.display = "none" if standard else None

    # ------------------------------------------------------------------ GUS figures

    @contextlib.contextmanager
    def _holding(self) -> Iterator[None]:
        """Change the gmina list without it counting as the librarian's choice."""
        quiet, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = quiet

    def _name_changed(self, change: dict) -> None:
        """The gmina search follows the town's name until the librarian types there."""
        search = self.gmina_search.value.strip()
        if search in ("", str(change.get("old") or "").strip()):
            self.gmina_search.value = str(change.get("new") or "")

    def offer_gminy(self) -> None:
        """List the gminy matching the search (the chosen one stays listed)."""
        query = self.gmina_search.value.strip()
        found = gmina_options(query, self.lang)
        options = [(self.t("gmina_none"), ""), *found]
        chosen = self.gmina.value
        if chosen and chosen not in {v for _, v in options}:
            gus = self.gus
            label = gus.label(self.lang) if gus is not None and gus.teryt == chosen else chosen
            options.insert(1, (label, chosen))
        with self._holding():
            self.gmina.options = options
            self.gmina.value = chosen
        if not query:
            hint = ""
        elif found:
            hint = self.t("gmina_found", n=len(found))
        else:
            hint = self.t("gmina_not_found", query=query)
        self.gmina_hint.value = f'<div class="dg-muted">{escape(hint)}</div>' if hint else ""

    def _gmina_changed(self) -> None:
        if not self._quiet:
            self.choose_gmina()

    @guarded
    def choose_gmina(self) -> None:
        """Take the chosen gmina's adults by age band from GUS (none chosen: the typed table)."""
        teryt = self.gmina.value
        if not teryt:
            if self.gus is not None and self.gus.kind == "gmina":
                self.gus = None
                self._show_gus()
                self.say("info", "typed_back")
            return
        gus = gmina_figures(teryt, self.session.instrument)
        self.gus = gus
        self._show_gus()
        self.show(
            "ok",
            lambda lang: escape(
                say(
                    lang,
                    "gmina_chosen",
                    unit=gus.label(lang),
                    total=format_number(gus.total, lang, 0),
                    year=gus.year,
                )
            ),
        )

    @guarded
    def load_bdl(self) -> None:
        """Read an uploaded BDL export of P2137; its figures replace the chosen gmina's."""
        files = uploads_from_widget(self.bdl_upload.value)
        if not files:
            return
        upload: Upload = files[0]
        self.bdl_upload.value = ()
        gus = bdl_figures(
            upload.name,
            upload.content,
            self.session.instrument,
            teryt=self.gmina.value or None,
            max_bytes=self.session.settings.max_upload_bytes,
        )
        self.gus = gus
        self._show_gus()
        self.show(
            "ok",
            lambda lang: escape(
                say(
                    lang,
                    "bdl_loaded",
                    file=gus.file_name,
                    unit=gus.label(lang),
                    year=_year(gus, lang),
                    total=format_number(gus.total, lang, 0),
                    sexes=say(lang, "gus_sexes_apart" if gus.has_sex else "gus_sexes_together"),
                )
            ),
        )

    def use_typed(self) -> None:
        """Forget GUS's figures: the new town gets the typed-in table."""
        self.gus = None
        with self._holding():
            self.gmina.value = ""
        self._show_gus()
        self.say("info", "typed_back")

    def _show_gus(self) -> None:
        gus = self.gus
        self.gus_box.layout.display = "none" if gus is None else None
        self.typed_box.layout.display = None if gus is None else "none"
        self.gus_view.value = "" if gus is None else _gus_html(gus, self.session, self.lang)

    # ------------------------------------------------------------------ questionnaire

    def _town_folder(self) -> Path | None:
        folder = self.session.town
        if folder is None:
            self.say("warning", "need_town")
        return folder

    @guarded
    def load_instrument(self) -> None:
        """Check an uploaded XLSForm and make the chosen town use it."""
        files = uploads_from_widget(self.instrument_upload.value)
        if not files:
            return
        upload = files[0]
        self.instrument_upload.value = ()
        folder = self._town_folder()
        if folder is None:
            return
        name = safe_file_name(upload.name)
        if (
            upload.suffix not in _XLSFORM
            or not upload.content.startswith(_WORKBOOK)
            or upload.size > self.session.settings.max_upload_bytes
        ):
            pl, en = TEXTS["instrument_not_xlsx"]
            raise AppError(pl=pl, en=en, file=name)
        temp = Path(tempfile.mkdtemp(prefix="diagnosis-instrument-"))
        try:
            path = temp / name
            path.write_bytes(upload.content)
            n = len(load_instrument(path).questions)  # InstrumentError names the file
        finally:
            shutil.rmtree(temp, ignore_errors=True)
        target = set_instrument(folder, name, upload.content)
        self._instrument_changed()
        self.say("ok", "instrument_saved", file=target.name, n=n)

    @guarded
    def propose(self) -> None:
        """Make a questionnaire from an uploaded response file; offer it, use it when it loads."""
        files = uploads_from_widget(self.propose_upload.value)
        if not files:
            return
        upload = files[0]
        self.propose_upload.value = ()
        folder = self._town_folder()
        if folder is None:
            return
        check_upload(upload, self.session.settings.max_upload_bytes)
        annotate = importlib.import_module("diagnosis.annotate")  # written alongside the app

        export = safe_file_name(upload.name)
        temp = Path(tempfile.mkdtemp(prefix="diagnosis-propose-"))
        try:
            source = temp / export
            source.write_bytes(upload.content)
            proposal = annotate.propose_instrument(source, lang=self.lang)
            written = Path(annotate.write_xlsform(proposal, temp / "kwestionariusz.xlsx"))
            content = written.read_bytes()
        finally:
            shutil.rmtree(temp, ignore_errors=True)
        name = free_name(folder, f"kwestionariusz_{Path(export).stem}.xlsx", content)
        target = folder / name
        if not target.exists():
            target.write_bytes(content)
        self.proposal = target
        self._show_proposal()
        try:
            n = len(load_instrument(target).questions)
        except DiagnosisError as err:
            problem = err
            self.show(
                "warning",
                lambda lang: escape(
                    say(
                        lang,
                        "proposal_unusable",
                        file=name,
                        export=export,
                        error=error_text(problem, lang),
                    )
                ),
            )
            return
        set_instrument(folder, name)
        self._instrument_changed()
        self.say("ok", "proposal_made", file=name, export=export, n=n)

    def _show_proposal(self) -> None:
        path = self.proposal
        if path is None or not path.exists() or self.session.town is None:
            self.proposal_download.value = ""
            return
        self.proposal_download.value = (
            download_link(path, self.t("download_xlsform"), "dg-download-xlsform")
            + f'<span class="dg-muted">{escape(self.t("check_uwagi"))}</span>'
        )

    @guarded
    def use_standard(self) -> None:
        """Make the chosen town use the standard questionnaire again."""
        folder = self._town_folder()
        if folder is None:
            return
        clear_instrument(folder)
        self._instrument_changed()
        self.say("ok", "instrument_reset")

    def _instrument_changed(self) -> None:
        self._show_current()
        self.session.data_changed()  # the data step validates against the new questionnaire

    def update(self, event: Event) -> None:
        """Show the chosen town and its files."""
        if event == "town":
            self.proposal = None
            self._show_proposal()
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
        if self.gus is not None:
            margins: GusMargins | object = self.gus
        else:
            counts = {key: box.value for key, box in self.cells.items()}
            margins = margins_frame(counts, self.session.instrument)
        folder = create_town(
            self.session.settings.towns_dir,
            self.name.value,
            margins,  # type: ignore[arg-type]
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
        self.gmina_search.value = ""
        self.gus = None
        with self._holding():
            self.gmina.value = ""
        self._show_gus()
        for box in self.cells.values():
            box.value = 0
        self.source.value = ""
        self.start.value = None
        self.end.value = None
        self.recruitment.value = ""


def _year(gus: GusMargins, lang: Language) -> str:
    if gus.year is None:
        return say(lang, "gus_no_year")
    return say(lang, "gus_year", year=gus.year)


def _gus_html(gus: GusMargins, session: Session, lang: Language) -> str:
    """GUS's figures as a small table, with their source and year."""
    ins = session.instrument
    labels = {a.name: a.label(lang) for a in age_bands(ins)}
    if gus.has_sex:
        heads = []
        for sex in sexes(ins):
            key = f"sex_{sex.name}"
            heads.append(say(lang, key) if key in TEXTS else sex.label(lang))
    else:
        heads = [say(lang, "gus_both")]
    rows = gus_rows(gus, ins)
    cells = "".join(f"<th scope='col'>{escape(h)}</th>" for h in heads)
    body = []
    for band, values in rows:
        numbers = "".join(f"<td>{escape(format_number(v, lang, 0))}</td>" for v in values)
        body.append(f"<tr><th scope='row'>{escape(labels.get(band, band))}</th>{numbers}</tr>")
    totals = [sum(values[i] for _, values in rows) for i in range(len(heads))]
    numbers = "".join(f"<td><b>{escape(format_number(v, lang, 0))}</b></td>" for v in totals)
    body.append(f"<tr><th scope='row'>{escape(say(lang, 'gus_total'))}</th>{numbers}</tr>")
    if gus.kind == "gmina":
        source = say(lang, "gus_source_gmina", year=gus.year, teryt=gus.teryt)
    else:
        sexes_text = say(lang, "gus_sexes_apart" if gus.has_sex else "gus_sexes_together")
        source = say(
            lang, "gus_source_bdl", year=_year(gus, lang), file=gus.file_name, sexes=sexes_text
        )
    heading = escape(say(lang, "gus_heading", unit=gus.label(lang)))
    return (
        f"<b>{heading}</b>"
        f'<table class="dg-gus-table"><thead><tr><th scope="col">{escape(say(lang, "age"))}'
        f"</th>{cells}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        f'<div class="dg-muted dg-gus-source">{escape(source)}</div>'
    )
