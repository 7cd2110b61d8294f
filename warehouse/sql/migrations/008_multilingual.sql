-- One entity across languages and inflections (docs/multilingual.md).

-- Which NER pipeline read each article; NULL with a reason when none did.
ALTER TABLE articles ADD COLUMN ner_model VARCHAR;
ALTER TABLE articles ADD COLUMN ner_skipped VARCHAR;    -- e.g. 'no NER model for kk'

-- Automatic decisions that a name is another entity ("Сергей Шойгу" is Sergei Shoigu), with
-- their evidence. A name listed here is stored under entity_id from then on. Topic gazetteer
-- names never come here: the topic's own aliases win.
CREATE TABLE entity_links (
    name       VARCHAR NOT NULL,   -- the name as extracted (normalised, any script)
    label      VARCHAR NOT NULL,
    entity_id  VARCHAR NOT NULL,   -- the entity it was linked to
    method     VARCHAR NOT NULL,   -- territory | transliteration | surname
    score      DOUBLE NOT NULL,    -- 0..1
    evidence   VARCHAR NOT NULL,   -- the transliteration or CLDR entry that matched
    linked_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (name, label)
);

-- How each entity is written, per language: inflections, aliases, other scripts.
CREATE TABLE entity_forms (
    entity_id  VARCHAR NOT NULL,
    language   VARCHAR NOT NULL,   -- the article's detected language ('' if unknown)
    form       VARCHAR NOT NULL,   -- as written in the text
    articles   BIGINT NOT NULL,    -- articles that wrote it so
    first_seen TIMESTAMP NOT NULL,
    PRIMARY KEY (entity_id, language, form)
);
