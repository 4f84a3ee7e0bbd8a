"""Every way a briefing can fail, each with a message fit to show a user as it is."""

from __future__ import annotations


class BriefError(Exception):
    """Base class: `str(err)` is a polite, complete sentence for the user."""

    code = "error"


class EmptyInput(BriefError):
    code = "empty"


class InputTooLarge(BriefError):
    code = "too_large"


class UnsupportedInput(BriefError):
    """A file type, URL scheme or content type we do not read."""

    code = "unsupported"


class NotAnArticle(BriefError):
    """Readable, but there is no article-like text in it (too short, binary, boilerplate)."""

    code = "not_article"


class FetchError(BriefError):
    """The link could not be fetched: unreachable, timed out, HTTP error."""

    code = "unreachable"


class BlockedAddress(FetchError):
    """The link (or a redirect) points at a loopback/private/reserved address."""

    code = "blocked"


class ModelUnavailable(BriefError):
    """Abstractive summary asked for, but no model is configured or it failed to load/run."""

    code = "model_unavailable"
