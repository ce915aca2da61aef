"""Step 2: upload response files, see the validation in plain words, map unmatched columns.

An upload is checked (:func:`diagnosis.app.uploads.check_upload`) and read from
a temporary copy before anything is saved. When saving would replace a file of
the town, or the town already has other response files, the step asks first
and saves nothing until a button is pressed. After every change the whole town
is validated (:func:`diagnosis.validate.validate_town`) and the headers that
matched no question are offered for mapping; the mapping is saved in
``town.yaml`` (``columns:``).

The town's response files are listed with their rows, and each can be taken
off the town (:func:`diagnosis.app.town_files.remove_response_file`: out of
``town.yaml``, the file moved into ``usuniete/``, never deleted); a file that
repeats an earlier one (``duplicate_file``) is marked. The counts shown are
those the analysis uses, each repeated response once
(:attr:`diagnosis.validate.TownValidation.n_distinct`), and repeated
responses are listed in the librarian's words.

Rows that validation flags one by one (:data:`FLAGS`: too fast, the same
answer to a whole battery, many questions unanswered, dated outside the
fieldwork, an end before the start) are offered with a checkbox each,
"Wyklucz z analizy" (at most :data:`MAX_SHOWN`; the rest can be written in
``town.yaml`` by hand). Saving writes ``exclude:`` in ``town.yaml``
(:func:`diagnosis.app.town_files.set_exclusions`; the data files are not
changed), the cleaning step ``drop_excluded`` leaves those rows out, and the
count shown is the one after the exclusions. Repeated responses are not
offered: the cleaning leaves them out by itself.
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets
import numpy as np
import pandas as pd

from ..errors import Language
from ..instrument import Instrument, load_instrument
from ..plurals import count
from ..town import instrument_path
from ..validate import FileCheck, Finding, TownValidation, finding_title, validate_town
from ..validate.responses import FIELDWORK_GRACE, local_times, response_keys
from .mapping import MappingRow, mapping_rows, missing_questions, target_options
from .markup import escape, notice, validation_html
from .session import Event, Session
from .steps import Step, guarded
from .texts import say
from .town_files import (
    column_mapping,
    exclusions,
    read_config,
    remove_response_file,
    response_names,
    safe_file_name,
    save_response_file,
    set_column_mapping,
    set_exclusions,
)
from .uploads import SUFFIXES, Upload, check_upload, file_size, read_upload, uploads_from_widget

__all__ = ["DataStep", "responses_count"]

#: the findings about responses counted more than once
REPEATS = ("duplicate_file", "duplicate_response")
#: the findings that flag single rows the team may exclude from the analysis
FLAGS = (
    "too_fast",
    "straight_lining",
    "high_item_nonresponse",
    "outside_fieldwork",
    "end_before_start",
)
#: most rows offered for exclusion (those already excluded are always shown)
MAX_SHOWN = 100


def responses_count(n: int, lang: Language) -> str:
    """``"308 ankiet"`` / ``"308 responses"``.

    Examples
    --------
    >>> responses_count(22, "pl"), responses_count(1, "en")
    ('22 ankiety', '1 response')
    """
    if lang == "pl":
        return count(n, "ankieta", "ankiety", "ankiet")
    return count(n, "response", "responses")


class DataStep(Step):
    """Upload, validation and column mapping for the chosen town.

    Attributes
    ----------
    upload : ipywidgets.FileUpload
    validation : TownValidation or None
        The last validation of the town.
    choices : list of (MappingRow, ipywidgets.Dropdown)
        The mapping offered now.
    """

    title_key = "s2_title"
    name = "data"

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.intro = widgets.HTML()
        self.upload = widgets.FileUpload(
            accept=",".join(SUFFIXES),
            multiple=False,
            button_style="primary",
            layout=widgets.Layout(width="fit-content"),
        )
        self.upload.add_class("dg-upload")
        self.upload.observe(lambda _: self.receive(), names="value")

        self.question = widgets.HTML()
        self.replace_button = widgets.Button(
            button_style="danger", layout=widgets.Layout(width="fit-content")
        )
        self.replace_button.add_class("dg-replace")
        self.add_button = widgets.Button(
            button_style="primary", layout=widgets.Layout(width="fit-content")
        )
        self.add_button.add_class("dg-add")
        self.only_new_button = widgets.Button(
            button_style="warning", layout=widgets.Layout(width="fit-content")
        )
        self.only_new_button.add_class("dg-only-new")
        self.cancel_button = widgets.Button(layout=widgets.Layout(width="fit-content"))
        self.cancel_button.add_class("dg-cancel")
        self.replace_button.on_click(lambda _: self.confirm(overwrite=True, keep_others=True))
        self.add_button.on_click(lambda _: self.confirm(overwrite=False, keep_others=True))
        self.only_new_button.on_click(lambda _: self.confirm(overwrite=False, keep_others=False))
        self.cancel_button.on_click(lambda _: self.cancel())
        self.buttons = widgets.HBox()
        self.confirm_box = widgets.VBox([self.question, self.buttons])
        self.confirm_box.add_class("dg-confirm")
        self.confirm_box.layout.display = "none"
        self._pending: Upload | None = None

        self.status = widgets.HTML()
        self.status.add_class("dg-status")
        self.status.add_class("dg-live")  # a screen reader reads out the new state of the data
        self.report = widgets.HTML()
        self.report.add_class("dg-validation")
        self.recheck_button = widgets.Button(
            icon="refresh", layout=widgets.Layout(width="fit-content")
        )
        self.recheck_button.add_class("dg-recheck")
        self.recheck_button.on_click(lambda _: self.check())

        self.mapping_title = widgets.HTML()
        self.mapping_intro = widgets.HTML()
        self.mapping_rows = widgets.VBox()
        self.save_mapping_button = widgets.Button(
            button_style="primary", icon="save", layout=widgets.Layout(width="fit-content")
        )
        self.save_mapping_button.add_class("dg-map-save")
        self.save_mapping_button.on_click(lambda _: self.save_mapping())
        self.mapping_box = widgets.VBox(
            [self.mapping_title, self.mapping_intro, self.mapping_rows, self.save_mapping_button]
        )
        self.mapping_box.add_class("dg-mapping")
        self.mapping_box.layout.display = "none"

        self.files_title = widgets.HTML()
        self.files_intro = widgets.HTML()
        self.files_rows = widgets.VBox()
        self.files_box = widgets.VBox([self.files_title, self.files_intro, self.files_rows])
        self.files_box.add_class("dg-files")
        self.files_box.layout.display = "none"
        self.file_rows: list[tuple[str, widgets.HTML, widgets.Button]] = []
        self.repeats = widgets.HTML()
        self.repeats.add_class("dg-repeats")

        self.exclude_title = widgets.HTML()
        self.exclude_intro = widgets.HTML()
        self.exclude_rows = widgets.VBox()
        self.exclude_rows.add_class("dg-exclude-rows")
        self.exclude_more = widgets.HTML()
        self.save_exclude_button = widgets.Button(
            button_style="primary", icon="save", layout=widgets.Layout(width="fit-content")
        )
        self.save_exclude_button.add_class("dg-exclude-save")
        self.save_exclude_button.on_click(lambda _: self.save_exclusions())
        self.exclude_box = widgets.VBox(
            [
                self.exclude_title,
                self.exclude_intro,
                self.exclude_rows,
                self.exclude_more,
                self.save_exclude_button,
            ]
        )
        self.exclude_box.add_class("dg-exclude")
        self.exclude_box.layout.display = "none"
        #: (file as town.yaml names it, row) -> the codes of the findings about it, its checkbox
        self.excludable: dict[tuple[str, int], tuple[list[str], widgets.Checkbox]] = {}
        self._hidden: dict[tuple[str, int], list[str]] = {}  # flagged beyond MAX_SHOWN
        self._excluded_n = 0  # rows of the last validation that exclude: leaves out

        self.validation: TownValidation | None = None
        self.choices: list[tuple[MappingRow, widgets.Dropdown, list[str]]] = []
        self._headings: list[tuple[widgets.HTML, str]] = []
        self.widget.children = [self.title, self.body]  # the message sits under the upload
        self.body.children = [
            self.intro,
            self.upload,
            self.confirm_box,
            self.message,
            self.status,
            self.files_box,
            self.repeats,
            self.exclude_box,
            self.mapping_box,
            self.report,
            self.recheck_button,
        ]
        self.relabel()
        self._enable()

    # ------------------------------------------------------------------ labels

    def relabel(self) -> None:
        """All labels and the validation report in the current language."""
        super().relabel()
        settings = self.session.settings
        self.intro.value = escape(
            self.t(
                "s2_intro",
                formats=", ".join(SUFFIXES),
                limit=file_size(settings.max_upload_bytes, self.lang),
            )
        )
        self.upload.description = self.t("upload")
        self.replace_button.description = self.t("replace_file")
        self.add_button.description = self.t("add_file")
        self.only_new_button.description = self.t("only_new")
        self.cancel_button.description = self.t("cancel")
        self.recheck_button.description = self.t("check")
        self.mapping_title.value = f"<h3>{escape(self.t('mapping_title'))}</h3>"
        self.mapping_intro.value = f'<div class="dg-muted">{escape(self.t("mapping_intro"))}</div>'
        self.save_mapping_button.description = self.t("mapping_save")
        self.files_title.value = f"<h3>{escape(self.t('files_title'))}</h3>"
        self.files_intro.value = f'<div class="dg-muted">{escape(self.t("files_intro"))}</div>'
        self.exclude_title.value = f"<h3>{escape(self.t('exclude_title'))}</h3>"
        self.exclude_intro.value = f'<div class="dg-muted">{escape(self.t("exclude_intro"))}</div>'
        self.save_exclude_button.description = self.t("exclude_save")
        self._ask()
        self._show_validation()

    def _enable(self) -> None:
        ready = self.session.town is not None
        self.upload.disabled = not ready
        self.recheck_button.layout.display = None if ready else "none"
        if not ready:
            self.say("info", "need_town")

    def update(self, event: Event) -> None:
        """A new town or changed data: validate again."""
        if event == "town":
            self._pending = None
            self._ask()
            self.clear()
        self._enable()
        self.check()

    # ------------------------------------------------------------------ uploading

    def _instrument(self, folder: Path) -> Instrument:
        raw = read_config(folder)
        own = raw.get("instrument")
        if isinstance(own, str) and own.strip():
            # the same check as load_town: inside the town folder or a shared instruments folder
            wave = raw.get("wave")
            wave = wave if isinstance(wave, int) and not isinstance(wave, bool) else 1
            return load_instrument(instrument_path(folder, own, wave))
        return self.session.instrument

    @guarded
    def receive(self) -> None:
        """Check and read a newly uploaded file; save it, or ask first."""
        files = uploads_from_widget(self.upload.value)
        if not files:
            return
        self.upload.value = ()
        folder = self.session.town
        if folder is None:
            self.say("warning", "need_town")
            return
        upload = files[0]
        self._pending = None
        self._ask()
        check_upload(upload, self.session.settings.max_upload_bytes)
        name = safe_file_name(upload.name)
        read_upload(upload, self._instrument(folder), columns=column_mapping(folder, name))
        target = folder / name
        others = [f for f in response_names(read_config(folder)) if f != name]
        if (target.exists() and target.read_bytes() != upload.content) or others:
            self._pending = upload
            self._ask()
            return
        self._save(upload, overwrite=False, keep_others=True)

    def _ask(self) -> None:
        upload, folder = self._pending, self.session.town
        if upload is None or folder is None:
            self.confirm_box.layout.display = "none"
            return
        name = safe_file_name(upload.name)
        target = folder / name
        if target.exists() and target.read_bytes() != upload.content:
            text = self.t("conflict_same", file=name)
            self.buttons.children = [self.replace_button, self.cancel_button]
        else:
            others = [f for f in response_names(read_config(folder)) if f != name]
            text = self.t("conflict_others", files=", ".join(others), file=name)
            self.buttons.children = [self.add_button, self.only_new_button, self.cancel_button]
        self.question.value = notice("warning", escape(text))
        self.confirm_box.layout.display = None

    @guarded
    def confirm(self, *, overwrite: bool, keep_others: bool) -> None:
        """Save the upload waiting for confirmation, as the pressed button says."""
        upload = self._pending
        if upload is None:
            return
        self._pending = None
        self._ask()
        self._save(upload, overwrite=overwrite, keep_others=keep_others)

    def cancel(self) -> None:
        """Forget the upload waiting for confirmation; nothing is saved."""
        self._pending = None
        self._ask()
        self.say("info", "cancelled")

    def _save(self, upload: Upload, *, overwrite: bool, keep_others: bool) -> None:
        folder = self.session.town
        if folder is None:
            return
        path = save_response_file(
            folder, upload.name, upload.content, overwrite=overwrite, keep_others=keep_others
        )
        self.session.data_changed()
        if self.validation is None:  # validation could not run: its message is showing
            return
        n = next(
            (
                c.responses.n
                for c in self.validation.files
                if c.responses is not None and c.path.resolve() == path.resolve()
            ),
            "?",
        )
        self.show(
            "ok",
            lambda lang: escape(say(lang, "saved", file=path.name, rows=say(lang, "rows", n=n))),
        )

    # ------------------------------------------------------------------ validation

    @guarded
    def check(self) -> None:
        """Validate the chosen town and offer the mapping of unmatched headers."""
        folder = self.session.town
        self.validation = None
        try:
            if folder is not None and response_names(read_config(folder)):
                self.validation = validate_town(folder)
        finally:
            self._build_files()
            self._build_exclusions()
            self._build_mapping()
            self._show_validation()

    def _show_validation(self) -> None:
        v = self.validation
        if v is None:
            self.status.value = ""
            self.repeats.value = ""
            self.report.value = ""
            self._relabel_files()
            return
        text = self.t("valid_ok" if v.ok else "valid_bad")
        excluded = self._excluded_n
        counted = responses_count(v.n_distinct - excluded, self.lang)
        if v.n_duplicates:
            text += " " + self.t("counted_repeats", n=counted, k=v.n_duplicates)
        else:
            text += " " + self.t("counted", n=counted)
        if excluded:
            rows = (
                count(excluded, "wiersz", "wiersze", "wierszy")
                if self.lang == "pl"
                else count(excluded, "row", "rows")
            )
            text += " " + self.t("counted_excluded", rows=rows)
        if any(f.code == "duplicate_file" for f in v.findings()):
            text += " " + self.t("duplicate_file_hint")
        if not v.ok and self.choices:
            text += " " + self.t("mapping_hint")
        self.status.value = notice("ok" if v.ok else "error", escape(text))
        self.repeats.value = self._repeats_html(v)
        self.report.value = validation_html(v, self.lang)
        self._relabel_mapping()
        self._relabel_files()
        self._relabel_exclusions()

    def _repeats_html(self, v: TownValidation) -> str:
        """The findings about repeated responses, in the librarian's words, with what to do."""
        found = [f for f in v.findings() if f.code in REPEATS]
        if not found:
            return ""
        items = "".join(
            f"<li><b>{escape(finding_title(f.code, self.lang))}</b>: "
            f"{escape(f.message(self.lang))}</li>"
            for f in found
        )
        kind = "error" if any(f.severity == "error" for f in found) else "warning"
        body = (
            f"<b>{escape(self.t('repeats_title'))}</b><ul>{items}</ul>"
            f"{escape(self.t('repeats_note'))}"
        )
        return notice(kind, body)

    # ------------------------------------------------------------------ the town's files

    def _build_files(self) -> None:
        """One line per response file of the town, each with a button that removes it."""
        for _, label, button in self.file_rows:
            label.close()
            button.close()
        for row in self.files_rows.children:
            row.close()
        self.file_rows = []
        folder = self.session.town
        names = response_names(read_config(folder)) if folder is not None else []
        rows = []
        for file in names:
            label = widgets.HTML()
            label.add_class("dg-file-line")
            button = widgets.Button(icon="trash", layout=widgets.Layout(width="fit-content"))
            button.add_class("dg-remove-file")
            button.on_click(lambda _, file=file: self.remove_file(file))
            self.file_rows.append((file, label, button))
            rows.append(widgets.HBox([label, button]))
        self.files_rows.children = rows
        self.files_box.layout.display = None if rows else "none"
        self._relabel_files()

    def _relabel_files(self) -> None:
        v, folder = self.validation, self.session.town
        checks = {}
        repeats: dict[str, Finding] = {}
        if v is not None and folder is not None:
            checks = {_yaml_name(folder, c.path): c for c in v.files}
            for f in v.findings():
                if f.code == "duplicate_file" and f.file:
                    repeats[str(f.file)] = f
        for file, label, button in self.file_rows:
            check = checks.get(file)
            if check is None:
                rows = ""
            elif check.responses is None:
                rows = self.t("file_unread")
            else:
                rows = self.t("rows", n=check.responses.n)
            text = f"<code>{escape(file)}</code>" + (f": {escape(rows)}" if rows else "")
            if file in repeats:
                mark = escape(self.t("file_repeats", other=repeats[file].value))
                text += f' — <b class="dg-repeat-mark">{mark}</b>'
            label.value = text
            button.description = self.t("remove_file_label", file=file)

    @guarded
    def remove_file(self, file: str) -> None:
        """Take a response file off the town; the file is moved to ``usuniete/``."""
        folder = self.session.town
        if folder is None:
            return
        moved = remove_response_file(folder, file)
        self._pending = None
        self._ask()
        self.session.data_changed()
        if moved is None:
            self.say("ok", "removed_missing", file=file)
        else:
            where = moved.relative_to(folder).as_posix()
            self.say("ok", "removed", file=file, moved=where)

    # ------------------------------------------------------------------ excluding rows

    def _build_exclusions(self) -> None:
        """A checkbox per flagged row (and per row already excluded), at most MAX_SHOWN."""
        for _, box in self.excludable.values():
            box.close()
        self.excludable = {}
        self._hidden = {}
        v, folder = self.validation, self.session.town
        self._excluded_n = excluded_count(v) if v is not None else 0
        if v is None or folder is None:
            self.exclude_rows.children = []
            self.exclude_box.layout.display = "none"
            return
        chosen = exclusions(folder)
        flagged = flagged_rows(v, folder)
        for key in chosen:
            flagged.setdefault(key, [])
        order = {_yaml_name(folder, c.path): i for i, c in enumerate(v.files)}
        keys = sorted(flagged, key=lambda k: (order.get(k[0], len(order)), k))
        shown = [k for k in keys if k in chosen]
        shown += [k for k in keys if k not in chosen][: max(0, MAX_SHOWN - len(shown))]
        shown = [k for k in keys if k in set(shown)]
        for key in keys:
            if key not in shown:
                self._hidden[key] = flagged[key]
                continue
            box = widgets.Checkbox(
                value=key in chosen,
                indent=False,
                layout=widgets.Layout(width="auto"),
                style={"description_width": "initial"},
            )
            box.add_class("dg-exclude-row")
            self.excludable[key] = (flagged[key], box)
        self.exclude_rows.children = [box for _, box in self.excludable.values()]
        self.exclude_box.layout.display = None if self.excludable else "none"
        self._relabel_exclusions()

    def _relabel_exclusions(self) -> None:
        folder = self.session.town
        reasons = exclusions(folder) if folder is not None and self.excludable else {}
        for (file, row), (codes, box) in self.excludable.items():
            why = (
                "; ".join(finding_title(c, self.lang) for c in codes)
                or reasons.get((file, row))
                or self.t("exclude_by_hand")
            )
            box.description = self.t("exclude_row", file=file, row=row, why=why)
        if self._hidden:
            total = len(self._hidden) + len(self.excludable)
            more = self.t("exclude_more", shown=len(self.excludable), total=total)
            self.exclude_more.value = f'<div class="dg-muted">{escape(more)}</div>'
        else:
            self.exclude_more.value = ""

    @guarded
    def save_exclusions(self) -> None:
        """Write the ticked rows as ``exclude:`` in ``town.yaml`` and validate again."""
        folder = self.session.town
        if folder is None:
            return
        before = exclusions(folder)
        rows = {k: r for k, r in before.items() if k not in self.excludable}  # not shown: kept
        rows.update(
            {key: before.get(key) for key, (_, box) in self.excludable.items() if box.value}
        )
        set_exclusions(folder, rows)
        k = len(rows)
        self.session.data_changed()
        self.show(
            "ok",
            lambda lang: escape(
                say(
                    lang,
                    "exclude_saved",
                    rows=count(k, "wiersz", "wiersze", "wierszy")
                    if lang == "pl"
                    else count(k, "row", "rows"),
                )
            ),
        )

    def _build_mapping(self) -> None:
        for old in self.mapping_rows.children:  # the previous rows' widgets are not shown again
            for child in getattr(old, "children", ()):
                child.close()
            old.close()
        self.choices = []
        self._headings = []
        rows: list[widgets.Widget] = []
        v, folder = self.validation, self.session.town
        if v is not None and folder is not None:
            for check in v.files:
                if check.responses is None:
                    continue
                file = _yaml_name(folder, check.path)
                offered = mapping_rows(check.responses, column_mapping(folder, file), file)
                if not offered:
                    continue
                missing = sorted(missing_questions(check.responses, v.instrument))
                heading = widgets.HTML()
                self._headings.append((heading, file))
                rows.append(heading)
                for row in offered:
                    drop = widgets.Dropdown(layout=widgets.Layout(width="560px"))
                    drop.add_class("dg-map-choice")
                    drop.add_class("dg-sr-label")  # the header beside it, for screen readers
                    self.choices.append((row, drop, missing))
                    label = widgets.HTML(
                        f"<code>{escape(row.header)}</code>",
                        layout=widgets.Layout(width="300px"),
                    )
                    label.add_class("dg-map-header")
                    rows.append(widgets.HBox([label, drop]))
        self.mapping_rows.children = rows
        self.mapping_box.layout.display = None if self.choices else "none"
        self._relabel_mapping(initial=True)

    def _relabel_mapping(self, initial: bool = False) -> None:
        v = self.validation
        if v is None:
            return
        for heading, file in self._headings:
            heading.value = f"<b>{escape(self.t('mapping_file', file=file))}</b>"
        for row, drop, missing in self.choices:
            drop.description = self.t("mapping_choice", header=row.header)
            value = row.target if initial else drop.value
            options = target_options(v.instrument, self.lang, missing)
            drop.options = options
            drop.value = value if value in {o[1] for o in options} else ""

    @guarded
    def save_mapping(self) -> None:
        """Save the chosen mapping in ``town.yaml`` and validate again."""
        folder = self.session.town
        if folder is None:
            return
        by_file: dict[str, dict[str, str]] = {}
        for row, drop, _ in self.choices:
            by_file.setdefault(row.file, {})[row.header] = drop.value or ""
        n = 0
        for file, chosen in by_file.items():
            kept = {k: v for k, v in column_mapping(folder, file).items() if k not in chosen}
            mapping = {**kept, **{k: v for k, v in chosen.items() if v}}
            set_column_mapping(folder, file, mapping)
            n += len(mapping)
        self.session.data_changed()
        self.say("ok", "mapping_saved", n=n)


def flagged_rows(v: TownValidation, folder: Path) -> dict[tuple[str, int], list[str]]:
    """The rows validation flags one by one (:data:`FLAGS`): (file, row) -> finding codes.

    ``file`` is as ``town.yaml`` names it. ``outside_fieldwork`` is one finding
    per file: its rows are found again by the same rule.
    """
    found: dict[tuple[str, int], list[str]] = {}
    repeats = _repeat_rows(v)
    for check in v.files:
        if check.responses is None:
            continue
        file = _yaml_name(folder, check.path)
        findings = check.report.findings
        empty = {f.row for f in findings if f.code == "empty_row"}
        for f in findings:
            if f.code not in FLAGS:
                continue
            if f.code == "outside_fieldwork":
                rows = _outside_rows(v, check, f, empty)
            else:
                rows = [f.row] if isinstance(f.row, int) and not isinstance(f.row, bool) else []
            for row in rows:
                if (check.path.name, int(row)) in repeats:
                    continue  # a repeat of an earlier response is not counted anyway
                codes = found.setdefault((file, int(row)), [])
                if f.code not in codes:
                    codes.append(f.code)
    return found


def _outside_rows(v: TownValidation, check: FileCheck, f: Finding, empty: set) -> list[int]:
    """Every row an ``outside_fieldwork`` finding stands for (its first row when unsure)."""
    first = [f.row] if isinstance(f.row, int) else []
    data = check.responses.data if check.responses is not None else None
    start, end = v.town.fieldwork_start, v.town.fieldwork_end
    if data is None or f.column not in data.columns:
        return first
    local = local_times(data[f.column])
    known = local.notna().to_numpy(dtype=bool) & ~data.index.isin(list(empty))
    outside = np.zeros(len(data), dtype=bool)
    if start is not None:
        outside |= (local < pd.Timestamp(start)).to_numpy(dtype=bool, na_value=False)
    if end is not None:
        limit = pd.Timestamp(end) + pd.Timedelta(days=1)
        started = f.column == "started_at" or any(
            q.name == f.column for q in v.instrument.by_role("started_at")
        )
        if not started:
            limit += FIELDWORK_GRACE
        outside |= (local >= limit).to_numpy(dtype=bool, na_value=False)
    rows = [int(r) for r in data.index[known & outside]]
    return rows if rows and rows[0] == f.row else first


def excluded_count(v: TownValidation) -> int:
    """How many of the town's rows ``exclude:`` leaves out of the count the analysis uses.

    Rows that are not in the files and repeats of an earlier response (the
    cleaning leaves those out anyway, and ``n_distinct`` does not count them)
    are not counted.
    """
    wanted = {(e.source_file, e.row) for e in v.town.exclusions}
    if not wanted:
        return 0
    rows = {(c.path.name, int(i)) for c in v.files if c.responses is not None
            for i in c.responses.data.index}  # fmt: skip
    return len((wanted & rows) - _repeat_rows(v))


def _repeat_rows(v: TownValidation) -> set[tuple[str, int]]:
    """(file name, row) of every repeat of an earlier response, as the cleaning drops them."""
    frames = [c.responses for c in v.files if c.responses is not None]
    if not frames:
        return set()
    keys = pd.concat([response_keys(r.data, v.instrument) for r in frames], ignore_index=True)
    rows = [(r.path.name, int(i)) for r in frames for i in r.data.index]
    repeat = keys.duplicated(keep="first").to_numpy(dtype=bool) & keys.notna().to_numpy(dtype=bool)
    return {key for key, rep in zip(rows, repeat, strict=True) if rep}


def _yaml_name(folder: Path, path: Path) -> str:
    """A response file as ``town.yaml`` names it (relative to the town folder)."""
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return path.name
