"""The Zalo Bot Platform's methods on the generic bot API client."""

from __future__ import annotations

from bot.channels.botapi import JSON, BotApiClient, BotApiError

POLL_TIMEOUT_CODE = 408


class ZaloClient(BotApiClient):
    """Zalo Bot Platform: one update per getUpdates call, 2,000-character texts, no uploads."""

    async def get_update(self, poll_seconds: int) -> JSON | None:
        """Long-poll for ONE update; None when nothing arrived in the window (error 408)."""
        try:
            result = await self.call(
                "getUpdates",
                {"timeout": str(poll_seconds)},
                seconds=poll_seconds + self.request_timeout,
            )
        except BotApiError as error:
            if error.code == POLL_TIMEOUT_CODE:
                return None
            raise
        return result if isinstance(result, dict) and result else None

    async def send_message(self, chat_id: str, text: str) -> JSON:
        """Send a text (at most 2000 characters) to a chat."""
        result = await self.call("sendMessage", {"chat_id": chat_id, "text": text})
        return result if isinstance(result, dict) else {}

    async def set_webhook(self, url: str, secret_token: str) -> JSON:
        """Register the webhook URL and the secret Zalo sends back in X-Bot-Api-Secret-Token."""
        result = await self.call("setWebhook", {"url": url, "secret_token": secret_token})
        return result if isinstance(result, dict) else {}

    async def delete_webhook(self) -> None:
        """Remove the webhook (needed before long polling)."""
        await self.call("deleteWebhook")
