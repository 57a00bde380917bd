"""Filling a form with the keyboard alone: Tab from field to field, and at each stop check that the focus is
visible (WCAG 2.4.7, RGAA 10.7) before acting on the element.

:func:`fill_by_keyboard` presses Tab until the submit button is focused, gives each focused element the
keys its :data:`Action` names (typing, Space, arrows), then presses Enter on the button. No click, no
``fill``: if a field cannot be reached or operated with the keyboard, the test fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict

from playwright.sync_api import Page

MAX_TABS = 150


class Focused(TypedDict):
    tag: str
    type: str
    key: str
    """``name`` (``name=value`` for a check box), else ``id``: what the actions are keyed by."""
    text: str
    visible: bool
    """The focus indicator shows: ``:focus-visible`` matches and an outline of 2 px or more is drawn."""


_FOCUSED = r"""() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const style = getComputedStyle(e);
  const name = e.getAttribute("name") || "";
  const type = (e.getAttribute("type") || "").toLowerCase();
  return {
    tag: e.tagName.toLowerCase(),
    type: type,
    key: type === "checkbox" ? name + "=" + e.value : name || e.id,
    text: (e.innerText || e.value || "").replace(/\s+/g, " ").trim().slice(0, 80),
    visible: e.matches(":focus-visible") && style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
  };
}"""

Action = Callable[[Page], None]


def typing(text: str) -> Action:
    return lambda page: page.keyboard.type(text)


def pressing(*keys: str) -> Action:
    def press(page: Page) -> None:
        for key in keys:
            page.keyboard.press(key)

    return press


def choosing(value: str) -> Action:
    """In a group of radio buttons (one Tab stop), press the down arrow until ``value`` is checked."""

    def choose(page: Page) -> None:
        for _ in range(20):
            if page.evaluate("() => document.activeElement.value") == value:
                return
            page.keyboard.press("ArrowDown")
        raise AssertionError(f"the arrows never reached the choice {value!r}")

    return choose


def fill_by_keyboard(page: Page, actions: dict[str, Action], *, submit: str) -> list[str]:
    """Tab through the page, act once on each element whose key is in ``actions``, press Enter on the button
    whose text is ``submit``. Returns the keys of the elements focused on the way, in order; fails if an
    element showed no visible focus when the focus reached it, or if an action's element or the button was
    never reached."""
    done: set[str] = set()
    path: list[str] = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused: Focused | None = page.evaluate(_FOCUSED)
        assert focused is not None, f"the focus left the page after {path[-3:]}"
        where = f"{focused['tag']} {focused['key'] or focused['text']!r}"
        # Tab also moves between the parts of a date field; Chromium then marks the part, not the field.
        arriving = not path or path[-1] != (focused["key"] or focused["text"])
        assert focused["visible"] or not arriving, f"no visible focus on {where} (after {path[-3:]})"
        path.append(focused["key"] or focused["text"])
        if focused["tag"] == "button" and focused["text"] == submit:
            missing = set(actions) - done
            assert not missing, f"never reached by Tab: {sorted(missing)}"
            page.keyboard.press("Enter")
            return path
        action = actions.get(focused["key"])
        if action is not None and focused["key"] not in done:
            done.add(focused["key"])
            action(page)
    raise AssertionError(f"the button {submit!r} was not reached in {MAX_TABS} tabs: {path}")
