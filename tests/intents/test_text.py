"""Normalisation, segmentation and modifier rules: the deterministic parts before the model."""

from __future__ import annotations

import pytest

from intents._hangul import compose, join_syllable, split_syllable, to_jamo
from intents._modifiers import intensity_of, repeat_of
from intents._normalize import normalize
from intents._segment import segment


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ㅋㅋ 웃어봐", "웃어봐"),
        ("웃어ㅋㅋㅋ!!!", "웃어!"),
        ("우ㅅ어 주세요", "웃어 주세요"),  # tail typed as a loose letter
        ("웃ㅇ어줘", "웃어줘"),  # stray letter between syllables
        ("웃어주ㅓ", "웃어줘"),  # loose vowel that composes (ㅜ+ㅓ=ㅝ)
        ("ㅇㅜㅅㅇㅓ", "웃어"),  # fully decomposed typing
        ("ＳＭＩＬＥ ~~ 😊", "smile"),  # full-width letters, tildes, emoji
        ("smiiiiile", "smiile"),  # elongation squashed to two
        ("웃어어어어어", "웃어어"),
        ("don’t smile", "don't smile"),  # curly apostrophe
        ("blink ×3", "blink x3"),
        ("ㅇㅇ", "ㅇㅇ"),  # jamo shorthand on its own is kept (it means "yes")
        ("ㅠㅠ", ""),
        ("   \t\n ", ""),
        ("\x00\x01\x7f", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_decomposed_hangul_is_recomposed() -> None:
    decomposed = "\u110b\u116e\u11ba\u110b\u1165"  # 웃어 as conjoining jamo (NFD)
    assert normalize(decomposed) == "웃어"


def test_jamo_round_trip() -> None:
    assert split_syllable("웃") == ("ㅇ", "ㅜ", "ㅅ")
    assert join_syllable("ㅇ", "ㅜ", "ㅅ") == "웃"
    assert to_jamo("줘") == "ㅈㅝ"
    assert compose("ㄱㅏㄹㄱㅔ") == "갈게"  # a compound tail that must split again
    assert compose("ㅋㅋ") == "ㅋㅋ"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("활짝 웃", 1.0),
        ("살짝 웃어", 0.35),
        ("조금 슬퍼해", 0.35),
        ("엄청 놀란 표정", 1.0),
        ("아주 살짝", 0.35),  # the word nearest the verb wins
        ("smile a little", 0.35),
        ("give me a big grin", 1.0),
        ("look really sad", 1.0),
        ("a slight nod", 0.35),
        ("laugh out loud", 0.7),  # idiom, not a strength
        ("눈 크게 떠", 0.7),  # idiom for surprise, not a strength
        ("웃어줘", 0.7),
        ("좀만 웃어", 0.35),  # 좀만 = 조금만; plain 좀 is "please"
        ("좀 웃어봐", 0.7),
        ("겁나 무서운 표정", 1.0),  # slang "very"
        ("겁나는 표정", 0.7),  # 겁나다 (be scared) itself
        ("개놀란 표정", 1.0),  # slang prefix
        ("smile wider", 1.0),
    ],
)
def test_intensity_buckets(text: str, expected: float) -> None:
    assert intensity_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("두 번 깜빡여", 2),
        ("윙크 3번", 3),
        ("세번 끄덕여", 3),
        ("blink twice", 2),
        ("nod three times", 3),
        ("x3 blink", 3),
        ("blink 4x", 4),
        ("a couple of times", 2),
        ("두 번째", 1),  # ordinal, not a count
        ("blink 99 times", 10),  # capped at MAX_REPEAT
        ("smile", 1),
        ("blow 2 kisses", 2),
        ("give me three quick winks", 3),
        ("kisses", 1),
    ],
)
def test_repeat_counts(text: str, expected: int) -> None:
    assert repeat_of(text) == expected


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("활짝 웃다가 윙크해줘", ["활짝 웃", "윙크해줘"]),
        ("웃고 나서 고개 끄덕여", ["웃", "고개 끄덕여"]),
        ("놀란 다음에 웃어", ["놀란", "웃어"]),
        ("윙크하기 전에 웃어", ["웃어", "윙크하"]),  # "before" reverses the order
        ("smile then wink", ["smile", "wink"]),
        ("wink after you smile", ["you smile", "wink"]),
        ("move your head up and down", ["move your head up and down"]),  # one motion
        ("웃고 싶어", ["웃고 싶어"]),  # "-고 싶다" is no sequence
        ("눈 감고 있어", ["눈 감고 있어"]),
        ("do me a favor and smile", ["smile"]),  # lead-in is no step
        ("나 보고 웃어", ["웃어"]),  # "looking at me" frames the command
        ("smile, please", ["smile"]),  # filler-only clause is dropped
        ("먼저 웃고, 마지막으로 뽀뽀", ["웃", "뽀뽀"]),  # order words and a clause-final -고 go
        ("first nod, finally wink", ["nod", "wink"]),
        ("윙크→뽀뽀 -> 웃어", ["윙크", "뽀뽀", "웃어"]),  # arrows are "then"
        ("크게 놀라고 살짝 웃어", ["크게 놀라", "살짝 웃어"]),  # 놀라고 is a connective
        ("'안녕'이라고 하고 웃어", ["quote이라고 하", "웃어"]),
        ("웃다가윙크해줘", ["웃", "윙크해줘"]),  # -다가 written without a space
        ("이리 다가와", ["이리 다가와"]),  # 다가오다 (come closer) is no connective
        ("before you smile, blink", ["blink", "you smile"]),  # a dangling "before" clause
        ("웃기 전에, 윙크해", ["윙크해", "웃"]),
        ("배꼽 잡고 웃어", ["배꼽잡고 웃어"]),  # one idiom, one step
    ],
)
def test_segmentation(text: str, parts: list[str]) -> None:
    assert [piece.text for piece in segment(normalize(text))] == parts


@pytest.mark.parametrize(
    ("text", "remainder"),
    [
        ("웃지 마", "웃"),
        ("웃지 좀 마", "웃"),
        ("윙크하지 마세요", "윙크하"),
        ("그만 웃어", "웃어"),
        ("stop smiling", "smiling"),
        ("don't blink", "blink"),
        ("no more winking", "winking"),
    ],
)
def test_negation_keeps_what_is_negated(text: str, remainder: str) -> None:
    (piece,) = segment(normalize(text))
    assert piece.negated
    assert piece.text == remainder


@pytest.mark.parametrize(
    "text",
    ["웃기지 마", "웃음이 안 멈춰", "눈물이 못 멈춰"],  # "don't be ridiculous", "can't stop"
)
def test_look_alike_negations_are_not_negations(text: str) -> None:
    assert not any(piece.negated for piece in segment(normalize(text)))


def test_stop_making_that_face_negates_the_face_itself() -> None:
    (piece,) = segment(normalize("could you please stop making that face?"))
    assert piece.negated and piece.trivial


def test_questions_are_not_negations() -> None:
    (piece,) = segment(normalize("don't you like smiling?"))
    assert not piece.negated
    (piece,) = segment(normalize("why don't you smile"))
    assert not piece.negated
    assert piece.text == "smile"


def test_clause_mood_is_set_by_the_governing_segment() -> None:
    korean = segment(normalize("웃고 떠들고 놀았어"))
    assert [piece.governs for piece in korean] == [False, False, True]  # verb-final
    english = segment(normalize("i like to smile and laugh"))
    assert [piece.governs for piece in english] == [True, False]  # mood comes first
