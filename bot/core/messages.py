"""The neutral message model shared by every channel: what comes in and what goes out."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """What an incoming update carries."""

    TEXT = "text"
    BUTTON = "button"
    ATTACHMENT = "attachment"


@dataclass(frozen=True, slots=True)
class ChatKey:
    """Where a conversation lives: one user in one chat on one channel (ids as strings)."""

    channel: str
    chat_id: str
    user_id: str


@dataclass(frozen=True, slots=True)
class Incoming:
    """One update from a channel, already translated to the neutral model."""

    key: ChatKey
    update_id: str
    kind: Kind
    text: str = ""
    payload: str = ""
    attachment_kind: str = ""
    display_name: str = ""
    language_code: str = ""
    is_group: bool = False
    message_id: str = ""

    @property
    def command(self) -> str:
        """Return the lower-case command name (without '/' and '@bot'), or '' for plain text."""
        if self.kind is not Kind.TEXT or not self.text.startswith("/"):
            return ""
        word = self.text.split(maxsplit=1)[0][1:]
        return word.split("@", 1)[0].casefold()

    @property
    def args(self) -> str:
        """Return the text after the command word, stripped."""
        parts = self.text.split(maxsplit=1)
        return parts[1].strip() if len(parts) > 1 else ""


@dataclass(frozen=True, slots=True)
class Button:
    """A button: the label shown and the payload that comes back when it is pressed."""

    label: str
    payload: str


@dataclass(frozen=True, slots=True)
class Document:
    """A file to send."""

    filename: str
    content: bytes
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Image:
    """A picture to send (PNG bytes)."""

    content: bytes
    caption: str = ""
    filename: str = "image.png"


@dataclass(frozen=True, slots=True)
class Address:
    """A chat to deliver to, for replies that go to someone other than the sender."""

    channel: str
    chat_id: str


@dataclass(frozen=True, slots=True)
class Reply:
    """One outgoing message: text with optional rows of buttons, or a document or an image."""

    text: str = ""
    buttons: tuple[tuple[Button, ...], ...] = ()
    document: Document | None = None
    image: Image | None = None
    to: Address | None = None

    def all_buttons(self) -> list[Button]:
        """Return the buttons in reading order."""
        return [button for row in self.buttons for button in row]


@dataclass(slots=True)
class Delivery:
    """A reply bound to its destination, ready for a channel to send."""

    address: Address
    reply: Reply
    locale: str = "vi"
    meta: dict[str, str] = field(default_factory=dict)


def rows(*buttons: Button, per_row: int = 1) -> tuple[tuple[Button, ...], ...]:
    """Arrange buttons into rows of `per_row`."""
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))
