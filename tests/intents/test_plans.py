"""What plans look like around the edges: odd input, chat and talk replies, the public API."""

from __future__ import annotations

import random
import re

import pytest

from contracts.plan import MAX_REPEAT, Plan
from intents import ClassifierInterpreter, Interpreter, load_interpreter, reply_for
from intents._interpreter import MAX_STEPS
from intents.replies import chat_kind, talk_line


@pytest.fixture(scope="module")
def interpreter() -> Interpreter:
    return load_interpreter()


def _is_low_confidence_chat(plan: Plan) -> bool:
    return plan.intents == ["chat"] and plan.confidence < 0.5


@pytest.mark.parametrize("text", ["", "   ", "\n\t  "])
def test_blank_input_is_chat_with_zero_confidence_and_nothing_to_say(
    interpreter: Interpreter, text: str
) -> None:
    plan = interpreter.interpret(text)
    assert plan.intents == ["chat"]
    assert plan.confidence == 0.0
    assert plan.reply is None
    assert plan.text == text


@pytest.mark.parametrize("text", ["...!!!", "🚗", "?!"])
def test_input_with_no_words_is_chat_with_zero_confidence_and_a_reply(
    interpreter: Interpreter, text: str
) -> None:
    plan = interpreter.interpret(text)
    assert plan.intents == ["chat"]
    assert plan.confidence == 0.0
    assert plan.reply and plan.steps[0].text == plan.reply


def test_very_long_input_is_low_confidence_chat(interpreter: Interpreter) -> None:
    text = ("웃어줘 smile please " * 600)[:10_000]
    plan = interpreter.interpret(text)
    assert _is_low_confidence_chat(plan)
    assert plan.reply  # asks for something shorter
    assert plan.text == text


def test_binary_garbage_is_chat_with_zero_confidence(interpreter: Interpreter) -> None:
    rng = random.Random(7)
    for _ in range(50):
        garbage = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))).decode("latin-1")
        plan = interpreter.interpret(garbage)
        assert plan.intents == ["chat"], repr(garbage)
        if len(garbage) >= 20:  # long enough that most of its letters are not ASCII
            assert plan.confidence == 0.0, repr(garbage)


def test_other_scripts_are_chat_with_zero_confidence(interpreter: Interpreter) -> None:
    for text in ("улыбнись пожалуйста", "笑ってください", "请微笑"):
        plan = interpreter.interpret(text)
        assert (plan.intents, plan.confidence) == (["chat"], 0.0)


@pytest.mark.parametrize("text", ["asdkjh qwepoi zxcmnb", "블라블라 쿵짝쿵짝", "xyzzy plugh 12345"])
def test_gibberish_is_chat_never_a_guessed_expression(interpreter: Interpreter, text: str) -> None:
    assert interpreter.interpret(text).intents == ["chat"]


def test_non_text_input_is_a_type_error(interpreter: Interpreter) -> None:
    with pytest.raises(TypeError, match="needs a str"):
        interpreter.interpret(b"smile")  # type: ignore[arg-type]


def test_too_many_steps_are_cut_to_the_plan_limit(interpreter: Interpreter) -> None:
    plan = interpreter.interpret(", ".join(["smile", "wink", "nod"] * 10))
    assert len(plan.steps) == MAX_STEPS
    assert plan.intents[:3] == ["smile", "wink", "nod"]


def test_repeat_is_capped(interpreter: Interpreter) -> None:
    (step,) = interpreter.interpret("blink 50 times").steps
    assert (step.intent, step.repeat) == ("blink", MAX_REPEAT)


def test_chat_reply_follows_the_users_language(interpreter: Interpreter) -> None:
    korean = interpreter.interpret("안녕하세요 반가워요")
    english = interpreter.interpret("hello, nice to meet you")
    assert korean.intents == english.intents == ["chat"]
    assert korean.reply and any("가" <= char <= "힣" for char in korean.reply)
    assert english.reply and not any("가" <= char <= "힣" for char in english.reply)
    assert korean.steps[0].text == korean.reply


def test_replies_are_deterministic_and_fit_the_kind() -> None:
    assert reply_for("고마워!") == reply_for("고마워!")
    assert chat_kind("thanks a lot") == "thanks"
    assert chat_kind("what's your name?") == "name"
    assert chat_kind("잘 가") == "goodbye"
    assert chat_kind("how are you?") == "how_are_you"
    assert chat_kind("안녕!") == "greeting"
    assert chat_kind("너 진짜 귀엽다") == "compliment"
    assert chat_kind("what time is it?") == "question"
    assert chat_kind("자기소개 좀 해줄래?") == "introduce"
    assert chat_kind("could you introduce yourself") == "introduce"
    assert chat_kind("웃긴 얘기 해줘") == chat_kind("tell me a joke") == "joke"
    assert reply_for("thanks a lot") in ("You're welcome!", "Any time!", "Glad I could help.")


def test_content_requests_are_chat_with_a_fitting_reply(interpreter: Interpreter) -> None:
    introduction = interpreter.interpret("자기소개 좀 해줄래?")
    joke = interpreter.interpret("tell me a joke please")
    assert introduction.intents == joke.intents == ["chat"]
    assert introduction.reply and any(word in introduction.reply for word in ("초상화", "사진"))
    assert joke.reply in ("Why did the photo go to jail? It was framed!",
                          "I'd tell you a joke about paper, but it's tearable.",
                          "What do you call a portrait that talks? A speaking likeness!")


def test_talk_gets_a_line_to_say(interpreter: Interpreter) -> None:
    plan = interpreter.interpret("아무 말이나 해봐")
    assert plan.intents == ["talk"]
    assert plan.reply and plan.steps[0].text == plan.reply
    english = interpreter.interpret("say something, please")
    assert english.reply and not any("가" <= char <= "힣" for char in english.reply)


def test_talk_says_the_quoted_words(interpreter: Interpreter) -> None:
    plan = interpreter.interpret("'좋은 아침'이라고 말해줄래?")
    assert plan.intents == ["talk"]
    assert plan.reply == "좋은 아침"
    assert talk_line('say "see you soon"') == "see you soon"
    assert talk_line("자기소개 해봐").startswith("안녕하세요")


def test_talk_in_a_sequence_sets_the_plan_reply(interpreter: Interpreter) -> None:
    plan = interpreter.interpret("웃고 나서 인사해줘")
    assert plan.intents == ["smile", "talk"]
    assert plan.reply == plan.steps[1].text


def test_interpret_many_matches_interpret(interpreter: Interpreter) -> None:
    texts = ["웃어줘", "wink twice", "안녕?"]
    assert interpreter.interpret_many(texts) == [interpreter.interpret(t) for t in texts]


def test_load_interpreter_is_cached_and_checks_the_kind() -> None:
    assert load_interpreter() is load_interpreter("classifier")
    assert isinstance(load_interpreter(), ClassifierInterpreter)
    with pytest.raises(ValueError, match="classifier"):
        load_interpreter("gpt")


def test_missing_model_file_says_how_to_rebuild(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match=re.escape("python -m intents.train")):
        ClassifierInterpreter.from_file(tmp_path / "nope.npz")


def test_corrupt_model_file_is_a_clear_error(tmp_path) -> None:
    broken = tmp_path / "model.npz"
    broken.write_bytes(b"not a model")
    with pytest.raises(ValueError, match="not an intent model"):
        ClassifierInterpreter.from_file(broken)
