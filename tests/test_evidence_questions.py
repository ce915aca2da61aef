"""Each question's result by its type, with disclosure control (diagnosis/evidence/questions.py)."""

import numpy as np
import pandas as pd
import pytest

from diagnosis import load_instrument
from diagnosis.estimate import Design
from diagnosis.evidence import analyse_town
from diagnosis.evidence.questions import question_data, question_results

STANDARD = "surveys/instruments/resident_survey.xlsx"


@pytest.fixture(scope="module", params=["kwidzyn", "leczyca", "wabrzezno"])
def town(request):
    return analyse_town(f"surveys/towns/{request.param}")


def test_every_published_answer_rests_on_enough_people_and_hides_its_partners(town):
    k = town.settings.threshold
    table = town.questions.table
    data = town.design.data
    assert len(table) > 10
    for (question, kind), rows in table.groupby(["question", "kind"]):
        if kind in ("choice", "battery"):
            answers = data[f"one__{question}"].dropna()
            counts = answers.value_counts()
            shown = rows[~rows["suppressed"]]
            for _, r in shown.iterrows():
                got = counts.get(r["level"], 0)
                assert r["n_numerator"] == got >= k and not 0 < len(answers) - got < k
            hidden = rows[rows["suppressed"]]
            # hidden answers are never one alone, and together rest on at least k people
            assert len(hidden) != 1
            if len(hidden):
                assert sum(counts.get(v, 0) for v in hidden["level"]) >= k
        elif kind == "multiple":
            for _, r in rows[~rows["suppressed"]].iterrows():
                assert r["n_numerator"] >= k and not 0 < r["n"] - r["n_numerator"] < k


def test_shares_are_the_weighted_shares_of_substantive_answers():
    a = analyse_town("surveys/towns/kwidzyn")
    w = pd.Series(a.design.weights, index=a.design.data.index)
    codes = a.design.data["one__years_in_town"]
    rows = a.questions.table.query("question == 'years_in_town' and not suppressed")
    for _, r in rows.iterrows():
        expected = w[codes == r["level"]].sum() / w[codes.notna()].sum()
        assert r["estimate"] == pytest.approx(expected, abs=1e-12)


def test_multiple_choice_gives_people_and_mentions_and_numbers_a_mean_and_median():
    ins = load_instrument(STANDARD)
    df = pd.DataFrame(
        {
            "skills__email": [1] * 30 + [0] * 20 + [np.nan] * 5,
            "skills__search": [1] * 40 + [0] * 10 + [np.nan] * 5,
            "skills__banking": [0] * 40 + [1] * 10 + [np.nan] * 5,
            "life_in_town": [str(v) for v in ([3] * 20 + [7] * 25 + [9] * 10)],
        }
    )
    res = question_results(Design(question_data(df, ins)), ins, ["skills", "life_in_town"],
                           threshold=10)  # fmt: skip
    skills = res.table.query("question == 'skills'").set_index("level")
    # of the 50 who ticked anything: 30, 40 and 10; of the 80 ticks: 30, 40 and 10
    assert skills.loc["email", "estimate"] == pytest.approx(0.6)
    assert skills.loc["search", "estimate"] == pytest.approx(0.8)
    assert skills.loc["banking", "estimate"] == pytest.approx(0.2)
    assert skills.loc["email", "mentions"] == pytest.approx(30 / 80)
    assert skills.loc["search", "n"] == 50
    life = res.table.query("question == 'life_in_town'").set_index("level")
    assert life.loc["mean", "estimate"] == pytest.approx((60 + 175 + 90) / 55)
    assert life.loc["median", "estimate"] == 7
    assert life.loc["3", "estimate"] == pytest.approx(20 / 55)


def test_questions_without_a_result_say_why():
    ins = load_instrument(STANDARD)
    df = pd.DataFrame({"problem": ["Brak ławek"] * 5})
    res = question_results(Design(question_data(df, ins)), ins, ["problem", "trust"],
                           threshold=3)  # fmt: skip
    assert res.table.empty
    assert res.skipped["question"].tolist() == ["trust"]  # open text goes to the themes
    assert "brak odpowiedzi" in res.skipped["reason_pl"].iloc[0]
