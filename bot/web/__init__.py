"""The bot's one aiohttp web server: Telegram and Zalo webhooks, web chat, health and metrics."""
