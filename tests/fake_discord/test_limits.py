"""Each documented Discord limit: the last allowed value passes, one more fails with Discord's error."""

from __future__ import annotations

import pytest

from fake_discord import limits


def codes(errors: list[limits.FormError]) -> list[tuple[str, str]]:
    return [(".".join(map(str, error.path)), error.code) for error in errors]


def button(custom_id: str, **extra: object) -> dict:
    return {"type": 2, "style": 1, "label": "Next", "custom_id": custom_id, **extra}


def row(*components: dict) -> dict:
    return {"type": 1, "components": list(components)}


def test_content_is_limited_to_2000_characters() -> None:
    assert limits.check_message({"content": "é" * 2000}) == []
    [error] = limits.check_message({"content": "é" * 2001})
    assert (error.path, error.code) == (("content",), "BASE_TYPE_MAX_LENGTH")
    assert str(error) == "In content: Must be 2000 or fewer in length."


@pytest.mark.parametrize(
    ("key", "limit"),
    [("title", limits.EMBED_TITLE), ("description", limits.EMBED_DESCRIPTION)],
)
def test_embed_title_and_description_limits(key: str, limit: int) -> None:
    assert limits.check_message({"embeds": [{key: "a" * limit}]}) == []
    assert codes(limits.check_message({"embeds": [{key: "a" * (limit + 1)}]})) == [
        (f"embeds.0.{key}", "BASE_TYPE_MAX_LENGTH")
    ]


def test_embed_fields_count_and_lengths() -> None:
    field = {"name": "Dmitry Peskov", "value": "Kremlin spokesperson"}
    assert limits.check_message({"embeds": [{"fields": [field] * 25}]}) == []
    assert codes(limits.check_message({"embeds": [{"fields": [field] * 26}]})) == [
        ("embeds.0.fields", "BASE_TYPE_MAX_LENGTH")
    ]
    long_field = {"name": "n" * 257, "value": "v" * 1025}
    assert codes(limits.check_message({"embeds": [{"fields": [long_field]}]})) == [
        ("embeds.0.fields.0.name", "BASE_TYPE_MAX_LENGTH"),
        ("embeds.0.fields.0.value", "BASE_TYPE_MAX_LENGTH"),
    ]


def test_empty_field_values_are_rejected_like_discord_does() -> None:
    errors = limits.check_message({"embeds": [{"fields": [{"name": "Quote", "value": "   "}]}]})
    assert codes(errors) == [("embeds.0.fields.0.value", "BASE_TYPE_REQUIRED")]


def test_footer_and_author_limits() -> None:
    ok = {"footer": {"text": "f" * 2048}, "author": {"name": "a" * 256}}
    assert limits.check_message({"embeds": [ok]}) == []
    too_long = {"footer": {"text": "f" * 2049}, "author": {"name": "a" * 257}}
    assert codes(limits.check_message({"embeds": [too_long]})) == [
        ("embeds.0.footer.text", "BASE_TYPE_MAX_LENGTH"),
        ("embeds.0.author.name", "BASE_TYPE_MAX_LENGTH"),
    ]


def test_at_most_ten_embeds_and_6000_characters_across_them() -> None:
    assert limits.check_message({"embeds": [{"title": "t"}] * 10}) == []
    assert codes(limits.check_message({"embeds": [{"title": "t"}] * 11})) == [
        ("embeds", "BASE_TYPE_MAX_LENGTH")
    ]
    # Two embeds within every per-field limit whose sum is 6001 characters.
    big = [{"description": "d" * 4000}, {"description": "d" * 2001}]
    assert codes(limits.check_message({"embeds": big})) == [("embeds", "MAX_EMBED_SIZE_EXCEEDED")]
    assert (
        limits.embed_size({"title": "ab", "fields": [{"name": "c", "value": "de"}], "footer": {"text": "f"}})
        == 6
    )


def test_embed_urls_must_be_http() -> None:
    assert limits.check_message({"embeds": [{"url": "https://apnews.com/article/x"}]}) == []
    assert codes(limits.check_message({"embeds": [{"url": "pasted"}]})) == [
        ("embeds.0.url", "URL_TYPE_INVALID_SCHEME")
    ]
    assert codes(limits.check_message({"embeds": [{"url": "https://"}]})) == [
        ("embeds.0.url", "URL_TYPE_INVALID_URL")
    ]
    assert limits.check_message({"embeds": [{"image": {"url": "attachment://chart.png"}}]}) == []


def test_five_rows_of_five_buttons_with_short_unique_custom_ids() -> None:
    rows = [row(*(button(f"b{r}{c}") for c in range(5))) for r in range(5)]
    assert limits.check_message({"components": rows}) == []
    assert codes(limits.check_message({"components": [*rows, row(button("extra"))]})) == [
        ("components", "BASE_TYPE_MAX_LENGTH")
    ]
    six_wide = row(*(button(f"w{c}") for c in range(6)))
    assert codes(limits.check_message({"components": [six_wide]})) == [
        ("components.0.components", "BASE_TYPE_MAX_LENGTH")
    ]
    assert codes(limits.check_message({"components": [row(button("x" * 101))]})) == [
        ("components.0.components.0.custom_id", "BASE_TYPE_MAX_LENGTH")
    ]
    assert codes(limits.check_message({"components": [row(button("page"), button("page"))]})) == [
        ("components.0.components.1.custom_id", "COMPONENT_CUSTOM_ID_DUPLICATED")
    ]


def test_link_buttons_and_selects() -> None:
    link = {"type": 2, "style": 5, "label": "Source", "url": "https://example.org"}
    assert limits.check_message({"components": [row(link)]}) == []
    select = {"type": 3, "custom_id": "pick", "options": [{"label": "a", "value": "a"}]}
    assert limits.check_message({"components": [row(select)]}) == []
    assert codes(limits.check_message({"components": [row(select, button("next"))]})) == [
        ("components.0.components", "COMPONENT_LAYOUT_WIDTH_EXCEEDED")
    ]
    assert codes(limits.check_message({"components": [row({**select, "options": []})]})) == [
        ("components.0.components.0.options", "BASE_TYPE_MIN_LENGTH")
    ]


def test_components_v2_messages_cannot_carry_content() -> None:
    container = {"type": 17, "components": [{"type": 10, "content": "Summary"}]}
    assert limits.check_message({"flags": 1 << 15, "components": [container]}) == []
    errors = limits.check_message({"flags": 1 << 15, "content": "hi", "components": [container]})
    assert codes(errors) == [("content", "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2")]


def test_empty_messages() -> None:
    assert limits.is_empty_message({"content": "", "embeds": []})
    assert not limits.is_empty_message({"embeds": [{"title": "Brief #3"}]})


def test_autocomplete_choices() -> None:
    choices = [{"name": f"Brief #{n}", "value": n} for n in range(25)]
    assert limits.check_choices(choices, ("data", "choices")) == []
    assert codes(limits.check_choices([*choices, {"name": "one more", "value": 26}], ("choices",))) == [
        ("choices", "BASE_TYPE_MAX_LENGTH")
    ]
    long_choice = [{"name": "n" * 101, "value": "v" * 101}]
    assert codes(limits.check_choices(long_choice, ("choices",))) == [
        ("choices.0.name", "BASE_TYPE_MAX_LENGTH"),
        ("choices.0.value", "BASE_TYPE_MAX_LENGTH"),
    ]


def test_thread_names_are_1_to_100_characters() -> None:
    assert limits.check_thread_name("t" * 100, ("name",)) == []
    assert codes(limits.check_thread_name("t" * 101, ("name",))) == [("name", "BASE_TYPE_MAX_LENGTH")]
    assert codes(limits.check_thread_name("", ("name",))) == [("name", "BASE_TYPE_REQUIRED")]


def test_command_registration_rules() -> None:
    brief = {
        "name": "brief",
        "description": "Brief an article",
        "options": [
            {"name": "text", "description": "Pasted text", "type": 3},
            {"name": "length", "description": "Summary length", "type": 3, "required": True},
        ],
    }
    menu = {"name": "Brief this message", "type": 3, "description": ""}
    assert codes(limits.check_commands([brief, menu])) == [
        ("0.options.1.required", "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID")
    ]
    assert codes(limits.check_commands([{"name": "Brief", "description": "x"}])) == [
        ("0.name", "APPLICATION_COMMAND_INVALID_NAME")
    ]
    duplicate = {"name": "ask", "description": "Ask"}
    assert codes(limits.check_commands([duplicate, duplicate])) == [
        ("1.name", "APPLICATION_COMMANDS_DUPLICATE_NAME")
    ]


def test_error_body_has_discords_shape() -> None:
    body = limits.invalid_form_body(
        limits.check_message({"content": "x" * 2001, "embeds": [{"title": "t" * 257}]})
    )
    assert body == {
        "message": "Invalid Form Body",
        "code": 50035,
        "errors": {
            "content": {
                "_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}]
            },
            "embeds": {
                "0": {
                    "title": {
                        "_errors": [
                            {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 256 or fewer in length."}
                        ]
                    }
                }
            },
        },
    }
