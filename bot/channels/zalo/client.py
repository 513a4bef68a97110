"""The Zalo Bot Platform's methods on the generic bot API client.

Errors as Zalo's error table defines them: 403 is "Internal server error" there (not a
permission refusal as on Telegram), so it is retried like a 5xx; 429 "Quota exceeded" waits
and retries; 408 on getUpdates only means nothing arrived. Sends are not repeated after a
failure that may have reached Zalo (bot.channels.botapi explains why).
"""

from __future__ import annotations

from bot.channels.botapi import JSON, BotApiClient, BotApiError

POLL_TIMEOUT_CODE = 408
INTERNAL_ERROR_CODE = 403
TYPING_SECONDS = 2.0


class ZaloClient(BotApiClient):
    """Zalo Bot Platform: one update per getUpdates call, 2,000-unit texts, photos by URL only."""

    def is_retryable(self, error: BotApiError) -> bool:
        """Retry what BotApiClient retries, and Zalo's 403 "Internal server error"."""
        return error.retryable or error.code == INTERNAL_ERROR_CODE

    async def get_me(self) -> JSON:
        """Return the bot's own account: ``{id, account_name, account_type, ...}``."""
        result = await self.call("getMe")
        return result if isinstance(result, dict) else {}

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
        """Send a text (at most 2000 UTF-16 units) to a chat; never repeated blindly."""
        result = await self.call(
            "sendMessage", {"chat_id": chat_id, "text": text}, repeatable=False
        )
        return result if isinstance(result, dict) else {}

    async def send_photo(self, chat_id: str, photo_url: str, caption: str = "") -> JSON:
        """Send a picture Zalo fetches from a public URL, with an optional caption."""
        params = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            params["caption"] = caption
        result = await self.call("sendPhoto", params, repeatable=False)
        return result if isinstance(result, dict) else {}

    async def send_typing(self, chat_id: str) -> None:
        """Show "typing…" in a chat: one short try, since it only matters right now."""
        await self.call(
            "sendChatAction",
            {"chat_id": chat_id, "action": "typing"},
            seconds=TYPING_SECONDS,
            attempts=1,
        )

    async def set_webhook(self, url: str, secret_token: str) -> JSON:
        """Register the webhook URL and the secret Zalo sends back in X-Bot-Api-Secret-Token."""
        result = await self.call("setWebhook", {"url": url, "secret_token": secret_token})
        return result if isinstance(result, dict) else {}

    async def delete_webhook(self) -> None:
        """Remove the webhook (needed before long polling)."""
        await self.call("deleteWebhook")
