"""Russian NER through natasha, routed by language, with the topic gazetteer by lemma."""

import pytest

from extractors.config import GazetteerEntry, NlpSettings
from extractors.entities import EntityExtractor

GAZETTEER = [
    GazetteerEntry(name="Kassym-Jomart Tokayev", label="PERSON", aliases=["Tokayev", "Токаев"]),
    GazetteerEntry(
        name="Collective Security Treaty Organization",
        label="ORG",
        aliases=["ОДКБ", "Организация Договора о коллективной безопасности"],
    ),
    GazetteerEntry(name="Kazakhstan", label="GPE", aliases=["Казахстан"]),
]

RUSSIAN = (
    "Президент Касым-Жомарт Токаев обратился к Организации Договора о коллективной "
    "безопасности. Генерал Андрей Сердюков доложил Токаеву о прибытии войск. Позже "
    "Сердюкову поручили охрану аэропорта Алматы. Министр обороны Сергей Шойгу заявил, что "
    "Шойгу лично следит за операцией ОДКБ в Казахстане."
)
KAZAKH = (
    "Қазақстан Президенті Қасым-Жомарт Тоқаев ҰҚШҰ елдерінің басшыларына алғыс айтты. "
    "Бітімгершілік күштер Алматыдағы маңызды нысандарды күзетті."
)


@pytest.fixture(scope="module")
def extractor() -> EntityExtractor:
    return EntityExtractor(NlpSettings(), GAZETTEER)


def by_name(mentions):
    return {m.name: m for m in mentions}


def test_inflected_aliases_hit_the_gazetteer_and_names_are_nominative(extractor):
    [found] = extractor.extract([RUSSIAN], ["ru"])
    names = by_name(found)
    tokayev = names["Kassym-Jomart Tokayev"]
    assert tokayev.label == "PERSON" and tokayev.count == 2
    assert {"Касым-Жомарт Токаев", "Токаеву"} <= set(tokayev.forms)
    assert names["Collective Security Treaty Organization"].count == 2
    assert names["Kazakhstan"].forms == ("Казахстане",)
    # Names the topic does not list: one entity per person, whatever the case ending.
    assert names["Андрей Сердюков"].count == 2 and names["Андрей Сердюков"].label == "PERSON"
    assert names["Сергей Шойгу"].count == 2
    assert not {"Токаеву", "Сердюкову", "Шойгу", "Сердюков"} & set(names)
    # natasha's LOC is a GPE, like spaCy's countries and cities.
    assert names["Алматы"].label == "GPE"


def test_each_language_gets_its_pipeline_and_others_get_none(extractor):
    english = "Russian troops reached Almaty on Thursday, President Tokayev told the CSTO."
    ru, en, kk, unknown = extractor.extract(
        [RUSSIAN, english, KAZAKH, "ОДКБ"], ["ru", "en", "kk", None]
    )
    assert "Kassym-Jomart Tokayev" in by_name(ru) and "Kassym-Jomart Tokayev" in by_name(en)
    assert kk == [] and unknown == []
    assert extractor.model_for("kk") is None and extractor.model_for(None) is None
    assert extractor.model_for("ru") == "natasha"


def test_a_worker_loads_only_the_pipelines_of_languages_it_sees():
    fresh = EntityExtractor(NlpSettings(), GAZETTEER)
    fresh.extract(["Генерал Андрей Сердюков прибыл в Алматы."], ["ru"])
    assert set(fresh._pipelines) == {"ru"}


def test_mixed_and_mislabelled_texts_do_not_crash(extractor):
    mixed = RUSSIAN + " Meanwhile Sergei Shoigu met Stanislav Zas in Moscow."
    ukrainian = "Президент Казахстану Касим-Жомарт Токаєв звернувся до ОДКБ по допомогу."
    out = extractor.extract([mixed, ukrainian, "", "   "], ["ru", "ru", "ru", "en"])
    assert "Kassym-Jomart Tokayev" in by_name(out[0])
    assert "Collective Security Treaty Organization" in by_name(out[1])
    assert out[2] == [] and out[3] == []
