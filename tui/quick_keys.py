"""Quick keys: one key press plays a common expression (shown in the footer, remappable by id)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from contracts import IntentName, Plan, Step


@dataclass(frozen=True, slots=True)
class QuickKey:
    """A key that plays one intent.

    Attributes:
        key: the default key (users remap it through the keymap with `binding_id`).
        intent: the intent it plays, at the default intensity.
    """

    key: str
    intent: IntentName

    @property
    def binding_id(self) -> str:
        """Keymap id of the binding, e.g. "quick.smile"."""
        return f"quick.{self.intent}"

    def binding(self) -> Binding:
        """The footer binding that runs `action_quick('<intent>')`."""
        return Binding(
            self.key,
            f"quick('{self.intent}')",
            self.intent,
            id=self.binding_id,
            tooltip=f"Play the {self.intent} expression now (interrupts what is playing).",
        )

    def plan(self) -> Plan:
        """The one-step plan the key plays."""
        return intent_plan(self.intent)


def intent_plan(intent: IntentName) -> Plan:
    """A one-step plan of `intent` at its default intensity (quick keys, the palette)."""
    return Plan(steps=[Step(intent=intent)], source="script")


def quick_key_of(intent: str) -> str | None:
    """The default quick key that plays `intent` ("f1"), or None."""
    return next((quick.key for quick in QUICK_KEYS if quick.intent == intent), None)


QUICK_KEYS: tuple[QuickKey, ...] = (
    QuickKey("f1", "smile"),
    QuickKey("f2", "laugh"),
    QuickKey("f3", "wink"),
    QuickKey("f4", "blink"),
    QuickKey("f5", "nod"),
    QuickKey("f6", "surprise"),
    QuickKey("f7", "sad"),
    QuickKey("f8", "neutral"),
)

