"""The ``diagnosis`` command.

Every subcommand explains itself with ``--help``. Errors in the input are
printed as one readable message in the chosen language (``--lang pl`` is the
default; ``DIAGNOSIS_LANG=en`` changes it), never as a traceback; ``--debug``
shows the traceback for developers.

Exit codes: 0 all good, 1 validation found errors, 2 input could not be used,
3 unexpected internal error.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from .errors import DiagnosisError, Language

__all__ = ["main"]

_TEXT = {
    "pl": {
        "internal": "Nieoczekiwany błąd programu ({kind}). To nie jest błąd w Twoich danych. "
        "Uruchom polecenie ponownie z opcją --debug i zgłoś wynik autorom.",
        "no_towns": "Nie znaleziono żadnej miejscowości (folderu z plikiem town.yaml) w {root}.",
        "town_failed": "{town}: nie udało się sprawdzić",
        "summary": "Sprawdzono {n} miejscowości: {ok} bez błędów, {bad} z błędami.",
        "written": "Zapisano dane demonstracyjne {n} miejscowości w {root}.",
        "reports": "Gotowe raporty: {n} z {total}.",
        "batch": "Gotowe raporty: {ok} z {total} ({new} nowych, {same} bez zmian), "
        "z błędem: {bad}. Przegląd: {index}",
        "not_a_folder": "{path} to plik, nie folder. Po --out podaj folder na wyniki "
        "(istniejący albo nowy, np. --out raporty).",
        "not_a_file": "{path} to folder, nie plik. Po --out podaj nazwę pliku, np. --out dane.csv.",
    },
    "en": {
        "internal": "Unexpected program error ({kind}). This is not a problem with your data. "
        "Run the command again with --debug and report the output to the authors.",
        "no_towns": "No town (a folder with a town.yaml) was found in {root}.",
        "town_failed": "{town}: could not be checked",
        "summary": "Checked {n} towns: {ok} without errors, {bad} with errors.",
        "written": "Wrote demo data for {n} towns to {root}.",
        "reports": "Reports made: {n} of {total}.",
        "batch": "Reports ready: {ok} of {total} ({new} made now, {same} unchanged), "
        "failed: {bad}. Overview: {index}",
        "not_a_folder": "{path} is a file, not a folder. After --out give a folder for the "
        "results (existing or new, e.g. --out reports).",
        "not_a_file": "{path} is a folder, not a file. After --out give a file name, "
        "e.g. --out data.csv.",
    },
}

_DESCRIPTION = """\
diagnosis: diagnoza potrzeb społeczności lokalnej / community diagnosis workbench.

Reads resident-survey exports (KoboToolbox/ODK, Google Forms, LimeSurvey, SPSS,
Stata, Excel, CSV), checks them against the questionnaire (XLSForm) and tells
you, in Polish or English, exactly which file, row and column needs attention.
"""

_EPILOG = """\
examples:
  diagnosis validate surveys/towns/kwidzyn      check one town
  diagnosis validate --all                      check every town under surveys/towns
  diagnosis report surveys/towns/kwidzyn        the town's PDF report and evidence files
  diagnosis batch                               every town's report, in parallel, resumable
  diagnosis compare                             compare all towns, evaluate change (HTML, PDF)
  diagnosis read ankieta.csv --instrument surveys/instruments/resident_survey.xlsx
  diagnosis app                                 the librarian's app in the browser (Voilà)
  diagnosis demo                                (re)write the synthetic demo towns
  diagnosis --lang en validate surveys/towns/sopot
"""


def _lang(value: str | None) -> Language:
    value = (value or os.environ.get("DIAGNOSIS_LANG") or "pl").lower()
    return "en" if value.startswith("en") else "pl"


def _report_options(p: argparse.ArgumentParser) -> None:
    """The options that change a report, shared by ``report`` and ``batch``."""
    p.add_argument(
        "--report-lang",
        choices=["pl", "en"],
        default=None,
        help="language of the report (default: the --lang of messages, i.e. pl)",
    )
    p.add_argument(
        "--threshold",
        type=int,
        default=10,
        help="smallest number of respondents behind a published number (default 10, min 3)",
    )
    p.add_argument(
        "--weighting",
        choices=["rake", "poststratify", "none"],
        default="rake",
        help="rake to age and sex margins (default), post-stratify to age x sex cells, or none",
    )
    p.add_argument("--conf-level", type=float, default=0.95, help="confidence level (default 0.95)")
    p.add_argument("--out", type=Path, default=None, help="output folder (default reports/)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with all subcommands."""
    parser = argparse.ArgumentParser(
        prog="diagnosis",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--lang",
        choices=["pl", "en"],
        default=None,
        help="language of messages: pl (default) or en; or set DIAGNOSIS_LANG",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks (for developers)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "validate",
        help="check a town's survey data and print a readable report",
        description="Check each town folder: town.yaml, the questionnaire, and every response "
        "file it names. Prints what matched, what is wrong (file, row, column) and what to "
        "do. A town that fails does not stop the others.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example:\n  diagnosis validate surveys/towns/kwidzyn surveys/towns/sopot",
    )
    p.add_argument("towns", nargs="*", type=Path, help="town folders (each with a town.yaml)")
    p.add_argument(
        "--all", action="store_true", help="check every town under --root (default: surveys/towns)"
    )
    p.add_argument("--root", type=Path, default=None, help="folder holding town folders")
    p.add_argument(
        "--max-per-problem",
        type=int,
        default=5,
        help="how many locations to list for each kind of problem (default 5)",
    )

    p = sub.add_parser(
        "report",
        help="make a town's diagnosis report: PDF, HTML, notebook and evidence files",
        description="Run the report template (notebooks/diagnosis.ipynb) for each town with "
        "papermill and write reports/<town>/: the executed notebook, diagnosis.html (no code), "
        "diagnosis.pdf (A4), evidence.json, indicators.csv and indicators.xlsx. The data are "
        "validated first; a town that fails does not stop the others.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  diagnosis report surveys/towns/kwidzyn\n"
        "  diagnosis report kwidzyn sopot --lang en --threshold 15\n"
        "  diagnosis report --all",
    )
    p.add_argument("towns", nargs="*", help="town folders or names under surveys/towns")
    p.add_argument("--all", action="store_true", help="every town under --root")
    p.add_argument("--root", type=Path, default=None, help="folder holding town folders")
    _report_options(p)

    p = sub.add_parser(
        "batch",
        help="make every town's report in parallel: resumable, with an index of all towns",
        description="Render the report of every town under --root (or of the towns named) in "
        "warm worker processes, one per core, and write reports/index.html and "
        "reports/summary.csv. A town whose data, template, parameters and program have not "
        "changed since its last complete report is skipped (--force redoes it). A town that "
        "fails or runs past --timeout is reported and the others go on. Each town writes to "
        "reports/<town>/ (reports/<town>-wave2/ for a later wave) and logs to batch.log there; "
        "a report is moved into place only when complete, and after a failed rerun the last "
        "complete one is kept in previous/ marked out of date. Two batches on the same folder "
        "share the work (a lock per town).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  diagnosis batch\n  diagnosis batch kwidzyn sopot --workers 2\n"
        "  diagnosis batch --force --report-lang en\n"
        "  diagnosis batch --scheduler tcp://10.0.0.5:8786",
    )
    p.add_argument("towns", nargs="*", help="town folders or names (default: every town)")
    p.add_argument("--root", type=Path, default=None, help="folder holding town folders")
    _report_options(p)
    p.add_argument(
        "--workers", type=int, default=None, help="worker processes (default: number of cores)"
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=600,
        help="seconds one town's notebook may run before it is stopped (default 600)",
    )
    p.add_argument("--force", action="store_true", help="redo towns that are up to date")
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="a dask.distributed scheduler (tcp://host:8786) to send the work to",
    )
    p.add_argument(
        "--template", type=Path, default=None, help="the notebook to run (default: the standard)"
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")

    p = sub.add_parser(
        "compare",
        help="compare towns and evaluate change: HTML, PDF and pooled data for R/SPSS",
        description="Pool every town (or those named), each weighted to its own population, "
        "and run notebooks/compare_towns.ipynb: towns x indicators with intervals, each town "
        "against the towns' mean (Holm), differences net of age, sex and education "
        "(survey-weighted regression beside a multilevel model), needs profiles, and change "
        "between survey waves with difference-in-differences. Writes reports/compare/: "
        "compare.html, compare.pdf, the executed notebook, pooled.csv, pooled.parquet, "
        "pooled.sav (with labels), codebook.csv and town_indicators.csv. A town whose data have "
        "errors is left out and named in the report.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  diagnosis compare\n  diagnosis compare kwidzyn sopot brzeg zagan\n"
        "  diagnosis compare --report-lang en --adjusted-indicator trust_high",
    )
    p.add_argument("towns", nargs="*", help="town folders or names (default: every town)")
    _report_options(p)
    p.add_argument(
        "--adjusted-indicator",
        default="life_in_town",
        help="indicator of the adjusted comparison (default life_in_town)",
    )

    p = sub.add_parser(
        "read",
        help="read one response file and show how its columns were matched",
        description="Read one response file into the canonical table and show how each "
        "column was matched to the questionnaire, then validate it.",
    )
    p.add_argument("file", type=Path, help="a response file: .csv, .xlsx, .xls, .sav, .dta ...")
    p.add_argument(
        "--instrument",
        type=Path,
        default=None,
        help="the questionnaire (XLSForm); default: the standard resident survey",
    )
    p.add_argument("--sheet", default=None, help="sheet name, for workbooks with several sheets")
    p.add_argument("--out", type=Path, default=None, help="also write the canonical table as CSV")

    p = sub.add_parser(
        "instrument",
        help="propose a questionnaire (XLSForm) for your own survey, from its answers export",
        description="Propozycja kwestionariusza (XLSForm) dla własnej ankiety / a proposed "
        "questionnaire for your own survey.\n\n"
        "PL: Czyta eksport odpowiedzi (Formularze Google CSV/XLSX, KoboToolbox/ODK, LimeSurvey,\n"
        "SPSS .sav, Excel, CSV) albo istniejący formularz XLSForm i zapisuje proponowany,\n"
        "opisany formularz XLSForm: typ każdego pytania, listy odpowiedzi (skale po kolei,\n"
        "„Trudno powiedzieć” jako brak odpowiedzi), role w analizie (płeć i wiek do ważenia,\n"
        "osiedle, wykształcenie, potrzeby, pytania otwarte), pary ważność-zadowolenie. Każda\n"
        "propozycja i jej powód są w arkuszu „uwagi”. Dalej: sprawdź arkusz „uwagi” i popraw\n"
        "propozycje w arkuszu kalkulacyjnym, zapisz plik w folderze miejscowości i wpisz w\n"
        "town.yaml: instrument: <plik>.xlsx; potem 'diagnosis validate <folder>'.\n\n"
        "EN: Reads an answers export (Google Forms CSV/XLSX, KoboToolbox/ODK, LimeSurvey, SPSS\n"
        ".sav, Excel, CSV) or an existing XLSForm and writes a proposed, annotated XLSForm:\n"
        'each question\'s type, choice lists (scales in order, "Trudno powiedzieć" as a\n'
        "non-answer), analysis roles (sex and age for weighting, district, education, needs,\n"
        "open questions), importance-satisfaction pairs. Every proposal and why is in the\n"
        "sheet 'uwagi'. Next: check the sheet 'uwagi' and fix the proposals in a spreadsheet,\n"
        "save the file in the town's folder and set in town.yaml: instrument: <file>.xlsx;\n"
        "then run 'diagnosis validate <folder>'.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  diagnosis instrument odpowiedzi.csv\n"
        "  diagnosis instrument ankieta.xlsx --sheet 'Odpowiedzi' --out kwestionariusz.xlsx\n"
        "  diagnosis instrument export.csv --encoding cp1250 --lang en\n"
        "  diagnosis instrument moj_formularz.xlsx   (an XLSForm: fill in the analysis columns)",
    )
    p.add_argument("export", type=Path, help="the answers export, or an XLSForm to annotate")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="the XLSForm to write (default: <export>_kwestionariusz.xlsx beside the export)",
    )
    p.add_argument("--sheet", default=None, help="sheet name, for workbooks with several sheets")
    p.add_argument("--encoding", default=None, help="force a CSV's encoding, e.g. cp1250")
    p.add_argument(
        "--lang",
        dest="form_lang",
        choices=["pl", "en"],
        default="pl",
        help="the language the survey's questions are written in (default pl)",
    )

    p = sub.add_parser(
        "paper",
        help="for surveys on paper: a printable questionnaire (PDF) and a data-entry workbook",
        description="Build, from the questionnaire (XLSForm), what a town needs to survey "
        "on paper:\n\n"
        "  --pdf   the questionnaire to print: A4, numbered questions with boxes to tick,\n"
        "          grids of questions as tables, boxes for numbers, lines for open answers\n"
        "  --xlsx  a workbook to type the filled forms into, one row per form: drop-down\n"
        "          lists of the answer codes, 0/1 columns for the options of multiple-choice\n"
        "          questions, number ranges checked by Excel, and a sheet explaining every\n"
        "          column\n\n"
        "Check a filled workbook with 'diagnosis read <file> --instrument <form>'.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  diagnosis paper --pdf ankieta.pdf --xlsx wprowadzanie.xlsx\n"
        "  diagnosis paper --xlsx entry.xlsx --form-lang en\n"
        "  diagnosis read wprowadzanie.xlsx",
    )
    p.add_argument("--xlsx", type=Path, default=None, help="write the data-entry workbook here")
    p.add_argument("--pdf", type=Path, default=None, help="write the printable questionnaire here")
    p.add_argument(
        "--instrument",
        type=Path,
        default=None,
        help="the questionnaire (XLSForm); default: the standard resident survey",
    )
    p.add_argument(
        "--form-lang",
        choices=["pl", "en"],
        default=None,
        help="language of the questionnaire and workbook (default: the --lang of messages)",
    )

    p = sub.add_parser(
        "app",
        help="the librarian's app in the browser: town, survey files, checks, report",
        description="Start the librarian's app (notebooks/app.ipynb served by Voilà) on this\n"
        "computer only (127.0.0.1) and print its address; it runs until Ctrl+C.\n\n"
        "In four steps, in Polish or English:\n"
        "  1. choose or create a town with its population margins (age x sex)\n"
        "  2. upload response files and see what is wrong; map unmatched columns\n"
        "  3. preview the key results (sample against population, top needs)\n"
        "  4. make the report; download the PDF and indicators.xlsx\n\n"
        "Uploaded files are copied into the town's folder; nothing is sent to the internet.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  diagnosis app\n  diagnosis --lang en app --port 8866\n"
        "  diagnosis app --towns-dir ~/diagnoza/miejscowosci --reports-dir ~/diagnoza/raporty",
    )
    p.add_argument("--port", type=int, default=None, help="port to serve on (default: a free one)")
    p.add_argument(
        "--towns-dir",
        type=Path,
        default=None,
        help="folder of town folders the app reads and writes (default surveys/towns)",
    )
    p.add_argument(
        "--reports-dir", type=Path, default=None, help="folder for reports (default reports/)"
    )
    p.add_argument(
        "--max-upload-mb",
        type=float,
        default=None,
        help="largest response file accepted, in MB (default 20)",
    )
    p.add_argument("--open", action="store_true", help="open the address in the browser")

    p = sub.add_parser(
        "demo",
        help="write the synthetic demo towns (deterministic)",
        description="Write synthetic survey data for the 25 demo towns. The same seed always "
        "gives byte-identical files. The data are invented and say so.",
    )
    p.add_argument("--out", type=Path, default=None, help="target folder (default surveys/towns)")
    p.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    p.add_argument("--town", action="append", default=None, help="only this town (repeatable)")
    return parser


def _message(key: str, **fields: object) -> DiagnosisError:
    pl, en = (_TEXT[lang][key].format(**fields) for lang in ("pl", "en"))
    return DiagnosisError(pl=pl, en=en)


def _check_out_folder(out: Path | None) -> None:
    """A clear error if ``--out`` or a folder above it is an existing file (nothing is created)."""
    if out is None:
        return
    for path in (out, *out.parents):
        if path.exists():
            if not path.is_dir():
                raise _message("not_a_folder", path=path)
            return


def _cmd_validate(args: argparse.Namespace, lang: Language) -> int:
    from .town import TOWNS_DIR, find_towns
    from .validate import validate_town

    folders = list(args.towns)
    if args.all or not folders:
        root = args.root or TOWNS_DIR
        folders = find_towns(root)
        if not folders:
            print(_TEXT[lang]["no_towns"].format(root=root), file=sys.stderr)
            return 2
    ok = bad = 0
    for folder in folders:
        try:
            result = validate_town(folder)
        except DiagnosisError as err:
            bad += 1
            print(f"✗ {_TEXT[lang]['town_failed'].format(town=Path(folder).name)}")
            print(f"  {err.message(lang)}\n")
            continue
        print(result.render(lang, max_per_code=args.max_per_problem))
        print()
        if result.ok:
            ok += 1
        else:
            bad += 1
    if len(folders) > 1:
        print(_TEXT[lang]["summary"].format(n=len(folders), ok=ok, bad=bad))
    return 0 if bad == 0 else 1


def _without_iri_grammar() -> None:
    """Let jsonschema (imported by papermill through nbformat) do without rfc3987-syntax.

    When that package is installed, importing jsonschema builds its grammar for the
    "iri" and "iri-reference" formats: 1.1-1.6 s, a third of what ``diagnosis report``
    spends before any work. Notebooks are validated without format checks (nbformat's
    schemas are draft 4, which has neither format), so nothing here uses it: this
    process reports it as not installed. A no-op once jsonschema is imported.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def _cmd_report(args: argparse.Namespace, lang: Language) -> int:
    from .report.render import WARM_ENGINE, print_progress, render_town
    from .town import TOWNS_DIR, find_towns, town_folder

    _check_out_folder(args.out)
    folders = [town_folder(t) for t in args.towns]
    if args.all or not folders:
        root = args.root or TOWNS_DIR
        folders = find_towns(root)
        if not folders:
            print(_TEXT[lang]["no_towns"].format(root=root), file=sys.stderr)
            return 2
    report_lang = args.report_lang or lang
    # the notebook runs in a fork of this process (the batch's warm engine): no kernel to
    # start, and the fork inherits what this process imported and validated. Figures are
    # drawn off-screen whatever the desktop offers.
    os.environ.setdefault("MPLBACKEND", "Agg")
    _without_iri_grammar()
    if len(folders) > 1:  # import the analysis once, not in every town's fork
        import diagnosis.report.town_report  # noqa: F401
    failed = 0
    for folder in folders:
        out = args.out / folder.name if args.out else None
        try:
            files = render_town(
                folder,
                out,
                lang=report_lang,
                threshold=args.threshold,
                weighting=args.weighting,
                conf_level=args.conf_level,
                progress=print_progress,
                engine_name=WARM_ENGINE,
            )
        except DiagnosisError as err:
            failed += 1
            print(f"✗ {folder.name}: {err.message(lang)}", file=sys.stderr)
            continue
        print(f"✓ {folder.name}: {files.pdf}")
    if len(folders) > 1:
        print(_TEXT[lang]["reports"].format(n=len(folders) - failed, total=len(folders)))
    return 0 if failed == 0 else 1


def _cmd_batch(args: argparse.Namespace, lang: Language) -> int:
    from .batch.runner import BatchSettings, run_batch
    from .evidence import Settings
    from .report import REPORTS_DIR
    from .town import TOWNS_DIR, find_towns, town_folder

    _check_out_folder(args.out)
    report_lang = args.report_lang or lang
    Settings(report_lang, args.threshold, args.weighting, args.conf_level).check()
    folders = [
        town_folder(args.root / t if args.root and (args.root / t).exists() else t)
        for t in args.towns
    ]
    if not folders:
        root = args.root or TOWNS_DIR
        folders = find_towns(root)
        if not folders:
            print(_TEXT[lang]["no_towns"].format(root=root), file=sys.stderr)
            return 2
    settings = BatchSettings(
        lang=report_lang,
        threshold=args.threshold,
        weighting=args.weighting,
        conf_level=args.conf_level,
        template=str(args.template or ""),
        timeout=args.timeout if args.timeout and args.timeout > 0 else None,
        messages=lang,
    )
    out = args.out or REPORTS_DIR
    results = run_batch(
        folders,
        out,
        settings,
        workers=args.workers,
        force=args.force,
        scheduler=args.scheduler,
        progress=not args.no_progress,
    )
    ok = sum(r.ok for r in results)
    print(
        _TEXT[lang]["batch"].format(
            ok=ok,
            total=len(results),
            new=sum(r.status == "done" for r in results),
            same=sum(r.status == "unchanged" for r in results),
            bad=len(results) - ok,
            index=Path(out).resolve() / "index.html",
        )
    )
    return 0 if ok == len(results) else 1


def _cmd_compare(args: argparse.Namespace, lang: Language) -> int:
    from .compare import render_comparison
    from .report.render import print_progress

    _check_out_folder(args.out)
    files = render_comparison(
        args.towns,
        args.out,
        lang=args.report_lang or lang,
        threshold=args.threshold,
        weighting=args.weighting,
        conf_level=args.conf_level,
        adjusted_indicator=args.adjusted_indicator,
        progress=print_progress,
    )
    print(f"✓ {files.pdf}")
    print(f"✓ {files.html}")
    return 0


def _cmd_read(args: argparse.Namespace, lang: Language) -> int:
    from .evidence.cells import CSV_QUOTING, neutralise_formulas
    from .instrument import load_instrument
    from .read import read_responses
    from .town import STANDARD_INSTRUMENT
    from .validate import validate

    if args.out is not None:
        _check_out_folder(args.out.parent)
        if args.out.is_dir():
            raise _message("not_a_file", path=args.out)
    instrument = load_instrument(args.instrument or STANDARD_INSTRUMENT)
    responses = read_responses(args.file, instrument, sheet=args.sheet)
    headers = responses.headers_frame()
    title = "Dopasowanie kolumn" if lang == "pl" else "Column matching"
    print(f"{args.file.name}: {responses.n} × {responses.data.shape[1]}, {responses.format}"
          f" ({responses.flavour}), {responses.encoding or '-'}")  # fmt: skip
    print(f"\n{title}:")
    print(headers.to_string(index=False))
    for pl, en in responses.warnings:
        print(f"! {pl if lang == 'pl' else en}")
    print()
    report = validate(responses, instrument)
    print(report.render(lang))
    if args.out:
        neutralise_formulas(responses.data).to_csv(args.out, encoding="utf-8", quoting=CSV_QUOTING)
    return 0 if report.ok else 1


def _cmd_instrument(args: argparse.Namespace, lang: Language) -> int:
    from collections import Counter

    from .annotate import propose_instrument, write_xlsform
    from .instrument import load_instrument
    from .read import read_responses

    out = args.out or args.export.with_name(f"{args.export.stem}_kwestionariusz.xlsx")
    if out.is_dir():
        raise _message("not_a_file", path=out)
    if out.resolve() == args.export.resolve():
        same = {
            "pl": "Plik wynikowy nie może zastąpić pliku wejściowego: podaj inne --out.",
            "en": "The output must not replace the input file: give another --out.",
        }
        print(same[lang], file=sys.stderr)
        return 2
    proposal = propose_instrument(
        args.export, sheet=args.sheet, encoding=args.encoding, lang=args.form_lang
    )
    write_xlsform(proposal, out)
    instrument = load_instrument(out)
    kinds = Counter(q.type for q in instrument.questions)
    shown = ", ".join(f"{k} {n}" for k, n in kinds.most_common())
    words = {
        "pl": (f"✓ {out}: {len(instrument.questions)} pytań ({shown}), "
               f"{len(instrument.choice_lists)} list odpowiedzi, {len(proposal.notes)} uwag."),
        "en": (f"✓ {out}: {len(instrument.questions)} questions ({shown}), "
               f"{len(instrument.choice_lists)} choice lists, {len(proposal.notes)} notes."),
    }  # fmt: skip
    print(words[lang])
    if proposal.from_export:  # the export, read back with the proposal, matches it
        responses = read_responses(
            args.export, instrument, sheet=args.sheet, encoding=args.encoding
        )
        if responses.n:
            unmatched = responses.unmatched()
            matched = sum(h.how in ("name", "label", "option") for h in responses.headers)
            if unmatched:
                listed = "; ".join(unmatched)
                print(
                    f"! Nie pasują do pytań: {listed}" if lang == "pl"
                    else f"! Not matched to questions: {listed}"
                )  # fmt: skip
            else:
                print(
                    f"✓ Wszystkie kolumny z odpowiedziami ({matched}) pasują do pytań."
                    if lang == "pl"
                    else f"✓ Every answer column ({matched}) matches a question."
                )  # fmt: skip
    nxt = {
        "pl": f"Dalej: sprawdź arkusz „uwagi” w {out.name} i popraw propozycje; potem zapisz "
        f"plik w folderze miejscowości i wpisz w town.yaml: instrument: {out.name}",
        "en": f"Next: check the sheet 'uwagi' in {out.name} and fix the proposals; then save the "
        f"file in the town's folder and set in town.yaml: instrument: {out.name}",
    }
    print(nxt[lang])
    return 0


def _cmd_paper(args: argparse.Namespace, lang: Language) -> int:
    from .app.paper import data_entry_workbook, printable_questionnaire
    from .instrument import load_instrument
    from .town import STANDARD_INSTRUMENT

    if args.xlsx is None and args.pdf is None:
        nothing = {
            "pl": "Podaj, co zapisać: --pdf plik.pdf (ankieta do druku) i/lub --xlsx "
            "plik.xlsx (arkusz do wprowadzania odpowiedzi).",
            "en": "Say what to write: --pdf file.pdf (the questionnaire to print) and/or "
            "--xlsx file.xlsx (the workbook to type answers into).",
        }
        print(nothing[lang], file=sys.stderr)
        return 2
    instrument = load_instrument(args.instrument or STANDARD_INSTRUMENT)
    form_lang = args.form_lang or lang
    if args.xlsx is not None:
        print(f"✓ {data_entry_workbook(instrument, args.xlsx, lang=form_lang)}")
    if args.pdf is not None:
        print(f"✓ {printable_questionnaire(instrument, args.pdf, lang=form_lang)}")
    return 0


def _cmd_app(args: argparse.Namespace, lang: Language) -> int:
    from .app.server import serve
    from .app.settings import AppSettings

    settings = AppSettings.from_environment(
        {
            **os.environ,
            "DIAGNOSIS_LANG": lang,
            **({"DIAGNOSIS_TOWNS_DIR": str(args.towns_dir)} if args.towns_dir else {}),
            **({"DIAGNOSIS_REPORTS_DIR": str(args.reports_dir)} if args.reports_dir else {}),
            **({"DIAGNOSIS_MAX_UPLOAD_MB": str(args.max_upload_mb)} if args.max_upload_mb else {}),
        }
    )
    return serve(settings, port=args.port, open_browser=args.open)


def _cmd_demo(args: argparse.Namespace, lang: Language) -> int:
    from .demo import generate_demo
    from .town import TOWNS_DIR

    _check_out_folder(args.out)
    root = args.out or TOWNS_DIR
    written = generate_demo(root, seed=args.seed, towns=args.town)
    print(_TEXT[lang]["written"].format(n=len(written), root=root))
    return 0


_COMMANDS = {
    "validate": _cmd_validate,
    "report": _cmd_report,
    "batch": _cmd_batch,
    "compare": _cmd_compare,
    "read": _cmd_read,
    "instrument": _cmd_instrument,
    "paper": _cmd_paper,
    "app": _cmd_app,
    "demo": _cmd_demo,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Examples
    --------
    >>> main(["--lang", "en", "validate", "no/such/town"])  # doctest: +ELLIPSIS
    ✗ town: could not be checked
      ...town.yaml: Folder ... has no town.yaml describing the town.
    <BLANKLINE>
    1
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    lang = _lang(args.lang)
    if args.command is None:
        parser.print_help()
        return 0
    code = _run(args, lang)
    if argv is None and args.command in _EXIT_AT_ONCE:
        _exit_now(code)
    return code


#: commands that leave at once when run as the ``diagnosis`` command (not when ``main`` is
#: called from Python): tearing down an interpreter that has imported pandas, papermill
#: and WeasyPrint takes half a second, for nothing
_EXIT_AT_ONCE = frozenset({"report"})


def _exit_now(code: int) -> None:
    """Flush what was printed and end the process without the interpreter's teardown.

    Every file the command wrote is closed by then (the report's files are written and
    closed before :func:`render_town` returns; its notebook ran in a fork that is gone).
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def _run(args: argparse.Namespace, lang: Language) -> int:
    try:
        return _COMMANDS[args.command](args, lang)
    except DiagnosisError as err:
        if args.debug:
            traceback.print_exc()
        print(err.message(lang), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: no traceback for a librarian
        if args.debug:
            raise
        print(_TEXT[lang]["internal"].format(kind=type(exc).__name__), file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
