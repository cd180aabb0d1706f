"""Secrets out of log lines: passwords in URLs, tokens and keys in query strings."""

from __future__ import annotations

import logging
import re

__all__ = ["SecretsFilter", "install_redaction", "redact_secrets"]

# scheme://user:password@host -> scheme://user:***@host; also without the scheme, as error
# messages quote a host ("invalid hostname: user:password@host"). Bounded repeats keep this
# linear: log messages can quote a whole page (Scrapy's "Scraped from" line).
_USERINFO = re.compile(r"([A-Za-z0-9._~%!$&*+,;=-]{1,64}):[^\s/@()'\"<>:]{1,128}@")
# ?token=…, &api_key=…, &password=… (any query or fragment parameter named like a secret)
_SECRET_PARAM = re.compile(
    r"(?i)([?&#;][a-z0-9_.-]{0,32}?(?:token|key|passw(?:or)?d|pwd|secret|signature|sig|auth"
    r"|session|sessionid|sid|credential)s?=)[^&#\s'\"<>]{1,512}"
)


def redact_secrets(text: str) -> str:
    """The text with URL passwords and secret-looking query values replaced by ***."""
    if "@" in text:
        text = _USERINFO.sub(r"\1:***@", text)
    if "=" in text:
        text = _SECRET_PARAM.sub(r"\1***", text)
    return text


class SecretsFilter(logging.Filter):
    """A logging filter that redacts every record's message before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_secrets(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # Tracebacks quote URLs too; a handler uses exc_text when it is already set.
            record.exc_text = redact_secrets(_FORMATTER.formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact_secrets(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_secrets(record.stack_info)
        return True


_FORMATTER = logging.Formatter()


def install_redaction() -> None:
    """Redact every log record of this process as it is created, whichever handler writes it
    (Scrapy replaces its root handler for each crawler, so a handler filter would not last)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "kronika_redacts", False):
        return
    secrets_filter = SecretsFilter()

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if record.levelno >= _lowest_handler_level():
            # Only what a handler may write: Scrapy logs every item at DEBUG, page and all.
            secrets_filter.filter(record)
        return record

    factory.kronika_redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def _lowest_handler_level() -> int:
    """The lowest level any handler of this process writes (the root's and the progress
    logger's, which does not propagate)."""
    handlers = [*logging.getLogger().handlers, *logging.getLogger("kronika.progress").handlers]
    writing = [h for h in handlers if not isinstance(h, logging.NullHandler)]
    return min((h.level for h in writing), default=logging.WARNING)
