"""Domain errors raised by services and turned into messages by views."""


class DomainError(Exception):
    """A business rule refused the operation. `message` is already translated for the user."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    pass
