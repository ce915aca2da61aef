"""Tests of diagnosis.validate on hand-built canonical frames and the standard instrument."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from diagnosis.errors import ValidationError
from diagnosis.instrument import load_instrument
from diagnosis.read.frame import HeaderMatch, Responses
from diagnosis.validate import Finding, ValidationReport, validate

ROOT = Path(__file__).resolve().parents[1]
INSTRUMENT = load_instrument(ROOT / "surveys" / "instruments" / "resident_survey.xlsx")
POLISH = re.compile(r"[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]")
FRAME_COLUMNS = ["code", "severity", "file", "row", "column", "value", "message_pl", "message_en"]


def clean_frame(n: int = 8) -> pd.DataFrame:
    """A frame that breaks no check: varied answers, plausible durations, unique ids.

    Row numbers start at 2 (header in row 1), as the readers number them.
    """
    rows = np.arange(n)
    data: dict[str, object] = {}
    for j, q in enumerate(INSTRUMENT.questions):
        if q.type == "select_one":
            codes = [c.name for c in q.choices if not c.missing]
            data[q.name] = pd.array([codes[(i + j) % len(codes)] for i in rows], dtype="string")
        elif q.is_multiple:
            for k, col in enumerate(q.columns()):
                # two options per respondent, never more than max_choices
                chosen = [
                    int(k in ((i % len(q.choices)), ((i + 1) % len(q.choices)))) for i in rows
                ]
                data[col] = pd.array(chosen, dtype="Int8")
        elif q.type == "integer":
            data[q.name] = pd.array([(i + j) % 11 for i in rows], dtype="Int64")
        elif q.type == "text":
            data[q.name] = pd.array([f"odpowiedź {i}" for i in rows], dtype="string")
    frame = pd.DataFrame(data, index=pd.RangeIndex(2, n + 2, name="row"))
    # follow the relevance rules: frequency only for visitors, skills only for internet users
    frame["library_visit"] = pd.array(["1", "0"] * (n // 2) + ["1"] * (n % 2), dtype="string")
    frame.loc[frame["library_visit"] == "0", "library_frequency"] = pd.NA
    frame["internet_use"] = pd.array(["1", "1", "0"] * n, dtype="string")[:n]
    skills = list(INSTRUMENT.question("skills").columns())
    frame.loc[frame["internet_use"] == "0", skills] = pd.NA
    start = pd.Timestamp("2026-03-02 10:00") + pd.to_timedelta(rows * 3600, unit="s")
    frame["started_at"] = start
    frame["ended_at"] = start + pd.to_timedelta(600 + 20 * rows, unit="s")
    frame["respondent_id"] = pd.array([f"r{i:03d}" for i in rows], dtype="string")
    return frame


def responses(frame: pd.DataFrame, **kwargs) -> Responses:
    return Responses(data=frame, path=Path("/data/kwidzyn/ankiety.xlsx"), format="xlsx", **kwargs)


def triples(report: ValidationReport, code: str) -> list[tuple]:
    """(severity, row, column, value) of the findings with ``code``, in report order."""
    return [(f.severity, f.row, f.column, f.value) for f in report.findings if f.code == code]


def only_codes(report: ValidationReport) -> set[str]:
    return {f.code for f in report.findings}


# ------------------------------------------------------------------ clean data


def test_clean_frame_has_no_findings():
    report = validate(responses(clean_frame()), INSTRUMENT)
    assert report.findings == ()
    assert report.ok
    assert report.n_rows == 8
    assert report.file == "ankiety.xlsx"
    assert report.summary("pl") == "ankiety.xlsx: 8 wierszy; nie znaleziono problemów."
    assert report.summary("en") == "ankiety.xlsx: 8 rows; no problems found."
    assert "gotowy do analizy" in report.render("pl")


def test_plain_dataframe_is_accepted_without_a_file():
    report = validate(clean_frame(), INSTRUMENT)
    assert report.findings == ()
    assert report.file is None


@pytest.mark.parametrize("dtype", ["string", "str", object])
def test_text_dtypes_give_the_same_findings(dtype):
    frame = clean_frame()
    frame.loc[3, "sex"] = "kobieta"
    frame.loc[5, "age_band"] = pd.NA
    for col in frame.columns:
        if pd.api.types.is_string_dtype(frame[col].dtype):
            frame[col] = frame[col].astype(dtype)
    report = validate(frame, INSTRUMENT)
    assert [(f.code, f.row, f.column) for f in report.findings] == [
        ("value_not_in_choices", 3, "sex"),
        ("required_missing", 5, "age_band"),
    ]


def test_codes_written_as_numbers_or_with_spaces_are_accepted():
    frame = clean_frame()
    frame["part_volunteer"] = pd.array([1, 0] * 4, dtype="Int64")
    frame["part_event"] = pd.Series([1.0, 0.0, np.nan, 1.0] * 2, index=frame.index)
    frame["sex"] = frame["sex"].astype(object)
    frame.loc[2, "sex"] = " female "
    assert validate(frame, INSTRUMENT).findings == ()


def test_blank_text_counts_as_missing():
    frame = clean_frame()
    frame.loc[4, "age_band"] = "   "
    report = validate(frame, INSTRUMENT)
    assert triples(report, "required_missing") == [("error", 4, "age_band", None)]
    assert triples(report, "value_not_in_choices") == []


# --------------------------------------------------------------------- columns


def test_unknown_columns():
    frame = clean_frame()
    frame["ulubiony_kolor"] = pd.array(["zielony"] * 8, dtype="string")
    frame["_id"] = range(8)
    headers = (
        HeaderMatch("Ulubiony kolor?", "ulubiony_kolor", "unmatched", source_index=0),
        HeaderMatch("_id", "_id", "unmatched", source_index=1),
    )
    report = validate(responses(frame, headers=headers), INSTRUMENT)
    assert triples(report, "unknown_column") == [
        ("warning", None, "ulubiony_kolor", "Ulubiony kolor?"),
        ("info", None, "_id", None),
    ]
    assert report.ok


def test_metadata_columns_are_not_unknown():
    frame = clean_frame()
    frame["submitted_at"] = frame["ended_at"]
    assert validate(frame, INSTRUMENT).findings == ()


def test_missing_columns_by_kind():
    frame = clean_frame().drop(
        columns=["education", "sex", "started_at", "ended_at", "needs__housing"]
    )
    report = validate(frame, INSTRUMENT)
    assert triples(report, "missing_column") == [
        ("error", None, "sex", None),
        ("warning", None, "education", None),
        ("warning", None, "needs__housing", None),
        ("info", None, "start", None),
        ("info", None, "end", None),
    ]
    sex = next(f for f in report.errors if f.column == "sex")
    assert "obowiązkowe" in sex.pl and "'sex'" in sex.pl
    assert "required" in sex.en


def test_select_multiple_with_no_option_columns_is_one_missing_column():
    needs = list(INSTRUMENT.question("needs").columns())
    report = validate(clean_frame().drop(columns=needs), INSTRUMENT)
    assert triples(report, "missing_column") == [("warning", None, "needs", None)]


def test_metadata_under_question_names_is_recognised():
    frame = clean_frame().rename(columns={"started_at": "start", "ended_at": "end"})
    frame.loc[4, "end"] = frame.loc[4, "start"] + pd.Timedelta(seconds=20)
    report = validate(frame, INSTRUMENT)
    assert only_codes(report) == {"too_fast"}


def test_duplicate_column_names():
    frame = clean_frame()
    frame = pd.concat([frame, frame[["trust"]]], axis=1)
    report = validate(frame, INSTRUMENT)
    assert triples(report, "duplicate_column") == [("error", None, "trust", None)]
    assert only_codes(report) == {"duplicate_column"}


# ---------------------------------------------------------------------- values


def test_select_one_value_not_in_choices():
    frame = clean_frame()
    frame.loc[3, "sex"] = "Kobieta"  # a label, not its code
    frame.loc[6, "imp_culture"] = "7"
    frame.loc[7, "imp_culture"] = "7"
    report = validate(responses(frame), INSTRUMENT)
    assert triples(report, "value_not_in_choices") == [
        ("error", 3, "sex", "Kobieta"),
        ("error", 6, "imp_culture", "7"),
        ("error", 7, "imp_culture", "7"),
    ]
    sex = report.errors[0]
    assert sex.file == "ankiety.xlsx"
    assert "female (Kobieta), male (Mężczyzna)" in sex.pl
    assert "kod to 'female'" in sex.pl
    assert "whose code is 'female'" in sex.en
    assert "99 (Trudno powiedzieć)" in report.errors[1].pl


def test_select_multiple_cells_must_be_zero_or_one():
    frame = clean_frame()
    frame["needs__jobs"] = frame["needs__jobs"].astype(object)
    frame.loc[5, "needs__jobs"] = "tak"
    frame.loc[2, "needs__roads"] = 2
    report = validate(frame, INSTRUMENT)
    assert triples(report, "value_not_in_choices") == [
        ("error", 2, "needs__roads", 2),
        ("error", 5, "needs__jobs", "tak"),
    ]
    assert "Miejsca pracy" in report.errors[1].pl


def test_numbers_out_of_range_not_numbers_and_fractions():
    frame = clean_frame()
    frame["trust"] = frame["trust"].astype(object)
    frame.loc[2, "trust"] = 11
    frame.loc[3, "trust"] = "dużo"
    frame.loc[4, "trust"] = "5,5"
    frame.loc[5, "trust"] = "7,0"  # a decimal comma is still a number
    frame.loc[6, "trust"] = -1
    frame.loc[7, "life_in_town"] = pd.NA  # missing is fine
    report = validate(frame, INSTRUMENT)
    assert triples(report, "not_a_number") == [("error", 3, "trust", "dużo")]
    assert triples(report, "not_an_integer") == [("error", 4, "trust", "5,5")]
    assert triples(report, "out_of_range") == [
        ("error", 2, "trust", 11),
        ("error", 6, "trust", -1),
    ]
    out = next(f for f in report.errors if f.code == "out_of_range")
    assert "od 0 do 10" in out.pl and "from 0 to 10" in out.en


def test_numeric_dtype_out_of_range():
    frame = clean_frame()
    frame["life_in_town"] = pd.array([3, 12, 5, None, 0, 10, 4, 4], dtype="Int64")
    report = validate(frame, INSTRUMENT)
    assert [(f.code, f.row, f.value) for f in report.findings] == [("out_of_range", 3, 12)]


def test_duplicate_ids_locate_every_row():
    frame = clean_frame()
    frame.loc[[2, 5, 8], "respondent_id"] = "r777"
    frame.loc[[4, 6], "respondent_id"] = "r999"
    frame.loc[7, "respondent_id"] = pd.NA  # missing ids are not duplicates
    frame.loc[9, "respondent_id"] = pd.NA
    report = validate(frame, INSTRUMENT)
    assert triples(report, "duplicate_id") == [
        ("error", 2, "respondent_id", "r777"),
        ("error", 4, "respondent_id", "r999"),
        ("error", 5, "respondent_id", "r777"),
        ("error", 6, "respondent_id", "r999"),
        ("error", 8, "respondent_id", "r777"),
    ]
    assert "w 3 wierszach: 2, 5 i 8" in report.errors[0].pl
    assert "in 2 rows: 4 and 6" in report.errors[1].en


def test_too_many_choices():
    frame = clean_frame()
    frame.loc[4, ["needs__jobs", "needs__roads", "needs__housing"]] = 1  # 2 + 3 = 5
    frame.loc[6, "needs__jobs"] = 1  # 3 is still allowed
    report = validate(frame, INSTRUMENT)
    assert [(f.severity, f.row, f.column, f.value) for f in report.findings] == [
        ("warning", 4, "needs", 5)
    ]
    assert "Zaznaczono 5 odpowiedzi" in report.findings[0].pl
    assert "najwyżej 3" in report.findings[0].pl


def test_empty_row_is_reported_once():
    frame = clean_frame()
    answers = [c for c in frame.columns if c not in ("respondent_id", "started_at", "ended_at")]
    frame.loc[5, answers] = pd.NA
    frame.loc[5, "ended_at"] = frame.loc[5, "started_at"] + pd.Timedelta(seconds=5)
    report = validate(frame, INSTRUMENT)
    assert [(f.code, f.severity, f.row) for f in report.findings] == [("empty_row", "warning", 5)]


def test_required_missing():
    frame = clean_frame()
    frame.loc[3, "age_band"] = pd.NA
    frame.loc[4, ["sex", "age_band"]] = pd.NA
    report = validate(frame, INSTRUMENT)
    assert triples(report, "required_missing") == [
        ("error", 3, "age_band", None),
        ("error", 4, "sex", None),
        ("error", 4, "age_band", None),
    ]
    assert "obowiązkowe pytanie „Wiek” (age_band)" in report.errors[0].pl


def with_questions(**changes: dict) -> object:
    """The standard instrument with some questions changed (``name={field: value}``)."""
    questions = tuple(
        dataclasses.replace(q, **changes[q.name]) if q.name in changes else q
        for q in INSTRUMENT.questions
    )
    return dataclasses.replace(INSTRUMENT, questions=questions)


@pytest.mark.parametrize(
    ("relevant", "expected"),
    [
        ("${sex} = 'female'", [3]),
        ("${sex} != 'female'", [2]),
        ("${trust} >= 5", [3]),  # trust: row 2 -> 4, row 3 -> 5
        ("selected(${needs}, 'transport')", [2]),
        ("not(selected(${needs}, 'transport'))", [3]),
        ("${sex} = 'male' or ${trust} > 4", [2, 3]),
        ("${sex} = 'male' and ${trust} > 4", []),
        ("${nonexistent} = '1'", []),  # cannot be judged: not checked
        ("(${sex} = 'female')", []),  # too complex for the reader: not checked
    ],
)
def test_required_questions_follow_simple_relevance(relevant, expected):
    instrument = with_questions(education={"required": True, "relevant": relevant})
    frame = clean_frame()
    frame.loc[[2, 3], "education"] = pd.NA
    frame.loc[[2, 3], "sex"] = ["male", "female"]
    frame.loc[[2, 3], "trust"] = [4, 5]
    needs = list(INSTRUMENT.question("needs").columns())
    frame.loc[2, needs] = [1, 1] + [0] * 12
    frame.loc[3, needs] = [0, 1, 1] + [0] * 11
    report = validate(frame, instrument)
    assert [f.row for f in report.findings if f.code == "required_missing"] == expected
    # (education may also be flagged as mostly unanswered by those it applies to)
    assert only_codes(report) <= {"required_missing", "high_item_nonresponse"}


def test_categorical_and_boolean_columns():
    frame = clean_frame()
    frame["sex"] = frame["sex"].astype("category")
    frame["education"] = pd.Categorical(
        ["primary", "higher", "wyższe", None, "higher", "primary", "secondary", "higher"]
    )
    frame["needs__jobs"] = pd.array([False] * 8, dtype="boolean")
    frame["trust"] = pd.Categorical([1, 2, 3, 4, 5, 6, 7, 50])
    report = validate(frame, INSTRUMENT)
    assert [(f.code, f.row, f.column, f.value) for f in report.findings] == [
        ("value_not_in_choices", 4, "education", "wyższe"),
        ("out_of_range", 9, "trust", 50),
    ]
    assert "kod to 'higher'" in report.findings[0].pl


def test_frame_with_no_rows():
    report = validate(clean_frame().iloc[:0], INSTRUMENT)
    assert report.findings == ()
    assert report.n_rows == 0


# --------------------------------------------------------------------- quality


def test_straight_lining_on_batteries_only():
    frame = clean_frame()
    imp = [q.name for q in INSTRUMENT.by_construct("importance")]
    coh = [q.name for q in INSTRUMENT.by_construct("cohesion")]
    part = [q.name for q in INSTRUMENT.by_construct("participation")]
    frame.loc[3, imp] = "4"
    frame.loc[5, coh] = "3"
    frame.loc[5, "coh_trust"] = pd.NA  # the other four still say the same
    frame.loc[6, imp[:3]] = "2"  # three answers only: too few to judge
    frame.loc[6, imp[3:]] = pd.NA
    frame.loc[7, part] = "0"  # a yes/no checklist is not a rating battery
    report = validate(frame, INSTRUMENT)
    assert triples(report, "straight_lining") == [
        ("warning", 3, None, "4"),
        ("warning", 5, None, "3"),
    ]
    first, second = (f for f in report.findings if f.code == "straight_lining")
    assert "„Bardzo ważne” (4)" in first.pl and "imp_transport … imp_meeting" in first.pl
    assert "coh_self" in second.pl and "sprzeczna" in second.pl
    assert "coh_self" not in first.pl


def test_too_fast_against_the_median():
    frame = clean_frame()
    frame.loc[4, "ended_at"] = frame.loc[4, "started_at"] + pd.Timedelta(seconds=90)
    report = validate(frame, INSTRUMENT)
    assert triples(report, "too_fast") == [("warning", 4, None, 90)]
    assert "1 min 30 s" in report.findings[0].pl
    assert "mediana" in report.findings[0].pl


def test_too_fast_with_min_seconds():
    frame = clean_frame()  # durations 600, 620, ..., 740 seconds
    report = validate(frame, INSTRUMENT, min_seconds=650)
    assert triples(report, "too_fast") == [
        ("warning", 2, None, 600),
        ("warning", 3, None, 620),
        ("warning", 4, None, 640),
    ]
    assert "przyjęte minimum (10 min 50 s)" in report.findings[0].pl


def test_too_fast_needs_enough_durations_for_a_median():
    frame = clean_frame(4)
    frame.loc[3, "ended_at"] = frame.loc[3, "started_at"] + pd.Timedelta(seconds=10)
    assert validate(frame, INSTRUMENT).findings == ()


def test_iso_text_timestamps_and_end_before_start():
    frame = clean_frame()
    frame["started_at"] = frame["started_at"].dt.strftime("%Y-%m-%dT%H:%M:%S+01:00")
    ended = frame["ended_at"].dt.strftime("%Y-%m-%dT%H:%M:%S+01:00")
    ended[6] = "2026-03-02T09:00:00+01:00"  # before its start
    frame["ended_at"] = ended
    report = validate(frame, INSTRUMENT)
    assert triples(report, "end_before_start") == [("warning", 6, None, None)]
    assert only_codes(report) == {"end_before_start"}


def test_negative_min_seconds_is_refused():
    with pytest.raises(ValueError):
        validate(clean_frame(), INSTRUMENT, min_seconds=-1)


def test_high_item_nonresponse_per_respondent():
    frame = clean_frame()
    keep = {"sex", "age_band", "education", "respondent_id", "started_at", "ended_at"}
    frame.loc[3, [c for c in frame.columns if c not in keep]] = pd.NA
    frame.loc[3, "library_visit"] = "0"  # so library_frequency does not apply
    report = validate(frame, INSTRUMENT)
    # 44 answer questions count (not start/end, not the 2 open-text ones);
    # library_frequency does not apply after "no", skills not without a "yes" to
    # internet_use: 42 apply, 4 answered (sex, age_band, education, library_visit)
    assert triples(report, "high_item_nonresponse") == [("warning", 3, None, "38/42")]
    assert "na 38 z 42 pytań" in report.findings[0].pl
    assert "90%" in report.findings[0].pl


def test_high_item_nonresponse_per_question_counts_only_those_it_applies_to():
    frame = clean_frame()
    frame.loc[[2, 3, 4, 5, 6], "district"] = pd.NA  # 5 of 8
    visitors = frame.index[frame["library_visit"] == "1"]  # 4 rows
    frame.loc[visitors[:2], "library_frequency"] = pd.NA  # 2 of 4: not more than half
    report = validate(frame, INSTRUMENT)
    assert triples(report, "high_item_nonresponse") == [("warning", None, "district", "62%")]
    assert "nie odpowiedziało 62% osób (5 z 8)" in report.findings[0].pl

    frame.loc[visitors[2], "library_frequency"] = pd.NA  # 3 of 4
    report = validate(frame, INSTRUMENT)
    freq = [f for f in report.findings if f.column == "library_frequency"]
    assert [(f.code, f.value) for f in freq] == [("high_item_nonresponse", "75%")]
    assert "3 z 4, spośród osób, których dotyczyło" in freq[0].pl


def test_reader_warnings_are_passed_on():
    warnings = (("Plik miał dwa wiersze nagłówka.", "The file had two header rows."),)
    report = validate(responses(clean_frame(), warnings=warnings), INSTRUMENT)
    assert [(f.code, f.severity, f.file, f.pl) for f in report.findings] == [
        ("read_warning", "warning", "ankiety.xlsx", "Plik miał dwa wiersze nagłówka.")
    ]


def test_permuting_rows_changes_nothing_but_the_order():
    frame = clean_frame(10)
    frame.loc[3, "sex"] = "x"
    frame.loc[7, "trust"] = 20
    frame.loc[9, "age_band"] = pd.NA
    shuffled = frame.sample(frac=1, random_state=3)

    def key(f: Finding):
        return (f.code, f.row, f.column, str(f.value))

    a = sorted(map(key, validate(frame, INSTRUMENT).findings))
    b = sorted(map(key, validate(shuffled, INSTRUMENT).findings))
    assert a == b


# -------------------------------------------------------------------- messages


def messy_frame() -> pd.DataFrame:
    """A frame that trips every check at least once."""
    frame = clean_frame(10)
    frame = frame.drop(columns=["education", "needs__housing"])
    frame["trust"] = frame["trust"].astype(object)
    frame["extra"] = "x"
    frame.loc[2, "sex"] = "kobieta"
    frame.loc[3, "trust"] = 11
    frame.loc[4, "trust"] = "dużo"
    frame.loc[5, "life_in_town"] = pd.NA
    frame.loc[5, "trust"] = "2.5"
    frame.loc[6, "needs__jobs"] = 3
    frame.loc[7, ["needs__jobs", "needs__roads", "needs__childcare"]] = 1
    frame.loc[[8, 9], "respondent_id"] = "dup"
    frame.loc[10, "age_band"] = pd.NA
    answers = [c for c in frame.columns if c not in ("respondent_id", "started_at", "ended_at")]
    frame.loc[11, answers] = pd.NA
    frame.loc[3, [q.name for q in INSTRUMENT.by_construct("satisfaction")]] = "5"
    frame.loc[4, "ended_at"] = frame.loc[4, "started_at"] + pd.Timedelta(seconds=30)
    frame.loc[6, "ended_at"] = frame.loc[6, "started_at"] - pd.Timedelta(seconds=30)
    keep = {"sex", "age_band", "respondent_id", "started_at", "ended_at"}
    frame.loc[9, [c for c in frame.columns if c not in keep]] = pd.NA
    return frame


def test_messy_frame_trips_every_check():
    report = validate(responses(messy_frame()), INSTRUMENT)
    assert set(report.codes()) == {
        "missing_column",
        "unknown_column",
        "value_not_in_choices",
        "not_a_number",
        "not_an_integer",
        "out_of_range",
        "too_many_choices",
        "duplicate_id",
        "required_missing",
        "empty_row",
        "straight_lining",
        "too_fast",
        "end_before_start",
        "high_item_nonresponse",
    }
    severities = [f.severity for f in report.findings]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)


def test_messages_in_both_languages_with_polish_letters():
    report = validate(responses(messy_frame()), INSTRUMENT)
    for f in report.findings:
        assert f.pl and f.en and f.pl != f.en, f
        assert POLISH.search(f.pl), f"no Polish letters in {f.code}: {f.pl}"
        assert f.pl.endswith("."), f.pl
        assert f.en.endswith("."), f.en
        for lang in ("pl", "en"):
            message = f.message(lang)
            assert message.startswith("ankiety.xlsx")
            assert message.endswith(f.text(lang))
    row_finding = next(f for f in report.findings if f.row is not None)
    assert f"wiersz {row_finding.row}" in row_finding.message("pl")
    assert f"row {row_finding.row}" in row_finding.message("en")


def test_to_frame():
    report = validate(responses(messy_frame()), INSTRUMENT)
    table = report.to_frame()
    assert table.columns.tolist() == FRAME_COLUMNS
    assert len(table) == len(report.findings)
    assert table["row"].dtype == "Int64"
    assert table["file"].eq("ankiety.xlsx").all()
    duplicates = table[table["code"] == "duplicate_id"]
    assert duplicates["row"].tolist() == [8, 9]
    assert duplicates["value"].tolist() == ["dup", "dup"]
    assert table["message_pl"].str.len().gt(0).all()
    assert ValidationReport((), None, 0).to_frame().columns.tolist() == FRAME_COLUMNS


def test_summary_uses_polish_plurals():
    def report(n_errors: int, n_warnings: int, n_rows: int) -> ValidationReport:
        e = Finding(code="x", severity="error", pl="Źle.", en="Wrong.")
        w = Finding(code="y", severity="warning", pl="Uwaga.", en="Note.")
        return ValidationReport((e,) * n_errors + (w,) * n_warnings, "a.csv", n_rows)

    assert report(1, 1, 1).summary("pl") == "a.csv: 1 wiersz; 1 błąd, 1 ostrzeżenie."
    assert report(3, 2, 22).summary("pl") == "a.csv: 22 wiersze; 3 błędy, 2 ostrzeżenia."
    assert report(5, 12, 112).summary("pl") == "a.csv: 112 wierszy; 5 błędów, 12 ostrzeżeń."
    assert report(1, 2, 1).summary("en") == "a.csv: 1 row; 1 error, 2 warnings."


def test_render_groups_by_problem_and_names_rows():
    frame = clean_frame(12)
    for row in range(2, 10):
        frame.loc[row, "sex"] = "k"
    frame.loc[11, "age_band"] = pd.NA
    report = validate(responses(frame), INSTRUMENT)
    text = report.render("pl", max_per_code=3)
    lines = text.splitlines()
    assert lines[0] == "ankiety.xlsx: 12 wierszy; 9 błędów."
    assert "BŁĘDY — trzeba je poprawić przed analizą" in lines
    assert "* Odpowiedzi spoza listy odpowiedzi: 8 przypadków w 8 wierszach." in lines
    assert "  - wiersz 2, kolumna 'sex' (wartość 'k'): Tej odpowiedzi nie ma" in text
    assert "wiersz 4, kolumna 'sex'" in text
    assert "wiersz 5, kolumna 'sex'" not in text  # beyond max_per_code
    assert "  ... i jeszcze 5 przypadków tego rodzaju." in lines
    assert "* Brak odpowiedzi na pytania obowiązkowe: 1 przypadek w 1 wierszu." in lines
    assert "wiersz 11, kolumna 'age_band'" in text
    assert "Uzupełnij" in text  # says what to do
    assert "ankiety.xlsx, wiersz" not in text  # the file is named once, at the top
    english = report.render("en", max_per_code=3)
    assert "* Answers that are not on the list of choices: 8 cases in 8 rows." in english
    assert "  ... and 5 more cases of this kind." in english
    assert "row 11, column 'age_band'" in english


def test_raise_for_errors_carries_the_first_location():
    frame = clean_frame()
    frame.loc[4, "sex"] = "x"
    frame.loc[6, "trust"] = 40
    report = validate(responses(frame), INSTRUMENT)
    with pytest.raises(ValidationError) as caught:
        report.raise_for_errors("pl")
    err = caught.value
    assert (err.file, err.row, err.column, err.value) == ("ankiety.xlsx", 4, "sex", "x")
    assert str(err).startswith("ankiety.xlsx, wiersz 4, kolumna 'sex' (wartość 'x'): ")
    assert "Łącznie znaleziono 2 błędy" in err.pl
    assert "2 errors were found in all" in err.message("en")


def test_raise_for_errors_passes_a_report_without_errors():
    frame = clean_frame()
    frame["extra"] = 1  # only a warning
    report = validate(frame, INSTRUMENT)
    assert report.warnings and not report.errors
    assert report.raise_for_errors() is report


def test_wrong_argument_types():
    with pytest.raises(TypeError):
        validate([1, 2], INSTRUMENT)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        validate(clean_frame(), "resident_survey.xlsx")  # type: ignore[arg-type]


# ------------------------------------------------------------------ scale
# Speed is measured in benchmarks/validation.py, not here.


def test_hundred_thousand_rows_find_every_planted_error():
    rng = np.random.default_rng(7)
    small = clean_frame(100)
    frame = small.iloc[rng.integers(0, 100, 100_000)].copy()
    frame.index = pd.RangeIndex(2, 100_002, name="row")
    frame["respondent_id"] = pd.array([f"r{i}" for i in range(100_000)], dtype="string")
    frame.loc[frame.index[::100], "sex"] = "kobieta"
    frame.loc[frame.index[::1000], "trust"] = 99
    report = validate(frame, INSTRUMENT)
    assert len(report.errors) == 1000 + 100
    bad_sex = [f.row for f in report.errors if f.column == "sex"]
    assert bad_sex == list(frame.index[::100])


# ------------------------------------------------ town folders: values that would break the report


def demo_copy(tmp_path: Path, rows: int | None = None, **yaml_changes: str) -> Path:
    """A copy of the Kwidzyn demo town (no wave 2), optionally cut to ``rows`` respondents.

    ``yaml_changes`` replace whole lines of town.yaml that start with the key, e.g.
    ``population="population: 100"``.
    """
    import csv
    import shutil

    from diagnosis.town import TOWNS_DIR

    folder = tmp_path / "kwidzyn"
    shutil.copytree(TOWNS_DIR / "kwidzyn", folder, ignore=shutil.ignore_patterns("wave2"))
    data = folder / "kobo_diagnoza_mieszkancow.csv"
    if rows is not None:
        with data.open(newline="", encoding="utf-8") as handle:
            table = list(csv.reader(handle))
        with data.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows(table[: rows + 1])
    config = folder / "town.yaml"
    text = config.read_text(encoding="utf-8")
    for old, new in yaml_changes.items():
        text, n = re.subn(
            rf"(?m)^(\s*-?\s*){re.escape(old)}.*$", lambda m, new=new: m.group(1) + new, text
        )
        assert n, old
    config.write_text(text, encoding="utf-8")
    return folder


def coded(result, code: str) -> list[Finding]:
    return [f for f in result.findings() if f.code == code]


def test_the_demo_copy_is_clean():
    import tempfile

    from diagnosis.validate import validate_town

    with tempfile.TemporaryDirectory() as tmp:
        result = validate_town(demo_copy(Path(tmp)))
        assert result.ok and result.n_respondents == 308
        assert not coded(result, "too_few_respondents")


def test_a_header_only_response_file_is_an_error(tmp_path):
    from diagnosis.validate import validate_town

    result = validate_town(demo_copy(tmp_path, rows=0))
    assert not result.ok and result.n_respondents == 0
    (found,) = coded(result, "no_rows")
    assert (found.severity, found.file, found.row) == ("error", "kobo_diagnoza_mieszkancow.csv", 2)
    assert "nie ma żadnej ankiety" in found.pl and "no responses" in found.en
    assert "Pliki bez żadnej ankiety" in result.render("pl")
    assert [f.code for f in result.config.findings] == []  # not eight empty groups on top


def test_population_contradicting_the_margins_is_an_error(tmp_path):
    from diagnosis.validate import validate_town

    result = validate_town(demo_copy(tmp_path, population="population: 100"))
    assert not result.ok
    (found,) = coded(result, "population_margins_mismatch")
    assert (found.severity, found.file, found.column, found.value) == (
        "error", "town.yaml", "population", 100
    )  # fmt: skip
    assert "100" in found.pl and "31 410" in found.pl and "31,410" in found.en
    # within 5% (rounding) is fine
    near = validate_town(demo_copy(tmp_path / "near", population="population: 31000"))
    assert near.ok and not coded(near, "population_margins_mismatch")


def test_more_respondents_than_residents_is_an_error(tmp_path):
    from diagnosis.validate import validate_town

    cells = {
        "- {age_band: '18_29', sex: female": "- {age_band: '18_29', sex: female, population: 20}"
    }
    folder = demo_copy(tmp_path, rows=60, population="population: 27", **cells)
    text = (folder / "town.yaml").read_text(encoding="utf-8")
    text = re.sub(r"population: \d{3,}\}", "population: 1}", text)
    (folder / "town.yaml").write_text(text, encoding="utf-8")
    result = validate_town(folder)
    (found,) = coded(result, "population_below_sample")
    assert (found.severity, found.column, found.value) == ("error", "population", 27)
    assert not coded(result, "population_margins_mismatch")  # 20 + 7 x 1 = 27
    assert "60" in found.pl and "60" in found.en


def test_a_whole_age_band_without_respondents_or_without_residents_is_an_error(tmp_path):
    from diagnosis.validate import validate_town

    folder = demo_copy(tmp_path)
    data = folder / "kobo_diagnoza_mieszkancow.csv"
    lines = data.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [lines[0]] + [ln for ln in lines[1:] if ",18_29," not in ln]
    data.write_text("".join(kept), encoding="utf-8")
    result = validate_town(folder)
    assert not result.ok
    (found,) = coded(result, "margin_group_no_sample")
    assert (found.severity, found.column, found.value) == (
        "error", "margins.cells", "age_band=18_29"
    )  # fmt: skip
    assert "4 850" in found.pl and "18_29" in found.en
    assert not [f for f in coded(result, "margin_cell_no_sample") if "18_29" in f.value]

    zero = demo_copy(tmp_path / "zero")
    text = (zero / "town.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(age_band: '18_29', sex: \w+, population: )\d+", r"\g<1>0", text)
    (zero / "town.yaml").write_text(text, encoding="utf-8")
    result = validate_town(zero)
    (found,) = coded(result, "margin_group_zero")
    assert (found.severity, found.value) == ("error", "age_band=18_29")
    assert "nie ma mieszkańców" in found.pl


def test_five_respondents_are_a_warning_not_an_error(tmp_path):
    from diagnosis.validate import validate_town

    result = validate_town(demo_copy(tmp_path, rows=5))
    assert result.ok and result.n_respondents == 5
    (found,) = coded(result, "too_few_respondents")
    assert found.severity == "warning" and found.value == 5
    assert "mniej niż 10" in found.pl and "fewer than 10" in found.en
    # the groups nobody answered in stay warnings: there is nothing to weight
    assert all(f.severity == "warning" for f in coded(result, "margin_group_no_sample"))


# ---------------------------------------- #14: dates outside the fieldwork, repeated responses


def _raw_starts(folder: Path) -> pd.Series:
    """The Kobo 'start' column of the demo copy, as written, in Polish time."""
    raw = pd.read_csv(folder / "kobo_diagnoza_mieszkancow.csv", dtype=str)
    starts = pd.to_datetime(raw["start"], utc=True, format="ISO8601")
    return starts.dt.tz_convert("Europe/Warsaw").dt.tz_localize(None).set_axis(raw.index + 2)


def test_responses_before_the_fieldwork_start_are_one_located_warning_per_file(tmp_path):
    from diagnosis.validate import validate_town

    folder = demo_copy(tmp_path, start="start: 2026-04-10", end="end: 2026-04-20")
    starts = _raw_starts(folder)
    before = starts[starts < pd.Timestamp("2026-04-10")]
    after = starts[starts >= pd.Timestamp("2026-04-21")]
    assert (len(before), len(after)) == (179, 34)  # hundreds of rows: still one finding
    result = validate_town(folder)
    assert result.ok  # a warning: the analysis can go on
    (found,) = coded(result, "outside_fieldwork")
    first = min(before.index[0], after.index[0])
    assert (found.severity, found.file, found.row, found.column) == (
        "warning", "kobo_diagnoza_mieszkancow.csv", first, "started_at"
    )  # fmt: skip
    assert found.value == starts[first].strftime("%Y-%m-%d %H:%M")
    assert ": 213 ankiet, w tym 179 ankiet sprzed początku i 34 ankiety po końcu." in found.pl
    assert ": 213 responses, 179 responses before the start and 34 responses after" in found.en
    assert "od 2026-04-10 do 2026-04-20" in found.pl and "2026-04-10 to 2026-04-20" in found.en
    # the first ten rows with their dates, then how many more
    outside = sorted([*before.index, *after.index])
    listed = ", ".join(f"{r} ({starts[r].strftime('%Y-%m-%d %H:%M')})" for r in outside[:10])
    assert listed in found.pl and listed in found.en
    assert f"{listed} i jeszcze 203 wiersze." in found.pl
    assert f"{listed} and 203 more rows." in found.en
    assert "Ankiety z datą spoza okresu badania: 1 przypadek" in result.render("pl")


def test_inside_the_fieldwork_nothing_is_said_and_a_late_submission_has_a_grace():
    import datetime as dt

    def frame(column: str, stamps: list[str], tz: str | None) -> pd.DataFrame:
        data = clean_frame(3).drop(columns=["started_at", "ended_at"])
        times = pd.to_datetime(stamps)
        data[column] = times.tz_localize(tz) if tz else times
        return data

    period = (dt.date(2026, 3, 2), dt.date(2026, 3, 14))
    # 23:30 UTC on the last day is 00:30 on 15 March in Poland
    late = ["2026-03-02 10:00", "2026-03-14 23:30", "2026-03-10 12:00"]
    submitted = validate(frame("submitted_at", late, "UTC"), INSTRUMENT, fieldwork=period)
    assert "outside_fieldwork" not in only_codes(submitted)  # finished on the last evening
    started = validate(frame("started_at", late, "UTC"), INSTRUMENT, fieldwork=period)
    assert triples(started, "outside_fieldwork") == [
        ("warning", 3, "started_at", "2026-03-15 00:30")
    ]
    assert "1 ankieta, w tym 1 ankieta po końcu" in started.findings[0].pl
    # six hours after the last day a submission is outside too; naive times are Polish time
    naive = ["2026-03-01 23:59", "2026-03-15 06:00", "2026-03-15 05:59"]
    report = validate(frame("submitted_at", naive, None), INSTRUMENT, fieldwork=period)
    (found,) = [f for f in report.findings if f.code == "outside_fieldwork"]
    assert (found.row, found.column, found.value) == (2, "submitted_at", "2026-03-01 23:59")
    assert "2 ankiety, w tym 1 ankieta sprzed początku i 1 ankieta po końcu" in found.pl
    assert "2 (2026-03-01 23:59), 3 (2026-03-15 06:00)" in found.pl
    # no fieldwork given: no check
    assert "outside_fieldwork" not in only_codes(
        validate(frame("started_at", naive, None), INSTRUMENT)
    )


def _with_copies(frame: pd.DataFrame, copies: dict[int, int]) -> pd.DataFrame:
    """``frame`` with row ``target`` made a copy of row ``source`` (ids kept different)."""
    out = frame.copy()
    for target, source in copies.items():
        ids = out.loc[target, "respondent_id"]
        out.loc[target] = out.loc[source]
        out.loc[target, "respondent_id"] = ids
    return out


def test_a_repeated_response_within_a_file_is_one_warning_with_its_rows():
    frame = _with_copies(clean_frame(8), {5: 2, 8: 3})
    report = validate(responses(frame), INSTRUMENT)
    assert report.ok
    assert triples(report, "duplicate_response") == [("warning", 5, None, 2)]
    (found,) = [f for f in report.findings if f.code == "duplicate_response"]
    assert "ten sam czas wypełnienia i te same odpowiedzi" in found.pl
    assert ": 2 wiersze. Wiersze: 5 = wiersz 2, 8 = wiersz 3." in found.pl
    assert ": 2 rows. Rows: 5 = row 2, 8 = row 3." in found.en
    # the same answers at another time are two people
    other_time = frame.copy()
    other_time.loc[5, "started_at"] += pd.Timedelta(seconds=1)
    other_time.loc[8, "ended_at"] += pd.Timedelta(seconds=1)
    assert "duplicate_response" not in only_codes(validate(other_time, INSTRUMENT))
    # one answer different: not a copy
    one_answer = frame.copy()
    one_answer.loc[5, "sex"] = "male" if frame.loc[5, "sex"] != "male" else "female"
    one_answer.loc[8, "trust"] = (frame.loc[8, "trust"] + 1) % 11
    assert "duplicate_response" not in only_codes(validate(one_answer, INSTRUMENT))


def test_many_repeated_rows_are_counted_in_one_finding_with_polish_plurals():
    for k, words in ((1, "1 wiersz"), (5, "5 wierszy"), (22, "22 wiersze")):
        base = clean_frame(30)
        frame = pd.concat([base, base.iloc[:k].set_axis(range(32, 32 + k))])
        frame.index.name = "row"
        report = validate(frame, INSTRUMENT)
        (found,) = [f for f in report.findings if f.code == "duplicate_response"]
        assert (found.row, found.value) == (32, k)
        assert f": {words}. Wiersze: 32 = wiersz 2" in found.pl
        rest = k - 10
        if rest > 0:
            assert f"i jeszcze {rest} wierszy" in found.pl and f"and {rest} more rows" in found.en
        # every repeated row is still an id error as before
        assert len([f for f in report.findings if f.code == "duplicate_id"]) == 2 * k


def test_without_a_time_stamp_only_a_long_enough_answer_sheet_counts_as_a_copy():
    from diagnosis.validate.responses import DUPLICATE_MIN_ANSWERS

    frame = _with_copies(clean_frame(8), {6: 4}).drop(columns=["started_at", "ended_at"])
    report = validate(frame, INSTRUMENT)
    assert triples(report, "duplicate_response") == [("warning", 6, None, 1)]
    found = next(f for f in report.findings if f.code == "duplicate_response")
    assert "plik nie ma czasu wypełnienia" in found.pl and "no time stamp" in found.en
    assert f"co najmniej {DUPLICATE_MIN_ANSWERS} pytaniach" in found.pl
    # the same few answers are a coincidence, not a copy: leave all but 14 questions empty
    answers = [q for q in INSTRUMENT.questions if q.name in frame.columns][
        : DUPLICATE_MIN_ANSWERS - 1
    ]
    keep = {q.name for q in answers} | {"respondent_id"}
    short = frame[[c for c in frame.columns if c in keep]]
    assert "duplicate_response" not in only_codes(validate(short, INSTRUMENT))
    # a date without a time of day (midnight) is no time stamp either
    dated = short.assign(submitted_at=pd.Timestamp("2026-03-02"))
    assert "duplicate_response" not in only_codes(validate(dated, INSTRUMENT))
    timed = short.assign(submitted_at=pd.Timestamp("2026-03-02 10:15:07"))
    assert triples(validate(timed, INSTRUMENT), "duplicate_response") == [
        ("warning", 6, None, 1)
    ]  # with a time stamp even a short answer sheet is compared


def test_the_same_response_file_listed_twice_is_an_error_and_counted_once(tmp_path):
    from diagnosis.clean import clean_town
    from diagnosis.validate import validate_town

    name = "kobo_diagnoza_mieszkancow.csv"
    single = validate_town(demo_copy(tmp_path / "one"))
    twice = validate_town(
        demo_copy(tmp_path / "two", **{f"file: {name}": f"file: {name}\n- file: {name}"})
    )
    assert [c.path.name for c in twice.files] == [name, name]
    assert not twice.ok
    (found,) = coded(twice, "duplicate_file")
    assert (found.severity, found.file, found.column, found.value) == (
        "error", "town.yaml", "responses[2]", name
    )  # fmt: skip
    assert "podany więcej niż raz" in found.pl and "(308 wierszy)" in found.pl
    assert "listed more than once" in found.en and "(308 rows)" in found.en
    assert found in twice.files[1].report.findings and twice.files[0].report.ok
    assert not coded(twice, "duplicate_response")  # one clear message, not 308
    assert (twice.n_respondents, twice.n_duplicates, twice.n_distinct) == (616, 308, 308)
    text = twice.render("pl")
    assert "Razem: 308 ankiet (powtórzone wiersze, których analiza nie liczy: 308)" in text
    assert "Pliki, które powtarzają inny plik z odpowiedziami: 1 przypadek" in text
    assert "In all: 308 respondents (repeated rows the analysis does not count: 308)" in (
        twice.render("en")
    )
    # the counts the report works with: the cleaned n is the single file's
    cleaned_single, cleaned_twice = clean_town(single), clean_town(twice)
    assert cleaned_twice.n == cleaned_single.n == single.n_distinct
    row = cleaned_twice.log.set_index("step").loc["drop_duplicate_responses"]
    assert (row["rows_before"], row["rows_after"]) == (616, 308)
    ex = cleaned_twice.excluded
    assert len(ex) == 308 and (ex["step"] == "drop_duplicate_responses").all()
    assert ex["source_row"].tolist() == list(range(2, 310))
    assert ex["reason_pl"].iloc[0].endswith(f"zachowano pierwsze wystąpienie ({name}, wiersz 2).")


def test_the_same_export_under_another_name_and_an_older_export_are_errors(tmp_path):
    import csv

    from diagnosis.clean import clean_town
    from diagnosis.validate import validate_town

    name = "kobo_diagnoza_mieszkancow.csv"
    folder = demo_copy(tmp_path, **{f"file: {name}": f"file: {name}\n- file: kopia.csv"})
    (folder / "kopia.csv").write_bytes((folder / name).read_bytes())
    result = validate_town(folder)
    (found,) = coded(result, "duplicate_file")
    assert (found.severity, found.file, found.column, found.value) == (
        "error", "kopia.csv", None, name
    )  # fmt: skip
    assert f"jest już w pliku {name}" in found.pl and f"already in {name}" in found.en
    assert "Usuń ten wpis (kopia.csv)" in found.pl
    assert result.n_distinct == 308 and clean_town(result).n == 308

    # an older export (the first 100 responses) listed before the newer one that holds it
    older = tmp_path / "older"
    folder = demo_copy(older, **{f"file: {name}": f"file: stary.csv\n- file: {name}"})
    with (folder / name).open(newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    with (folder / "stary.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(table[:101])
    result = validate_town(folder)
    assert not result.ok
    (found,) = coded(result, "duplicate_file")
    assert (found.file, found.value) == ("stary.csv", name)
    assert f"(100 wierszy) jest też w pliku {name}, podanym w town.yaml dalej" in found.pl
    assert "Usuń stary.csv z listy responses" in found.pl
    assert not coded(result, "duplicate_response")
    assert (result.n_respondents, result.n_distinct) == (408, 308)
    assert clean_town(result).n == 308


def test_files_that_overlap_in_part_are_a_warning_in_the_later_file(tmp_path):
    import csv

    from diagnosis.clean import clean_town
    from diagnosis.validate import validate_town

    name = "kobo_diagnoza_mieszkancow.csv"
    folder = demo_copy(tmp_path, **{f"file: {name}": "file: a.csv\n- file: b.csv"})
    with (folder / name).open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    for file, part in (("a.csv", rows[:200]), ("b.csv", rows[190:])):
        with (folder / file).open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows([header, *part])
    (folder / name).unlink()
    result = validate_town(folder)
    assert result.ok  # a warning: the cleaning leaves the 10 repeats out
    (found,) = coded(result, "duplicate_response")
    assert (found.severity, found.file, found.row, found.value) == ("warning", "b.csv", 2, 10)
    assert "co wiersz pliku a.csv" in found.pl and ": 10 wierszy." in found.pl
    assert "2 = a.csv, wiersz 192, 3 = a.csv, wiersz 193" in found.pl
    assert "2 = a.csv, row 192" in found.en
    assert not coded(result, "duplicate_file")
    assert (result.n_respondents, result.n_duplicates, result.n_distinct) == (318, 10, 308)
    cleaned = clean_town(result)
    assert cleaned.n == 308
    ex = cleaned.excluded
    assert ex["source_file"].tolist() == ["b.csv"] * 10
    assert ex["source_row"].tolist() == list(range(2, 12))
    assert "(a.csv, wiersz 192)" in ex["reason_pl"].iloc[0]


def test_the_demo_towns_have_no_repeated_or_out_of_fieldwork_responses():
    from diagnosis import find_towns
    from diagnosis.validate import validate_town

    for folder in find_towns():
        result = validate_town(folder)
        codes = {f.code for f in result.findings()}
        assert not codes & {"outside_fieldwork", "duplicate_response", "duplicate_file"}, folder
        assert result.n_duplicates == 0
