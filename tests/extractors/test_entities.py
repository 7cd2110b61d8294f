"""Entities: gazetteer ahead of NER, canonical names and labels, short forms, batches.

Runs the real spaCy model named in the shipped config (installed by `make install`).
"""

import pytest

from extractors.entities import EntityExtractor, Mention, normalise_name
from newswatch.settings import GazetteerEntry, NlpSettings, load_settings

TEXT = (
    "Kazakhstan's President Kassym-Jomart Tokayev asked the CSTO for help on Wednesday. "
    "Tokayev's request was granted within hours, and the Collective Security Treaty "
    "Organization sent paratroopers. The ОДКБ force was led by Andrei Serdyukov, while "
    "Vladimir Putin spoke to Tokayev by phone. RIA Novosti quoted Stanislav Zas."
)


@pytest.fixture(scope="module")
def extractor() -> EntityExtractor:
    s = load_settings(env={})
    return EntityExtractor(s.nlp, [e for t in s.topics for e in t.gazetteer])


def by_name(mentions: list[Mention]) -> dict[str, Mention]:
    return {m.name: m for m in mentions}


def test_canonical_names_labels_and_counts(extractor):
    found = by_name(extractor.extract([TEXT])[0])
    csto = found["Collective Security Treaty Organization"]
    assert csto.label == "ORG" and csto.count == 3  # CSTO, full name, ОДКБ
    tokayev = found["Kassym-Jomart Tokayev"]
    assert tokayev.label == "PERSON" and tokayev.count == 3
    assert found["Kazakhstan"].label == "GPE"
    assert found["Vladimir Putin"].label == "PERSON"
    assert found["Andrei Serdyukov"].label == "PERSON"
    assert "Tokayev" not in found and "CSTO" not in found


def test_short_form_resolves_within_article_for_unknown_people(extractor):
    text = (
        "Maxim Suchkov, a Moscow analyst, welcomed the move. Later Suchkov wrote that "
        "the mission would be short. Suchkov added nothing else."
    )
    found = by_name(extractor.extract([text])[0])
    assert "Maxim Suchkov" in found and found["Maxim Suchkov"].count == 3
    assert "Suchkov" not in found
    # The same surname in another text with no full name stays as it is: no cross-text leaks.
    other = by_name(extractor.extract(["Suchkov said the talks went well in Moscow."])[0])
    assert "Maxim Suchkov" not in other


def test_batches_keep_order_and_empty_texts(extractor):
    texts = ["", "Vladimir Putin spoke.", "Nothing here at all.", TEXT] * 3
    out = extractor.extract(texts)
    assert len(out) == len(texts)
    assert out[0] == [] and by_name(out[1]).keys() >= {"Vladimir Putin"}


def test_normalise_name_strips_titles_possessives_and_spaces():
    assert normalise_name("President  Kassym-Jomart Tokayev’s") == "Kassym-Jomart Tokayev"
    assert normalise_name("the Kremlin") == "Kremlin"
    assert normalise_name("Secretary General Stanislav Zas") == "Stanislav Zas"
    assert normalise_name('"Almaty,') == "Almaty"


def test_gazetteer_label_overrides_ner(extractor):
    custom = EntityExtractor(
        NlpSettings(), [GazetteerEntry(name="Steppe Shield", label="EVENT", aliases=["shield op"])]
    )
    found = by_name(
        custom.extract(["Officials called it Shield Op after the Steppe Shield plan."])[0]
    )
    assert found["Steppe Shield"].label == "EVENT" and found["Steppe Shield"].count == 2


def test_shipped_topic_gazetteer_names_canonically(extractor):
    out = extractor.extract(["The CSTO met in Moscow.", "Tokayev spoke."])
    assert by_name(out[0])["Collective Security Treaty Organization"].label == "ORG"
    assert by_name(out[1])["Kassym-Jomart Tokayev"].label == "PERSON"


def test_lower_case_spans_and_numbers_are_not_entities(extractor):
    text = (
        "The ministry said 2,500 troops and the Kazakh police were deployed. "
        "Kazakhs queued for bread while the interior ministry met."
    )
    found = by_name(extractor.extract([text])[0])
    assert not [n for n in found if n[0].islower() or n[0].isdigit()]
    assert found["Kazakh"].label == "NORP" and found["Kazakh"].count == 2


def test_case_variants_merge_and_headline_shouting_is_dropped(extractor):
    text = (
        "MOSCOW REACTS\nOfficials in Moscow welcomed the decision. "
        "A SWIPE AT THE OLD ELITE\nThe mission left Moscow later. NATO was silent."
    )
    found = by_name(extractor.extract([text])[0])
    assert found["Moscow"].count == 3 and "MOSCOW" not in found
    assert "SWIPE" not in found
    assert "NATO" in found


def test_a_topic_without_gazetteer_runs_ner_without_an_empty_ruler():
    import warnings

    settings = load_settings(env={}).nlp
    bare = EntityExtractor(settings, [])
    assert "entity_ruler" not in bare.nlp.pipe_names
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # spaCy's W036 for an empty ruler would raise here
        [mentions] = bare.extract(["Troops from Russia reached Almaty, President Putin said."])
    assert {"Russia", "Putin"} <= {m.name for m in mentions}
