"""Channel behaviour is declared on the channel models, and each flag comes with its fields."""

from __future__ import annotations

from typing import get_args

from preparedness.scenario.channels import (
    CHANNEL_MODELS,
    HOUSEHOLD_KINDS,
    SYNCHRONOUS_KINDS,
    HouseholdChannel,
    PhoneChannel,
    SmsChannel,
    reaches_households,
)

FLAGS = ("holds_lines", "rings", "read_receipts", "reaches_households")


def test_the_kinds_each_flag_names() -> None:
    assert SYNCHRONOUS_KINDS == ("phone", "radio", "in_person")
    assert HOUSEHOLD_KINDS == ("group_message", "sms", "platform")
    ringing = [m.__name__ for m in CHANNEL_MODELS if m.rings]
    assert ringing == ["PhoneChannel", "RadioChannel"]


def test_household_channel_type_matches_the_flag() -> None:
    assert set(get_args(HouseholdChannel)) == {m for m in CHANNEL_MODELS if m.reaches_households}


def test_each_behaviour_has_the_fields_it_needs() -> None:
    for model in CHANNEL_MODELS:
        fields = set(model.model_fields)
        assert model.holds_lines != model.read_receipts, model
        if model.rings:
            assert model.holds_lines
            assert {"answer_probability", "no_answer_timeout", "retry_interval"} <= fields
            assert {"max_attempts", "hold_patience"} <= fields
        if model.holds_lines:
            assert "talk_time" in fields
        if model.read_receipts:
            assert {"post_time", "read_delay", "confirm_within"} <= fields
            assert "never_read_share" in fields or hasattr(model, "never_read_share")


def test_flags_are_not_scenario_fields() -> None:
    for model in CHANNEL_MODELS:
        assert not set(FLAGS) & set(model.model_fields)


def test_reaches_households_reads_the_model() -> None:
    assert not reaches_households(PhoneChannel.model_construct(id="p", kind="phone"))
    assert reaches_households(SmsChannel.model_construct(id="s", kind="sms"))
    assert not reaches_households("sms")
