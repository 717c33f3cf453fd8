"""orderbot run | serve | worker | shell | demo | import | db | when — the bot's command line."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.app.bootstrap import Desk, bootstrap
from bot.app.clock import FixedClock, SystemClock, parse_instant
from bot.app.config import Settings, load_settings
from domain.errors import OrderbotError
from domain.ports import Clock

if TYPE_CHECKING:
    from bot.app.demo import DemoSummary
    from bot.app.runtime import Runtime
    from bot.conversation.i18n import Translator


def _clock() -> Clock:
    # ORDERBOT_NOW pins the clock for scripted demos and end-to-end tests; production never sets it.
    fixed = os.environ.get("ORDERBOT_NOW")
    return FixedClock(parse_instant(fixed)) if fixed else SystemClock()


def cli_language(settings: Settings | None) -> str:
    """The command line speaks one language, in its errors and its reports: ORDERBOT_LANGUAGE when it names one
    the desk speaks, else the configured ``orderbot.language`` (English while the config is not read yet)."""
    from bot.conversation.i18n import language_of

    return language_of(os.environ.get("ORDERBOT_LANGUAGE"), settings.language if settings is not None else "en")


def _desk(settings: Settings, check_schema: bool = True) -> Desk:
    return bootstrap(settings, _clock(), check_schema=check_schema)


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.sql.schema import current_revision, head_revision, upgrade

    desk = _desk(settings, check_schema=False)
    if args.action == "upgrade":
        print(f"database at revision {upgrade(desk.engine)} (head)")
    else:
        current = current_revision(desk.engine)
        head = head_revision(settings.database_url)
        print(f"current: {current or 'empty'}  head: {head}  {'up to date' if current == head else 'OUTDATED'}")
    desk.close()
    return 0


def cmd_shell(args: argparse.Namespace, settings: Settings, background: bool = False) -> int:
    """The chat in this terminal. ``background`` (an interactive `orderbot run`): the scheduler scans too,
    and what it raises is counted before the next prompt; a scripted shell never scans on its own
    (`admin scan` does)."""
    from bot.app.shell_app import run_shell, shell_delivers
    from bot.app.slack_runtime import SlackSecrets

    slack = bool(settings.slack_channels) or SlackSecrets.from_env(os.environ) is not None
    deliver = shell_delivers(settings.shell_notifications, slack)
    desk = _desk(settings)
    desk.ensure_admins()
    try:
        user = args.user or settings.shell_user
        errors = run_shell(desk, user, sys.stdin, sys.stdout, deliver, background=background)
    finally:
        desk.close()
    # A scripted conversation fails loudly only when asked to.
    return 1 if errors and getattr(args, "strict", False) else 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """The chat front ends whose tokens are set — Slack in Socket Mode, Telegram by long polling — with
    the outbox dispatcher and the scheduler; with no token at all, the shell front end (a fresh machine).
    A platform that cannot be reached, or refuses its token, does not stop the others (``Runtime.connect``)."""
    from bot.app.runtime import build_runtime
    from bot.app.slack_runtime import SlackSecrets
    from bot.app.telegram_runtime import TelegramSecrets

    slack, telegram = SlackSecrets.from_env(os.environ), TelegramSecrets.from_env(os.environ)
    if slack is None and telegram is None:
        return cmd_shell(args, settings, background=sys.stdin.isatty())
    if slack is not None and not slack.app_token:
        print("orderbot: SLACK_APP_TOKEN is not set: use `orderbot serve` for Slack over HTTP", file=sys.stderr)
        return 2
    desk = _desk(settings)
    desk.ensure_admins()
    rt = build_runtime(desk, slack, telegram)
    rt.start()
    rt.connect(polling=True, socket=True)
    print(f"orderbot: connecting to {_platforms(rt)} in the background; Ctrl-C stops", file=sys.stderr)
    return _until_interrupted(rt, desk)


def _until_interrupted(rt: Runtime, desk: Desk) -> int:
    """Keep the process up until Ctrl-C (or SIGINT), then stop the runtime and close the database."""
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        rt.stop()
        desk.close()
    return 0


def _platforms(rt: Runtime) -> str:
    named = [("Slack (Socket Mode)" if rt.socket is not None else "Slack") if rt.slack is not None else "",
             "Telegram" if rt.telegram is not None else ""]  # fmt: skip
    return " and ".join(n for n in named if n)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Slack and/or Telegram over HTTP on one server: /slack/events and /telegram/webhook; /healthz says how
    each platform is doing."""
    from bot.app.config import ConfigError
    from bot.app.runtime import build_runtime
    from bot.app.slack_runtime import SlackSecrets, http_server
    from bot.app.telegram_runtime import TelegramSecrets

    slack, telegram = SlackSecrets.from_env(os.environ), TelegramSecrets.from_env(os.environ)
    if slack is None and telegram is None:
        raise ConfigError("cfg_no_tokens")
    desk = _desk(settings)
    desk.ensure_admins()
    rt = build_runtime(desk, slack, telegram)
    server = http_server(rt.slack, args.host, args.port, telegram=rt.telegram, health=rt.health)
    rt.start()
    rt.connect(polling=False)
    print(f"orderbot: serving on http://{args.host}:{server.server_port} (/slack/events, /telegram/webhook, "
          f"/healthz); connecting to {_platforms(rt)} in the background", file=sys.stderr)  # fmt: skip
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        rt.stop()
        desk.close()
    return 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    """No front end: the outbox dispatcher (for the chat platforms whose tokens are set) and the scheduler.
    Run it beside `orderbot serve` processes, or as many as you like on PostgreSQL."""
    from bot.app.runtime import build_runtime
    from bot.app.slack_runtime import SlackSecrets
    from bot.app.telegram_runtime import TelegramSecrets

    slack, telegram = SlackSecrets.from_env(os.environ), TelegramSecrets.from_env(os.environ)
    desk = _desk(settings)
    desk.ensure_admins()
    rt = build_runtime(desk, slack, telegram, scheduler=not args.no_scheduler)
    rt.start()
    rt.connect(polling=False)
    print(f"orderbot: worker {rt.loop.dispatcher.name} delivering and scheduling; Ctrl-C stops", file=sys.stderr)
    return _until_interrupted(rt, desk)


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app.demo import demo_is_needed, load_demo
    from bot.conversation.i18n import Translator

    t = Translator(cli_language(settings), settings.zone)
    desk = _desk(settings)
    desk.ensure_admins()
    try:
        if args.if_empty and not settings.demo_when_empty:
            print(t("demo_not_wanted"))
            return 0
        if args.if_empty and not demo_is_needed(desk):
            print(t("demo_has_data"))
            return 0
        summary = load_demo(desk, orders=args.orders, seed=args.seed, progress=sys.stderr.isatty())
        print(demo_summary_text(t, summary))
    finally:
        desk.close()
    return 0


def demo_summary_text(t: Translator, summary: DemoSummary) -> str:
    """What the demo loaded, in a sentence of the command line's language."""
    statuses = t.text("list_sep").join(
        t("demo_status_count", status=t.status(status), count=count) for status, count in summary.by_status
    )
    return t("demo_loaded", customers=summary.customers, products=summary.products, users=summary.users_added,
             orders=summary.orders, lines=summary.lines, statuses=statuses, first=summary.first_number,
             last=summary.last_number)  # fmt: skip


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app.importer import import_csv
    from bot.conversation.i18n import Translator
    from domain.users import Front

    desk = _desk(settings)
    desk.ensure_admins()
    t = Translator(cli_language(settings), settings.zone)
    try:
        ctx = desk.context(Front.shell, args.user or settings.shell_user)
        report = import_csv(desk, ctx, args.kind, Path(args.file), progress=True, update=args.update)
    finally:
        desk.close()
    # rejected and skipped rows (already imported, already there) in row order, each with its reason
    for row, err in sorted(report.rejected + report.skipped, key=lambda r: r[0]):
        print(t("cli_import_row", row=row, reason=t(err.code, **err.params)))
    if report.numbers:
        print(t("cli_import_numbers", numbers=", ".join(report.numbers)))
    print(t("cli_import_done", imported=report.imported, updated=report.updated, unchanged=report.unchanged,
            skipped=len(report.skipped), rejected=len(report.rejected)))  # fmt: skip
    return 1 if report.rejected else 0


def cmd_when(args: argparse.Namespace, settings: Settings) -> int:
    from bot.conversation.language.dates import DateReader

    reader = DateReader(settings.timezone)
    today = date.fromisoformat(args.today) if args.today else reader.today(_clock().now())
    due = date.fromisoformat(args.due) if args.due else None
    print(reader.resolve(" ".join(args.phrase), today, due).isoformat())
    return 0


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="orderbot", description="chat-ops order desk")
    ap.add_argument("--config", help="path of orderbot.toml (default: ./orderbot.toml or $ORDERBOT_CONFIG)")
    sub = ap.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start the bot (the shell front end when no chat token is configured)")
    run.add_argument("--user", help="who you are in the shell")
    worker = sub.add_parser("worker", help="no front end: deliver the outbox and run the scheduler")
    worker.add_argument("--no-scheduler", action="store_true", help="deliver only")
    serve = sub.add_parser("serve", help="Slack over HTTP: one server for /slack/events")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=3000)
    shell = sub.add_parser("shell", help="chat with the bot in this terminal; stdin may be a script")
    shell.add_argument("--user", help="who you are (default: [shell] user)")
    shell.add_argument("--strict", action="store_true", help="exit 1 if any command got an error reply")
    demo = sub.add_parser("demo", help="load the demo company")
    demo.add_argument("--orders", type=int, default=400)
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--if-empty", action="store_true", help="only when the database has no data")
    imp = sub.add_parser("import", help="import customers, products or orders from CSV")
    imp.add_argument("kind", choices=["customers", "products", "orders"])
    imp.add_argument("file")
    imp.add_argument("--user", help="who is importing (default: [shell] user)")
    imp.add_argument(
        "--update", action="store_true", help="update customers or products already there (blank cells: unchanged)"
    )
    db = sub.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade", "current"])
    when = sub.add_parser("when", help="print the date a phrase means, as YYYY-MM-DD")
    when.add_argument("phrase", nargs="+")
    when.add_argument("--today", help="YYYY-MM-DD (default: today in the configured timezone)")
    when.add_argument("--due", help="YYYY-MM-DD: the due date that shifts like 提前两周 move")
    return ap


COMMANDS = {
    "run": cmd_run,
    "serve": cmd_serve,
    "worker": cmd_worker,
    "shell": cmd_shell,
    "demo": cmd_demo,
    "import": cmd_import,
    "db": cmd_db,
    "when": cmd_when,
}


def _stop_on_sigterm() -> None:
    """`kill` (a service manager stopping the bot) ends it like Ctrl-C: the scheduler lead and the lanes
    this process holds are handed back at once instead of running out."""

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)


def main(argv: Sequence[str] | None = None) -> int:
    _stop_on_sigterm()
    logging.basicConfig(
        level=os.environ.get("ORDERBOT_LOG_LEVEL", "WARNING"), format="%(levelname)s %(name)s: %(message)s"
    )
    args = parser().parse_args(argv)
    settings: Settings | None = None
    try:
        settings = load_settings(args.config)
        return COMMANDS[args.command](args, settings)
    except OrderbotError as err:
        from bot.conversation.i18n import Translator

        reason = Translator(cli_language(settings), ZoneInfo("UTC"))(err.code, **err.params)
        print(f"orderbot: {reason}", file=sys.stderr)
        return 2
    except ValueError as err:  # e.g. --today not a date
        print(f"orderbot: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
