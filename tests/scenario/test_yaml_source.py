"""Reading scenario YAML: the dialect, the limits, and a located diagnostic for every failure."""

from __future__ import annotations

import codecs
import hashlib

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from preparedness.scenario import yaml_source
from preparedness.scenario.diagnostics import ScenarioError
from preparedness.scenario.yaml_source import YamlDocument, parse_yaml_text, read_yaml

FILE = "scenarios/x.yaml"


def refused(source: str | bytes, **limits: int) -> list[str]:
    """The diagnostics, as printed, for text that must not load."""
    with pytest.raises(ScenarioError) as caught:
        parse_yaml_text(source, FILE, **limits)
    return [str(d) for d in caught.value.diagnostics]


# What comes through ---------------------------------------------------------------------------


def test_a_scenario_file_reads_into_data_node_tree_and_fingerprint(tmp_path) -> None:
    raw = "name: 下涧槽社区 flood\nteams:\n  - {name: 网格员, size: 3}\n".encode()
    path = tmp_path / "x.yaml"
    path.write_bytes(raw)
    document = read_yaml(path, display_name=FILE)
    assert isinstance(document, YamlDocument)
    assert document.data == {"name": "下涧槽社区 flood", "teams": [{"name": "网格员", "size": 3}]}
    assert document.file == FILE
    assert document.text == raw.decode()
    assert document.sha256 == hashlib.sha256(raw).hexdigest()
    assert isinstance(document.root, yaml.MappingNode)
    assert read_yaml(path).file == str(path)


def test_a_utf8_bom_is_accepted_and_fingerprinted_with_the_file(tmp_path) -> None:
    raw = codecs.BOM_UTF8 + "name: 下涧槽社区\n".encode()
    (tmp_path / "bom.yaml").write_bytes(raw)
    document = read_yaml(tmp_path / "bom.yaml")
    assert document.data == {"name": "下涧槽社区"}
    assert document.text == "name: 下涧槽社区\n"
    assert document.sha256 == hashlib.sha256(raw).hexdigest()
    assert parse_yaml_text("\ufeffname: 下涧槽社区\n", FILE).data == {"name": "下涧槽社区"}


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("yes", "yes"),
        ("no", "no"),
        ("NO", "NO"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("n", "n"),
        ("true", True),
        ("False", False),
        ("TRUE", True),
        ("12:30", "12:30"),
        ("1:30:00", "1:30:00"),
        ("2024-05-01", "2024-05-01"),
        ("2026-07-14T02:10:00+08:00", "2026-07-14T02:10:00+08:00"),
        ("0574", "0574"),  # Ningbo's area code, not YAML 1.1 octal 380
        ("=", "="),
        ("null", None),
        ("~", None),
        ("", None),
        ("42", 42),
        ("-7", -7),
        ("1_000", 1000),
        ("0x1f", 31),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        (".5", 0.5),
        ("-.inf", float("-inf")),
        ("0b_", "0b_"),
        ("._", "._"),
    ],
)
def test_yaml_1_1_surprises_stay_text(written: str, value: object) -> None:
    assert parse_yaml_text(f"v: {written}\n", FILE).data == {"v": value}


def test_nan_still_reads_as_a_float_for_the_models_to_reject() -> None:
    value = parse_yaml_text("v: .nan\n", FILE).data["v"]
    assert value != value


def test_yes_no_on_off_keys_are_text_and_safeloader_itself_is_untouched() -> None:
    assert parse_yaml_text("on: 1\nno: 2\nyes: 3\n", FILE).data == {"on": 1, "no": 2, "yes": 3}
    assert yaml.safe_load("a: yes\nb: 12:30\n") == {"a": True, "b": 750}


def test_merge_keys_and_x_anchors_work() -> None:
    text = "x-team: &team {size: 3, kind: rescue}\nteams:\n  - <<: *team\n    size: 4\n"
    data = parse_yaml_text(text, FILE).data
    assert data["teams"] == [{"size": 4, "kind": "rescue"}]
    assert data["x-team"] == {"size": 3, "kind": "rescue"}


def test_nesting_up_to_the_limit_is_fine() -> None:
    nested = parse_yaml_text("a: " + "[" * 63 + "]" * 63 + "\n", FILE).data["a"]
    for _ in range(62):
        nested = nested[0]
    assert nested == []
    assert refused("a: " + "[" * 64 + "]" * 64 + "\n") == [
        "scenarios/x.yaml:1:67: nested more than 64 levels deep"
    ]


# Reading the file -----------------------------------------------------------------------------


def test_missing_file(tmp_path) -> None:
    with pytest.raises(ScenarioError) as caught:
        read_yaml(tmp_path / "x.yaml", display_name=FILE)
    assert str(caught.value) == "scenarios/x.yaml:1:1: cannot read the file: no such file"


def test_a_folder_is_not_a_file(tmp_path) -> None:
    with pytest.raises(ScenarioError) as caught:
        read_yaml(tmp_path, display_name=FILE)
    assert (
        str(caught.value)
        == "scenarios/x.yaml:1:1: cannot read the file: it is a folder, not a file"
    )


def test_a_path_through_a_file(tmp_path) -> None:
    (tmp_path / "plain").write_text("a: 1\n")
    with pytest.raises(ScenarioError) as caught:
        read_yaml(tmp_path / "plain" / "x.yaml", display_name=FILE)
    assert str(caught.value) == (
        "scenarios/x.yaml:1:1: cannot read the file: "
        "no such file (part of the path is a file, not a folder)"
    )


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (PermissionError(13, "Permission denied"), "permission denied"),
        (OSError(5, "Input/output error"), "input/output error"),
    ],
)
def test_other_reasons_a_file_cannot_be_read(monkeypatch, error, reason) -> None:
    def failing_open(*args, **kwargs):
        raise error

    # chmod cannot lock out root, so make open() fail the way the OS would.
    monkeypatch.setattr(yaml_source, "open", failing_open, raising=False)
    with pytest.raises(ScenarioError) as caught:
        read_yaml("scenarios/x.yaml")
    assert str(caught.value) == f"scenarios/x.yaml:1:1: cannot read the file: {reason}"


def test_a_6_mb_file_is_refused(tmp_path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(
        b"# padding padding padding padding padding padding padding padding\n" * 90_910
    )
    assert path.stat().st_size == 6_000_060
    with pytest.raises(ScenarioError) as caught:
        read_yaml(path, display_name=FILE)
    assert str(caught.value) == "scenarios/x.yaml:1:1: file is 6 MB; the limit is 5 MB"


def test_size_wording(tmp_path) -> None:
    sparse = tmp_path / "huge.yaml"
    with open(sparse, "wb") as handle:
        handle.truncate(52_400_000)  # only the first 5 MB + 1 byte are ever read
    with pytest.raises(ScenarioError) as caught:
        read_yaml(sparse, display_name=FILE)
    assert str(caught.value) == "scenarios/x.yaml:1:1: file is 52.4 MB; the limit is 5 MB"
    assert refused("a" * 1500, max_bytes=1000) == [
        "scenarios/x.yaml:1:1: file is 1.5 kB; the limit is 1 kB"
    ]
    assert refused("a" * 1001, max_bytes=1000) == [
        "scenarios/x.yaml:1:1: file is 1,001 bytes; the limit is 1,000 bytes"
    ]


def test_binary_bytes_are_not_a_text_file() -> None:
    message = "scenarios/x.yaml:1:1: this is not a text file (it contains binary data)"
    assert refused(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") == [message]
    assert refused("name: x\x00") == [message]


def test_utf16_is_named() -> None:
    assert refused("name: x\n".encode("utf-16")) == [
        "scenarios/x.yaml:1:1: the file is saved as UTF-16 text; save it as UTF-8"
    ]


def test_a_bad_utf8_byte_is_located() -> None:
    assert refused(b"name: ok\nplace: caf\xe9 corner\n") == [
        "scenarios/x.yaml:2:11: not valid UTF-8 text (byte 0xe9); save the file as UTF-8"
    ]
    # Columns count characters, so Chinese text before the bad byte counts one per character.
    assert refused("name: 下涧槽\nplace: 社区".encode() + b"\xff\n") == [
        "scenarios/x.yaml:2:10: not valid UTF-8 text (byte 0xff); save the file as UTF-8"
    ]
    # A file saved as GBK, as Chinese Windows editors do.
    assert refused("name: 下涧槽社区\n".encode("gbk")) == [
        "scenarios/x.yaml:1:7: not valid UTF-8 text (byte 0xcf); save the file as UTF-8"
    ]


def test_control_characters_are_located() -> None:
    assert refused("name: a\nb: c\x1fd\n") == [
        "scenarios/x.yaml:2:5: the file contains a control character (U+001F) here; delete it"
    ]


# Shape of the document ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n", "---\n...\n"])
def test_empty_files(text: str) -> None:
    assert refused(text) == ["scenarios/x.yaml:1:1: the file is empty"]


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("- name: a\n- name: b\n", "a list"),
        ("just some words\n", "text"),
        ("# comment\n42\n", "a number"),
        ("true\n", "true or false"),
        ("~\n", "an empty value"),
    ],
)
def test_the_top_level_must_be_a_mapping(text: str, what: str) -> None:
    line = 2 if text.startswith("#") else 1
    assert refused(text) == [
        f"scenarios/x.yaml:{line}:1: the top level must be a mapping of keys "
        f"(name:, places:, ...), not {what}"
    ]


def test_only_one_document() -> None:
    assert refused("name: a\n---\nname: b\n") == [
        "scenarios/x.yaml:2:1: only one YAML document per file is allowed"
    ]
    assert refused("---\nname: a\n---\nname: b\n--- x\n") == [
        "scenarios/x.yaml:3:1: only one YAML document per file is allowed"
    ]


# Syntax errors in plain words -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("teams:\n\t- name: a\n", "2:1: tab character used for indentation; use spaces"),
        (
            "teams:\n  - name: a\n  \tsize: 2\n",
            "3:3: tab character used for indentation; use spaces",
        ),
        ("name:\ta\n", "1:6: tab character is not allowed here; use spaces"),
        ("name: a: b\n", "1:8: could not parse YAML: mapping values are not allowed here"),
        (
            "teams: [a, b\n",
            "2:1: could not parse YAML: expected ',' or ']', but got the end of the file "
            "(the '[' on line 1 is never closed)",
        ),
        ("name: 'unclosed\n", "2:1: could not parse YAML: found unexpected end of the file"),
        (
            "a:\n  b: 1\n c: 2\n",
            "3:2: could not parse YAML: expected the end of the block, "
            "but found the start of a block of keys (check the indentation)",
        ),
        ("name: @home\n", "1:7: a value cannot start with '@'; put it in quotes"),
        ('name: "\\q"\n', "1:9: could not parse YAML: found unknown escape character 'q'"),
        ("a: *base\n", "1:4: unknown alias *base; define the anchor &base before using it"),
        ("a: &b 1\nc: &b 2\n", "2:4: anchor &b is already defined on line 1; use a different name"),
        ("a: &a [1, *a]\n", "1:11: alias *a is inside its own anchor; loops are not allowed"),
        ("size: !!int many\n", "1:7: could not read YAML: 'many' is not a valid !!int"),
        (
            "x: !!python/object/apply:os.system [echo hi]\n",
            "1:4: unsupported tag '!!python/object/apply:os.system'; remove it",
        ),
        ("? [a, b]\n: 1\n", "1:3: a key must be plain text, not a list or mapping"),
        (
            "base: 1\nteam:\n  <<: 3\n",
            "3:7: '<<' must be followed by an alias of a mapping (like *base) or a list of them",
        ),
    ],
)
def test_syntax_errors(text: str, expected: str) -> None:
    assert refused(text) == [f"{FILE}:{expected}"]


def test_duplicate_keys_are_all_reported_at_the_repeat() -> None:
    text = (
        "name: a\n"  # 1
        "teams:\n"  # 2
        "  - name: medics\n"  # 3
        "    size: 2\n"  # 4
        "    name: boats\n"  # 5
        "name: b\n"  # 6
        "places: {north: 1, north: 2}\n"  # 7
    )
    assert refused(text) == [
        "scenarios/x.yaml:5:5: teams[0].name: duplicate key 'name' (first given on line 3)",
        "scenarios/x.yaml:6:1: name: duplicate key 'name' (first given on line 1)",
        "scenarios/x.yaml:7:20: places.north: duplicate key 'north' (first given on line 7)",
    ]


def test_a_key_overriding_a_merged_one_is_not_a_duplicate() -> None:
    text = "x-base: &base {size: 1}\nteam:\n  <<: *base\n  size: 2\n  <<: *base\n"
    assert parse_yaml_text(text, FILE).data["team"] == {"size": 2}


# Limits against hostile or runaway files ------------------------------------------------------

BOMB = "a0: &a0 [lol]\n" + "".join(
    f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 10)
)


def test_billion_laughs_is_refused_at_the_alias_that_blows_the_budget() -> None:
    # a6's first alias takes the expanded count past 200,000 (a5 alone expands to 125,479).
    assert refused(BOMB) == [
        "scenarios/x.yaml:7:10: aliases expand to more than 200,000 values; simplify the file"
    ]


def test_the_value_budget_counts_values_too() -> None:
    assert refused("a: [1, 2, 3, 4, 5, 6, 7, 8, 9]\n", max_nodes=10) == [
        "scenarios/x.yaml:1:26: the file holds more than 10 values"
    ]
    assert refused("a: &a [1, 2]\nb: [*a, *a, *a]\n", max_nodes=10) == [
        "scenarios/x.yaml:2:9: aliases expand to more than 10 values; simplify the file"
    ]


def test_deep_nesting_is_refused_without_recursion() -> None:
    assert refused("[" * 10_000) == ["scenarios/x.yaml:1:65: nested more than 64 levels deep"]
    block = "".join(" " * i + "a:\n" for i in range(100))
    assert refused(block) == ["scenarios/x.yaml:65:65: nested more than 64 levels deep"]


def test_deep_nesting_built_from_aliases_is_refused() -> None:
    text = "a0: &a0 " + "[" * 30 + "]" * 30 + "\n"
    text += "".join(f"a{i}: &a{i} " + "[" * 30 + f"*a{i - 1}" + "]" * 30 + "\n" for i in (1, 2))
    assert refused(text) == ["scenarios/x.yaml:3:39: nested more than 64 levels deep"]


# Property: nothing but ScenarioError, and every line number is inside the text ---------------

YAMLISH = st.text(alphabet=st.sampled_from(list("ab:-[]{},&*!|>'\"#%@`?\n\t \r~.01\x00\xe9下")))


def _assert_loads_or_locates(source: str | bytes, text: str) -> None:
    try:
        parse_yaml_text(source, FILE)
    except ScenarioError as error:
        assert error.diagnostics
        for diagnostic in error.diagnostics:
            assert 1 <= diagnostic.line <= len(text.splitlines()) + 1
            assert diagnostic.column >= 1


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), YAMLISH))
def test_any_text_loads_or_raises_located_scenario_errors(text: str) -> None:
    _assert_loads_or_locates(text, text)


@settings(max_examples=200, deadline=None)
@given(st.binary())
def test_any_bytes_load_or_raise_located_scenario_errors(raw: bytes) -> None:
    _assert_loads_or_locates(raw, raw.decode("utf-8", "replace"))


def test_line_breaks_are_counted_as_yaml_counts_them() -> None:
    # A lone \r is a line break to PyYAML, so a control character after it is on line 3.
    text = "a: 1\rb: 2\r\n\x1f"
    assert refused(text) == [
        "scenarios/x.yaml:3:1: the file contains a control character (U+001F) here; delete it"
    ]
