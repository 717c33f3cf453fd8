"""The neutral reply: what every front end renders its own way (terminal text, Block Kit, Telegram)."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    headers: list[str]
    rows: list[list[str]]


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
        """A plain one-block rendering (terminal, logs, notification fallbacks)."""
        out: list[str] = []
        if self.title:
            out.append(("✖ " if self.error else "") + self.title)
        width = max((len(label) for label, _ in self.fields), default=0)
        out.extend(f"  {label.ljust(width)}  {value}" for label, value in self.fields)
        out.extend(self.lines)
        for table in self.tables:
            out.extend(render_table(table))
        if self.buttons:
            out.append("  → " + "  |  ".join(f"{b.label}: `{b.command}`" for b in self.buttons))
        return "\n".join(out)


def _width(text: str) -> int:
    # CJK characters take two terminal columns.
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def render_table(table: Table) -> list[str]:
    widths = [_width(h) for h in table.headers]
    for row in table.rows:
        widths = [max(w, _width(cell)) for w, cell in zip(widths, row, strict=False)]
    lines: list[str] = []
    if any(table.headers):
        lines.append("  " + "  ".join(_pad(h, w) for h, w in zip(table.headers, widths, strict=False)).rstrip())
        lines.append("  " + "  ".join("-" * w for w in widths))
    lines.extend("  " + "  ".join(_pad(c, w) for c, w in zip(row, widths, strict=False)).rstrip() for row in table.rows)
    return lines
