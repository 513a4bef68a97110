"""Tests for the service catalogue in locales/services.yaml."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from domain.services import CatalogueError, ServiceCatalogue, default_catalogue
from domain.text import fold, strip_diacritics

SECTION_3_2_KEYS = [
    "vneid_install_l1",
    "vneid_level2",
    "vneid_account_issue",
    "vneid_documents",
    "dvc_online",
    "dvc_payment",
    "residence",
    "social_insurance",
    "health",
    "smart_city_feedback",
    "cashless",
    "ecommerce_business",
    "cyber_safety",
    "digital_literacy",
    "other",
]


def test_catalogue_holds_the_plan_services_and_ends_with_other() -> None:
    """The plan's services are all there (new ones may be added anywhere); "other" stays last."""
    keys = [s.key for s in default_catalogue().all()]
    assert set(SECTION_3_2_KEYS) <= set(keys)
    assert keys[-1] == "other"


def test_default_catalogue_is_cached() -> None:
    assert default_catalogue() is default_catalogue()


def test_keys_and_aliases_are_unique_after_folding() -> None:
    names = [fold(n) for s in default_catalogue().all() for n in (s.key, *s.aliases)]
    assert len(names) == len(set(names))


def test_every_service_has_aliases_and_reasons_ending_in_other() -> None:
    for service in default_catalogue().all():
        assert service.aliases, service.key
        assert service.reasons, service.key
        assert service.reasons[-1].key == "other", service.key
        assert len({r.key for r in service.reasons}) == len(service.reasons)


def test_vneid_level2_reasons() -> None:
    service = default_catalogue().get("vneid_level2")
    assert service is not None
    assert [r.key for r in service.reasons] == [
        "sim_not_own_name",
        "no_chip_card",
        "otp_not_received",
        "face_check_failed",
        "phone_no_nfc",
        "other",
    ]


def test_labels_are_nfc_vietnamese_with_diacritics() -> None:
    path = Path(__file__).resolve().parents[2] / "locales" / "services.yaml"
    text = path.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    for service in default_catalogue().all():
        labels = [service.vi, *(r.vi for r in service.reasons)]
        for label in labels:
            assert unicodedata.is_normalized("NFC", label)
            assert label.strip() == label
        assert strip_diacritics(service.vi) != service.vi or service.key == "social_insurance"
        assert service.en and service.en.isascii(), service.key


@pytest.mark.parametrize(
    ("token", "key"),
    [
        pytest.param("vneid2", "vneid_level2", id="short"),
        pytest.param("VNEID2", "vneid_level2", id="upper"),
        pytest.param("mức 2", "vneid_level2", id="diacritics"),
        pytest.param("muc 2", "vneid_level2", id="no-diacritics"),
        pytest.param("MUC2", "vneid_level2", id="joined"),
        pytest.param("Mức   2", "vneid_level2", id="extra-spaces"),
        pytest.param("dvc", "dvc_online", id="dvc"),
        pytest.param("dịch vụ công", "dvc_online", id="dvc-long"),
        pytest.param("dich vu cong", "dvc_online", id="dvc-long-plain"),
        pytest.param("qr", "cashless", id="qr"),
        pytest.param("vssid", "social_insurance", id="vssid"),
        pytest.param("ssk", "health", id="ssk"),
        pytest.param("so suc khoe", "health", id="health-plain"),
        pytest.param("khac", "other", id="other-alias"),
        pytest.param("dvc_online", "dvc_online", id="key-itself"),
        pytest.param("CYBER_SAFETY", "cyber_safety", id="key-upper"),
    ],
)
def test_by_alias(token: str, key: str) -> None:
    service = default_catalogue().by_alias(token)
    assert service is not None
    assert service.key == key


@pytest.mark.parametrize("token", ["", "vneid", "xyz", "2", "mức"])
def test_by_alias_unknown(token: str) -> None:
    assert default_catalogue().by_alias(token) is None


def test_labels_and_reason_labels() -> None:
    cat = default_catalogue()
    assert cat.label("vneid_level2") == "Hỗ trợ định danh mức 2"
    assert cat.label("vneid_level2", "en") == "VNeID level-2 identification support"
    assert cat.label("vneid_level2", "fr") == "Hỗ trợ định danh mức 2"
    assert cat.label("retired_key") == "retired_key"
    assert cat.reason_label("vneid_level2", "phone_no_nfc") == "Điện thoại không có NFC"
    assert cat.reason_label("vneid_level2", "phone_no_nfc", "en") == "Phone without NFC"
    assert cat.reason_label("vneid_level2", "gone") == "gone"
    assert cat.reason_label("gone", "other") == "other"
    assert cat.get("nope") is None


_SERVICE = """
  - key: {key}
    vi: Nhãn
    en: Label
    aliases: [{aliases}]
    reasons:
      - {{key: {reason}, vi: Lý do khác, en: Other}}
"""


def _write(tmp_path: Path, *services: tuple[str, str, str]) -> Path:
    body = "".join(_SERVICE.format(key=k, aliases=a, reason=r) for k, a, r in services)
    path = tmp_path / "services.yaml"
    path.write_text("services:" + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "services",
    [
        pytest.param([("a", "x", "other"), ("a", "y", "other")], id="duplicate-key"),
        pytest.param([("a", "mức 1", "other"), ("b", "muc 1", "other")], id="duplicate-alias"),
        pytest.param([("a", "b", "other"), ("b", "y", "other")], id="alias-is-other-key"),
        pytest.param([("a", "x", "misc")], id="reasons-not-ending-in-other"),
        pytest.param([("a", "2x", "other")], id="alias-starting-with-digit"),
        pytest.param([("Bad Key", "x", "other")], id="bad-key"),
    ],
)
def test_load_rejects_invalid_catalogues(
    tmp_path: Path, services: list[tuple[str, str, str]]
) -> None:
    with pytest.raises(CatalogueError):
        ServiceCatalogue.load(_write(tmp_path, *services))


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("", id="empty"),
        pytest.param("services: {", id="broken-yaml"),
        pytest.param("services: [1]", id="not-a-mapping"),
        pytest.param("services: []", id="no-services"),
    ],
)
def test_load_rejects_malformed_files(tmp_path: Path, content: str) -> None:
    path = tmp_path / "services.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CatalogueError):
        ServiceCatalogue.load(path)


def test_load_valid_minimal_catalogue(tmp_path: Path) -> None:
    cat = ServiceCatalogue.load(_write(tmp_path, ("a", "xa, yb", "other")))
    service = cat.by_alias("YB")
    assert service is not None
    assert service.key == "a"
    assert cat.max_alias_words == 1
