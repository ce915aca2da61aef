"""Every word the app shows, in Polish and English.

The app never writes a user-visible string anywhere else: widgets take their
labels from :func:`say`, so switching the language relabels everything.

Examples
--------
>>> say("pl", "s2_title"), say("en", "s2_title")
('2. Odpowiedzi z ankiet', '2. Survey responses')
>>> say("pl", "total", total="31 410")
'Razem: 31 410 mieszkańców w wieku 18+'
"""

from __future__ import annotations

from ..errors import Language

__all__ = ["TEXTS", "say", "stages"]

#: key -> (Polish, English); ``{name}`` placeholders are filled by :func:`say`
TEXTS: dict[str, tuple[str, str]] = {
    # the frame
    "title": ("Diagnoza potrzeb mieszkańców", "Community needs diagnosis"),
    "subtitle": (
        "Aplikacja dla biblioteki: od ankiet do raportu w czterech krokach.",
        "The library's app: from surveys to a report in four steps.",
    ),
    "lang_label": ("Język:", "Language:"),
    "privacy": (
        "Dane zostają na tym komputerze. Wczytane pliki są kopiowane do folderu {towns}, "
        "raporty zapisują się w {reports}. Aplikacja niczego nie wysyła do internetu.",
        "Your data stay on this computer. Uploaded files are copied to {towns}, reports are "
        "saved in {reports}. The app sends nothing to the internet.",
    ),
    "need_town": (
        "Najpierw wybierz albo utwórz miejscowość (krok 1).",
        "First choose or create a town (step 1).",
    ),
    "internal": (
        "Nieoczekiwany błąd programu ({kind}). To nie jest błąd w Twoich danych. Szczegóły są "
        "w oknie, w którym uruchomiono aplikację; przekaż je autorom programu.",
        "Unexpected program error ({kind}). This is not a problem with your data. The details "
        "are in the window where the app was started; please pass them to the authors.",
    ),
    "cancel": ("Anuluj", "Cancel"),
    # step 1: the town
    "s1_title": ("1. Miejscowość", "1. The town"),
    "s1_intro": (
        "Wybierz miejscowość z listy albo utwórz nową.",
        "Choose a town from the list or create a new one.",
    ),
    "town_label": ("Miejscowość:", "Town:"),
    "open": ("Otwórz", "Open"),
    "no_towns": (
        "W folderze {towns} nie ma jeszcze żadnej miejscowości. Utwórz pierwszą poniżej.",
        "There is no town in {towns} yet. Create the first one below.",
    ),
    "new_title": ("Nowa miejscowość", "A new town"),
    "name_label": ("Nazwa:", "Name:"),
    "name_placeholder": ("np. Kwidzyn", "e.g. Kwidzyn"),
    "margins_intro": (
        "Liczba mieszkańców w wieku 18+ według wieku i płci (np. z Banku Danych Lokalnych "
        "GUS). Wpisz ją w tabelę albo wczytaj z pliku CSV lub Excel (kolumny age_band, sex, "
        "population albo wiek w pierwszej kolumnie i kolumny Kobiety, Mężczyźni).",
        "Residents aged 18+ by age and sex (e.g. from Statistics Poland's Local Data Bank). "
        "Type them into the table or load them from a CSV or Excel file (columns age_band, sex, "
        "population, or the age in the first column and columns Female, Male).",
    ),
    "age": ("Wiek", "Age"),
    "sex_female": ("Kobiety", "Women"),
    "sex_male": ("Mężczyźni", "Men"),
    # the name a screen reader gives one box of the table (its column and row)
    "cell_label": ("{sex}, wiek {age}", "{sex}, age {age}"),
    "total": ("Razem: {total} mieszkańców w wieku 18+", "In all: {total} residents aged 18+"),
    "margins_upload": ("Wczytaj z pliku", "Load from a file"),
    "margins_loaded": (
        "Wczytano strukturę ludności z pliku {file}. Sprawdź liczby w tabeli.",
        "The population structure was loaded from {file}. Check the numbers in the table.",
    ),
    "source_label": ("Źródło danych:", "Source:"),
    "source_placeholder": ("np. GUS BDL, 2024", "e.g. GUS BDL, 2024"),
    "start_label": ("Początek badania:", "Fieldwork starts:"),
    "end_label": ("Koniec badania:", "Fieldwork ends:"),
    "recruitment_label": ("Jak zbieracie ankiety:", "How surveys are collected:"),
    "recruitment_placeholder": (
        "opcjonalnie, np. ankieta w bibliotece i online",
        "optional, e.g. a survey in the library and online",
    ),
    "create": ("Utwórz miejscowość", "Create the town"),
    "created": (
        "Utworzono miejscowość {name} (folder {folder}). Teraz wczytaj plik z odpowiedziami "
        "(krok 2).",
        "The town {name} was created (folder {folder}). Now upload a response file (step 2).",
    ),
    "current": (
        "Wybrana miejscowość: <b>{name}</b> (folder {folder}). Pliki z odpowiedziami: {files}.",
        "Chosen town: <b>{name}</b> (folder {folder}). Response files: {files}.",
    ),
    "no_files": ("jeszcze brak", "none yet"),
    # step 1: population from GUS
    "gus_intro": (
        "Ludność możesz wziąć z danych GUS: wpisz nazwę gminy (podpowiada się z nazwy "
        "miejscowości) i wybierz ją z listy, a liczby dorosłych według wieku wezmę z Banku "
        "Danych Lokalnych (stan na 31.12.{year}). Masz nowsze dane? Pobierz z BDL tabelę P2137 "
        "„Ludność według pięcioletnich grup wieku i płci” jako CSV i wczytaj ją. Możesz też "
        "wpisać liczby w tabelę.",
        "You may take the population from GUS: type the gmina's name (the town's name is "
        "offered) and choose it from the list, and the adults by age come from the Local Data "
        "Bank (as of 31.12.{year}). Have newer figures? Download BDL table P2137 'Ludność "
        "według pięcioletnich grup wieku i płci' as CSV and load it. Or type the numbers into "
        "the table.",
    ),
    "gmina_search_label": ("Szukaj gminy:", "Find the gmina:"),
    "gmina_search_placeholder": ("nazwa gminy, np. Kwidzyn", "the gmina's name, e.g. Kwidzyn"),
    "gmina_label": ("Gmina (dane GUS):", "Gmina (GUS figures):"),
    "gmina_none": (
        "— nie wybrano (wpiszę liczby w tabelę) —",
        "— none (I will type the numbers) —",
    ),
    "gmina_found": (
        "Pasujące gminy: {n}. Wybierz swoją z listy „Gmina”.",
        "Matching gminy: {n}. Choose yours in the 'Gmina' list.",
    ),
    "gmina_not_found": (
        "Nie znaleziono gminy o nazwie „{query}”. Sprawdź pisownię (wystarczy początek nazwy) "
        "albo wpisz liczby w tabelę.",
        "No gmina named '{query}' was found. Check the spelling (the start of the name will "
        "do) or type the numbers into the table.",
    ),
    "bdl_upload": (
        "Wczytaj nowszy eksport z BDL (P2137, CSV)",
        "Load a newer BDL export (P2137, CSV)",
    ),
    "typed_instead": ("Wpiszę liczby w tabelę", "I will type the numbers"),
    "gus_heading": (
        "Dorośli mieszkańcy: {unit}, według wieku",
        "Adult residents: {unit}, by age",
    ),
    "gus_both": ("Obie płcie razem", "Both sexes together"),
    "gus_total": ("Razem 18+", "All 18+"),
    "gus_source_gmina": (
        "Źródło: GUS, Bank Danych Lokalnych, tabela P2137 (ludność według pięcioletnich grup "
        "wieku), stan na 31.12.{year}; obie płcie razem, więc raport będzie ważył odpowiedzi "
        "tylko według wieku; wiek 18–19 to 2/5 grupy 15–19. W town.yaml: margins: "
        '{{gmina: "{teryt}"}}.',
        "Source: GUS, Local Data Bank, table P2137 (population by five-year age groups), as of "
        "31.12.{year}; both sexes together, so the report weights the answers by age only; "
        'ages 18–19 are 2/5 of the group 15–19. In town.yaml: margins: {{gmina: "{teryt}"}}.',
    ),
    "gus_source_bdl": (
        "Źródło: GUS, Bank Danych Lokalnych, tabela P2137, {year} (plik {file}, zostanie "
        "skopiowany do folderu miejscowości); {sexes}; wiek 18–19 to 2/5 grupy 15–19. W "
        "town.yaml: margins: {{bdl: {file}}}.",
        "Source: GUS, Local Data Bank, table P2137, {year} (file {file}, to be copied into the "
        "town folder); {sexes}; ages 18–19 are 2/5 of the group 15–19. In town.yaml: margins: "
        "{{bdl: {file}}}.",
    ),
    "gus_year": ("rok {year}", "year {year}"),
    "gus_no_year": ("rok nie jest podany w pliku", "the file gives no year"),
    "gus_sexes_apart": ("kobiety i mężczyźni osobno", "women and men apart"),
    "gus_sexes_together": (
        "obie płcie razem, więc raport będzie ważył odpowiedzi tylko według wieku",
        "both sexes together, so the report weights the answers by age only",
    ),
    "gmina_chosen": (
        "Wybrano gminę {unit}: {total} mieszkańców w wieku 18+ według GUS (stan na 31.12.{year}).",
        "Chosen: {unit}, {total} residents aged 18+ according to GUS (as of 31.12.{year}).",
    ),
    "bdl_loaded": (
        "Wczytano eksport BDL {file}: {unit}, {year}, {total} mieszkańców w wieku 18+ ({sexes}). "
        "Te liczby zostaną użyte dla nowej miejscowości.",
        "The BDL export {file} was loaded: {unit}, {year}, {total} residents aged 18+ "
        "({sexes}). These figures will be used for the new town.",
    ),
    "typed_back": (
        "Liczby wpiszesz w tabelę; dane GUS nie zostaną użyte.",
        "You will type the numbers into the table; the GUS figures will not be used.",
    ),
    # step 1: the town's questionnaire
    "instrument_title": ("Kwestionariusz tej miejscowości", "This town's questionnaire"),
    "instrument_current": (
        "Kwestionariusz: <b>{file}</b>{standard}.",
        "Questionnaire: <b>{file}</b>{standard}.",
    ),
    "instrument_standard": (" (standardowy kwestionariusz diagnozy)", " (the standard one)"),
    "instrument_intro": (
        "Jeśli ankieta miała inne pytania niż standardowa, wczytaj jej kwestionariusz "
        "(XLSForm, .xlsx, np. z KoboToolbox) albo utwórz go z pliku z odpowiedziami (program "
        "zaproponuje pytania na podstawie kolumn i odpowiedzi). Plik zostanie skopiowany do "
        "folderu miejscowości, a town.yaml wskaże go w polu instrument.",
        "If the survey asked other questions than the standard one, upload its questionnaire "
        "(XLSForm, .xlsx, e.g. from KoboToolbox) or make one from the response file (the "
        "program proposes questions from the columns and answers). The file is copied into "
        "the town folder and town.yaml names it under instrument.",
    ),
    "instrument_upload": (
        "Wczytaj własny kwestionariusz (XLSForm .xlsx)",
        "Upload your questionnaire (XLSForm .xlsx)",
    ),
    "propose_upload": (
        "Utwórz kwestionariusz z pliku z odpowiedziami",
        "Make a questionnaire from a response file",
    ),
    "standard_instrument": ("Wróć do standardowego kwestionariusza", "Use the standard one again"),
    "instrument_saved": (
        "Zapisano kwestionariusz {file} (pytań: {n}) w folderze miejscowości; ta miejscowość "
        "go teraz używa.",
        "The questionnaire {file} ({n} questions) was saved in the town folder; the town uses "
        "it now.",
    ),
    "instrument_reset": (
        "Miejscowość znów używa standardowego kwestionariusza (wcześniejszy plik został w "
        "folderze).",
        "The town uses the standard questionnaire again (the earlier file stays in the folder).",
    ),
    "instrument_not_xlsx": (
        "Kwestionariusz to skoroszyt XLSForm (.xlsx lub .xls) z arkuszami survey i choices. "
        "W KoboToolbox: Formularz → Pobierz → XLS.",
        "A questionnaire is an XLSForm workbook (.xlsx or .xls) with the sheets survey and "
        "choices. In KoboToolbox: Form → Download → XLS.",
    ),
    "proposal_made": (
        "Utworzono kwestionariusz {file} z pliku {export} (pytań: {n}); ta miejscowość go teraz "
        "używa. Pobierz go i sprawdź arkusz „uwagi”: są tam pytania, co do których program nie "
        "był pewien (typ pytania, odpowiedzi, pytania do pominięcia). Poprawiony plik wczytaj "
        "przyciskiem „Wczytaj własny kwestionariusz”.",
        "The questionnaire {file} was made from {export} ({n} questions); the town uses it "
        "now. Download it and check the 'uwagi' (notes) sheet: it lists what the program was "
        "not sure of (question types, answers, questions to leave out). Upload the corrected "
        "file with 'Upload your questionnaire'.",
    ),
    "proposal_unusable": (
        "Utworzono propozycję kwestionariusza {file} z pliku {export}, ale jeszcze nie da się "
        "jej użyć: {error} Pobierz ją, popraw (zob. arkusz „uwagi”) i wczytaj przyciskiem "
        "„Wczytaj własny kwestionariusz”. Miejscowość używa dotychczasowego kwestionariusza.",
        "A proposed questionnaire {file} was made from {export}, but it cannot be used yet: "
        "{error} Download it, correct it (see the 'uwagi' sheet) and upload it with 'Upload "
        "your questionnaire'. The town keeps its questionnaire for now.",
    ),
    "download_xlsform": (
        "Pobierz kwestionariusz (XLSForm)",
        "Download the questionnaire (XLSForm)",
    ),
    "check_uwagi": (
        "Sprawdź arkusz „uwagi” w pobranym pliku.",
        "Check the 'uwagi' (notes) sheet of the downloaded file.",
    ),
    # step 2: the responses
    "s2_title": ("2. Odpowiedzi z ankiet", "2. Survey responses"),
    "s2_intro": (
        "Wczytaj plik z odpowiedziami: eksport z KoboToolbox, Formularzy Google, LimeSurvey, "
        "Excela, SPSS lub Staty ({formats}; najwyżej {limit}). Plik zostanie skopiowany do "
        "folderu miejscowości; oryginał nie jest zmieniany.",
        "Upload a response file: an export from KoboToolbox, Google Forms, LimeSurvey, Excel, "
        "SPSS or Stata ({formats}; at most {limit}). The file is copied to the town's folder; "
        "the original is not changed.",
    ),
    "upload": ("Wybierz plik z odpowiedziami", "Choose a response file"),
    "conflict_same": (
        "W folderze miejscowości jest już inny plik o nazwie {file}. Zastąpić go nowym? "
        "Poprzednia wersja zostanie nadpisana.",
        "The town folder already has a different file named {file}. Replace it with the new "
        "one? The previous version will be overwritten.",
    ),
    "conflict_others": (
        "Miejscowość ma już plik(i) z odpowiedziami: {files}. Dodać {file} jako kolejny plik "
        "(odpowiedzi ze wszystkich plików zostaną połączone) czy analizować tylko nowy plik? "
        "Dotychczasowe pliki zostaną w folderze.",
        "The town already has response file(s): {files}. Add {file} as another file (the "
        "answers of all files are combined) or analyse only the new file? The earlier files "
        "stay in the folder.",
    ),
    "replace_file": ("Zastąp plik", "Replace the file"),
    "add_file": ("Dodaj jako kolejny plik", "Add as another file"),
    "only_new": ("Analizuj tylko nowy plik", "Analyse only the new file"),
    "cancelled": ("Anulowano; nic nie zapisano.", "Cancelled; nothing was saved."),
    "saved": (
        "Zapisano {file} w folderze miejscowości ({rows}).",
        "{file} was saved in the town folder ({rows}).",
    ),
    "rows": ("wierszy z odpowiedziami: {n}", "response rows: {n}"),
    "valid_ok": (
        "Dane są gotowe do analizy. Przejdź do kroku 3.",
        "The data are ready for the analysis. Go on to step 3.",
    ),
    "valid_bad": (
        "Dane mają błędy, które trzeba poprawić przed analizą (szczegóły niżej).",
        "The data have errors to fix before the analysis (details below).",
    ),
    "mapping_hint": (
        "Jeśli brakujące pytanie jest w pliku pod inną nazwą, wskaż je niżej w „Przypisaniu "
        "kolumn”.",
        "If a missing question is in the file under another name, point to it below in "
        "'Column mapping'.",
    ),
    # the count the analysis uses: each response once ({n} is already a counted phrase)
    "counted": ("Razem w analizie: {n}.", "In the analysis: {n}."),
    "counted_repeats": (
        "Razem w analizie: {n} (powtórzone wiersze, których analiza nie liczy: {k}).",
        "In the analysis: {n} (repeated rows the analysis does not count: {k}).",
    ),
    "duplicate_file_hint": (
        "Ten sam eksport wczytano więcej niż raz: usuń powtórzony plik z miejscowości niżej "
        "(„Pliki z odpowiedziami”).",
        "The same export was uploaded more than once: remove the repeated file from the town "
        "below ('Response files').",
    ),
    "files_title": ("Pliki z odpowiedziami", "Response files"),
    "files_intro": (
        "Pliki, z których analiza bierze odpowiedzi. Plik usunięty z miejscowości nie jest "
        "kasowany: trafia do podfolderu usuniete w folderze miejscowości.",
        "The files the analysis takes the answers from. A file removed from the town is not "
        "deleted: it is moved to the subfolder usuniete of the town folder.",
    ),
    "file_line": ("{file}: {rows}", "{file}: {rows}"),
    "file_repeats": ("powtarza plik {other}", "repeats {other}"),
    "file_unread": ("nie udało się go wczytać", "it could not be read"),
    # the name a screen reader gives a remove button (several are shown, one per file)
    "remove_file_label": (
        "Usuń plik {file} z miejscowości",
        "Remove the file {file} from the town",
    ),
    "removed": (
        "Usunięto plik {file} z miejscowości; przeniesiono go do {moved} (nie został "
        "skasowany; aby go przywrócić, wczytaj go ponownie).",
        "The file {file} was removed from the town and moved to {moved} (it was not "
        "deleted; to bring it back, upload it again).",
    ),
    "removed_missing": (
        "Usunięto plik {file} z listy plików miejscowości (w folderze go nie było).",
        "The file {file} was taken off the town's list (it was not in the folder).",
    ),
    "repeats_title": ("Powtórzone ankiety", "Repeated responses"),
    "repeats_note": (
        "Analiza liczy każdą ankietę raz: zostaje pierwsze wystąpienie, powtórzenia są "
        "pomijane same, nie trzeba ich wykluczać. Cały powtórzony plik usuniesz przyciskiem "
        "przy nim.",
        "The analysis counts each response once: the first occurrence stays, repeats are "
        "left out by themselves and need not be excluded. Remove a whole repeated file with "
        "the button beside it.",
    ),
    # excluding flagged rows ({rows} is already a counted phrase)
    "counted_excluded": (
        "Zespół wykluczył z analizy {rows}.",
        "The team excluded {rows} from the analysis.",
    ),
    "exclude_title": ("Wykluczanie wierszy z analizy", "Excluding rows from the analysis"),
    "exclude_intro": (
        "Te wiersze sprawdzanie danych oznaczyło jako podejrzane. Zaznacz te, których analiza "
        "ma nie liczyć, i zapisz. Wykluczenia zapiszą się w ustawieniach miejscowości "
        "(exclude w town.yaml) razem z powodem w dzienniku oczyszczania danych; plik z danymi "
        "się nie zmieni, a zaznaczenie można cofnąć.",
        "Checking the data flagged these rows as suspicious. Tick those the analysis should "
        "not count and save. The exclusions are saved in the town's settings (exclude in "
        "town.yaml), with the reason in the cleaning log; the data file is not changed, and a "
        "tick can be undone.",
    ),
    # the name a screen reader gives each checkbox
    "exclude_row": (
        "Wyklucz z analizy: plik {file}, wiersz {row} ({why})",
        "Exclude from the analysis: file {file}, row {row} ({why})",
    ),
    "exclude_by_hand": ("wpisany w town.yaml", "written in town.yaml"),
    "exclude_more": (
        "Pokazano {shown} z {total} oznaczonych wierszy. Pozostałe można wykluczyć, wpisując je "
        "w town.yaml (exclude: - file: ..., row: ...).",
        "{shown} of {total} flagged rows are shown. The others can be excluded by writing them "
        "in town.yaml (exclude: - file: ..., row: ...).",
    ),
    "exclude_save": ("Zapisz wykluczenia", "Save the exclusions"),
    "exclude_saved": (
        "Zapisano wykluczenia (wykluczone z analizy: {rows}) i ponownie sprawdzono dane.",
        "The exclusions were saved (excluded from the analysis: {rows}) and the data were "
        "checked again.",
    ),
    "check": ("Sprawdź dane ponownie", "Check the data again"),
    "mapping_title": ("Przypisanie kolumn", "Column mapping"),
    "mapping_intro": (
        "Tych nagłówków nie dopasowano do żadnego pytania kwestionariusza. Wskaż, którym "
        "pytaniom odpowiadają (pytania, których brakuje w pliku, są na początku listy). "
        "Przypisanie zapisze się w ustawieniach miejscowości (town.yaml); plik z danymi się "
        "nie zmieni.",
        "These headers matched no question of the questionnaire. Say which questions they "
        "are (questions missing from the file come first in the list). The mapping is saved "
        "in the town's settings (town.yaml); the data file is not changed.",
    ),
    "mapping_file": ("Plik {file}", "File {file}"),
    # the name a screen reader gives the list next to a header
    "mapping_choice": ("Kolumna {header} to pytanie", "Column {header} is the question"),
    "mapping_save": ("Zapisz przypisanie kolumn", "Save the column mapping"),
    "mapping_saved": (
        "Zapisano przypisanie kolumn ({n}) i ponownie sprawdzono dane.",
        "The column mapping ({n}) was saved and the data were checked again.",
    ),
    # step 3: key results
    "s3_title": ("3. Najważniejsze wyniki", "3. Key results"),
    "preview": ("Pokaż wyniki", "Show the results"),
    "preview_intro": (
        "Podgląd wyników przed raportem: kto odpowiedział i jakie potrzeby są najważniejsze.",
        "A look at the results before the report: who answered and which needs come first.",
    ),
    "key_numbers": (
        "Ankiet w analizie: <b>{n}</b>. Mieszkańców w wieku 18+: {population}. Margines błędu "
        "(95%): ±{moe} pp.",
        "Surveys analysed: <b>{n}</b>. Residents aged 18+: {population}. Margin of error "
        "(95%): ±{moe} pp.",
    ),
    "pyramid_caption": (
        "Próba a ludność według wieku i płci: obrys to ludność, słupek to ankiety",
        "Sample against population by age and sex: the outline is the population, the bar "
        "the surveys",
    ),
    "needs_caption": (
        "Najczęściej wskazywane potrzeby (z 95% przedziałem ufności)",
        "The needs named most often (with 95% confidence intervals)",
    ),
    "top_needs": ("Najważniejsze potrzeby", "The most pressing needs"),
    "preview_note": (
        "To podgląd; pełne wyniki są w raporcie (krok 4).",
        "This is a preview; the full results are in the report (step 4).",
    ),
    # step 4: the report
    "s4_title": ("4. Raport", "4. The report"),
    "report_intro": (
        "Raport PDF (ok. 30 stron) i arkusz wskaźników powstają na tym komputerze; trwa to "
        "zwykle 20–60 sekund.",
        "The PDF report (about 30 pages) and the indicators workbook are made on this "
        "computer; it usually takes 20-60 seconds.",
    ),
    "report_lang": ("Język raportu:", "Report language:"),
    "make_report": ("Utwórz raport (PDF)", "Make the report (PDF)"),
    "stage": ("Krok {i} z {n}: {stage}…", "Step {i} of {n}: {stage}…"),
    "progress_label": ("Postęp tworzenia raportu", "Progress of the report"),
    "report_done": (
        "Raport gotowy ({seconds} s). Pliki zapisano w folderze {folder}.",
        "The report is ready ({seconds} s). The files were saved in {folder}.",
    ),
    "download_pdf": ("Pobierz raport (PDF)", "Download the report (PDF)"),
    "download_xlsx": ("Pobierz wskaźniki (Excel)", "Download the indicators (Excel)"),
    "download_docx": (
        "Pobierz karty dowodów (Word)",
        "Download the evidence sheets (Word)",
    ),
    "commentary_title": ("Komentarz zespołu", "The team's commentary"),
    "commentary_intro": (
        "Komentarz pojawi się w podsumowaniu raportu (dane osobowe zostaną w nim zastąpione "
        "oznaczeniami). Zapisuje się w folderze miejscowości jako komentarz.txt.",
        "The commentary appears in the report's summary (personal data in it are replaced by "
        "labels). It is saved in the town folder as komentarz.txt.",
    ),
    "commentary_label": ("Komentarz do raportu:", "Commentary for the report:"),
    "commentary_placeholder": (
        "np. jak zbieraliśmy ankiety, co nas zaskoczyło, co planujemy",
        "e.g. how we collected the surveys, what surprised us, what we plan",
    ),
    "commentary_save": ("Zapisz komentarz", "Save the commentary"),
    "commentary_saved": (
        "Zapisano komentarz ({n} znaków) w pliku {file}. Pojawi się w raporcie, gdy go utworzysz.",
        "The commentary ({n} characters) was saved in {file}. It appears in the report when you "
        "make it.",
    ),
    "commentary_cleared": (
        "Zapisano pusty komentarz: raport nie będzie go miał.",
        "An empty commentary was saved: the report will have none.",
    ),
    # the command that starts the app
    "starting": ("Uruchamiam aplikację…", "Starting the app…"),
    "serving": (
        "Aplikacja działa pod adresem {url}\nOtwórz ten adres w przeglądarce na tym komputerze. "
        "Miejscowości: {towns}. Raporty: {reports}.\nAby zakończyć, naciśnij Ctrl+C.",
        "The app is running at {url}\nOpen this address in a browser on this computer. "
        "Towns: {towns}. Reports: {reports}.\nTo stop it, press Ctrl+C.",
    ),
    "stopped": ("Zatrzymano aplikację.", "The app was stopped."),
    "port_busy": (
        "Port {port} jest zajęty. Podaj inny (--port) albo pomiń tę opcję, a program sam "
        "wybierze wolny.",
        "Port {port} is in use. Give another (--port) or leave the option out and a free one "
        "is chosen.",
    ),
    "not_started": (
        "Nie udało się uruchomić aplikacji (Voilà zakończyła pracę z kodem {code}). Komunikaty "
        "powyżej mówią dlaczego.",
        "The app could not be started (Voilà exited with code {code}). The messages above say why.",
    ),
}

_STAGES = (
    ("sprawdzanie danych", "checking the data"),
    ("obliczenia (notatnik)", "the analysis (notebook)"),
    ("strona HTML", "the HTML page"),
    ("plik PDF", "the PDF file"),
)


def say(lang: Language, key: str, **values: object) -> str:
    """The text ``key`` in ``lang`` with ``values`` filled in.

    Raises
    ------
    KeyError
        For an unknown key (a programming error, caught by the tests).
    """
    pl, en = TEXTS[key]
    text = pl if lang == "pl" else en
    return text.format(**values) if values else text


def stages(lang: Language) -> list[str]:
    """The stages of making a report, as the progress line names them.

    Examples
    --------
    >>> stages("pl")[-1]
    'plik PDF'
    """
    return [pl if lang == "pl" else en for pl, en in _STAGES]
