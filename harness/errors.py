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


class MemoryPortError(InfrastructureError):
    """A memory port (a debug probe's RAM access, QEMU's gdbstub) failed to
    read or write: the target or its link went away."""


# --- What talking to a device can end in, whatever the transport and the VM ---

class LinkClosed(InfrastructureError):
    """The other end of the link went away. ``via`` names the path that
    failed: the serial link, or the debug probe a mailbox push goes through."""

    def __init__(self, message: str, hint: str = "", via: str = "serial"):
        super().__init__(message, hint)
        self.via = via


class DeviceTimeout(InfrastructureError):
    """The device did not answer in time. ``noise`` counts the bytes from the
    device that were not part of a good frame meanwhile: a timeout with noise
    may be a status lost on the link rather than a hang."""

    def __init__(self, message: str, output: bytes = b"", trace: str = "", noise: int = 0):
        super().__init__(message)
        self.output = output
        self.trace = trace
        self.noise = noise


class DeviceRestarted(InfrastructureError):
    """The device announced itself anew in the middle of a transfer or run;
    ``info`` is what it announced (a ``harness.device.info.DeviceInfo``)."""

    def __init__(self, message: str, info):
        super().__init__(message)
        self.info = info


class LinkCorrupted(InfrastructureError):
    """Frames of the device's answer were lost on the link (their CRC failed)."""


class DeviceRejected(Exception):
    """The device (or the transport, on its behalf) refused a blob: ``name``
    is the refusal's kind (``oversize``, ``blob-crc``, ``no-memory``, ...),
    ``text`` the device's words, ``code`` its protocol code (0 if none)."""

    def __init__(self, name: str, text: str, code: int = 0):
        super().__init__(f"{name}: {text}")
        self.code = code
        self.name = name
        self.text = text
