"""Fake platform API servers for end-to-end tests."""

from tests.fakes.fake_telegram import Call, FakeTelegram, UploadedFile

__all__ = ["Call", "FakeTelegram", "UploadedFile"]
