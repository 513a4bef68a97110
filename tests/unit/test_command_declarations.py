"""Commands are declared once: /help, menus and platform menus come from the declarations,
and every message key the code names exists in both catalogs."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.core.commands import help_text, main_menu, platform_menu
from bot.core.i18n import LOCALES_DIR, read_catalog
from bot.core.roles import RoleName, Roles
from bot.core.router import Router
from handlers.registry import build_router
from storage.people import TeamRole

ROOT = Path(__file__).resolve().parents[2]
CODE_FOLDERS = ("bot", "handlers", "scheduler", "storage", "domain")
KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")
CATALOGS = {lang: read_catalog(LOCALES_DIR / lang / "LC_MESSAGES") for lang in ("vi", "en")}
PEOPLE = {
    RoleName.RESIDENT: Roles(),
    RoleName.VOLUNTEER: Roles(
        teams=(TeamRole(team_id=1, team_name="T", ward_id=1, role="volunteer"),)
    ),
    RoleName.LEADER: Roles(teams=(TeamRole(team_id=1, team_name="T", ward_id=1, role="leader"),)),
    RoleName.WARD_ADMIN: Roles(wards=(1,)),
    RoleName.ADMIN: Roles(is_admin=True),
}


class _Catalog:
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.messages = CATALOGS[lang]

    def text(self, key: str, /, **params: object) -> str:
        assert key in self.messages, f"{key} missing in {self.lang}"
        return self.messages[key]


@pytest.fixture(scope="module")
def router() -> Router:
    return build_router()


@pytest.mark.parametrize("role", list(RoleName))
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_help_lists_every_command_the_role_may_use(
    router: Router, role: RoleName, lang: str
) -> None:
    roles = PEOPLE[role]
    assert roles.main is role
    text = help_text(router, roles, _Catalog(lang))  # type: ignore[arg-type]
    listed = set(re.findall(r"^/([a-z_]+) – ", text, flags=re.M))
    allowed = {name for name, info in router.commands.items() if roles.may(info.roles)}
    assert listed == allowed
    assert len(text) < 4096, "help must fit one Telegram message"


def test_the_leaders_help_has_the_commands_it_once_forgot(router: Router) -> None:
    text = help_text(router, PEOPLE[RoleName.LEADER], _Catalog("vi"))  # type: ignore[arg-type]
    for name in ("target", "settings", "unanswered", "report", "hours", "digest", "invite"):
        assert f"/{name} – " in text


@pytest.mark.parametrize("role", list(RoleName))
def test_main_menus_only_offer_what_the_role_may_use(router: Router, role: RoleName) -> None:
    roles = PEOPLE[role]
    buttons = [b for row in main_menu(router, roles, _Catalog("vi")) for b in row]  # type: ignore[arg-type]
    assert buttons, f"{role} has an empty main menu"
    for button in buttons:
        name = button.payload.removeprefix("menu:")
        info = router.find_command(name)
        assert info is not None and roles.may(info.roles)
    assert buttons[-1].payload == "menu:help" or any(b.payload == "menu:help" for b in buttons)


def test_platform_menu_is_generated_in_both_languages(router: Router) -> None:
    for lang in ("vi", "en"):
        pairs = platform_menu(router, _Catalog(lang))  # type: ignore[arg-type]
        assert [name for name, _ in pairs][:2] == ["start", "help"]
        assert all(3 <= len(text) <= 256 for _, text in pairs)


def test_every_command_has_its_texts_in_both_catalogs(router: Router) -> None:
    for info in router.commands.values():
        for lang, messages in CATALOGS.items():
            assert info.help_key in messages, (info.name, lang)
            if info.menu:
                assert info.menu_key in messages, (info.name, lang)


def test_roles_are_typed_and_checked_at_registration() -> None:
    router = Router()
    with pytest.raises(TypeError):
        router.command("x", lambda ctx: None, roles={"leader"})  # type: ignore[arg-type,return-value,arg-type]
    with pytest.raises(TypeError):
        router.button("b", lambda ctx: None, roles={"admin"})  # type: ignore[arg-type,return-value]
    with pytest.raises(ValueError):
        router.command("y", lambda ctx: None, roles=set())  # type: ignore[arg-type,return-value]
    router.command("z", lambda ctx: None, aliases=("zz",))  # type: ignore[arg-type,return-value]
    with pytest.raises(ValueError):
        router.command("zz", lambda ctx: None)  # type: ignore[arg-type,return-value]
    with pytest.raises(ValueError):
        router.command("Bad-Name", lambda ctx: None)  # type: ignore[arg-type,return-value]


TRANSLATORS = {"t": 0, "text": 0, "say": 1, "end": 1, "UserFacingError": 0, "t_for": 1}


def _called(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _key_nodes(tree: ast.AST) -> list[ast.expr]:
    """Return the expressions used as message keys: translation call arguments, *_KEYS tables."""
    found: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called(node) in TRANSLATORS:
            position = TRANSLATORS[_called(node)]
            if len(node.args) > position:
                found.append(node.args[position])
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if any(name.endswith(("_KEYS", "_KEY")) for name in names) and node.value:
                found.extend(
                    n for n in ast.walk(node.value) if isinstance(n, ast.Constant | ast.JoinedStr)
                )
    return found


def _code_keys() -> list[tuple[Path, int, str, bool]]:
    """Return (file, line, key, is_prefix) for every literal key or f-string key head."""
    found: list[tuple[Path, int, str, bool]] = []
    for folder in CODE_FOLDERS:
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in _key_nodes(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    found.append((path, node.lineno, node.value, False))
                elif isinstance(node, ast.JoinedStr) and node.values:
                    head = node.values[0]
                    if isinstance(head, ast.Constant) and isinstance(head.value, str):
                        found.append((path, node.lineno, head.value, True))
    return found


def test_every_message_key_named_in_code_is_in_both_catalogs() -> None:
    missing: list[str] = []
    checked = 0
    for path, line, text, is_prefix in _code_keys():
        if not KEY.fullmatch(text + ("x" if is_prefix else "")):
            continue
        checked += 1
        for lang, messages in CATALOGS.items():
            present = (
                any(key.startswith(text) for key in messages) if is_prefix else text in messages
            )
            if not present:
                missing.append(f"{path.relative_to(ROOT)}:{line} {text} ({lang})")
    assert checked > 200, "the scan found too few keys: is it still looking at the code?"
    assert not missing, "\n".join(missing)


def test_a_command_declared_beside_its_handler_is_registered_once() -> None:
    """@chat_command needs no edit elsewhere: build_router finds it (here /lang in handlers/core)."""
    from bot.core.declare import chat_command
    from handlers.core import choose_language

    router = build_router()
    info = router.commands["lang"]
    assert info.handler is choose_language and info.platform_menu
    with pytest.raises(ValueError, match="declared twice"):
        chat_command("lang")(lambda ctx: choose_language(ctx))
