"""The per-update pipeline: de-duplicate, load state, route, save, commit, then send.

Everything up to the commit runs as one unit of work (`Database.run_short`: inline on
SQLite, on a database thread on PostgreSQL); replies are sent only after the commit
(at-least-once delivery; a failed send is logged, not undone).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from sqlmodel import Session

from bot.core.applying import InboxTicket, current_ticket
from bot.core.channel import ChannelCaps
from bot.core.context import AppParts, Context
from bot.core.flood import FloodGuard, Verdict
from bot.core.flow import KEEP, Outcome, UserFacingError, sticky
from bot.core.messages import Address, ChatKey, Delivery, Incoming, Kind, Reply
from bot.core.numbered import map_choice, render_numbered
from bot.core.roles import Roles
from bot.core.router import Router
from domain.jsonsafe import strip_nul
from storage import conversations, inbox, people
from storage.conversations import ConversationState, StateConflict
from storage.db import Database, DatabaseFileMissing, is_unavailable
from storage.dialect import lock_chat

logger = logging.getLogger(__name__)
MAX_INPUT_CHARS = 4096
T = TypeVar("T")


def without_nul(msg: Incoming) -> Incoming:
    """Remove NUL characters from what a person typed (PostgreSQL refuses them in text)."""
    if "\x00" not in msg.text + msg.payload + msg.display_name:
        return msg
    return replace(
        msg,
        text=strip_nul(msg.text),
        payload=strip_nul(msg.payload),
        display_name=strip_nul(msg.display_name),
    )


class Sender(Protocol):
    """Something that delivers replies on one channel."""

    async def send(self, delivery: Delivery) -> None: ...


class _Abort(Exception):
    """The handler failed; its transaction is rolled back and these replies are sent instead."""

    def __init__(self, deliveries: list[Delivery]) -> None:
        super().__init__("handler aborted")
        self.deliveries = deliveries


class Dispatcher:
    """Turns incoming updates into committed state changes and outgoing deliveries."""

    def __init__(self, db: Database, router: Router, parts: AppParts) -> None:
        self.db = db
        self.router = router
        self.parts = parts
        self.caps: dict[str, ChannelCaps] = {}
        self.senders: dict[str, Sender] = {}
        self.flood = FloodGuard()
        self._handled = 0
        self.db_outage_seconds = parts.settings.db_outage_seconds
        self._locks: weakref.WeakValueDictionary[ChatKey, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    def register_channel(self, name: str, caps: ChannelCaps, sender: Sender | None) -> None:
        """Declare a channel's capabilities and the sender of its replies."""
        self.caps[name] = caps
        if sender is not None:
            self.senders[name] = sender

    def _lock(self, key: ChatKey) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock

    async def handle(self, msg: Incoming) -> list[Delivery]:
        """Process one update (in order per chat) and send its replies; return the deliveries."""
        msg = without_nul(msg)
        verdict = self.flood.check(msg.key, self.parts.clock.now())
        if verdict is not Verdict.ALLOW:
            logger.warning("Flood control: %s update %s not handled", msg.key, msg.update_id)
            if verdict is Verdict.DROP:
                return []
            notice = [self._apology(msg, "error.flood")]
            await self.deliver(notice)
            return notice
        self._handled += 1
        if self._handled % 10_000 == 0:
            self.flood.forget_idle(self.parts.clock.now())
        ticket = current_ticket.get()
        async with self._lock(msg.key):
            deliveries = await self._process_with_retry(msg, ticket)
        await self.deliver(deliveries)
        return deliveries

    async def _process_with_retry(
        self, msg: Incoming, ticket: InboxTicket | None
    ) -> list[Delivery]:
        inbox_id = ticket.item_id if ticket is not None else 0
        try:
            for attempt in range(3):
                try:
                    deliveries = await self._run(
                        lambda session: self.process(session, msg, inbox_id=inbox_id)
                    )
                    if ticket is not None:
                        ticket.consumed = True
                    return deliveries
                except _Abort as abort:
                    await self._run(lambda session: self._mark_only(session, msg, inbox_id))
                    if ticket is not None:
                        ticket.consumed = True
                    return abort.deliveries
                except StateConflict:
                    logger.info("State conflict for %s, attempt %d", msg.key, attempt + 1)
        except Exception as error:
            if not is_unavailable(error):
                raise
            if ticket is not None:
                ticket.keep = True  # stays in the inbox, replayed at the next start
            logger.error(
                "Database unavailable for %.0f s: update %s of %s not applied (%s)",
                self.db_outage_seconds,
                msg.update_id,
                msg.key,
                error,
            )
        return [self._apology(msg, "error.busy")]

    async def _run(self, work: Callable[[Session], T]) -> T:
        """Run a unit of work, waiting out a database outage of up to `db_outage_seconds`.

        The waits are asynchronous (exponential back-off from 0.25 s to 4 s), so a database
        locked by another process or down for a while holds up this update only; the event
        loop goes on serving /healthz, other chats and the web server meanwhile.
        """
        delay, waited = 0.25, 0.0
        while True:
            try:
                return await self.db.run_short(work)
            except Exception as error:
                if not is_unavailable(error) or waited >= self.db_outage_seconds:
                    raise
                if isinstance(error, DatabaseFileMissing):
                    raise  # waiting will not bring the file back: answer now
                logger.warning("Database unavailable, retrying in %.2f s (%s)", delay, error)
                await asyncio.sleep(delay)
                waited, delay = waited + delay, min(delay * 2, 4.0)

    async def deliver(self, deliveries: list[Delivery]) -> None:
        """Send deliveries through their channels; log and go on when one fails."""
        for delivery in deliveries:
            sender = self.senders.get(delivery.address.channel)
            if sender is None:
                logger.warning("No sender for channel %s", delivery.address.channel)
                continue
            try:
                await sender.send(delivery)
            except Exception:
                logger.exception("Sending to %s failed", delivery.address)

    def _mark_only(self, session: Session, msg: Incoming, inbox_id: int = 0) -> None:
        if inbox_id:
            inbox.done(session, [inbox_id])
        conversations.mark_processed(
            session, channel=msg.key.channel, update_id=msg.update_id, now=self.parts.clock.now()
        )

    def _apology(self, msg: Incoming, key: str) -> Delivery:
        locale = self.parts.settings.default_locale
        text = self.parts.translations.get(locale).text(key)
        return Delivery(Address(msg.key.channel, msg.key.chat_id), Reply(text=text), locale)

    def process(self, session: Session, msg: Incoming, *, inbox_id: int = 0) -> list[Delivery]:
        """Apply one update inside the caller's transaction and return what to send.

        inbox_id: the inbox row holding the raw update, deleted in this same transaction.
        """
        now = self.parts.clock.now()
        key = msg.key
        lock_chat(session, key.channel, key.chat_id)
        if inbox_id:
            inbox.done(session, [inbox_id])
        if not conversations.mark_processed(
            session, channel=key.channel, update_id=msg.update_id, now=now
        ):
            logger.info("Duplicate update %s:%s ignored", key.channel, msg.update_id)
            return []
        if len(msg.text) > MAX_INPUT_CHARS:
            msg = replace(msg, text=msg.text[:MAX_INPUT_CHARS])
        private_chat = "" if msg.is_group else key.chat_id  # a group is nobody's private chat
        sender = people.ensure_sender(
            session, channel=key.channel, user_id=key.user_id, chat_id=private_chat, now=now
        )
        wards, team_roles = people.roles_of(session, sender.person_id)
        roles = Roles(
            is_admin=self.parts.settings.is_admin(key.channel, key.user_id),
            wards=tuple(wards),
            teams=tuple(team_roles),
        )
        locale = sender.locale or self.parts.settings.default_locale
        loaded = conversations.load(
            session, channel=key.channel, chat_id=key.chat_id, user_id=key.user_id
        )
        notices: list[Reply] = []
        state, data = loaded.state, loaded.data
        if state and loaded.expires_at is not None and loaded.expires_at <= now:
            logger.info("Flow %s of %s expired", state, key)
            notices.append(Reply(text=self.parts.translations.get(locale).text("flow.expired")))
            state, data = "", sticky(data)
        msg = self._map_numbered_choice(session, msg)
        ctx = Context(
            session=session,
            msg=msg,
            person_id=sender.person_id,
            roles=roles,
            locale=locale,
            state=state,
            data=dict(data),
            now=now,
            parts=self.parts,
        )
        try:
            outcome = self._route(ctx)
        except UserFacingError as problem:
            text = ctx.t(problem.key, **problem.params)
            own = Address(key.channel, key.chat_id)
            raise _Abort([Delivery(own, Reply(text=text), locale)]) from problem
        except StateConflict:
            raise
        except Exception:
            logger.exception("Handler failed for %s (state %r)", key, state)
            text = ctx.t("error.unexpected")
            own = Address(key.channel, key.chat_id)
            raise _Abort([Delivery(own, Reply(text=text), ctx.locale)]) from None
        self._save_state(session, ctx, loaded, outcome, now)
        return self._deliveries(session, ctx, notices + outcome.replies, now)

    def _map_numbered_choice(self, session: Session, msg: Incoming) -> Incoming:
        caps = self.caps.get(msg.key.channel, ChannelCaps())
        if caps.buttons or msg.kind is not Kind.TEXT or msg.command:
            return msg
        menu = conversations.get_menu(session, channel=msg.key.channel, chat_id=msg.key.chat_id)
        if menu is None:
            return msg
        return map_choice(msg, list(menu.labels), list(menu.payloads)) or msg

    def _route(self, ctx: Context) -> Outcome:
        msg = ctx.msg
        if msg.is_group and msg.kind is Kind.TEXT and not msg.command:
            return Outcome()
        if msg.command:
            info = self.router.find_command(msg.command)
            if info is None:
                return Outcome([Reply(text=ctx.t("error.unknown_command", command=msg.command))])
            if not ctx.roles.may(info.roles):
                return Outcome([Reply(text=ctx.t("error.not_allowed"))])
            return info.handler(ctx)
        if msg.kind is Kind.BUTTON:
            button = self.router.for_button(msg.payload)
            if button is None:
                logger.info("Unknown button payload from %s", ctx.key)
                return Outcome([Reply(text=ctx.t("error.stale_button"))])
            if not ctx.roles.may(button.roles):
                return Outcome([Reply(text=ctx.t("error.not_allowed"))])
            return button.handler(ctx)
        if msg.kind is Kind.ATTACHMENT:
            return Outcome([Reply(text=ctx.t("error.text_only"))])
        if not msg.text.strip():
            return Outcome([Reply(text=ctx.t("error.empty"))])
        flow = self.router.for_state(ctx.state)
        word = self.router.for_flow_word(msg.text) if flow is not None else None
        if word is not None:  # "hủy", "thôi"… inside a flow
            return word(ctx)
        if flow is not None:
            if not ctx.roles.may(flow.roles):  # the role was lost mid-flow: end it
                return Outcome([Reply(text=ctx.t("error.not_allowed"))], next_state=None)
            return flow.handler(ctx)
        if self.router.text_fallback is not None:
            return self.router.text_fallback(ctx)
        return Outcome([Reply(text=ctx.t("error.not_understood"))])

    def _save_state(
        self,
        session: Session,
        ctx: Context,
        loaded: ConversationState,
        outcome: Outcome,
        now: datetime,
    ) -> None:
        if outcome.next_state is KEEP:
            state = ctx.state
            data: dict[str, Any] = outcome.data if outcome.data is not None else ctx.data
        elif outcome.next_state is None:
            state, data = "", {}
        else:
            state = outcome.next_state
            data = outcome.data if outcome.data is not None else {}
        data = {**sticky(ctx.data), **data}
        if not loaded.exists and not state and not data:
            return
        if loaded.exists and state == loaded.state and data == loaded.data and not state:
            return
        ttl = timedelta(hours=self.parts.settings.conversation_ttl_hours)
        key = ctx.key
        conversations.save(
            session,
            channel=key.channel,
            chat_id=key.chat_id,
            user_id=key.user_id,
            loaded=loaded,
            state=state,
            data=data,
            now=now,
            expires_at=now + ttl if state else None,
        )

    def _deliveries(
        self, session: Session, ctx: Context, replies: list[Reply], now: datetime
    ) -> list[Delivery]:
        own = Address(ctx.key.channel, ctx.key.chat_id)
        deliveries = [
            Delivery(reply.to or own, replace(reply, to=None), ctx.locale) for reply in replies
        ]
        return self.prepare(session, deliveries, now)

    def prepare(
        self, session: Session, deliveries: list[Delivery], now: datetime
    ) -> list[Delivery]:
        """Fit deliveries to their channels: without buttons, options are numbered and remembered.

        Used for the replies to an update and for messages sent outside one (escalations).
        """
        prepared: list[Delivery] = []
        for delivery in deliveries:
            reply, address = delivery.reply, delivery.address
            if reply.buttons and not self.caps.get(address.channel, ChannelCaps()).buttons:
                buttons = reply.all_buttons()
                conversations.set_menu(
                    session,
                    channel=address.channel,
                    chat_id=address.chat_id,
                    labels=[b.label for b in buttons],
                    payloads=[b.payload for b in buttons],
                    now=now,
                )
                hint = self.parts.translations.get(delivery.locale).text("numbered.hint")
                delivery = replace(delivery, reply=render_numbered(reply, hint))
            prepared.append(delivery)
        return prepared
