"""Errors whose message is written for the person at the workstation, not for a developer."""

from __future__ import annotations

from typing import Self

from app.messages import Params, english, render, render_hint


class MedTraceError(Exception):
    """Base of every error the user may see; the message says what is wrong and what to do next.

    With a `message_id` (app.messages), `message` and `hint` are rendered in the language the person
    reads (the GUI's, or the CLI's --language); the English text given here is the fallback.
    """

    def __init__(self, message: str, *, hint: str | None = None, message_id: str | None = None,
                 params: Params = ()) -> None:
        super().__init__(message)
        self.english_message = message
        self.english_hint = hint
        self.message_id = message_id
        self.params = params

    @classmethod
    def of(cls, message_id: str, /, *args: object, hint: str | None = None, **params: object) -> Self:
        """The catalogue's message `message_id` with its parameters (positional or named, not both).

        `hint` is the next step when the catalogue has none for this message (the database's own hint).
        """
        values: Params = params if params else args
        message, catalogue_hint = english(message_id, values)
        return cls(message, hint=catalogue_hint or hint or None, message_id=message_id, params=values)

    @property
    def message(self) -> str:
        return render(self.message_id, self.params, fallback=self.english_message)

    @property
    def hint(self) -> str | None:
        return render_hint(self.message_id, self.params, fallback=self.english_hint)

    def __str__(self) -> str:
        message, hint = self.message, self.hint
        return f"{message}\n{hint}" if hint else message


class ConfigurationError(MedTraceError):
    """A settings or connection-profile file cannot be used as it is."""


class DatabaseUnavailable(MedTraceError):
    """The database cannot be reached (server down, wrong address, TLS or authentication failure)."""


class SchemaOutOfDate(MedTraceError):
    """The database schema is not at the version this program was built for."""


class AlreadyRunning(MedTraceError):
    """Another MedTrace window already uses this embedded data folder."""


class ComplianceError(MedTraceError):
    """A rule of the quality system refused the operation (raised by services, often from the database)."""


class InvalidInput(ComplianceError):
    """The input itself is malformed or incomplete."""


class NotFound(ComplianceError):
    """The record asked for does not exist (or is not visible to this user)."""


class StockWouldGoNegative(ComplianceError):
    """A movement would take more units from a location than it holds."""


class ConcurrentChange(ComplianceError):
    """Someone else changed the record first; reload and try again."""


class InvalidCredentials(ComplianceError):
    """Sign-in refused; deliberately the same for an unknown user and a wrong password."""


class AccountLocked(ComplianceError):
    """Too many failed attempts, or an administrator locked the account."""


class SessionEnded(ComplianceError):
    """The signed-in session expired, was locked or ended; the person must sign in again."""


class ReasonRequired(InvalidInput):
    """A controlled record was changed without stating why (Annex 11 §9)."""


class ExpiredLot(ComplianceError):
    """The lot is past its expiry date by the server's date: it may not leave our site."""


class ShelfLifeTooShort(ComplianceError):
    """The consignee accepts only lots with more remaining shelf life than this one has."""


class AlreadyHandled(ConcurrentChange):
    """Someone else acted on this first (e.g. acknowledged the alert); the message names who and when."""
