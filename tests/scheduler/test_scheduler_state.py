"""/metrics tells the truth about the scheduler (issue 12, point 12): the scheduler itself
sets its state gauge, instead of it always reading "absent"."""

from __future__ import annotations

from bot.app import App
from bot.web.metrics import Metrics
from scheduler.runner import SchedulerService


def state(metrics: Metrics) -> str:
    for name in ("absent", "running", "paused", "stopped"):
        sample = metrics.registry.get_sample_value(
            "bot_scheduler_state", {"bot_scheduler_state": name}
        )
        if sample == 1.0:
            return name
    raise AssertionError("no scheduler state set")


async def test_the_scheduler_reports_running_then_stopped(app: App) -> None:
    metrics = Metrics()
    service = SchedulerService(
        app.db, app.dispatcher, app.parts, charts=False, on_state=metrics.set_scheduler_state
    )
    assert state(metrics) == "absent"
    service.start()
    assert state(metrics) == "running"
    await service.shutdown()
    assert state(metrics) == "stopped"
