"""Discord's documented payload limits, checked the way the API checks them.

Each check returns `FormError`s; the REST layer turns them into HTTP 400 with code 50035
"Invalid Form Body" and the nested `errors` object Discord sends (discord.py flattens it into
"In embeds.0.description: Must be 4096 or fewer in length.").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

CONTENT = 2000
EMBEDS = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER_TEXT = 2048
AUTHOR_NAME = 256
EMBED_TOTAL = 6000
ATTACHMENTS = 10
ACTION_ROWS = 5
ROW_WIDTH = 5
CUSTOM_ID = 100
BUTTON_LABEL = 80
SELECT_PLACEHOLDER = 150
SELECT_OPTIONS = 25
SELECT_OPTION_TEXT = 100
V2_COMPONENTS = 40
CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100
THREAD_NAME = 100
MODAL_TITLE = 45
COMMAND_NAME = 32
COMMAND_DESCRIPTION = 100
COMMAND_OPTIONS = 25
COMMAND_TOTAL_CHARS = 4000
CHAT_INPUT_COMMANDS = 100
CONTEXT_MENU_COMMANDS = 15

COMPONENTS_V2_FLAG = 1 << 15
LINK_BUTTON = 5
PREMIUM_BUTTON = 6
SELECT_TYPES = (3, 5, 6, 7, 8)
SUBCOMMAND_TYPES = (1, 2)
CHAT_INPUT = 1
# Python's `re` has no \p{L}; \w with re.UNICODE is letters, digits and underscore in every script.
COMMAND_NAME_PATTERN = re.compile(r"[-'\w]{1,32}")

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class FormError:
    path: Path
    code: str
    message: str

    def __str__(self) -> str:
        where = ".".join(str(part) for part in self.path)
        return f"In {where}: {self.message}" if where else self.message


def invalid_form_body(errors: Sequence[FormError]) -> dict:
    """Discord's 50035 body: errors nested by path, each leaf holding `_errors`."""
    tree: dict = {}
    for error in errors:
        node = tree
        for key in error.path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": error.code, "message": error.message})
    return {"message": "Invalid Form Body", "code": 50035, "errors": tree}


def _too_long(value: object, limit: int, path: Path) -> Iterator[FormError]:
    if isinstance(value, str | list | tuple) and len(value) > limit:
        yield FormError(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def _length_between(value: object, low: int, high: int, path: Path) -> Iterator[FormError]:
    if value is None or (isinstance(value, str) and not value.strip()):
        yield FormError(path, "BASE_TYPE_REQUIRED", "This field is required")
    elif isinstance(value, str | list | tuple) and len(value) < low:
        yield FormError(path, "BASE_TYPE_MIN_LENGTH", f"Must be {low} or more in length.")
    else:
        yield from _too_long(value, high, path)


def _url(value: object, path: Path, *, attachment_ok: bool) -> Iterator[FormError]:
    if value is None:
        return
    parts = urlsplit(str(value))
    allowed = ("http", "https", "attachment") if attachment_ok else ("http", "https")
    if parts.scheme not in allowed:
        yield FormError(
            path,
            "URL_TYPE_INVALID_SCHEME",
            f'Scheme "{parts.scheme}" is not supported. Scheme must be one of {allowed}.',
        )
    elif not parts.netloc:
        yield FormError(path, "URL_TYPE_INVALID_URL", "Not a well formed URL.")


def embed_size(embed: dict) -> int:
    """The characters Discord counts towards the 6000 per message."""
    fields = embed.get("fields") or []
    return (
        len(embed.get("title") or "")
        + len(embed.get("description") or "")
        + sum(len(str(item.get("name") or "")) + len(str(item.get("value") or "")) for item in fields)
        + len((embed.get("footer") or {}).get("text") or "")
        + len((embed.get("author") or {}).get("name") or "")
    )


def check_embed(embed: dict, path: Path) -> Iterator[FormError]:
    yield from _too_long(embed.get("title"), EMBED_TITLE, (*path, "title"))
    yield from _too_long(embed.get("description"), EMBED_DESCRIPTION, (*path, "description"))
    yield from _url(embed.get("url"), (*path, "url"), attachment_ok=False)
    color = embed.get("color")
    if color is not None and not 0 <= int(color) <= 0xFFFFFF:
        yield FormError(
            (*path, "color"), "NUMBER_TYPE_MAX", "int value should be less than or equal to 16777215."
        )
    fields = embed.get("fields") or []
    yield from _too_long(fields, EMBED_FIELDS, (*path, "fields"))
    for index, item in enumerate(fields):
        yield from _length_between(item.get("name"), 1, FIELD_NAME, (*path, "fields", index, "name"))
        yield from _length_between(item.get("value"), 1, FIELD_VALUE, (*path, "fields", index, "value"))
    if "footer" in embed and embed["footer"] is not None:
        footer = embed["footer"]
        yield from _length_between(footer.get("text"), 1, FOOTER_TEXT, (*path, "footer", "text"))
        yield from _url(footer.get("icon_url"), (*path, "footer", "icon_url"), attachment_ok=True)
    if "author" in embed and embed["author"] is not None:
        author = embed["author"]
        yield from _length_between(author.get("name"), 1, AUTHOR_NAME, (*path, "author", "name"))
        yield from _url(author.get("url"), (*path, "author", "url"), attachment_ok=False)
        yield from _url(author.get("icon_url"), (*path, "author", "icon_url"), attachment_ok=True)
    for media in ("image", "thumbnail"):
        if embed.get(media):
            yield from _url(embed[media].get("url"), (*path, media, "url"), attachment_ok=True)


def _check_button(button: dict, path: Path) -> Iterator[FormError]:
    yield from _too_long(button.get("label"), BUTTON_LABEL, (*path, "label"))
    if button.get("style") == LINK_BUTTON:
        if not button.get("url"):
            yield FormError((*path, "url"), "BASE_TYPE_REQUIRED", "This field is required")
        yield from _url(button.get("url"), (*path, "url"), attachment_ok=False)
        if "custom_id" in button:
            yield FormError(
                (*path, "custom_id"), "BUTTON_LINK_CUSTOM_ID", "A link button cannot have a custom_id"
            )
    elif button.get("style") != PREMIUM_BUTTON and not button.get("custom_id"):
        yield FormError((*path, "custom_id"), "BASE_TYPE_REQUIRED", "This field is required")


def _check_select(select: dict, path: Path) -> Iterator[FormError]:
    yield from _too_long(select.get("placeholder"), SELECT_PLACEHOLDER, (*path, "placeholder"))
    if select.get("type") == 3:
        options = select.get("options") or []
        yield from _length_between(options, 1, SELECT_OPTIONS, (*path, "options"))
        for index, option in enumerate(options):
            for key in ("label", "value"):
                yield from _length_between(
                    option.get(key), 1, SELECT_OPTION_TEXT, (*path, "options", index, key)
                )
            yield from _too_long(
                option.get("description"), SELECT_OPTION_TEXT, (*path, "options", index, "description")
            )
    for key, low in (("min_values", 0), ("max_values", 1)):
        value = select.get(key)
        if value is not None and not low <= value <= SELECT_OPTIONS:
            yield FormError((*path, key), "NUMBER_TYPE_MAX", f"Must be between {low} and {SELECT_OPTIONS}.")


def _walk_components(components: list, path: Path) -> Iterator[tuple[dict, Path]]:
    for index, component in enumerate(components):
        here = (*path, index)
        yield component, here
        yield from _walk_components(component.get("components") or [], (*here, "components"))
        accessory = component.get("accessory")
        if accessory:
            yield accessory, (*here, "accessory")


def _custom_ids(components: list, path: Path) -> Iterator[FormError]:
    seen: set[str] = set()
    for component, here in _walk_components(components, path):
        custom_id = component.get("custom_id")
        if custom_id is None:
            continue
        yield from _too_long(custom_id, CUSTOM_ID, (*here, "custom_id"))
        if custom_id in seen:
            yield FormError(
                (*here, "custom_id"),
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                "Component custom id cannot be duplicated",
            )
        seen.add(custom_id)


def check_components(components: list, path: Path, *, v2: bool) -> Iterator[FormError]:
    yield from _custom_ids(components, path)
    if v2:
        count = sum(1 for _ in _walk_components(components, path))
        if count > V2_COMPONENTS:
            yield FormError(path, "BASE_TYPE_MAX_LENGTH", f"Must be {V2_COMPONENTS} or fewer in length.")
        return
    yield from _too_long(components, ACTION_ROWS, path)
    for row_index, row in enumerate(components):
        row_path = (*path, row_index)
        if row.get("type") != 1:
            yield FormError(
                (*row_path, "type"), "COMPONENT_TYPE_INVALID", "Only action rows are allowed at the top level"
            )
            continue
        children = row.get("components") or []
        yield from _length_between(children, 1, ROW_WIDTH, (*row_path, "components"))
        if any(child.get("type") in SELECT_TYPES for child in children) and len(children) > 1:
            yield FormError(
                (*row_path, "components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
        for index, child in enumerate(children):
            child_path = (*row_path, "components", index)
            if child.get("type") == 2:
                yield from _check_button(child, child_path)
            elif child.get("type") in SELECT_TYPES:
                yield from _check_select(child, child_path)


def check_message(message: dict, path: Path = ()) -> list[FormError]:
    """Limits of one message body (create, edit, interaction response or follow-up)."""
    errors: list[FormError] = []
    flags = message.get("flags") or 0
    v2 = bool(flags & COMPONENTS_V2_FLAG)
    content = message.get("content")
    errors += _too_long(content, CONTENT, (*path, "content"))
    embeds = message.get("embeds") or []
    errors += _too_long(embeds, EMBEDS, (*path, "embeds"))
    for index, embed in enumerate(embeds):
        errors += check_embed(embed, (*path, "embeds", index))
    total = sum(embed_size(embed) for embed in embeds)
    if total > EMBED_TOTAL:
        errors.append(
            FormError(
                (*path, "embeds"),
                "MAX_EMBED_SIZE_EXCEEDED",
                f"Embed size exceeds maximum size of {EMBED_TOTAL} (message has {total})",
            )
        )
    if v2 and (content or embeds):
        errors.append(
            FormError(
                (*path, "content" if content else "embeds"),
                "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                "The 'content' and 'embeds' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2",
            )
        )
    errors += check_components(message.get("components") or [], (*path, "components"), v2=v2)
    errors += _too_long(message.get("attachments") or [], ATTACHMENTS, (*path, "attachments"))
    return errors


def is_empty_message(message: dict) -> bool:
    """What Discord refuses with 50006 "Cannot send an empty message"."""
    return not any(
        message.get(key) for key in ("content", "embeds", "attachments", "components", "sticker_ids", "poll")
    )


def check_choices(choices: object, path: Path) -> list[FormError]:
    if not isinstance(choices, list):
        return [FormError(path, "BASE_TYPE_REQUIRED", "This field is required")]
    errors = list(_too_long(choices, CHOICES, path))
    for index, choice in enumerate(choices):
        errors += _length_between(choice.get("name"), 1, CHOICE_NAME, (*path, index, "name"))
        value = choice.get("value")
        if isinstance(value, str):
            errors += _too_long(value, CHOICE_VALUE, (*path, index, "value"))
        elif not isinstance(value, int | float) or isinstance(value, bool):
            errors.append(FormError((*path, index, "value"), "BASE_TYPE_REQUIRED", "This field is required"))
    return errors


def check_modal(modal: dict, path: Path) -> list[FormError]:
    errors = list(_length_between(modal.get("title"), 1, MODAL_TITLE, (*path, "title")))
    errors += _length_between(modal.get("custom_id"), 1, CUSTOM_ID, (*path, "custom_id"))
    errors += _length_between(modal.get("components") or [], 1, ACTION_ROWS, (*path, "components"))
    return errors


def check_thread_name(name: object, path: Path) -> list[FormError]:
    return list(_length_between(name, 1, THREAD_NAME, path))


def _command_chars(node: dict) -> int:
    chars = len(node.get("name") or "") + len(node.get("description") or "")
    chars += sum(
        len(str(choice.get("name"))) + len(str(choice.get("value"))) for choice in node.get("choices") or []
    )
    return chars + sum(_command_chars(option) for option in node.get("options") or [])


def _check_name(name: object, path: Path, *, chat_input: bool) -> Iterator[FormError]:
    if not isinstance(name, str) or not 1 <= len(name) <= COMMAND_NAME:
        yield FormError(path, "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {COMMAND_NAME} in length.")
    elif chat_input and (not COMMAND_NAME_PATTERN.fullmatch(name) or name != name.lower()):
        yield FormError(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")


def _check_options(options: list, path: Path) -> Iterator[FormError]:
    yield from _too_long(options, COMMAND_OPTIONS, path)
    names: set[str] = set()
    seen_optional = False
    for index, option in enumerate(options):
        here = (*path, index)
        yield from _check_name(option.get("name"), (*here, "name"), chat_input=True)
        yield from _length_between(option.get("description"), 1, COMMAND_DESCRIPTION, (*here, "description"))
        if option.get("name") in names:
            yield FormError(
                (*here, "name"), "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS", "Option name exists"
            )
        names.add(option.get("name"))
        if option.get("type") in SUBCOMMAND_TYPES:
            yield from _check_options(option.get("options") or [], (*here, "options"))
            continue
        if option.get("required"):
            if seen_optional:
                yield FormError(
                    (*here, "required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True
        choices = option.get("choices") or []
        yield from check_choices(choices, (*here, "choices"))
        if choices and option.get("autocomplete"):
            yield FormError(
                (*here, "autocomplete"),
                "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
                "Autocomplete cannot be set with choices",
            )


def check_commands(commands: object) -> list[FormError]:
    """A bulk overwrite (PUT .../commands): every command, plus names unique per type and per-type counts."""
    if not isinstance(commands, list):
        return [FormError((), "BASE_TYPE_ARRAY", "Must be an array.")]
    errors: list[FormError] = []
    seen: set[tuple[int, str]] = set()
    for index, command in enumerate(commands):
        kind = command.get("type", CHAT_INPUT)
        chat_input = kind == CHAT_INPUT
        errors += _check_name(command.get("name"), (index, "name"), chat_input=chat_input)
        if chat_input:
            errors += _length_between(
                command.get("description"), 1, COMMAND_DESCRIPTION, (index, "description")
            )
            errors += _check_options(command.get("options") or [], (index, "options"))
            if _command_chars(command) > COMMAND_TOTAL_CHARS:
                errors.append(
                    FormError(
                        (index,),
                        "APPLICATION_COMMAND_TOO_LARGE",
                        f"Command exceeds maximum size ({COMMAND_TOTAL_CHARS})",
                    )
                )
        if (kind, command.get("name")) in seen:
            errors.append(
                FormError(
                    (index, "name"),
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    "Application command names must be unique",
                )
            )
        seen.add((kind, command.get("name")))
    for kind, limit in (
        (CHAT_INPUT, CHAT_INPUT_COMMANDS),
        (2, CONTEXT_MENU_COMMANDS),
        (3, CONTEXT_MENU_COMMANDS),
    ):
        count = sum(1 for command in commands if command.get("type", CHAT_INPUT) == kind)
        if count > limit:
            errors.append(
                FormError(
                    (),
                    "APPLICATION_COMMANDS_TOO_MANY",
                    f"Maximum number of type {kind} commands ({limit}) reached",
                )
            )
    return errors
