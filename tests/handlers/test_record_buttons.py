"""A record button acts on the record it was shown for, even after ids could be reused."""

from __future__ import annotations

from bot.app import App
from tests.factories import Harness
from tests.handlers.log_helpers import make_team, records, vi, volunteer


async def test_an_old_delete_button_never_deletes_a_newer_record(app_any_db: App) -> None:
    """SQLite's plain rowid gives the newest row's id again after it is deleted: the old
    /undo button (lg:uy:<id>) and /mine's Delete confirmation (lg:dy:<id>) would then delete
    the record logged afterwards."""
    app = app_any_db
    harness = Harness(app)
    user = volunteer(harness, make_team(app, areas=()))
    await user.say("/log vneid2 3 45p")
    await user.press("lg:save")
    [first] = records(app)
    await user.say("/undo")
    old_undo = f"lg:uy:{first.id}"
    assert old_undo in user.payloads()
    await user.press(old_undo)
    assert records(app) == []
    await user.say("/log vneid2 2 30p")
    await user.press("lg:save")
    [second] = records(app)
    assert second.id != first.id, "a deleted record's id was handed out again"
    for stale in (old_undo, f"lg:dy:{first.id}", f"lg:md:{first.id}", f"lg:me:{first.id}"):
        await user.press(stale)
        assert user.text() == vi(app, "error.stale_button"), stale
    assert [r.id for r in records(app)] == [second.id]
