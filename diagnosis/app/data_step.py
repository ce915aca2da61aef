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
responses are listed in the librarian's words. Single flagged rows cannot be
excluded here: neither ``town.yaml`` nor the cleaning has an exclusion list
(the cleaning leaves repeated responses out by itself).
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets

from ..errors import Language
from ..instrument import Instrument, load_instrument
from ..plurals import count
from ..town import instrument_path
from ..validate import Finding, TownValidation, finding_title, validate_town
from .mapping import MappingRow, mapping_rows, missing_questions, target_options
from .markup import escape, notice, validation_html
from .session import Event, Session
from .steps import Step, guarded
from .texts import say
from .town_files import (
    column_mapping,
    read_config,
    remove_response_file,
    response_names,
    safe_file_name,
    save_response_file,
    set_column_mapping,
)
from .uploads import SUFFIXES, Upload, check_upload, file_size, read_upload, uploads_from_widget

__all__ = ["DataStep", "responses_count"]

#: the findings about responses counted more than once
REPEATS = ("duplicate_file", "duplicate_response")


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
        counted = responses_count(v.n_distinct, self.lang)
        if v.n_duplicates:
            text += " " + self.t("counted_repeats", n=counted, k=v.n_duplicates)
        else:
            text += " " + self.t("counted", n=counted)
        if any(f.code == "duplicate_file" for f in v.findings()):
            text += " " + self.t("duplicate_file_hint")
        if not v.ok and self.choices:
            text += " " + self.t("mapping_hint")
        self.status.value = notice("ok" if v.ok else "error", escape(text))
        self.repeats.value = self._repeats_html(v)
        self.report.value = validation_html(v, self.lang)
        self._relabel_mapping()
        self._relabel_files()

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


def _yaml_name(folder: Path, path: Path) -> str:
    """A response file as ``town.yaml`` names it (relative to the town folder)."""
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return path.name
