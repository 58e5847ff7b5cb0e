"""The UI can be translated: Qt's own tools find its strings and a built catalogue changes the window; the
shipped Simplified Chinese catalogue covers every string and its compiled .qm matches it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sysconfig
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTabWidget,
    QWidget,
)

from app.ui.application import WidgetApp
from app.ui.i18n import CONTEXT, install_translator, minutes_text
from app.ui.resources import resource_path
from tests.ui.conftest import Loop

UI = Path(__file__).resolve().parents[2] / "app" / "ui"


def tool(name: str) -> str:
    found = shutil.which(name, path=sysconfig.get_path("scripts"))
    assert found, f"{name} comes with PySide6; reinstall the test environment"
    return found


@pytest.fixture
def pseudo_catalogue(tmp_path: Path) -> Path:
    """Every string extracted by pyside6-lupdate, 'translated' as ⟦string⟧ and compiled by lrelease."""
    source = tmp_path / "ccc-break_eo.ts"
    subprocess.run(
        [tool("pyside6-lupdate"), *map(str, sorted(UI.glob("*.py"))), "-ts", str(source)],
        check=True,
        capture_output=True,
    )
    text = source.read_text(encoding="utf-8")

    def pseudo(match: re.Match[str]) -> str:
        return f"{match.group(1)}\n        <translation>⟦{match.group(2)}⟧</translation>"

    text = re.sub(r"(<source>([^<]*)</source>)\s*<translation type=\"unfinished\"></translation>", pseudo, text)

    def pseudo_plural(match: re.Match[str]) -> str:  # one form is enough for the pseudo language
        return f"{match.group(1)}\n        <translation><numerusform>⟦{match.group(2)}⟧</numerusform></translation>"

    text = re.sub(
        r"(<source>([^<]*)</source>)\s*<translation type=\"unfinished\">\s*(?:<numerusform></numerusform>\s*)+"
        r"</translation>",
        pseudo_plural,
        text,
    )
    source.write_text(text, encoding="utf-8")
    subprocess.run([tool("pyside6-lrelease"), str(source)], check=True, capture_output=True)
    return tmp_path


@pytest.fixture
def installed(pseudo_catalogue: Path) -> Iterator[None]:
    app = QCoreApplication.instance()
    assert app is not None
    assert install_translator(app, pseudo_catalogue, QLocale(QLocale.Language.Esperanto))
    yield
    for translator in app.findChildren(QTranslator):
        QCoreApplication.removeTranslator(translator)


def test_lupdate_finds_the_strings_agents_see(pseudo_catalogue: Path) -> None:
    text = (pseudo_catalogue / "ccc-break_eo.ts").read_text(encoding="utf-8")
    for source in (
        "Take &amp;Break",
        "&amp;Ready",
        "Waiting for the contact centre to answer…",
        "Managed by your organisation",
        "On break",
        "Show/Hide Window",
    ):
        assert f"<source>{source}</source>" in text


def test_a_built_catalogue_translates_the_window_and_tray(
    installed: None, qloop: Loop, make_widget: Callable[..., WidgetApp]
) -> None:
    widget = make_widget(tray=True)
    assert widget.window is not None and widget.tray is not None
    assert widget.window.take_break_button.text() == "⟦Take &Break⟧"
    assert widget.window.ready_button.text() == "⟦&Ready⟧"
    widget.tray.rebuild_menu()
    assert [a.text() for a in widget.tray.menu.actions()][:2] == ["⟦Take Break⟧", "⟦Ready⟧"]


# --- the shipped Simplified Chinese catalogue ---------------------------------------------------

TRANSLATIONS = Path(__file__).resolve().parents[2] / "resources" / "translations"
ZH_TS = TRANSLATIONS / "ccc-break_zh_CN.ts"
ZH_QM = TRANSLATIONS / "ccc-break_zh_CN.qm"
CHINESE = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
HOW_TO_FIX = (
    "update it: pyside6-lupdate app/ui/*.py -ts resources/translations/ccc-break_zh_CN.ts, translate in "
    "pyside6-linguist, pyside6-lrelease resources/translations/ccc-break_zh_CN.ts, commit the .ts and the .qm"
)


@dataclass(frozen=True)
class Message:
    source: str
    translations: tuple[str, ...]  # one, or one per plural form
    kind: str | None  # the <translation type="..."> attribute: None when finished


def current_messages(ts: Path) -> list[Message]:
    """The messages of a .ts that the code still uses (lupdate keeps removed ones as vanished/obsolete)."""
    found = []
    for message in ElementTree.parse(ts).getroot().iter("message"):  # noqa: S314 - our own .ts files
        translation = message.find("translation")
        kind = translation.get("type") if translation is not None else "unfinished"
        if kind in ("vanished", "obsolete"):
            continue
        if translation is None:
            texts: tuple[str, ...] = ()
        else:
            forms = translation.findall("numerusform")
            texts = tuple(form.text or "" for form in forms) if forms else (translation.text or "",)
        found.append(Message(message.findtext("source") or "", texts, kind))
    return found


def problems(ts: Path) -> list[str]:
    """Every entry that would show the agent English or broken text."""
    found = []
    for message in current_messages(ts):
        name = repr(message.source)
        if message.kind == "unfinished":
            found.append(f"{name}: marked unfinished")
        if not message.translations or not all(text.strip() for text in message.translations):
            found.append(f"{name}: empty translation")
            continue
        wanted = sorted(PLACEHOLDER.findall(message.source))
        for text in message.translations:
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                found.append(
                    f"{name}: placeholders {sorted(PLACEHOLDER.findall(text))} instead of {wanted} in {text!r}"
                )
            if message.source.replace("&&", "").count("&") != text.replace("&&", "").count("&"):
                found.append(f"{name}: the & mnemonic is lost or doubled in {text!r}")
            for edge, strip in (("leading", str.lstrip), ("trailing", str.rstrip)):
                if (strip(message.source) != message.source) != (strip(text) != text):
                    found.append(f"{name}: {edge} space differs from the source in {text!r}")
    return found


def lupdate(ts: Path) -> None:
    """Extract the strings of app/ui/*.py into `ts`, merging with what it already holds."""
    subprocess.run(
        [tool("pyside6-lupdate"), *map(str, sorted(UI.glob("*.py"))), "-ts", str(ts)], check=True, capture_output=True
    )


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True)


def test_every_zh_CN_entry_is_finished_and_keeps_placeholders_mnemonics_and_spaces() -> None:
    messages = current_messages(ZH_TS)
    assert len(messages) > 100, "the zh_CN catalogue lost its entries"
    found = problems(ZH_TS)
    assert not found, "resources/translations/ccc-break_zh_CN.ts:\n  " + "\n  ".join(found)


def test_the_catalogue_check_catches_what_an_agent_would_see(tmp_path: Path) -> None:
    """The check above, against a catalogue broken in each way it guards."""
    broken = tmp_path / "broken_zh_CN.ts"
    broken.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n<TS version="2.1" language="zh_CN">\n'
        "<context><name></name>\n"
        '<message><source>Quit</source><translation type="unfinished">退出</translation></message>\n'
        "<message><source>Copy</source><translation></translation></message>\n"
        "<message><source>RequestId: {id}</source><translation>RequestId：{ID}</translation></message>\n"
        "<message><source>Take &amp;Break</source><translation>小休</translation></message>\n"
        "<message><source> (demo)</source><translation>(演示)</translation></message>\n"
        '<message><source>Gone</source><translation type="vanished"></translation></message>\n'
        "</context>\n</TS>\n",
        encoding="utf-8",
    )
    found = "\n".join(problems(broken))
    for expected in (
        "'Quit': marked unfinished",
        "'Copy': empty translation",
        "'RequestId: {id}': placeholders",
        "'Take &Break': the & mnemonic",
        "' (demo)': leading space",
    ):
        assert expected in found
    assert "Gone" not in found  # a string the code no longer uses needs no translation


def test_no_ui_string_lacks_a_zh_CN_translation(tmp_path: Path) -> None:
    """lupdate over today's code adds any new string to a copy of the catalogue, unfinished."""
    copy = tmp_path / ZH_TS.name
    shutil.copyfile(ZH_TS, copy)
    lupdate(copy)
    missing = [
        message.source
        for message in current_messages(copy)
        if message.kind == "unfinished" or not all(text.strip() for text in message.translations)
    ]
    assert not missing, (
        f"{len(missing)} UI string(s) have no finished Chinese translation in {ZH_TS.name}; {HOW_TO_FIX}:\n  "
        + "\n  ".join(map(repr, missing))
    )


EN_TS = TRANSLATIONS / "ccc-break_en.ts"  # English is the source; this holds only its plural forms


@pytest.mark.parametrize("ts", [ZH_TS, EN_TS], ids=["zh_CN", "en"])
def test_the_committed_qm_is_what_lrelease_builds_from_the_committed_ts(tmp_path: Path, ts: Path) -> None:
    qm = ts.with_suffix(".qm")
    built = tmp_path / qm.name
    lrelease(ts, built)
    committed = QTranslator()
    assert committed.load(str(qm)), f"{qm} is missing or unreadable; {HOW_TO_FIX}"
    drifted = [
        message.source
        for message in current_messages(ts)
        if message.translations and committed.translate(CONTEXT, message.source) != message.translations[0]
    ]
    assert not drifted, f"{qm.name} is older than {ts.name}; {HOW_TO_FIX}:\n  " + "\n  ".join(map(repr, drifted))
    assert qm.read_bytes() == built.read_bytes(), f"{qm.name} was not built from {ts.name}; {HOW_TO_FIX}"


def test_every_plural_string_has_its_english_forms(tmp_path: Path) -> None:
    """Without the English plural catalogue an agent would read "5 minute(s)"."""
    copy = tmp_path / EN_TS.name
    shutil.copyfile(EN_TS, copy)
    subprocess.run(
        [tool("pyside6-lupdate"), "-pluralonly", *map(str, sorted(UI.glob("*.py"))), "-ts", str(copy)],
        check=True,
        capture_output=True,
    )
    messages = current_messages(copy)
    assert messages, "no plural string found: the check would prove nothing"
    unfinished = [m.source for m in messages if m.kind == "unfinished" or len(m.translations) != 2]
    assert not unfinished, (
        "plural strings without their two English forms in ccc-break_en.ts; run pyside6-lupdate -pluralonly "
        "app/ui/*.py -ts resources/translations/ccc-break_en.ts, fill in both forms, lrelease:\n  "
        + "\n  ".join(unfinished)
    )


@pytest.mark.parametrize(
    ("locale", "one", "five"),
    [
        (QLocale(QLocale.Language.English, QLocale.Country.UnitedStates), "1 minute", "5 minutes"),
        (QLocale(QLocale.Language.German, QLocale.Country.Germany), "1 minute", "5 minutes"),  # no catalogue: English
        (CHINESE, "1 分钟", "5 分钟"),
    ],
    ids=["en", "de-falls-back-to-en", "zh_CN"],
)
def test_minutes_read_right_in_each_language(locale: QLocale, one: str, five: str) -> None:
    app = QCoreApplication.instance()
    assert app is not None
    install_translator(app, TRANSLATIONS, locale)
    try:
        assert (minutes_text(1), minutes_text(5)) == (one, five)
    finally:
        for translator in app.findChildren(QTranslator):
            QCoreApplication.removeTranslator(translator)
            translator.setParent(None)


def test_a_missing_catalogue_installs_nothing(tmp_path: Path) -> None:
    app = QCoreApplication.instance()
    assert app is not None
    before = len(app.findChildren(QTranslator))
    assert not install_translator(app, tmp_path, QLocale(QLocale.Language.Esperanto))  # no app or Qt catalogue
    assert not install_translator(app, None, QLocale(QLocale.Language.Esperanto))
    assert len(app.findChildren(QTranslator)) == before
    assert QCoreApplication.translate(CONTEXT, "Quit") == "Quit"


@pytest.fixture
def chinese() -> Iterator[None]:
    """The committed zh_CN catalogue, found where the app looks for it at start, plus Qt's own."""
    app = QCoreApplication.instance()
    assert app is not None
    directory = resource_path("translations")
    assert directory == TRANSLATIONS
    assert install_translator(app, directory, CHINESE)
    yield
    for translator in app.findChildren(QTranslator):
        QCoreApplication.removeTranslator(translator)
        translator.setParent(None)


def test_in_chinese_the_window_tray_and_qt_buttons_read_chinese(
    chinese: None, qloop: Loop, make_widget: Callable[..., WidgetApp]
) -> None:
    widget = make_widget(tray=True)
    window, tray = widget.window, widget.tray
    assert window is not None and tray is not None
    assert window.windowTitle() == "CCC Break (演示)"
    assert window.take_break_button.text() == "小休(&B)"
    assert window.ready_button.text() == "就绪(&R)"

    async def scenario() -> None:
        await qloop.until(lambda: window.badge_text.text() == "就绪", 8, "the READY badge in Chinese")
        tray.rebuild_menu()
        assert [a.text() for a in tray.menu.actions() if a.text()] == [
            "小休",
            "就绪",
            "显示/隐藏窗口",
            "紧凑窗口",
            "保持置顶",
            "设置…",
            "退出",
        ]
        widget.open_settings()
        await qloop.until(lambda: widget.settings_dialog is not None, 5, "the Settings dialog")

    qloop.run(scenario())
    dialog = widget.settings_dialog
    assert dialog is not None
    assert dialog.windowTitle() == "CCC Break 设置"
    assert dialog.test_button.text() == "测试连接(&T)"
    # Qt's own strings come from qtbase_zh_CN.qm.
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Save).text() == "保存"
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Save).text() == "保存"
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    field = QLineEdit()
    assert any(action.text().startswith("全选") for action in field.createStandardContextMenu().actions())


def untranslated_texts(root: QWidget, data: set[QWidget]) -> list[str]:
    """Visible words on `root` that did not come through the catalogue (under the pseudo language, every
    translated text is ⟦…⟧); values from the service or the settings (`data`) are not words to translate."""
    found = []
    for widget in root.findChildren(QWidget):
        if widget.window() is not root or not widget.isVisibleTo(root):
            continue  # another window (a dialog parented to this one) is checked on its own
        if any(d is widget or d.isAncestorOf(widget) for d in data):
            continue
        texts: list[str] = []
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QGroupBox):
            texts.append(widget.title())
        if isinstance(widget, QTabWidget):
            texts += [widget.tabText(index) for index in range(widget.count())]
        for text in texts:
            words = text.replace("&", "").strip(" :–-")
            if words and any(ch.isalpha() for ch in words) and "⟦" not in text:
                found.append(f"{widget.objectName() or type(widget).__name__}: {text!r}")
    return found


def test_under_a_pseudo_language_no_ui_text_bypasses_the_catalogue(
    installed: None, qloop: Loop, make_widget: Callable[..., WidgetApp]
) -> None:
    """Every word the window, its compact mode, the tray menu and Settings show comes from tr()."""
    widget = make_widget(tray=True)
    window, tray = widget.window, widget.tray
    assert window is not None and tray is not None

    async def scenario() -> None:
        await qloop.until(lambda: window.controller.status is not None, 8, "the first state")
        await qloop.until(lambda: window.today_box.isVisible(), 8, "the Today section")
        window.refresh()
        tray.rebuild_menu()
        widget.open_settings()
        await qloop.until(lambda: widget.settings_dialog is not None, 5, "Settings")

    qloop.run(scenario())
    data: set[QWidget] = {*window.fields.values(), window.badge_timer, window.code_box, window.notice}
    assert untranslated_texts(window, data) == []
    window.set_compact(True)
    assert untranslated_texts(window, data) == []
    menu_words = [a.text() for a in tray.menu.actions() if a.text() and "⟦" not in a.text()]
    assert menu_words == []
    dialog = widget.settings_dialog
    assert dialog is not None
    tabs = dialog.findChild(QTabWidget)
    assert tabs is not None
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        # Field contents are the agent's data; Save and Cancel are Qt's own (qtbase, checked in Chinese above).
        settings_data: set[QWidget] = {*dialog.findChildren(QLineEdit), *dialog.findChildren(QComboBox), dialog.buttons}
        assert untranslated_texts(dialog, settings_data) == [], tabs.tabText(index)
