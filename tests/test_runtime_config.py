"""Configuration from the environment: defaults, parsing, clear errors."""

from __future__ import annotations

import pytest

from service.runtime.config import VARIABLES, Config, ConfigError, defaults_table


def test_defaults_are_documented_names():
    c = Config.from_env({})
    assert (c.input_stream, c.articles_stream, c.offtopic_stream, c.dead_stream) == (
        "winnow:pages", "winnow:articles", "winnow:offtopic", "winnow:dead")
    assert c.group == "winnow" and c.redis_url == "" and c.http_port == 8080
    assert c.pool_size >= 1 and "-" in c.consumer
    assert c.topic_paths is None and c.in_flight_limit == 2 * c.pool_size * c.batch_size


def test_every_variable_is_read():
    env = {
        "REDIS_URL": "redis://h:1/2", "WINNOW_HTTP_PORT": "9000", "WINNOW_INPUT_STREAM": "in",
        "WINNOW_ARTICLES_STREAM": "a", "WINNOW_OFFTOPIC_STREAM": "o", "WINNOW_DEAD_STREAM": "d",
        "WINNOW_GROUP": "g", "WINNOW_CONSUMER": "pod-1", "WINNOW_POOL_SIZE": "3", "WINNOW_BATCH_SIZE": "5",
        "WINNOW_MAX_IN_FLIGHT": "7", "WINNOW_MAX_DELIVERIES": "4", "WINNOW_CLAIM_MIN_IDLE_MS": "1000",
        "WINNOW_MAXLEN": "50", "WINNOW_MAX_PAGE_BYTES": "100", "WINNOW_GRACE_SECONDS": "2.5",
        "WINNOW_TOPICS": "a.toml, b.toml", "WINNOW_API_TOKEN": "t", "WINNOW_LOG_LEVEL": "debug",
    }
    c = Config.from_env(env)
    assert (c.redis_url, c.http_port, c.input_stream, c.group, c.consumer) == ("redis://h:1/2", 9000, "in", "g", "pod-1")
    assert (c.pool_size, c.batch_size, c.in_flight_limit, c.max_deliveries) == (3, 5, 7, 4)
    assert (c.claim_min_idle_ms, c.maxlen, c.max_page_bytes, c.grace_seconds) == (1000, 50, 100, 2.5)
    assert c.topic_paths == ["a.toml", "b.toml"] and c.api_token == "t"
    assert c.output_streams == {"relevant": "a", "off_topic": "o", "dead": "d"}


def test_topics_none_means_clean_only():
    assert Config.from_env({"WINNOW_TOPICS": "none"}).topic_paths == []


@pytest.mark.parametrize(
    "env,words",
    [
        ({"WINNOW_POOL_SIZE": "two"}, "WINNOW_POOL_SIZE must be an integer"),
        ({"WINNOW_POOL_SIZE": "0"}, "WINNOW_POOL_SIZE must be >= 1"),
        ({"WINNOW_MAXLEN": "-1"}, "WINNOW_MAXLEN must be >= 0"),
        ({"WINNOW_HTTP_PORT": "70000"}, "WINNOW_HTTP_PORT"),
        ({"WINNOW_GRACE_SECONDS": "0"}, "WINNOW_GRACE_SECONDS"),
        ({"WINNOW_LOG_LEVEL": "loud"}, "WINNOW_LOG_LEVEL"),
        ({"WINNOW_ARTICLES_STREAM": "winnow:pages"}, "differ"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        ({"WINNOW_PIPELINE": "nocolon"}, "WINNOW_PIPELINE"),
    ],
)
def test_bad_values_fail_with_the_variable_name(env, words):
    with pytest.raises(ConfigError, match=words):
        Config.from_env(env)


def test_defaults_table_lists_every_variable():
    assert [row[0] for row in defaults_table()] == list(VARIABLES)
