import pytest

from kb import text


@pytest.mark.parametrize("a, b", [
    ("Gefluechtete", "Geflüchtete"), ("Foerderung", "Förderung"), ("Strasse", "Straße"), ("AUGENHÖHE", "augenhoehe"),
])
def test_fold_treats_umlaut_spellings_alike(a, b):
    assert text.fold(a) == text.fold(b)


def test_stem_text_reduces_inflections_to_one_stem():
    assert text.stem_text("Förderung") == text.stem_text("Forderung") == "forder"
    assert text.stem_text("Koordinatoren Koordinator") == "koordinator koordinator"


def test_match_query_prefixes_every_stem_and_escapes_quotes():
    assert text.match_query('Kooperation "Vertrauen"') == '"kooperation"* AND "vertrau"*'
    assert text.match_query("  ") is None


def test_short_stems_match_whole_words_only():
    assert text.match_query("DaZ Kurs") == '"daz" AND "kur"'
    assert text.snippet("DaZ-Kurse dazu", "DaZ") == "<mark>DaZ</mark>-Kurse dazu"


def test_trigram_query_needs_four_letters():
    assert text.trigram_query("Kurs") == '"kurs"'
    assert text.trigram_query("Sprache Kurs") == '"sprache" AND "kurs"'
    assert text.trigram_query("DaZ Kurs") is None


def test_snippet_marks_matches_and_escapes_html():
    out = text.snippet("Vertrauen <b>ist</b> wichtig für Kooperationsarbeit.", "Kooperation vertrauen")
    assert out == "<mark>Vertrauen</mark> &lt;b&gt;ist&lt;/b&gt; wichtig für <mark>Kooperationsarbeit</mark>."


def test_snippet_cuts_long_text_around_the_first_match():
    words = " ".join(f"wort{i}" for i in range(100)) + " Empathie " + " ".join(f"ende{i}" for i in range(100))
    out = text.snippet(words, "Empathie", width=10)
    assert out.startswith("…") and out.endswith("…")
    assert "<mark>Empathie</mark>" in out
    assert len(out.split()) == 10
