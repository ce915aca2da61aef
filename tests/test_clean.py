"""diagnosis.clean: the cleaning steps and the numeric scores.

Dirty files are made from a real demo file (Kwidzyn, Kobo CSV) by changing a
few cells, so every step meets the canonical frame as the readers produce it.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from diagnosis import find_towns, load_instrument, load_town, read_responses
from diagnosis.clean import (
    SKILLS_LEVELS,
    STEPS,
    Cleaned,
    CleaningError,
    clean_responses,
    numeric_codes,
    scale_score,
    scored,
    skills_level,
)
from diagnosis.demo import planted_personal_items
from diagnosis.errors import DiagnosisError
from diagnosis.read import Responses

ROOT = Path(__file__).resolve().parents[1]
INSTRUMENT = load_instrument(ROOT / "surveys" / "instruments" / "resident_survey.xlsx")
TOWNS = ROOT / "surveys" / "towns"
LOG_COLUMNS = ["step", "rows_before", "rows_after", "values_changed", "pl", "en"]


@pytest.fixture(scope="module")
def kwidzyn() -> Responses:
    return read_responses(TOWNS / "kwidzyn" / "kobo_diagnoza_mieszkancow.csv", INSTRUMENT)


def with_data(r: Responses, data: pd.DataFrame, name: str | None = None) -> Responses:
    path = r.path if name is None else r.path.with_name(name)
    return dataclasses.replace(r, data=data, path=path)


def log_row(cleaned: Cleaned, step: str) -> pd.Series:
    return cleaned.log.set_index("step").loc[step]


# ------------------------------------------------------------------ structure


def test_clean_demo_file_keeps_everyone_and_logs_every_step(kwidzyn):
    before = kwidzyn.data.copy()
    cleaned = clean_responses([kwidzyn], INSTRUMENT)
    pd.testing.assert_frame_equal(kwidzyn.data, before)  # input untouched
    assert cleaned.log.columns.tolist() == LOG_COLUMNS
    assert cleaned.log["step"].tolist() == list(STEPS)
    assert cleaned.n == kwidzyn.n
    assert isinstance(cleaned.data.index, pd.RangeIndex)
    assert cleaned.data.index.equals(pd.RangeIndex(kwidzyn.n))
    assert cleaned.data.columns[-2:].tolist() == ["source_file", "source_row"]
    assert set(kwidzyn.data.columns) <= set(cleaned.data.columns)
    assert (cleaned.data["source_file"] == "kobo_diagnoza_mieszkancow.csv").all()
    assert cleaned.data["source_row"].tolist() == kwidzyn.data.index.tolist()
    assert cleaned.excluded.empty
    assert cleaned.excluded.columns[:4].tolist() == [
        "source_file",
        "source_row",
        "reason_pl",
        "reason_en",
    ]
    # a step that changes nothing is still there, saying so
    unchanged = cleaned.log.set_index("step").drop(index="redact")
    assert (unchanged["rows_before"] == unchanged["rows_after"]).all()
    assert (unchanged["values_changed"] == 0).all()
    assert unchanged["pl"].str.len().gt(10).all() and unchanged["en"].str.len().gt(10).all()
    with pytest.raises(dataclasses.FrozenInstanceError):
        cleaned.data = None  # type: ignore[misc]


def test_no_files_is_an_error_a_person_can_read():
    with pytest.raises(CleaningError) as err:
        clean_responses([], INSTRUMENT)
    assert isinstance(err.value, DiagnosisError)
    assert "pliku" in err.value.message("pl") and "file" in err.value.message("en")


def test_rows_trace_back_to_file_and_spreadsheet_row(kwidzyn):
    first = with_data(kwidzyn, kwidzyn.data.iloc[:5], "czesc_1.csv")
    second_data = kwidzyn.data.iloc[5:9].copy()
    second_data.index = pd.Index([2, 3, 4, 5], name="row")
    second = with_data(kwidzyn, second_data, "czesc_2.xlsx")
    cleaned = clean_responses([first, second], INSTRUMENT)
    assert cleaned.data["source_file"].tolist() == ["czesc_1.csv"] * 5 + ["czesc_2.xlsx"] * 4
    assert cleaned.data["source_row"].tolist() == [2, 3, 4, 5, 6, 2, 3, 4, 5]
    assert log_row(cleaned, "combine")["pl"] == "Połączono 2 pliki z odpowiedziami: 9 wierszy."
    assert log_row(cleaned, "combine")["en"] == "Combined 2 response files: 9 rows."


def test_files_with_different_columns_combine(kwidzyn):
    first = with_data(kwidzyn, kwidzyn.data.iloc[:3].drop(columns=["idea", "meta_notes"]), "a.csv")
    second = with_data(kwidzyn, kwidzyn.data.iloc[3:6], "b.csv")
    cleaned = clean_responses([first, second], INSTRUMENT)
    assert cleaned.n == 6
    assert cleaned.data["idea"].iloc[:3].isna().all()
    assert cleaned.data["sex"].notna().all()


# ------------------------------------------------------------------ empty rows


def test_empty_rows_are_dropped_listed_and_logged(kwidzyn):
    data = kwidzyn.data.iloc[:10].copy()
    answers = [c for c in INSTRUMENT.columns() if c in data.columns and c != "started_at"]
    answers = [c for c in answers if c not in ("started_at", "ended_at")]
    data.loc[[3, 6], answers] = pd.NA  # metadata (ids, times) still filled in
    data.loc[6, "problem"] = "   "  # a blank answer is no answer
    cleaned = clean_responses([with_data(kwidzyn, data)], INSTRUMENT)
    row = log_row(cleaned, "drop_empty")
    assert (row["rows_before"], row["rows_after"]) == (10, 8)
    assert row["pl"] == "Usunięto 2 puste wiersze (bez żadnej odpowiedzi)."
    assert row["en"] == "Removed 2 empty rows (no answer at all)."
    ex = cleaned.excluded
    assert ex["source_row"].tolist() == [3, 6]
    assert (ex["step"] == "drop_empty").all()
    assert ex["reason_en"].str.contains("no answer").all()
    assert 3 not in cleaned.data["source_row"].tolist()


# ------------------------------------------------------------------ repeated ids


def test_repeated_ids_keep_the_first_even_across_files(kwidzyn):
    a = kwidzyn.data.iloc[:4].copy()
    b = kwidzyn.data.iloc[4:7].copy()
    b.loc[b.index[0], "respondent_id"] = " " + str(a.loc[a.index[1], "respondent_id"]) + " "
    b.loc[b.index[1], "respondent_id"] = pd.NA  # no id: kept
    cleaned = clean_responses(
        [with_data(kwidzyn, a, "a.csv"), with_data(kwidzyn, b, "b.csv")], INSTRUMENT
    )
    row = log_row(cleaned, "drop_duplicate_ids")
    assert (row["rows_before"], row["rows_after"]) == (7, 6)
    assert row["pl"].startswith("Usunięto 1 wiersz z powtórzonym identyfikatorem")
    [ex] = cleaned.excluded.itertuples()
    assert (ex.source_file, ex.source_row) == ("b.csv", b.index[0])
    assert "a.csv, wiersz 3" in ex.reason_pl and "a.csv, row 3" in ex.reason_en


def test_without_an_id_column_repeats_are_not_checked(kwidzyn):
    data = kwidzyn.data.iloc[:4].drop(columns=["respondent_id"])
    cleaned = clean_responses([with_data(kwidzyn, data)], INSTRUMENT)
    row = log_row(cleaned, "drop_duplicate_ids")
    assert row["rows_after"] == 4 and "nie sprawdzano" in row["pl"]


# ------------------------------------------------------------------ repeated responses (#14)


def test_the_same_file_twice_is_cleaned_to_the_single_files_n(kwidzyn):
    once = clean_responses([kwidzyn], INSTRUMENT)
    twice = clean_responses([kwidzyn, kwidzyn], INSTRUMENT)
    assert twice.n == once.n == kwidzyn.n == 308
    row = log_row(twice, "drop_duplicate_responses")
    assert (row["rows_before"], row["rows_after"]) == (616, 308)
    assert row["pl"].startswith("Usunięto 308 powtórzonych ankiet (ten sam czas wypełnienia")
    assert row["pl"].endswith("Z pliku: kobo_diagnoza_mieszkancow.csv: 308.")
    assert row["en"].startswith("Removed 308 repeated responses (the same time stamp")
    # the copies went here, not to the id step (their ids repeat too)
    assert log_row(twice, "drop_duplicate_ids")["rows_after"] == 308
    ex = twice.excluded
    assert (ex["step"] == "drop_duplicate_responses").all() and len(ex) == 308
    assert ex["source_row"].tolist() == kwidzyn.data.index.tolist()
    assert ex["reason_pl"].iloc[0] == (
        "Powtórzona ankieta (ten sam czas wypełnienia i te same odpowiedzi na każde pytanie); "
        "zachowano pierwsze wystąpienie (kobo_diagnoza_mieszkancow.csv, wiersz 2)."
    )
    assert (
        ex["reason_en"]
        .iloc[5]
        .endswith("the first occurrence was kept (kobo_diagnoza_mieszkancow.csv, row 7).")
    )
    # the cleaned data are the single file's, row for row
    pd.testing.assert_frame_equal(twice.data, once.data)
    assert "__response_key" not in twice.data.columns
    assert log_row(once, "drop_duplicate_responses")["pl"].startswith("Żadna ankieta się nie")


def test_repeated_rows_keep_the_first_and_plurals_are_right(kwidzyn):
    for k, words in (
        (1, "1 powtórzoną ankietę"),
        (3, "3 powtórzone ankiety"),
        (5, "5 powtórzonych ankiet"),
        (22, "22 powtórzone ankiety"),
    ):
        data = kwidzyn.data.iloc[:40].copy()
        copies = data.iloc[:k].set_axis(range(100, 100 + k))
        copies["respondent_id"] = [f"kopia-{i}" for i in range(k)]  # new ids: same response
        data = pd.concat([data, copies])
        cleaned = clean_responses([with_data(kwidzyn, data)], INSTRUMENT)
        row = log_row(cleaned, "drop_duplicate_responses")
        assert (row["rows_before"], row["rows_after"]) == (40 + k, 40)
        assert row["pl"].startswith(f"Usunięto {words} ")
        assert cleaned.excluded["source_row"].tolist() == list(range(100, 100 + k))
        assert cleaned.data["source_row"].tolist() == kwidzyn.data.index[:40].tolist()


def test_without_time_stamps_only_long_answer_sheets_are_copies(kwidzyn):
    data = kwidzyn.data.iloc[:6].drop(
        columns=[c for c in ("submitted_at", "started_at", "ended_at") if c in kwidzyn.data]
    )
    data = pd.concat([data, data.iloc[:2].set_axis([50, 51])])
    cleaned = clean_responses([with_data(kwidzyn, data)], INSTRUMENT)
    assert cleaned.n == 6
    assert (
        cleaned.excluded["reason_pl"]
        .iloc[0]
        .startswith(
            "Powtórzona ankieta (te same odpowiedzi na każde pytanie, bez czasu wypełnienia, przy "
            "co najmniej 15 pytaniach z odpowiedzią)"
        )
    )
    # two people giving the same answers to a short sheet are both kept
    short = data[["respondent_id", "sex", "age_band", "education", "district"]].copy()
    short["respondent_id"] = [f"r{i}" for i in range(8)]
    kept = clean_responses([with_data(kwidzyn, short)], INSTRUMENT)
    assert kept.n == 8 and log_row(kept, "drop_duplicate_responses")["rows_after"] == 8


# ------------------------------------------------------------------ text


def test_trim_whitespace_and_empty_strings(kwidzyn):
    data = kwidzyn.data.iloc[:5].copy()
    data.loc[2, "sex"] = " female "
    data.loc[3, "problem"] = "  Brak   kina\n i teatru  "
    data.loc[4, "idea"] = ""
    data.loc[5, "meta_notes"] = "\t"
    cleaned = clean_responses([with_data(kwidzyn, data)], INSTRUMENT)
    out = cleaned.data
    assert out.loc[0, "sex"] == "female"
    assert out.loc[1, "problem"] == "Brak kina i teatru"
    assert pd.isna(out.loc[2, "idea"])
    assert pd.isna(out.loc[3, "meta_notes"])
    assert out["problem"].dtype == data["problem"].dtype
    row = log_row(cleaned, "trim_text")
    assert row["values_changed"] == 4
    assert row["pl"].startswith("Poprawiono 4 wartości tekstowe")
    assert data.loc[2, "sex"] == " female "  # the input frame is not modified


def test_trim_object_columns_keeps_non_text_values(kwidzyn):
    data = kwidzyn.data.iloc[:3].copy()
    data["notatka"] = pd.Series([" a ", 5, None], index=data.index, dtype=object)
    cleaned = clean_responses([with_data(kwidzyn, data)], INSTRUMENT)
    assert cleaned.data["notatka"].tolist()[:2] == ["a", 5]


# ------------------------------------------------------------------ redaction


def test_personal_data_is_redacted_in_every_text_column_and_counted(kwidzyn):
    data = kwidzyn.data.iloc[:6].copy()
    data.loc[2, "problem"] = "Mój PESEL 44051401359, tel. 600 123 456"
    data.loc[3, "idea"] = "Piszcie: jan.kowalski@example.com albo 601-222-333"
    data.loc[4, "meta_notes"] = "Ankieter: dzwonić (58) 123 45 67"
    respondent = data.loc[5, "respondent_id"]
    cleaned = clean_responses([with_data(kwidzyn, data)], INSTRUMENT)
    out = cleaned.data
    assert out.loc[0, "problem"] == "Mój PESEL [PESEL], tel. [telefon]"
    assert out.loc[1, "idea"] == "Piszcie: [e-mail] albo [telefon]"
    assert out.loc[2, "meta_notes"] == "Ankieter: dzwonić [telefon]"
    assert out.loc[3, "respondent_id"] == respondent  # the tracing key is left alone
    assert cleaned.redacted["pesel"] == 1 and cleaned.redacted["phone"] == 3
    assert cleaned.redacted["email"] == 1 and cleaned.redacted["iban"] == 0
    row = log_row(cleaned, "redact")
    assert row["values_changed"] == 3
    assert "1 numer PESEL" in row["pl"] and "3 numery telefonów" in row["pl"]
    assert "1 adres e-mail" in row["pl"]
    assert "3 phone numbers" in row["en"]
    log_text = " ".join(cleaned.log["pl"]) + " ".join(cleaned.log["en"])
    for value in ("44051401359", "600 123 456", "jan.kowalski", "123 45 67"):
        assert value not in log_text
    assert data.loc[2, "problem"].startswith("Mój PESEL 4405")  # input untouched


@pytest.mark.parametrize("folder", find_towns(TOWNS), ids=lambda p: p.name)
def test_no_planted_personal_data_survives_cleaning_of_any_demo_town(folder):
    town = load_town(folder)
    files = [read_responses(f.path, INSTRUMENT, sheet=f.sheet) for f in town.responses]
    cleaned = clean_responses(files, INSTRUMENT)
    items = planted_personal_items(town.slug)
    text = cleaned.data.select_dtypes(include=["string", "object"]).astype("string")
    everything = "\n".join(text.stack().dropna().astype(str))
    for item in items:
        assert item.value not in everything, (town.slug, item.kind)
    expected = pd.Series([i.kind for i in items]).value_counts().to_dict()
    assert {k: v for k, v in cleaned.redacted.items() if v} == expected
    assert cleaned.n == sum(f.n for f in files)  # the demo has nothing else to clean


# ------------------------------------------------------------------ weighting variables


def test_respondents_without_sex_or_age_are_left_out_and_listed(kwidzyn):
    data = kwidzyn.data.iloc[:10].copy()
    data.loc[2, "sex"] = pd.NA
    data.loc[3, "age_band"] = pd.NA
    data.loc[4, ["sex", "age_band"]] = pd.NA
    data.loc[5, "sex"] = "K"  # not a code of the choice list: cannot be weighted either
    cleaned = clean_responses([with_data(kwidzyn, data)], INSTRUMENT)
    row = log_row(cleaned, "require_weighting")
    assert (row["rows_before"], row["rows_after"]) == (10, 6)
    assert row["pl"].startswith("Pominięto 4 osoby bez odpowiedzi potrzebnej do ważenia")
    assert "płeć: 3, wiek: 2" in row["pl"] and "sex: 3, age: 2" in row["en"]
    ex = cleaned.excluded.set_index("source_row")
    assert ex.index.tolist() == [2, 3, 4, 5]
    assert "(płeć)" in ex.loc[2, "reason_pl"] and "(wiek)" in ex.loc[3, "reason_pl"]
    assert "(płeć, wiek)" in ex.loc[4, "reason_pl"] and "(sex, age)" in ex.loc[4, "reason_en"]
    assert cleaned.data["sex"].isin(["female", "male"]).all()


def test_log_rows_chain_and_excluded_accounts_for_every_dropped_row(kwidzyn):
    data = kwidzyn.data.iloc[:12].copy()
    answers = [c for c in INSTRUMENT.columns() if c in data.columns]
    answers = [c for c in answers if c not in ("started_at", "ended_at")]
    data.loc[2, answers] = pd.NA
    data.loc[3, "respondent_id"] = data.loc[4, "respondent_id"]
    data.loc[7, "age_band"] = pd.NA
    cleaned = clean_responses([with_data(kwidzyn, data)], INSTRUMENT)
    log = cleaned.log
    assert (log["rows_after"].iloc[:-1].to_numpy() == log["rows_before"].iloc[1:].to_numpy()).all()
    dropped = log["rows_before"].iloc[0] - log["rows_after"].iloc[-1]
    assert dropped == len(cleaned.excluded) == 3
    assert cleaned.excluded["step"].tolist() == [
        "drop_empty",
        "drop_duplicate_ids",
        "require_weighting",
    ]
    kept = set(cleaned.data["source_row"])
    assert kept.isdisjoint(cleaned.excluded["source_row"])
    assert len(kept) + len(cleaned.excluded) == 12


def test_polish_plurals_in_the_log(kwidzyn):
    for k, expected in [(1, "1 pusty wiersz"), (5, "5 pustych wierszy"), (12, "12 pustych")]:
        data = kwidzyn.data.iloc[:20].copy()
        answers = [c for c in INSTRUMENT.columns() if c in data.columns]
        answers = [c for c in answers if c not in ("started_at", "ended_at")]
        data.loc[data.index[:k], answers] = pd.NA
        cleaned = clean_responses([with_data(kwidzyn, data)], INSTRUMENT)
        assert expected in log_row(cleaned, "drop_empty")["pl"]


# ------------------------------------------------------------------ scores


def test_numeric_codes_only_for_number_coded_select_one():
    assert numeric_codes(INSTRUMENT.question("coh_belong")) == {
        "1": 1.0,
        "2": 2.0,
        "3": 3.0,
        "4": 4.0,
    }
    assert numeric_codes(INSTRUMENT.question("part_volunteer")) == {"1": 1.0, "0": 0.0}
    for name in ("sex", "age_band", "books_read", "needs", "trust", "problem"):
        assert numeric_codes(INSTRUMENT.question(name)) is None


def test_scored_columns_and_values():
    data = pd.DataFrame(
        {
            "sex": pd.array(["female", "male", "female", None], dtype="string"),
            "imp_transport": pd.array(["4", "99", None, "7"], dtype="string"),
            "sat_transport": pd.array(["5", "1", "99", "3"], dtype="string"),
            "part_volunteer": pd.array(["1", "0", None, "1"], dtype="string"),
            "trust": pd.array([0, 10, None, 5], dtype="Int64"),
            "needs__transport": pd.array([1, 0, None, 0], dtype="Int8"),
            "books_read": pd.array(["0", "1_2", "3_6", None], dtype="string"),
        },
        index=[10, 11, 12, 13],
    )
    out = scored(data, INSTRUMENT)
    assert out.columns.tolist() == [
        "imp_transport",
        "sat_transport",
        "needs__transport",
        "trust",
        "part_volunteer",
    ]
    assert all(dtype == np.float64 for dtype in out.dtypes)
    assert out.index.tolist() == [10, 11, 12, 13]
    # 99 "Trudno powiedzieć" and a code off the list (7) are not numbers to average
    np.testing.assert_array_equal(out["imp_transport"], [4.0, np.nan, np.nan, np.nan])
    np.testing.assert_array_equal(out["sat_transport"], [5.0, 1.0, np.nan, 3.0])
    np.testing.assert_array_equal(out["part_volunteer"], [1.0, 0.0, np.nan, 1.0])
    np.testing.assert_array_equal(out["trust"], [0.0, 10.0, np.nan, 5.0])
    np.testing.assert_array_equal(out["needs__transport"], [1.0, 0.0, np.nan, 0.0])


def test_scored_on_a_demo_town_matches_the_codes(kwidzyn):
    out = scored(kwidzyn.data, INSTRUMENT)
    codes = kwidzyn.data["coh_belong"]
    substantive = codes.isin(["1", "2", "3", "4"]).fillna(False).to_numpy(dtype=bool)
    assert out["coh_belong"].notna().to_numpy().tolist() == substantive.tolist()
    assert (out["coh_belong"][substantive] == codes[substantive].astype(float)).all()
    assert set(out["part_volunteer"].dropna().unique()) <= {0.0, 1.0}


COHESION = ["coh_belong", "coh_together", "coh_get_on", "coh_trust", "coh_self"]


def cohesion(rows: list[list[str | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COHESION, dtype="string")


def test_scale_score_reverses_and_needs_more_than_half_the_items():
    data = cohesion(
        [
            ["4", "4", "4", "4", "1"],  # coh_self reversed: 1 -> 4; mean 4
            ["1", "1", "1", "1", "4"],  # mean 1
            ["4", "3", None, "99", "2"],  # 3 answered: (4 + 3 + 3) / 3
            ["4", None, None, "99", "2"],  # 2 of 5 answered: no score
            ["2", "3", "4", "1", "99"],
        ]
    )
    score = scale_score(data, INSTRUMENT, "cohesion")
    assert score.name == "cohesion"
    np.testing.assert_allclose(score, [4.0, 1.0, 10 / 3, np.nan, 2.5])
    lenient = scale_score(data, INSTRUMENT, "cohesion", min_items=1)
    np.testing.assert_allclose(lenient.iloc[3], 3.5)  # (4 + 3) / 2


def test_scale_score_reverse_uses_the_substantive_codes_only():
    # 99 is not the maximum of a 1-4 item: reversing 2 gives 3, not 98
    data = cohesion([["99", "99", "99", "2", "2"]])
    assert scale_score(data, INSTRUMENT, "cohesion", min_items=2).iloc[0] == 2.5


def test_scale_score_is_permutation_equivariant(kwidzyn):
    score = scale_score(kwidzyn.data, INSTRUMENT, "cohesion")
    shuffled = kwidzyn.data.sample(frac=1, random_state=3)
    pd.testing.assert_series_equal(
        scale_score(shuffled, INSTRUMENT, "cohesion").sort_index(), score.sort_index()
    )
    assert score.dropna().between(1, 4).all()
    assert score.notna().mean() > 0.8


def test_participation_scale_is_a_share_of_activities():
    data = pd.DataFrame(
        {"part_volunteer": ["1"], "part_consultation": ["0"], "part_petition": ["1"],
         "part_event": ["0"]},
        dtype="string",
    )  # fmt: skip
    assert scale_score(data, INSTRUMENT, "participation").iloc[0] == 0.5


def test_scale_score_errors_name_the_problem():
    data = cohesion([["1", "2", "3", "4", "1"]])
    with pytest.raises(CleaningError) as err:
        scale_score(data, INSTRUMENT, "cohesionn")
    assert "cohesion" in err.value.message("en") and "Available" in err.value.message("en")
    with pytest.raises(CleaningError):
        scale_score(data, INSTRUMENT, "needs")  # a multiple-choice question
    with pytest.raises(CleaningError, match="min_items"):
        scale_score(data, INSTRUMENT, "cohesion", min_items=6)
    with pytest.raises(CleaningError, match="min_items"):
        scale_score(data, INSTRUMENT, "cohesion", min_items=0)


def test_skills_level_thresholds():
    options = INSTRUMENT.question("skills").columns()
    rows = []
    for k in range(7):
        rows.append({"internet_use": "1", **{c: int(i < k) for i, c in enumerate(options)}})
    rows.append({"internet_use": "0", **{c: None for c in options}})  # not a user
    rows.append({"internet_use": "1", **{c: None for c in options}})  # user, no answer
    rows.append({"internet_use": None, **{c: None for c in options}})
    data = pd.DataFrame(rows)
    data["internet_use"] = data["internet_use"].astype("string")
    for c in options:
        data[c] = data[c].astype("Int8")
    level = skills_level(data, INSTRUMENT)
    assert level.name == "skills_level"
    assert list(level.cat.categories) == list(SKILLS_LEVELS) and level.cat.ordered
    assert level.tolist()[:8] == [
        "none",
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
        "none",
    ]
    assert level.iloc[8:].isna().all()


def test_skills_level_on_a_demo_town(kwidzyn):
    level = skills_level(kwidzyn.data, INSTRUMENT)
    non_users = kwidzyn.data["internet_use"].eq("0").fillna(False).to_numpy(dtype=bool)
    assert (level[non_users] == "none").all()
    assert level.notna().mean() > 0.9
    assert level.index.equals(kwidzyn.data.index)


def test_the_cleaning_log_names_every_kind_redacted_including_names(kwidzyn):
    from diagnosis.clean import KINDS
    from diagnosis.clean.steps import _KIND_EN, _KIND_PL

    assert set(_KIND_PL) == set(KINDS) == set(_KIND_EN)
    data = kwidzyn.data.iloc[:4].copy()
    data.loc[1, "problem"] = "Anna Nowak z osiedla prosi o ławki."
    row = log_row(clean_responses([with_data(kwidzyn, data)], INSTRUMENT), "redact")
    assert "1 imię i nazwisko" in row["pl"] and "1 person's name" in row["en"]


# ------------------------------------------------------------------ rows the team excluded


def _digests(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_rows_excluded_in_town_yaml_are_left_out_listed_and_logged(tmp_path):
    from diagnosis.clean import clean_town
    from diagnosis.validate import validate_town

    folder = tmp_path / "kwidzyn"
    shutil.copytree(TOWNS / "kwidzyn", folder)
    config = folder / "town.yaml"
    with config.open("a", encoding="utf-8") as out:
        out.write(
            "exclude:\n"
            "  - {file: kobo_diagnoza_mieszkancow.csv, row: 35}\n"
            "  - {file: kobo_diagnoza_mieszkancow.csv, row: 100, reason: ankieta testowa}\n"
        )
    before = _digests(folder)
    validation = validate_town(folder)
    assert validation.n_distinct == 308
    cleaned = clean_town(validation)
    assert _digests(folder) == before  # the response files (and town.yaml) are not edited
    assert cleaned.n == 306
    assert 35 not in set(cleaned.data["source_row"]) and 100 not in set(cleaned.data["source_row"])
    ex = cleaned.excluded.set_index("source_row")
    assert ex["step"].tolist() == ["drop_excluded", "drop_excluded"]
    assert ex.index.tolist() == [35, 100]
    assert (ex["source_file"] == "kobo_diagnoza_mieszkancow.csv").all()
    # without a reason: the titles of validation's findings about the row (too fast, the same
    # answer to a whole battery)
    assert ex.loc[35, "reason_pl"] == (
        "Wykluczone przez zespół: ta sama odpowiedź na całą baterię pytań; ankiety wypełnione "
        "podejrzanie szybko."
    )
    assert ex.loc[35, "reason_en"].startswith("Excluded by the team: the same answer to a")
    assert ex.loc[100, "reason_pl"] == "Wykluczone przez zespół: ankieta testowa."
    row = log_row(cleaned, "drop_excluded")
    assert (row["rows_before"], row["rows_after"]) == (308, 306)
    assert row["pl"] == (
        "Pominięto 2 wiersze wykluczone przez zespół (exclude w town.yaml): "
        "kobo_diagnoza_mieszkancow.csv, wiersze 35, 100."
    )
    assert row["en"].startswith("Left out 2 rows the team excluded")
    assert cleaned.log["step"].tolist() == list(STEPS)
    assert STEPS.index("drop_excluded") == STEPS.index("drop_duplicate_ids") + 1


def test_an_excluded_row_that_is_not_there_is_a_warning_not_a_crash(kwidzyn):
    from diagnosis.town import Exclusion

    data = kwidzyn.data.iloc[:10].copy()
    answers = [c for c in INSTRUMENT.columns() if c in data.columns]
    data.loc[3, [c for c in answers if c not in ("started_at", "ended_at")]] = pd.NA  # empty
    exclude = [
        Exclusion("kobo_diagnoza_mieszkancow.csv", 3),  # left out already as empty
        Exclusion("kobo_diagnoza_mieszkancow.csv", 5, "test"),
        Exclusion("kobo_diagnoza_mieszkancow.csv", 500),  # no such row
        Exclusion("inny.csv", 2),  # no such file among these
    ]
    cleaned = clean_responses([with_data(kwidzyn, data)], INSTRUMENT, exclude=exclude)
    assert cleaned.n == 8
    assert cleaned.excluded[["source_row", "step"]].values.tolist() == [
        [3, "drop_empty"],
        [5, "drop_excluded"],
    ]
    row = log_row(cleaned, "drop_excluded")
    assert row["pl"].startswith("Pominięto 1 wiersz wykluczony przez zespół")
    assert "1 wiersz z listy pominięto już wcześniej" in row["pl"]
    assert (
        "Uwaga: w danych nie ma 2 wierszy z listy exclude: kobo_diagnoza_mieszkancow.csv, "
        "wiersz 500; inny.csv, wiersz 2. Sprawdź numery wierszy w town.yaml." in row["pl"]
    )
    assert "Warning: 2 rows of the exclude list are not in the data" in row["en"]
    nothing = clean_responses([with_data(kwidzyn, data)], INSTRUMENT)
    assert "nie wykluczył żadnego wiersza" in log_row(nothing, "drop_excluded")["pl"]


@pytest.mark.parametrize(
    ("k", "pl"),
    [(1, "1 wiersz wykluczony"), (4, "4 wiersze wykluczone"), (5, "5 wierszy wykluczonych"),
     (12, "12 wierszy wykluczonych"), (22, "22 wiersze wykluczone")],
)  # fmt: skip
def test_excluded_rows_are_counted_with_polish_plurals(kwidzyn, k, pl):
    from diagnosis.town import Exclusion

    exclude = [Exclusion(kwidzyn.path.name, row) for row in kwidzyn.data.index[:k]]
    cleaned = clean_responses([kwidzyn], INSTRUMENT, exclude=exclude)
    assert cleaned.n == kwidzyn.n - k
    assert log_row(cleaned, "drop_excluded")["pl"].startswith(f"Pominięto {pl} przez zespół")
