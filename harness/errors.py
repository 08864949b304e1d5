"""Errors the harness reports to its users: each says what is wrong and what to do."""


class HarnessError(Exception):
    """A problem the user can act on. ``hint`` says how."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  -> {self.hint}" if self.hint else self.message


class ConfigError(HarnessError):
    """Bad input: an option, a target file, a case directive."""


class SourceError(HarnessError):
    """The VM source could not be fetched, verified or found."""


class BuildError(HarnessError):
    """A compiler, runner or firmware build failed (infrastructure)."""


class InfrastructureError(HarnessError):
    """The board or emulator was lost, could not start, or broke the protocol."""


class ProtocolError(InfrastructureError):
    """The device answered with something the protocol does not allow."""
