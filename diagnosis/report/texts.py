"""The fixed texts of the town report, in Polish and English.

Examples
--------
>>> text("pl", "yes"), text("en", "yes")
('tak', 'yes')
>>> text("en", "disclosure_note", threshold=10)[:40]
'No published number rests on fewer than '
"""

from __future__ import annotations

__all__ = ["SECTION_TITLES", "TEXTS", "text"]

#: section -> (pl, en) heading
SECTION_TITLES = {
    "summary": ("Podsumowanie", "Summary"),
    "profile": ("Miejscowość i próba", "The town and the sample"),
    "quality": ("Jakość danych", "Data quality"),
    "findings": ("Wyniki według tematów", "Findings by theme"),
    "questions": ("Wyniki pytań", "Results question by question"),
    "priorities": ("Priorytety", "Priorities"),
    "groups": ("Różnice między grupami", "Differences between groups"),
    "scales": ("Zaufanie, spójność i aktywność", "Trust, cohesion and participation"),
    "library": (
        "Biblioteka, czytanie i umiejętności cyfrowe",
        "Library, reading and digital skills",
    ),
    "ideas": ("Pomysły mieszkańców", "Residents' ideas"),
    "sheets": ("Karty dowodów", "Evidence sheets"),
    "baseline": ("Wskaźniki bazowe", "Baseline indicators"),
    "annex": ("Aneks", "Annex"),
}

#: key -> (pl, en); ``{name}`` fields are filled by :func:`text`
TEXTS: dict[str, tuple[str, str]] = {
    "summary_unweighted": (
        "W badaniu ankietowym w miejscowości {town} ({start} – {end}) wzięło udział {n} dorosłych "
        "mieszkańców. Wyników nie zważono: kwestionariusz nie ma pytań o płeć ani wiek "
        "powiązanych ze strukturą ludności (kolumna margin), więc wyniki opisują osoby, które "
        "odpowiedziały, a nie całą miejscowość. Przy wyniku 50% błąd oszacowania wynosi do "
        "±{moe} punktu procentowego (przedział ufności 95%).",
        "{n} adult residents of {town} took part in the survey ({start} – {end}). The results "
        "are not weighted: the questionnaire has no sex or age question linked to the "
        "population figures (the margin column), so they describe those who answered, not the "
        "whole town. For a result of 50% the margin of error is up to ±{moe} percentage points "
        "(95% confidence interval).",
    ),
    "summary_none": (
        "W badaniu ankietowym w miejscowości {town} ({start} – {end}) wzięło udział {n} dorosłych "
        "mieszkańców. Raport przygotowano bez ważenia, więc wyniki opisują osoby, które "
        "odpowiedziały, a nie całą miejscowość. Przy wyniku 50% błąd oszacowania wynosi do "
        "±{moe} punktu procentowego (przedział ufności 95%).",
        "{n} adult residents of {town} took part in the survey ({start} – {end}). The report "
        "was made without weights, so the results describe those who answered, not the whole "
        "town. For a result of 50% the margin of error is up to ±{moe} percentage points (95% "
        "confidence interval).",
    ),
    "limits": ("Ograniczenia", "Limitations"),
    "gap_group": (
        "{who}: {sample} próby wobec {population} mieszkańców",
        "{who}: {sample} of the sample against {population} of the residents",
    ),
    "gaps_under": (
        "Słabiej słychać w próbie: {groups}; ważenie wyrównuje ich udział, ale ich wyniki "
        "opierają się na mniejszej liczbie osób.",
        "Under-represented in the sample: {groups}; weighting restores their share, but their "
        "results rest on fewer people.",
    ),
    "gaps_few": (
        "Bardzo mało ankiet (mniej niż {k}) mają: {groups}; ich głosu ta diagnoza praktycznie "
        "nie obejmuje.",
        "Very few responses (fewer than {k}) come from: {groups}; this diagnosis hardly "
        "covers their voice.",
    ),
    "not_chosen": (
        "Nie wybrano pozostałych potrzeb, m.in.: {needs}: ich łączny wynik jest niższy niż "
        "wynik każdej z {top} wybranych (najniższy z wybranych: {score} pkt).",
        "The other needs were not chosen, e.g. {needs}: their combined score is below that of "
        "each of the {top} chosen (the lowest chosen: {score} points).",
    ),
    "assets": ("Zasoby miejscowości", "The town's assets"),
    "assets_intro": (
        "Ludzie, organizacje, instytucje i miejsca, na których można oprzeć działania (mapa "
        "zasobów zespołu).",
        "People, organisations, institutions and places the actions can build on (the team's "
        "asset map).",
    ),
    "asset": ("Zasób", "Asset"),
    "asset_kind": ("Rodzaj", "Kind"),
    "asset_description": ("Opis", "Description"),
    "rodo": ("Ochrona danych osobowych", "Data protection"),
    "rodo_text": (
        "Ankieta była anonimowa: raport i pliki z wynikami nie zawierają odpowiedzi "
        "pojedynczych osób. Dane osobowe wpisane w odpowiedziach otwartych (PESEL, e-mail, "
        "telefon, adres, imię i nazwisko) zastąpiono przed analizą etykietami w nawiasach "
        "({removed}). Żaden wynik nie opiera się na mniej niż {threshold} osobach. Pliki z "
        "odpowiedziami przechowuje biblioteka jako administrator danych (RODO) i ich nie "
        "publikuje; mieszkańcy mogą pytać o nie w bibliotece.",
        "The survey was anonymous: the report and the result files hold no individual's "
        "answers. Personal data typed into open answers (PESEL, e-mail, phone, address, names) "
        "was replaced by labels in brackets before the analysis ({removed}). No result rests "
        "on fewer than {threshold} people. The library keeps the response files as the data "
        "controller (GDPR) and does not publish them; residents may ask about them at the "
        "library.",
    ),
    "recommendations": ("Rekomendacje", "Recommendations"),
    "recommend_intro": (
        "Na podstawie ankiety i warsztatu proponujemy zająć się w planie rozwoju strefy:",
        "From the survey and the workshop we propose that the zone's development plan takes up:",
    ),
    "recommend": (
        "„{need}”: działanie — {idea}; postęp mierzyć wskaźnikiem „{indicator}” (wartość "
        "wyjściowa: {baseline}).",
        "'{need}': action — {idea}; measure progress with '{indicator}' (baseline: {baseline}).",
    ),
    "limits_unknown": ("sposobu nie opisano w town.yaml", "not described in town.yaml"),
    "limits_convenience": (
        "Jak zbierano ankiety: {recruitment}. To dobór wygodny, nie losowy: odpowiadały osoby, "
        "do których udało się dotrzeć, a mogą one różnić się od pozostałych mieszkańców (np. "
        "częściej bywać w bibliotece) w sposób, którego ważenie według wieku i płci nie usuwa. "
        "Przedziały ufności i błąd ±{moe} p.p. policzono tak, jakby próba była losowa; pokazują "
        "tylko niepewność wynikającą z liczby ankiet, a rzeczywisty błąd może być większy. "
        "Wyniki warto czytać jako głos osób, które wzięły udział, potwierdzony strukturą wieku "
        "i płci, a nie jako pomiar całej miejscowości.",
        "How the responses were collected: {recruitment}. This is a convenience sample, not a "
        "random one: those who answered were the ones reached, and they may differ from other "
        "residents (e.g. visit the library more often) in ways that weighting by age and sex "
        "does not remove. The confidence intervals and the ±{moe} point margin are computed as "
        "if the sample were random; they show only the uncertainty due to the number of "
        "responses, and the real error may be larger. Read the results as the voice of those "
        "who took part, adjusted to the age and sex structure, not as a measurement of the "
        "whole town.",
    ),
    "limits_random": (
        "Jak zbierano ankiety: {recruitment}. Przy doborze losowym przedziały ufności i błąd "
        "±{moe} p.p. opisują niepewność wyników, o ile odmowy udziału nie zależały od "
        "odpowiedzi.",
        "How the responses were collected: {recruitment}. With a random sample the confidence "
        "intervals and the ±{moe} point margin describe the results' uncertainty, as long as "
        "refusals did not depend on the answers.",
    ),
    "limits_weights": (
        "Ważenie zmniejsza efektywną liczebność próby z {n} do {neff} (efekt schematu {deff}); "
        "największa waga to {wmax}.",
        "Weighting reduces the effective sample size from {n} to {neff} (design effect "
        "{deff}); the largest weight is {wmax}.",
    ),
    "limits_spread": (
        "Wagi różnią się aż {ratio}-krotnie: niektóre grupy są w próbie bardzo nieliczne, więc "
        "ich wyniki opierają się na niewielu osobach.",
        "The weights differ {ratio}-fold: some groups are very small in the sample, so their "
        "results rest on few people.",
    ),
    "not_done": ("Czego ten raport nie pokazuje", "What this report cannot show"),
    "not_done_intro": (
        "Kwestionariusz tej miejscowości nie ma pytań, których wymagają niektóre części "
        "raportu. Dopisanie oznaczeń w arkuszu kwestionariusza (polecenie 'diagnosis "
        "instrument' je proponuje) włączy je:",
        "The town's questionnaire lacks the questions some parts of the report need. Adding "
        "these annotations to the questionnaire's sheet (the 'diagnosis instrument' command "
        "proposes them) turns them on:",
    ),
    "cannot_weight": (
        "ważenia wyników do struktury mieszkańców: oznacz pytanie o płeć i pytanie o wiek (albo "
        "rok urodzenia) kolumną margin (sex, age_band), a odpowiedzi kodami grup w kolumnie "
        "margin arkusza choices;",
        "weighting to the population: mark the sex question and the age (or birth year) "
        "question in the margin column (sex, age_band) and their answers with the groups' codes "
        "in the choices sheet's margin column;",
    ),
    "cannot_matrix": (
        "macierzy priorytetów: potrzebne są pary pytań o ważność (construct: importance) i "
        "zadowolenie (construct: satisfaction) z tą samą wartością aspect;",
        "the priority matrix: it needs pairs of importance (construct: importance) and "
        "satisfaction (construct: satisfaction) items with the same aspect;",
    ),
    "cannot_needs": (
        "rankingu potrzeb i kart dowodów: potrzebne jest pytanie wielokrotnego wyboru o "
        "potrzeby oznaczone role: needs;",
        "the needs ranking and the evidence sheets: they need a multiple-choice question about "
        "needs marked role: needs;",
    ),
    "cannot_themes": (
        "tematów i cytatów z wypowiedzi: oznacz pytania otwarte role: open_text;",
        "themes and quotes from open answers: mark the open questions role: open_text;",
    ),
    "cannot_scales": (
        "rzetelności skal: potrzebne są co najmniej 3 pytania z tą samą wartością construct.",
        "scale reliability: it needs at least 3 items with the same construct.",
    ),
    "cannot_score": (
        "wyniku skali „{scale}”: jej odpowiedzi nie mają kodów liczbowych; w arkuszu choices "
        "nadaj im nazwy 1, 2, 3 … w kolejności skali (bez „trudno powiedzieć”).",
        "the score of scale '{scale}': its answers have no numeric codes; in the choices sheet "
        'name them 1, 2, 3 … in the scale\'s order (without "hard to say").',
    ),
    "questions_intro": (
        "Wynik każdego pytania, którego nie pokazują inne części raportu: odsetki odpowiedzi z "
        "95-procentowym przedziałem ufności (w nawiasie), liczone wśród osób, które udzieliły "
        "odpowiedzi merytorycznej (bez „trudno powiedzieć”). Przy pytaniach wielokrotnego "
        "wyboru suma przekracza 100%. Odpowiedzi wybrane przez mniej niż {threshold} osób są "
        "ukryte (–).",
        "The result of each question no other part of the report shows: shares with their 95% "
        "confidence interval (in brackets), among those who gave a substantive answer "
        '(without "hard to say"). Multiple-choice shares add up to more than 100%. Answers '
        "chosen by fewer than {threshold} people are hidden (–).",
    ),
    "hidden_short": ("ukryte", "hidden"),
    "women": ("Kobiety", "Women"),
    "men": ("Mężczyźni", "Men"),
    "q_answer": ("Odpowiedź", "Answer"),
    "q_share": ("Odsetek (95% PU)", "Share (95% CI)"),
    "q_share_multiple": ("Odsetek osób (95% PU)", "Share of people (95% CI)"),
    "q_mentions": ("Odsetek wskazań", "Share of mentions"),
    "q_mean": ("Średnia", "Mean"),
    "q_median": ("Mediana", "Median"),
    "q_battery": ("Pytania z tą samą skalą odpowiedzi", "Questions sharing one answer scale"),
    "q_battery_caption": (
        "Rozkład odpowiedzi na pytania z tą samą skalą (bez „trudno powiedzieć”).",
        'Answers to the questions sharing one scale (without "hard to say").',
    ),
    "q_skipped": ("Pytania bez wyniku", "Questions without a result"),
    "q_skipped_intro": (
        "Tych pytań raport nie liczy; powód obok:",
        "The report does not compute these questions; the reason follows each:",
    ),
    "summary_method": (
        "W badaniu ankietowym w miejscowości {town} ({start} – {end}) wzięło udział {n} dorosłych "
        "mieszkańców. Wyniki zważono do struktury wieku i płci mieszkańców, aby opisywały całą "
        "miejscowość, a nie tylko osoby, które odpowiedziały. Przy wyniku 50% błąd oszacowania "
        "wynosi do ±{moe} punktu procentowego (przedział ufności 95%).",
        "{n} adult residents of {town} took part in the survey ({start} – {end}). The results "
        "are weighted to the residents' age and sex structure so that they describe the whole "
        "town, not only those who answered. For a result of 50% the margin of error is up to "
        "±{moe} percentage points (95% confidence interval).",
    ),
    "summary_method_age": (
        "W badaniu ankietowym w miejscowości {town} ({start} – {end}) wzięło udział {n} dorosłych "
        "mieszkańców. Wyniki zważono do struktury wieku mieszkańców, aby opisywały całą "
        "miejscowość, a nie tylko osoby, które odpowiedziały. Płci nie ważono: dane GUS o "
        "ludności są tu dla obu płci razem, więc kobiety i mężczyźni są w wynikach w takich "
        "proporcjach jak w próbie. Przy wyniku 50% błąd oszacowania wynosi do ±{moe} punktu "
        "procentowego (przedział ufności 95%).",
        "{n} adult residents of {town} took part in the survey ({start} – {end}). The results "
        "are weighted to the residents' age structure so that they describe the whole town, not "
        "only those who answered. They are not weighted by sex: the GUS population figures here "
        "are for both sexes together, so women and men count in the results as they are in the "
        "sample. For a result of 50% the margin of error is up to ±{moe} percentage points (95% "
        "confidence interval).",
    ),
    "few_title": ("Za mało ankiet, by pokazać wyniki", "Too few responses to show results"),
    "few_summary": (
        "W miejscowości {town} ankiet jest tylko {n}, a każdy wynik w tym raporcie musi opierać "
        "się na co najmniej {threshold} osobach.",
        "{town} has only {n} {noun}, and every result in this report must rest on at least "
        "{threshold} people.",
    ),
    "few_why": (
        "Dlatego raport nie pokazuje żadnych odsetków, średnich, wykresów ani cytatów: przy tak "
        "małej liczbie osób dałoby się rozpoznać, kto co odpowiedział. To zasada ochrony danych "
        "(art. 38 ust. 2 ustawy o statystyce publicznej), a nie błąd programu.",
        "So the report shows no shares, means, charts or quotes: with so few people it could be "
        "told who answered what. This is a data protection rule (Polish statistics law, art. "
        "38(2)), not a fault of the program.",
    ),
    "few_next": (
        "Co zrobić: zbierz więcej ankiet i utwórz raport ponownie. Wyniki opisujące całą "
        "miejscowość daje zwykle kilkaset ankiet; rozdział „Jakość danych” pokazuje, ile "
        "wierszy wczytano i ile zostało po czyszczeniu.",
        "What to do: collect more responses and make the report again. Results that describe "
        "the whole town usually take a few hundred; 'Data quality' shows how many rows were read "
        "and how many were left after cleaning.",
    ),
    "few_section": (
        "Nie pokazano: za mało ankiet (zob. „Podsumowanie”).",
        "Not shown: too few responses (see 'Summary').",
    ),
    "top_needs": ("Najważniejsze potrzeby", "Top needs"),
    "key_figures": ("Kluczowe liczby", "Key figures"),
    "quality_line": (
        "Jakość danych: do analizy wzięto {n} z {files}; przy czyszczeniu usunięto {removed}; "
        "walidacja zgłosiła {warnings} (szczegóły w rozdziale „Jakość danych”).",
        "Data quality: {n} from {files} analysed; {removed} removed in cleaning; validation "
        "raised {warnings} (see 'Data quality').",
    ),
    "profile_intro": (
        "{town} liczy {population} dorosłych mieszkańców (źródło struktury ludności: {source}). "
        "Sposób dotarcia do respondentów: {recruitment}.",
        "{town} has {population} adult residents (population structure from: {source}). How "
        "respondents were reached: {recruitment}.",
    ),
    "pyramid_caption": (
        "Próba (słupki pełne) na tle ludności (kontury) według wieku i płci.",
        "Sample (filled bars) against the population (outlines) by age and sex.",
    ),
    "age": ("Wiek", "Age"),
    "sex": ("Płeć", "Sex"),
    "population": ("Ludność", "Population"),
    "sample": ("Próba", "Sample"),
    "weighted": ("Próba po ważeniu", "Weighted sample"),
    "weighting": ("Ważenie", "Weighting"),
    "weighting_rake": (
        "Wagi dopasowano metodą rakingu do struktury wieku i płci ludności.",
        "Weights were raked to the population's age and sex margins.",
    ),
    "weighting_rake_age": (
        "Wagi dopasowano do struktury wieku ludności (raking z jednym marginesem: wiek). Dane GUS "
        "o ludności są tu dla obu płci razem, więc płci nie ważono: kobiety i mężczyźni są w "
        "wynikach w takich proporcjach jak w próbie.",
        "Weights were fitted to the population's age structure (raking to one margin: age). The "
        "GUS population figures here are for both sexes together, so sex is not weighted: women "
        "and men count in the results as they are in the sample.",
    ),
    "weighting_poststratify_age": (
        "Wagi dopasowano do liczebności grup wieku (poststratyfikacja). Dane GUS o ludności są tu "
        "dla obu płci razem, więc płci nie ważono: kobiety i mężczyźni są w wynikach w takich "
        "proporcjach jak w próbie.",
        "Weights were post-stratified to the age bands. The GUS population figures here are for "
        "both sexes together, so sex is not weighted: women and men count in the results as "
        "they are in the sample.",
    ),
    "margins_split": (
        "Grupy wieku to sumy pięcioletnich grup wieku z GUS (Bank Danych Lokalnych, tabela "
        "P2137). Grupa 15–19 lat obejmuje też niepełnoletnich, więc do grupy 18–29 wliczono 2/5 "
        "jej mieszkańców (wiek 18 i 19 lat), przyjmując, że każdy rocznik w tej grupie jest równie "
        "liczny; każdą grupę zaokrąglono do pełnych osób.",
        "The age bands are sums of GUS's five-year age groups (Bank Danych Lokalnych, table "
        "P2137). The group 15–19 includes minors, so 2/5 of its residents (ages 18 and 19) are "
        "counted in 18–29, assuming every single year of age in the group is equally large; "
        "each band is rounded to whole people.",
    ),
    "weighting_poststratify": (
        "Wagi dopasowano do liczebności grup wiek × płeć (poststratyfikacja).",
        "Weights were post-stratified to the age × sex cells.",
    ),
    "weighting_none": (
        "Wyników nie ważono: opisują osoby, które odpowiedziały, a nie całą miejscowość.",
        "The results are not weighted: they describe the respondents, not the whole town.",
    ),
    "weighting_figures": (
        "Efekt schematu (Kish): {deff}; efektywna liczebność próby: {neff} z {n}; wagi od {wmin} "
        "do {wmax}; maksymalny błąd dla wyniku 50%: ±{moe} p.p.",
        "Design effect (Kish): {deff}; effective sample size: {neff} of {n}; weights from {wmin} "
        "to {wmax}; largest margin of error for a 50% result: ±{moe} points.",
    ),
    "file": ("Plik", "File"),
    "rows": ("Wiersze", "Rows"),
    "errors": ("Błędy", "Errors"),
    "warnings": ("Ostrzeżenia", "Warnings"),
    "quality_intro": (
        "Każdy plik z odpowiedziami sprawdzono z kwestionariuszem; każdy krok czyszczenia "
        "zapisano poniżej. Pliki wejściowe nie zostały zmienione.",
        "Every response file was checked against the questionnaire; every cleaning step is "
        "logged below. The input files were not changed.",
    ),
    "cleaning_log": ("Dziennik czyszczenia danych", "Cleaning log"),
    "step": ("Krok", "Step"),
    "rows_after": ("Wierszy po kroku", "Rows after"),
    "validation_findings": ("Uwagi z walidacji (liczba)", "Validation findings (count)"),
    "services": ("Usługi w miejscowości", "Local services"),
    "importance_caption": (
        "Jak ważne są sprawy w miejscowości: odsetki ważone wśród osób mających zdanie "
        "(bez „trudno powiedzieć”).",
        "How important local matters are: weighted shares of those with a view (without 'hard "
        "to say').",
    ),
    "satisfaction_caption": (
        "Zadowolenie ze spraw w miejscowości: odsetki ważone wśród osób mających zdanie "
        "(bez „trudno powiedzieć”).",
        "Satisfaction with local matters: weighted shares of those with a view (without 'hard "
        "to say').",
    ),
    "needs": ("Potrzeby", "Needs"),
    "needs_caption": (
        "Odsetek mieszkańców wskazujących potrzebę (do 3 wskazań) z przedziałem ufności.",
        "Share of residents choosing each need (up to 3) with confidence interval.",
    ),
    "trust_participation": (
        "Zaufanie, sąsiedztwo, aktywność",
        "Trust, neighbourhood, participation",
    ),
    "cohesion_caption": (
        "Opinie o sąsiedztwie: odsetki ważone wśród osób mających zdanie.",
        "Views of the neighbourhood: weighted shares of those with a view.",
    ),
    "participation_caption": (
        "Zaufanie, poczucie wpływu i aktywność w ostatnich 12 miesiącach.",
        "Trust, sense of influence and participation in the last 12 months.",
    ),
    "indicator": ("Wskaźnik", "Indicator"),
    "estimate": ("Wynik", "Estimate"),
    "estimate_ci": ("Wynik (przedział ufności)", "Estimate (confidence interval)"),
    "yes": ("tak", "yes"),
    "no": ("nie", "no"),
    "ipa_intro": (
        "Macierz ważności i zadowolenia (Martilla i James, 1977): sprawy ważne, z których "
        "mieszkańcy są mało zadowoleni, trafiają do ćwiartki „Działaj tutaj”. Położenie jest "
        "pewne tylko wtedy, gdy przedział ufności nie przecina linii podziału.",
        "Importance-satisfaction matrix (Martilla & James, 1977): important matters with low "
        "satisfaction fall in 'Act here'. A placement is clear only when the confidence "
        "interval does not cross the dividing line.",
    ),
    "ipa_lines_mean": (
        "Linie podziału to średnie wszystkich usług: ważność {imp}, zadowolenie {sat}; nie są "
        "to normy, tylko punkt odniesienia w tej miejscowości. Zespół może przyjąć własne progi "
        "(w town.yaml: priorities: {{importance: 0.8, satisfaction: 0.5}}).",
        "The dividing lines are the means over all services: importance {imp}, satisfaction "
        "{sat}; they are not norms, only this town's point of reference. The team may set its "
        "own cut-offs (in town.yaml: priorities: {{importance: 0.8, satisfaction: 0.5}}).",
    ),
    "ipa_lines_town": (
        "Linie podziału to progi przyjęte przez zespół: ważność {imp}, zadowolenie {sat}.",
        "The dividing lines are the team's own cut-offs: importance {imp}, satisfaction {sat}.",
    ),
    "commentary": ("Komentarz zespołu", "The team's commentary"),
    "ipa_caption": (
        "Ważność (odsetek „ważne”) i zadowolenie (odsetek zadowolonych) z przedziałami ufności.",
        "Importance (share 'important') and satisfaction (share satisfied) with confidence "
        "intervals.",
    ),
    "service": ("Sprawa", "Service"),
    "quadrant": ("Ćwiartka", "Quadrant"),
    "clear": ("Pewne położenie", "Clear placement"),
    "ranking": ("Ranking potrzeb: ankieta i warsztat", "Ranking of needs: survey and workshop"),
    "ranking_method": (
        "Ranking łączy dwa głosy z równą wagą: mieszkańców (odsetek wskazujących potrzebę w "
        "ankiecie, przeliczony tak, by wszystkie potrzeby dawały razem 100) i uczestników "
        "warsztatu (udział głosów oddanych na pomysły w tej sprawie). Wynik = średnia tych dwóch "
        "udziałów, w punktach na 100.",
        "The ranking gives equal weight to two voices: residents (the share choosing the need in "
        "the survey, rescaled so that all needs add up to 100) and workshop participants (the "
        "share of votes for ideas on the need). Score = the mean of the two, in points out of "
        "100.",
    ),
    "ranking_survey_only": (
        "Warsztatu nie było (albo nie oddano głosów), więc ranking opiera się tylko na ankiecie: "
        "wynik to odsetek wskazujących potrzebę, przeliczony tak, by wszystkie potrzeby dawały "
        "razem 100.",
        "There was no workshop (or no votes), so the ranking rests on the survey alone: the "
        "score is the share choosing the need, rescaled so that all needs add up to 100.",
    ),
    "need": ("Potrzeba", "Need"),
    "survey_share": ("Ankieta: wskazania", "Survey: chosen by"),
    "workshop_votes": ("Warsztat: głosy", "Workshop: votes"),
    "score": ("Wynik łączny", "Score"),
    "groups_intro": (
        "Dla każdego wskaźnika i podziału (wiek, płeć, część miejscowości) porównano grupę o "
        "najwyższym i najniższym wyniku spośród grup dość licznych, by je pokazać: testem t "
        "różnicy uwzględniającym wagi (testem Rao-Scotta, gdy jedna z grup ma 0% lub 100%). "
        "Aby przypadkowe różnice nie udawały prawdziwych, wartości p tych {tests} porównań "
        "skorygowano metodą Holma. Istotnych różnic: {found}.",
        "For each indicator and grouping (age, sex, part of town) the highest and lowest of the "
        "groups large enough to publish were compared with a design-based t test of their "
        "difference (a Rao-Scott test when a group is at 0% or 100%). So that chance "
        "differences do not pass for real ones, the p-values of these {tests} comparisons were "
        "adjusted with Holm's method. Significant differences: {found}.",
    ),
    "groups_none": (
        "Po korekcie żadna różnica między grupami nie jest istotna statystycznie.",
        "After the correction no difference between groups is statistically significant.",
    ),
    "groups_note": (
        "Pokazano grupy o najwyższym i najniższym wyniku spośród grup dość licznych, by je "
        "opublikować. Wielkość efektu: h Cohena dla odsetków, d Cohena dla średnich (0,2 mały, "
        "0,5 średni, 0,8 duży).",
        "The highest and lowest of the groups large enough to publish are shown. Effect size: "
        "Cohen's h for shares, Cohen's d for means (0.2 small, 0.5 medium, 0.8 large).",
    ),
    "grouping": ("Podział", "Grouping"),
    "highest": ("Najwyżej", "Highest"),
    "lowest": ("Najniżej", "Lowest"),
    "effect": ("Wielkość efektu", "Effect size"),
    "p_holm": ("p (Holm)", "p (Holm)"),
    "group_age_band": ("wiek", "age"),
    "group_sex": ("płeć", "sex"),
    "group_district": ("część miejscowości", "part of town"),
    "effect_tiny": ("bardzo mały", "very small"),
    "effect_small": ("mały", "small"),
    "effect_medium": ("średni", "medium"),
    "effect_large": ("duży", "large"),
    "scales_intro": (
        "Spójność sąsiedzką mierzy pięć stwierdzeń (jedno o odwrotnym sensie, przekodowane). "
        "Rzetelność skali: alfa Cronbacha z przedziałem ufności i omega McDonalda z modelu "
        "jednoczynnikowego, liczone na osobach, które odpowiedziały na wszystkie stwierdzenia.",
        "Neighbourhood cohesion is measured by five statements (one reverse-worded, recoded). "
        "Scale reliability: Cronbach's alpha with a confidence interval and McDonald's omega "
        "from a one-factor model, on respondents who answered every statement.",
    ),
    "scale": ("Skala", "Scale"),
    "statistic": ("Miara", "Statistic"),
    "items": ("Pytań", "Items"),
    "scale_cohesion": ("Spójność sąsiedzka", "Neighbourhood cohesion"),
    "reliability_note": (
        "Wartości od 0,7 wzwyż zwykle uznaje się za wystarczające do porównań grup.",
        "Values of 0.7 and above are usually taken as good enough for comparing groups.",
    ),
    "total": ("Ogółem", "Total"),
    "library_intro": (
        "Korzystanie z biblioteki, czytanie i internet według wieku.",
        "Library use, reading and internet use by age.",
    ),
    "library_caption": (
        "Odsetki z przedziałami ufności, ogółem i według wieku.",
        "Shares with confidence intervals, total and by age.",
    ),
    "ideas_intro": (
        "Odpowiedzi na pytania otwarte przypisano do tematów według słownika słów kluczowych "
        "(odmiana i polskie znaki uwzględnione; jedna odpowiedź może należeć do kilku tematów). "
        "Cytaty pozbawiono danych osobowych (numery PESEL, telefony, adresy e-mail, adresy).",
        "Open answers were coded into themes with a keyword dictionary (Polish inflection and "
        "letters handled; an answer may belong to several themes). Quotes were stripped of "
        "personal data (PESEL numbers, phones, e-mails, addresses).",
    ),
    "theme": ("Temat", "Theme"),
    "count": ("Liczba odpowiedzi", "Answers"),
    "share": ("Odsetek odpowiedzi", "Share of answers"),
    "sheets_intro": (
        "Jedna karta na każdy z najważniejszych priorytetów: dowody z ankiety i warsztatu, grupa "
        "docelowa, zasoby, logika działania i wskaźnik z wartością bazową.",
        "One sheet per top priority: survey and workshop evidence, target group, assets, logic "
        "of the action, and an indicator with its baseline.",
    ),
    "sheet_need": ("Potrzeba", "Need"),
    "sheet_problem": ("Opis problemu", "Problem statement"),
    "sheet_evidence": ("Dowody", "Evidence"),
    "sheet_target": ("Grupa docelowa i jej wielkość", "Target group and its size"),
    "sheet_assets": ("Zasoby i partnerzy", "Assets and partners"),
    "sheet_logic": ("Działanie → produkt → rezultat", "Activity → output → outcome"),
    "sheet_indicator": ("Wskaźnik", "Indicator"),
    "sheet_baseline": ("Wartość bazowa", "Baseline"),
    "sheet_goal": ("Wartość docelowa", "Target"),
    "sheet_measurement": ("Jak i kiedy mierzyć", "How and when measured"),
    "sheet_level": ("Poziom dowodów", "Evidence level"),
    "baseline_intro": (
        "Wartości wyjściowe wskaźników do późniejszej ewaluacji. Przy badaniu powtórnym zachowaj "
        "dokładne brzmienie pytań i sposób doboru respondentów.",
        "Baseline values for later evaluation. In the follow-up keep the exact wording of the "
        "questions and the way respondents are recruited.",
    ),
    "code": ("Kod", "Code"),
    "answer_kind": ("Odpowiedź", "Answer"),
    "qtype_one": ("jeden wybór", "one choice"),
    "qtype_multiple": ("wielokrotny wybór", "multiple choice"),
    "qtype_number": ("liczba", "number"),
    "qtype_text": ("tekst", "text"),
    "qtype_date": ("data", "date"),
    "up_to": ("do {k}", "up to {k}"),
    "questionnaire": ("Kwestionariusz", "Questionnaire"),
    "question": ("Pytanie", "Question"),
    "type": ("Typ", "Type"),
    "by_age_band": ("Wskaźniki według wieku (z liczebnościami)", "Indicators by age (with n)"),
    "by_group": ("Wskaźniki według: {name} (z liczebnościami)", "Indicators by: {name} (with n)"),
    "by_sex": ("Wskaźniki według płci (z liczebnościami)", "Indicators by sex (with n)"),
    "by_district": (
        "Wskaźniki według części miejscowości (z liczebnościami)",
        "Indicators by part of town (with n)",
    ),
    "group": ("Grupa", "Group"),
    "disclosure": (
        "Ochrona danych i kontrola ujawniania",
        "Data protection and disclosure control",
    ),
    "disclosure_note": (
        "Żaden opublikowany wynik nie opiera się na mniej niż {threshold} osobach (w liczniku i "
        "mianowniku odsetka). Gdy wynik jednej grupy jest ukryty, ukrywamy też kolejny, aby nie "
        "dało się go odtworzyć z sumy. Podstawa: art. 38 ust. 2 ustawy o statystyce publicznej; "
        "zasady ABS DataLab i ONS. Odpowiedzi otwarte cytujemy po usunięciu danych osobowych. "
        "Dane są anonimowe; plików z odpowiedziami nie publikujemy.",
        "No published number rests on fewer than {threshold} respondents (in the numerator and "
        "the denominator of a share). When one group is hidden, another is hidden too, so that "
        "it cannot be recovered from a total. Sources: Polish statistics law art. 38(2); ABS "
        "DataLab and ONS rules. Open answers are quoted only after personal data are removed. "
        "The data are anonymous; response files are not published.",
    ),
}


def text(lang: str, key: str, **values: object) -> str:
    """The text ``key`` in ``lang`` with ``{fields}`` filled from ``values``."""
    pl, en = TEXTS[key]
    template = pl if lang == "pl" else en
    return template.format(**values) if values else template
