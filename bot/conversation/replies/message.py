"""The neutral reply: what every front end renders its own way (terminal text, Block Kit, Telegram)."""

from __future__ import annotations

from dataclasses import dataclass, field

from wcwidth import wcswidth, wcwidth


@dataclass(frozen=True)
class Button:
    """A next step. ``action`` is the command a click runs (re-checked by the bus like typed text); ``asks``
    names its fields a click cannot know (a reason, a carrier), which the front end asks for in a form;
    ``command`` is what a person would type instead (the shell shows it)."""

    label: str
    command: str
    style: str = ""  # "" | primary | danger
    action: object | None = None
    asks: tuple[str, ...] = ()


@dataclass
class Table:
    """Rows under headers; ``title`` is the label that goes with this table (``Incoming``, ``Refused attempts``),
    which every front end shows right above it — never as a loose line elsewhere in the message."""

    headers: list[str]
    rows: list[list[str]]
    title: str = ""


@dataclass
class Message:
    title: str = ""
    lines: list[str] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    error: bool = False
    public: bool = False  # for everyone in the channel, not only the asker
    code: str = ""  # the result's catalog code (order_created, cr_applied, ...), for front ends that react to it

    def text(self) -> str:
        """A plain one-block rendering (terminal, logs, notification fallbacks): title, fields, lines, then each
        table under its own title, then the buttons."""
        out: list[str] = []
        if self.title:
            out.append(("✖ " if self.error else "") + self.title)
        label_width = max((display_width(label) for label, _ in self.fields), default=0)
        out.extend(f"  {pad(label, label_width)}  {value}".rstrip() for label, value in self.fields)
        out.extend(self.lines)
        for table in self.tables:
            if table.title:
                out.append(table.title)
            out.extend(render_table(table))
        if self.buttons:
            out.append("  → " + "  |  ".join(f"{b.label}: `{b.command}`" for b in self.buttons))
        return "\n".join(out)


def display_width(text: str) -> int:
    """Columns a terminal (or a monospaced code block) gives ``text``: East Asian wide characters and most emoji
    take two, combining marks none — by the Unicode tables ``wcwidth`` keeps up to date."""
    found = wcswidth(text)
    if found >= 0:
        return int(found)
    return sum(max(0, wcwidth(ch)) for ch in text)  # a control character (a tab) counts as nothing, not as -1


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` display columns."""
    return text + " " * max(0, width - display_width(text))


def render_table(table: Table) -> list[str]:
    """The table's lines (without its title), columns aligned by display width."""
    widths = [display_width(h) for h in table.headers]
    for row in table.rows:
        widths = [max(w, display_width(cell)) for w, cell in zip(widths, row, strict=False)]
    lines: list[str] = []
    if any(table.headers):
        lines.append("  " + "  ".join(pad(h, w) for h, w in zip(table.headers, widths, strict=False)).rstrip())
        lines.append("  " + "  ".join("-" * w for w in widths))
    lines.extend("  " + "  ".join(pad(c, w) for c, w in zip(row, widths, strict=False)).rstrip() for row in table.rows)
    return lines
