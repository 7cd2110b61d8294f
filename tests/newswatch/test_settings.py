"""Settings: the shipped config loads; bad files fail with file, key and problem; overrides win."""

from pathlib import Path

import pytest

from newswatch.settings import ArchiveSource, ConfigError, FeedSource, load_settings


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_config_loads_with_csto_topic_and_sample_archive():
    s = load_settings(env={})
    csto = s.topic("csto")
    names = {e.name for e in csto.gazetteer}
    assert {"Collective Security Treaty Organization", "Kassym-Jomart Tokayev"} <= names
    cyrillic = [a for e in csto.gazetteer for a in e.aliases if a == "ОДКБ"]
    assert cyrillic
    archive = [x for x in s.sources if isinstance(x, ArchiveSource)]
    assert archive and archive[0].path.is_dir()
    assert any(isinstance(x, FeedSource) for x in s.sources)
    assert csto.compiled_query().match("CSTO troops landed in Almaty").matched


def test_env_and_cli_override_db(tmp_path):
    cfg = write(tmp_path / "newswatch.yaml", "db_path: from-file.duckdb\n")
    assert load_settings(cfg, env={}).db_path == Path("from-file.duckdb")
    env = {"NEWSWATCH_DB": "from-env.duckdb"}
    assert load_settings(cfg, env=env).db_path == Path("from-env.duckdb")
    assert load_settings(cfg, db="cli.duckdb", env=env).db_path == Path("cli.duckdb")


def test_nested_env_override_is_typed(tmp_path):
    cfg = write(tmp_path / "newswatch.yaml", "fetch:\n  retries: 3\n")
    s = load_settings(
        cfg, env={"NEWSWATCH__FETCH__RETRIES": "1", "NEWSWATCH__NLP__MODELS__EN": "x"}
    )
    assert s.fetch.retries == 1 and s.nlp.models["en"] == "x"


def test_config_env_var_selects_folder(tmp_path):
    write(tmp_path / "conf" / "newswatch.yaml", "interval_minutes: 3\n")
    s = load_settings(env={"NEWSWATCH_CONFIG": str(tmp_path / "conf")})
    assert s.interval_minutes == 3 and s.topics == []


def test_bad_value_names_file_key_and_problem(tmp_path):
    cfg = write(tmp_path / "newswatch.yaml", "fetch:\n  retries: lots\n")
    with pytest.raises(ConfigError) as info:
        load_settings(cfg, env={})
    msg = str(info.value)
    assert str(cfg) in msg and "fetch.retries" in msg and "integer" in msg


def test_unknown_key_is_rejected(tmp_path):
    cfg = write(tmp_path / "newswatch.yaml", "fetch:\n  retires: 2\n")
    with pytest.raises(ConfigError, match=r"fetch\.retires: Extra inputs are not permitted"):
        load_settings(cfg, env={})


def test_invalid_yaml_names_line(tmp_path):
    cfg = write(tmp_path / "newswatch.yaml", "fetch:\n  retries: [1, 2\n")
    with pytest.raises(ConfigError, match=r"newswatch\.yaml: line \d+, column \d+: invalid YAML"):
        load_settings(cfg, env={})


def test_bad_topic_file_is_named_with_query_problem(tmp_path):
    write(tmp_path / "newswatch.yaml", "")
    topic = write(tmp_path / "topics" / "broken.yaml", "name: broken\nquery: 'csto AND (kazakh'\n")
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, env={})
    assert str(topic) in str(info.value) and "query" in str(info.value)


def test_a_huge_or_deep_topic_query_is_refused_at_load(tmp_path):
    write(tmp_path / "newswatch.yaml", "")
    huge = write(
        tmp_path / "topics" / "huge.yaml", "name: huge\nquery: '" + "csto " * 200_000 + "'\n"
    )
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, env={})
    assert str(huge) in str(info.value) and "query too long: 1000000 characters" in str(info.value)
    huge.unlink()
    write(
        tmp_path / "topics" / "deep.yaml",
        "name: deep\nquery: '" + "(" * 100 + "csto" + ")" * 100 + "'\n",
    )
    with pytest.raises(ConfigError, match="nesting deeper than 64"):
        load_settings(tmp_path, env={})


def test_watchlist_must_name_gazetteer_entities(tmp_path):
    write(tmp_path / "newswatch.yaml", "")
    write(
        tmp_path / "topics" / "t.yaml",
        "name: t\ngazetteer:\n  - {name: CSTO, label: ORG}\nwatchlist: [Nobody]\n",
    )
    with pytest.raises(ConfigError, match="watchlist"):
        load_settings(tmp_path, env={})


def test_bad_regex_and_duplicate_sources(tmp_path):
    cfg = write(tmp_path / "a.yaml", "clean:\n  boilerplate_patterns: ['(unclosed']\n")
    with pytest.raises(ConfigError, match=r"clean\.boilerplate_patterns: bad regular expression"):
        load_settings(cfg, env={})
    cfg = write(
        tmp_path / "b.yaml",
        "sources:\n  - {name: x, url: 'https://a.example/f'}\n"
        "  - {name: x, url: 'https://b.example/f'}\n",
    )
    with pytest.raises(ConfigError, match="duplicate source names"):
        load_settings(cfg, env={})


def test_archive_path_is_relative_to_config_file(tmp_path):
    (tmp_path / "arch").mkdir()
    cfg = write(
        tmp_path / "conf" / "newswatch.yaml",
        "sources:\n  - {name: a, kind: archive, path: ../arch}\n",
    )
    s = load_settings(cfg, env={})
    assert s.sources[0].path == (tmp_path / "arch").resolve()


def test_missing_config_is_clear(tmp_path):
    with pytest.raises(ConfigError, match="no such config file or folder"):
        load_settings(tmp_path / "nope", env={})


def test_bad_env_override_is_reported(tmp_path):
    cfg = write(tmp_path / "newswatch.yaml", "")
    with pytest.raises(ConfigError, match=r"override: fetch\.concurrency"):
        load_settings(cfg, env={"NEWSWATCH__FETCH__CONCURRENCY": "0"})


def test_env_values_that_are_not_yaml_scalars_stay_text(tmp_path):
    cfg = write(tmp_path / "newswatch.yaml", "")
    s = load_settings(
        cfg,
        env={
            "NEWSWATCH__AIRFLOW__SCHEDULE": "*/10 * * * *",
            "NEWSWATCH__NLP__MODELS__EN": "[not, a, list]",
        },
    )
    assert s.airflow.schedule == "*/10 * * * *" and s.nlp.models["en"] == "[not, a, list]"


def test_alert_rule_query_is_validated_and_rules_default(tmp_path):
    write(tmp_path / "newswatch.yaml", "")
    topic = write(
        tmp_path / "topics" / "t.yaml",
        "name: t\nalerts:\n  - {rule: query, query: 'troops AND ('}\n",
    )
    with pytest.raises(ConfigError, match=r"t\.yaml: alerts\.0\.query: query"):
        load_settings(tmp_path, env={})
    topic.write_text("name: t\n", encoding="utf-8")
    rules = load_settings(tmp_path, env={}).topic("t").alerts
    assert [r.rule for r in rules] == ["first_mention", "watched_entity"]


def test_env_overrides_merge_into_yaml_sections_and_keep_topics(tmp_path):
    write(tmp_path / "newswatch.yaml", "fetch:\n  retries: 3\n  concurrency: 5\n")
    write(tmp_path / "topics" / "t.yaml", "name: t\nquery: CSTO\n")
    s = load_settings(tmp_path, env={"NEWSWATCH__FETCH__RETRIES": "1"})
    # The override replaces one key; the rest of the section and the topic files stay.
    assert (s.fetch.retries, s.fetch.concurrency) == (1, 5)
    assert [t.name for t in s.topics] == ["t"] and s.topic("t").query == "CSTO"


def test_list_settings_take_json_from_env(tmp_path):
    cfg = write(tmp_path / "newswatch.yaml", "")
    env = {"NEWSWATCH__FETCH__ALLOW_HOSTS": '["127.0.0.1:8081", "localhost:*"]'}
    assert load_settings(cfg, env=env).fetch.allow_hosts == ["127.0.0.1:8081", "localhost:*"]


def test_sources_and_topics_never_come_from_env(tmp_path):
    cfg = write(
        tmp_path / "newswatch.yaml", "sources:\n  - name: a\n    url: https://a.example/f\n"
    )
    env = {
        "NEWSWATCH__SOURCES": '[{"name": "evil", "url": "https://evil.example/"}]',
        "NEWSWATCH__TOPICS": '[{"name": "x"}]',
    }
    s = load_settings(cfg, env=env)
    assert [x.name for x in s.sources] == ["a"] and s.topics == []


def test_only_load_settings_reads_the_environment(monkeypatch):
    from newswatch.settings import Settings

    monkeypatch.setenv("NEWSWATCH__FETCH__RETRIES", "7")
    assert Settings().fetch.retries == 3
    assert load_settings().fetch.retries == 7


def test_bad_yaml_value_is_blamed_on_the_file_not_the_env(tmp_path):
    cfg = write(tmp_path / "newswatch.yaml", "fetch:\n  retries: -1\n")
    with pytest.raises(ConfigError, match=r"newswatch\.yaml: fetch\.retries"):
        load_settings(cfg, env={"NEWSWATCH__NLP__MODELS__EN": "x"})


def test_an_empty_env_variable_leaves_the_yaml_value(tmp_path):
    # compose passes `${NEWSWATCH__AIRFLOW__MODE:-}`: unset in .env must mean "the YAML's".
    cfg = write(tmp_path / "newswatch.yaml", "airflow:\n  mode: cron\n")
    assert load_settings(cfg, env={"NEWSWATCH__AIRFLOW__MODE": ""}).airflow.mode == "cron"


HOSTILE_CONFIGS = {
    "deep lists": "sources: " + "[" * 10_000 + "]" * 10_000 + "\n",
    "deep block maps": "fetch:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 3000)),
    "deep flow maps": "fetch:\n  user_agent: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n",
    "alias bomb": "\n".join(
        ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
        + ["fetch:\n  content_types: *a8"]
    ),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_CONFIGS))
def test_hostile_yaml_is_a_configuration_error_naming_the_file(tmp_path, kind):
    path = tmp_path / "newswatch.yaml"
    path.write_text(HOSTILE_CONFIGS[kind], encoding="utf-8")
    with pytest.raises(ConfigError, match=str(path)):
        load_settings(path, env={})


def test_deeply_nested_env_value_is_a_configuration_error(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(ConfigError, match="environment override"):
        load_settings(tmp_path, env={"NEWSWATCH__FETCH__CONTENT_TYPES": deep})


def test_hostile_config_exits_2_from_the_cli(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "newswatch.yaml"
    path.write_text(HOSTILE_CONFIGS["deep lists"], encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "newswatch", "feeds", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert "configuration error" in proc.stderr and str(path) in proc.stderr
    assert "Traceback" not in proc.stderr and "RecursionError" not in proc.stderr
