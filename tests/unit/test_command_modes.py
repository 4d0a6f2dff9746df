"""Command modes: the schema's names, the loader's rules and the engine's strategies agree."""

from __future__ import annotations

from typing import get_args

import pytest

from preparedness.engine.command_modes import MODES, CommandMode, mode_named
from preparedness.scenario.changes import ModeChange
from preparedness.scenario.command import MODE_RULES, Command, CommandModeName


def test_every_schema_mode_has_rules_and_a_strategy() -> None:
    names = get_args(CommandModeName)
    assert tuple(MODE_RULES) == names
    assert tuple(MODES) == names
    for name, mode in MODES.items():
        assert isinstance(mode, CommandMode)
        assert mode.name == name


def test_blocks_a_mode_needs_exist_on_the_command_and_on_a_mode_change() -> None:
    for rules in MODE_RULES.values():
        if rules.needs is not None:
            assert rules.needs in Command.model_fields
            assert rules.needs in ModeChange.model_fields


def test_what_analysis_asks_of_a_mode() -> None:
    assert [name for name, mode in MODES.items() if mode.silo_detour] == ["siloed_relay"]
    assert [name for name, mode in MODES.items() if mode.convenes_centre] == [
        "joint_command_centre"
    ]


def test_an_unknown_mode_is_an_error() -> None:
    with pytest.raises(KeyError, match="unknown command mode 'relay'"):
        mode_named("relay")
