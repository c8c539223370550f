"""The shipped interpreter on phrasings written for these tests (none of them is training data).

Each case is "utterance => steps"; a step is an intent with optional marks: `^` intensity 1.0,
`_` intensity 0.35, `*N` repeat N. The first test checks that no case appears in the training
split, so these numbers measure generalisation, not memory.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from contracts.plan import INTENTS, Plan
from intents import Interpreter, load_interpreter

TRAIN_PATH = Path(__file__).resolve().parents[2] / "intents" / "data" / "train.jsonl"

CASES: tuple[str, ...] = (
    '좀 웃어 봐요 => smile',
    '웃는 얼굴 좀 보여줄래요 => smile',
    '기분 좋게 웃어줘 => smile',
    '미소 한번 보여줘 => smile',
    '해맑게 웃어 주실래요 => smile',
    '환하게 웃어줘요 => smile^',
    '살짝 미소 지어봐요 => smile_',
    'please smile for me now => smile',
    'show me your best smile => smile',
    'can you give me a smile right now? => smile',
    'big smile for the camera! => smile^',
    'smile a tiny bit => smile_',
    '하하 웃어봐요 => laugh',
    '크게 소리 내서 웃어 줘 => laugh^',
    '빵 터진 것처럼 웃어 => laugh',
    '박장대소 해봐 => laugh',
    'laugh for me => laugh',
    'can you laugh out loud? => laugh',
    'giggle a little for me => laugh_',
    '눈 한번 깜빡여 봐 => blink',
    '눈을 깜빡깜빡 해봐 => blink',
    '눈 세 번 깜빡해봐 => blink*3',
    'blink for me now => blink',
    'blink your eyes twice => blink*2',
    'can you blink 3 times => blink*3',
    '윙크 한 번 해줄래? => wink',
    '한쪽 눈 찡긋해 줘 => wink',
    '윙크 날려줄래 => wink',
    'give me a quick wink => wink',
    'wink at me twice => wink*2',
    'close one eye for me => wink',
    '아무 말이나 해봐 => talk',
    '뭐라고 말 좀 해봐 => talk',
    '인사 좀 해봐 => talk',
    'say something nice => talk',
    'come on, talk to me => talk',
    '놀란 표정 지어봐 => surprise',
    '깜짝 놀란 척 해봐 => surprise',
    '엄청 놀란 표정 해줘 => surprise^',
    'try looking surprised => surprise',
    'act shocked for me => surprise',
    'gasp at me => surprise',
    '우는 척 해봐 => sad',
    '울상 좀 지어봐 => sad',
    '시무룩한 표정 해봐 => sad',
    '조금 슬픈 표정 지어 => sad_',
    'could you look sad => sad',
    'pout at me => sad',
    'can you look upset for me? => sad',
    '화난 척 해봐 => angry',
    '째려봐 줄래 => angry',
    '인상 좀 써 봐 => angry',
    'look angry at me please => angry',
    'now glare at me => angry',
    'look furious => angry',
    '무서워하는 척 해봐 => fear',
    '겁먹은 표정 지어봐 => fear',
    '벌벌 떨어봐 => fear',
    'look scared please => fear',
    'act all afraid for me => fear',
    'look terrified please => fear',
    '역겨워하는 표정 해봐 => disgust',
    '역겨운 척 해봐 => disgust',
    '질색하는 표정 지어줘 => disgust',
    'look disgusted at this please => disgust',
    'do your grossed out face => disgust',
    'eww face please => disgust',
    '고개 갸우뚱 해봐 => confused',
    '헷갈리는 표정 지어봐 => confused',
    '어리둥절한 표정 해봐 => confused',
    'look confused at me => confused',
    'tilt your head at me => confused',
    'raise an eyebrow at me => confused',
    '눈 꼭 감아봐 => close_eyes',
    '눈 좀 감아볼래 => close_eyes',
    '자는 척 해봐 => close_eyes',
    'close your eyes please => close_eyes',
    'shut ur eyes pls => close_eyes',
    'time for you to go to sleep => close_eyes',
    '고개 끄덕끄덕 해봐 => nod',
    '끄덕여 봐 => nod',
    '고개 두 번 끄덕여줘 => nod*2',
    'give me a nod please => nod',
    'nod ur head twice => nod*2',
    'please nod yes to me => nod',
    '고개 도리도리 => shake_head',
    '아니라고 고개 저어봐 => shake_head',
    '고개 좌우로 흔들어 => shake_head',
    'shake your head at me please => shake_head',
    'shake your head from side to side => shake_head',
    '왼쪽 한번 봐봐 => look_left',
    '왼쪽으로 눈 돌려 => look_left',
    'please look left => look_left',
    'could you look to your left for me? => look_left',
    '오른쪽 좀 쳐다봐요 => look_right',
    '오른쪽을 쳐다봐 줄래? => look_right',
    'now look to the right => look_right',
    'glance right real quick => look_right',
    '하늘 쳐다봐 => look_up',
    '위쪽 봐 => look_up',
    '고개 들어봐 => look_up',
    'look up now please => look_up',
    'look up at the ceiling => look_up',
    '바닥 좀 봐봐요 => look_down',
    '고개 숙여 => look_down',
    '땅 쳐다봐 => look_down',
    'look down at the table please => look_down',
    'look down at the floor => look_down',
    '뽀뽀해줘요 => kiss',
    '쪽 해줘 => kiss',
    '입술 쭉 내밀어 => kiss',
    'blow a kiss please => kiss',
    'kiss me please => kiss',
    'pucker up => kiss',
    '원래대로 해줘 => neutral',
    '표정 풀어줘 => neutral',
    '가만히 있어 => neutral',
    '그만해 => neutral',
    '멈춰줘 => neutral',
    'go back to normal right now => neutral',
    'neutral face now => neutral',
    'stop => neutral',
    'reset now please => neutral',
    '웃지 마 => neutral',
    '웃지마세요 => neutral',
    '그만 웃어 => neutral',
    '윙크하지 마세요 => neutral',
    '고개 끄덕이지 마 => neutral',
    '울지 마 => neutral',
    "don't smile please => neutral",
    'please stop smiling now => neutral',
    'please stop winking at me => neutral',
    'stop laughing right now => neutral',
    "don't look up => neutral",
    '안녕 반가워 => chat',
    '안녕하세요? => chat',
    '너 이름이 뭐야? => chat',
    '너 몇 살이니? => chat',
    '정말 고마워요 => chat',
    '잘 가요 => chat',
    '웃는 거 좋아해? => chat',
    '너 웃는 거 좋아해? => chat',
    '어제 슬픈 영화 봤어 => chat',
    '나 오늘 너무 슬퍼 => chat',
    '너 왜 웃어? => chat',
    '넌 화날 때 있어? => chat',
    '눈이 참 예쁘다 => chat',
    '윙크 귀엽다 => chat',
    '오늘 날씨 좋다 => chat',
    'hello! => chat',
    'hi there => chat',
    'how are you today? => chat',
    'what is your name? => chat',
    'thanks! => chat',
    'goodbye for now => chat',
    'do you like smiling a lot? => chat',
    'do you like to laugh? => chat',
    "i'm sad today => chat",
    "i'm so angry => chat",
    'why are you smiling at me? => chat',
    'i watched a scary movie => chat',
    'what makes you angry? => chat',
    'can you dance for us? => chat',
    '웃다가 윙크해 => smile wink',
    '활짝 웃다가 윙크해 => smile^ wink',
    '놀란 다음에 웃어줘 => surprise smile',
    '윙크하고 웃어줘 => wink smile',
    '윙크한 다음에 뽀뽀해줘 => wink kiss',
    '고개 끄덕이고 나서 웃어 => nod smile',
    '왼쪽 보고 오른쪽 봐 => look_left look_right',
    '웃으면서 윙크해 => smile wink',
    '웃고 윙크하고 고개 끄덕여 => smile wink nod',
    '크게 웃다가 울어 => smile^ sad',
    '살짝 웃고 나서 윙크 두 번 => smile_ wink*2',
    '윙크하기 전에 웃어 => smile wink',
    '웃지 말고 윙크해 => wink',
    'smile then wink => smile wink',
    'smile and then wink twice => smile wink*2',
    'nod and smile => nod smile',
    'smile, then blink => smile blink',
    'first nod then shake your head => nod shake_head',
    'look left and then look right => look_left look_right',
    'blink twice then smile => blink*2 smile',
    'laugh then cry => laugh sad',
    'close your eyes then smile => close_eyes smile',
    'wink after you smile => smile wink',
    "don't smile, wink instead => wink",
    "don't laugh, just nod => nod",
    '화내지 말고 웃어줘 => smile',
    '먼저 웃고, 그다음 윙크, 마지막으로 뽀뽀해 => smile wink kiss',
    '윙크→웃음 => wink smile',
    'smile -> nod -> wink => smile nod wink',
    '엄청 놀라고 살짝 웃어줘 => surprise^ smile_',
    '웃다가윙크해봐 => smile wink',
    'before you laugh, blink twice => blink*2 laugh',
    'look up, then down => look_up look_down',
    '왼쪽 봤다가 오른쪽 => look_left look_right',
    '진정하고 웃어 => neutral smile',
    'stop making that face please => neutral',
    '그 표정 짓지 마 => neutral',
    '웃기지 마 진짜로 => chat',
    '웃음이 안 멈춰요 => chat',
    '좀만 웃어봐 => smile_',
    '개놀란 표정 지어봐 => surprise^',
    '겁나 화난 표정 => angry^',
    'smile a bit wider => smile^',
    '웃어저요 => smile',
    '웃어조 => smile',
    '웃 어 주 세 요 => smile',
    'ㅋㅋ 웃어봐 => smile',
    '웃어줘~~!! => smile',
    '우ㅅ어 => smile',
    '윙크헤줘 => wink',
    '깜빡어 => blink',
    '눈 가마 => close_eyes',
    'smlie plz => smile',
    'smille => smile',
    'blnik => blink',
    'wnik => wink',
    'nodd => nod',
    'cloes your eyes => close_eyes',
    'lokk left => look_left',
    'smile 해줘 => smile',
    'wink 해봐요 => wink',
    'nod 두 번 해줘 => nod*2',
    '윙크 2번 => wink*2',
    'x3 blink => blink*3',
)


def _expected(spec: str) -> list[tuple[str, float, int]]:
    steps = []
    for token in spec.split():
        match = re.fullmatch(r"([a-z_]+?)([\^_]?)(?:\*(\d+))?", token)
        assert match, token
        intent, mark, repeat = match.groups()
        steps.append((intent, {"^": 1.0, "_": 0.35}.get(mark, 0.7), int(repeat or 1)))
    return steps


def _steps(plan: Plan) -> list[tuple[str, float, int]]:
    return [(step.intent, round(step.intensity, 2), step.repeat) for step in plan.steps]


@pytest.fixture(scope="module")
def interpreter() -> Interpreter:
    return load_interpreter()


def test_cases_are_not_training_data() -> None:
    with TRAIN_PATH.open(encoding="utf-8") as handle:
        trained = {json.loads(line)["text"].strip().lower() for line in handle}
    leaked = [case for case in CASES if case.split(" => ")[0].strip().lower() in trained]
    assert leaked == []


def test_cases_cover_every_intent_in_both_languages() -> None:
    covered: dict[str, set[str]] = {intent: set() for intent in INTENTS}
    for case in CASES:
        text, spec = case.split(" => ")
        language = "ko" if re.search("[가-힣]", text) else "en"
        for intent, _, _ in _expected(spec):
            covered[intent].add(language)
    assert {intent: langs for intent, langs in covered.items() if langs != {"ko", "en"}} == {}


@pytest.mark.parametrize("case", CASES)
def test_unseen_phrasing(interpreter: Interpreter, case: str) -> None:
    text, spec = case.split(" => ")
    plan = interpreter.interpret(text)
    assert _steps(plan) == _expected(spec), f"{text!r}: confidence {plan.confidence:.2f}"
    assert plan.text == text
    assert plan.source == "classifier"
    assert 0.0 <= plan.confidence <= 1.0
