"""Errors whose message is written for the person at the workstation, not for a developer."""


class MedTraceError(Exception):
    """Base of every error the user may see; the message says what is wrong and what to do next."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


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
