"""Canned replies for `chat` and lines to say for `talk`, without a language model.

The reply is in the user's language (any Hangul in → Korean out) and fits what was said
(a greeting, thanks, love, an apology, a question, laughter …); it depends only on the text: the
line is picked by a CRC32 of the normalised text, so the same input always gets the same answer,
across runs and machines.
"""

from __future__ import annotations

import re
import zlib
from typing import Literal

from contracts.plan import IntentName
from intents._hangul import has_hangul
from intents._normalize import normalize
from intents._reactions import reaction_of

ChatKind = Literal[
    "introduce", "joke", "greeting", "name", "how_are_you", "thanks", "goodbye", "affection",
    "apology", "feeling_down", "insult", "compliment", "question", "agree", "unclear", "reaction",
    "other",
]
Language = Literal["ko", "en"]
LONG_TEXT = 500

# Checked in this order: the first kind whose pattern matches wins.
_KIND_PATTERNS: tuple[tuple[ChatKind, re.Pattern[str]], ...] = (
    ("introduce", re.compile(r"자기\s?소개|너\s?소개|너에\s?대해|introduce yourself|"
                             r"about yourself")),
    ("joke", re.compile(r"농담|웃긴\s?(?:얘기|이야기)|재밌는\s?(?:얘기|이야기)|\bjokes?\b|"
                        r"funny story")),
    ("thanks", re.compile(r"고마|감사|땡큐|thank|thx|\bty\b|appreciate|cheers")),
    ("apology", re.compile(r"미안|죄송|잘못했|쏘리|ㅈㅅ|\bsorry\b|apologi[sz]e|my bad|forgive me|"
                           r"\boops\b")),
    ("affection", re.compile(r"사랑해|사랑한다|(?:너|널|당신)\s?(?:를|을)?\s?좋아|^좋아해요?$|"
                             r"보고\s?싶었|\blove (?:you|ya|u)\b|\bluv (?:you|ya|u)\b|"
                             r"\b(?:like|miss|missed|adore) (?:you|u)\b|\bxoxo\b")),
    ("goodbye", re.compile(r"잘\s?가|잘\s?자|안녕히|바이|또\s?봐|내일\s?봐|갈게|굿나잇|빠이|\bbye|"
                           r"see (?:you|ya)|good ?night|night night|gotta go|have to go|"
                           r"take care|later\b")),
    ("name", re.compile(r"이름|누구|정체|몇\s?살|누가 만들|what'?s your name|who are you|"
                        r"your name|how old|who made you|what are you\b|are you (?:a |an )?"
                        r"(?:robot|human|ai)")),
    ("how_are_you", re.compile(r"잘 지냈|기분 어때|어때\?|괜찮아\?|컨디션|잘 있었|별일|how are you|"
                               r"how'?s it going|how have you|how do you feel|how was your|"
                               r"are you (?:ok|okay|happy|tired)|you good|what'?s new|"
                               r"how'?s life")),
    ("feeling_down", re.compile(r"피곤|힘들|슬퍼|우울|심심|외로|졸려|아파|속상|짜증|"
                                r"\bi'?m (?:so |really |very |kinda |a bit |just )?(?:tired|"
                                r"sad|bored|lonely|sleepy|sick|exhausted|depressed|upset|"
                                r"stressed)\b|\bi feel (?:bad|sad|down|sick|lonely)\b|"
                                r"bad day")),
    ("insult", re.compile(r"바보|멍청|못생|꺼져|닥쳐|재미없|stupid|dumb|ugly|idiot|hate you|"
                          r"shut up|you suck|boring")),
    ("greeting", re.compile(r"^(?:안녕|하이|헬로|반가|좋은 아침|굿모닝|여보세요|오랜만|방가)|"
                            r"^(?:hi|hello|hey|yo|hiya|howdy|good (?:morning|evening|afternoon)|"
                            r"morning|sup|greetings|nice to meet)\b")),
    ("compliment", re.compile(r"예쁘|이쁘|귀여|귀엽|멋있|멋지|잘했|최고|짱|훌륭|똑똑|천재|대박|"
                              r"좋다$|"
                              r"cute|pretty|beautiful|great|awesome|amazing|good job|well done|"
                              r"nice|cool|smart|love (?:it|you|your)|funny")),
    ("question", re.compile(r"\?$|뭐|왜|어디|언제|어떻게|몇|무슨|있어$|할래$|"
                            r"^(?:what|why|where|when|how|who|which|do|does|did|can|could|"
                            r"are|is|will|would)\b")),
    ("agree", re.compile(r"^(?:응|어|그래|좋아|알겠|알았|오케이|ㅇㅇ|ㅇㅋ|네|넹|넵|예|맞아|당연)|"
                         r"^(?:ok|okay|yes|yeah|yep|yup|sure|alright|fine|got it|right|"
                         r"of course|agreed)\b")),
)

_REPLIES: dict[Language, dict[ChatKind, tuple[str, ...]]] = {
    "ko": {
        "introduce": ("안녕하세요, 저는 말하는 초상화예요. 웃고, 윙크하고, 끄덕일 수 있어요.",
                      "저는 표정 짓는 사진이에요. '웃어줘'나 '윙크해'라고 말해 보세요!"),
        "joke": ("세상에서 가장 뜨거운 과일은? 천도복숭아!", "바나나가 웃으면? 바나나킥!",
                 "왕이 넘어지면? 킹콩!"),
        "greeting": ("안녕하세요! 만나서 반가워요.", "안녕! 오늘 기분은 어때요?",
                     "반가워요! 뭐 하고 놀까요?"),
        "name": ("저는 말하는 초상화예요. 웃어줘, 윙크해 같은 말을 해 보세요.",
                 "저는 표정을 지을 줄 아는 사진이에요. 반가워요!"),
        "how_are_you": ("저는 잘 지내요! 당신은요?", "오늘 기분 최고예요. 고마워요!",
                        "덕분에 잘 있어요. 웃는 모습 보여 드릴까요?"),
        "thanks": ("천만에요!", "별말씀을요. 언제든지요!", "도움이 됐다니 기뻐요."),
        "goodbye": ("안녕히 가세요! 또 만나요.", "잘 가요! 다음에 또 봐요.", "좋은 하루 보내세요!"),
        "compliment": ("고마워요! 쑥스럽네요.", "와, 칭찬 고마워요!",
                       "그렇게 말해 주니 기분 좋아요."),
        "affection": ("저도 사랑해요!", "어머, 고마워요. 저도 좋아요!", "그 말 들으니 행복해요."),
        "apology": ("괜찮아요, 신경 쓰지 마세요.", "아니에요, 전혀 괜찮아요!",
                    "사과할 필요 없어요."),
        "feeling_down": ("저런, 괜찮아요? 제가 웃어 드릴게요.", "힘내요! 잠깐 쉬어 가요.",
                         "속상했겠어요. 제가 옆에 있을게요."),
        "insult": ("앗, 상처받았어요.", "그런 말 하면 슬퍼요.",
                   "음, 다음엔 좀 더 친절하게 말해 줄래요?"),
        "agree": ("좋아요!", "네, 알겠어요.", "그럼 이제 뭐 할까요?"),
        "unclear": ("잘 못 알아들었어요. '웃어줘'처럼 말해 줄래요?",
                    "음, 무슨 말인지 모르겠어요. 다시 말해 줄래요?"),
        "question": ("음, 좋은 질문이에요. 저는 표정 짓는 게 특기예요!",
                     "글쎄요, 잘 모르겠어요. 대신 웃어 드릴까요?",
                     "어려운 질문이네요. 웃어줘, 윙크해 같은 건 자신 있어요."),
        "other": ("그렇군요!", "네, 듣고 있어요.", "재미있네요. 더 얘기해 주세요.",
                  "알겠어요. 표정이 필요하면 말해 주세요."),
    },
    "en": {
        "introduce": ("Hi, I'm a talking portrait. I can smile, wink, nod and more.",
                      "I'm a photo that makes faces. Try 'smile' or 'wink at me'!"),
        "joke": ("Why did the photo go to jail? It was framed!",
                 "I'd tell you a joke about paper, but it's tearable.",
                 "What do you call a portrait that talks? A speaking likeness!"),
        "greeting": ("Hi there! Nice to meet you.", "Hello! How are you today?",
                     "Hey! What shall we do?"),
        "name": ("I'm a talking portrait. Try 'smile' or 'wink at me'.",
                 "I'm a photo that can make faces. Nice to meet you!"),
        "how_are_you": ("I'm doing great, thanks! And you?",
                        "Feeling good today. Thanks for asking!",
                        "All good here. Want to see a smile?"),
        "thanks": ("You're welcome!", "Any time!", "Glad I could help."),
        "goodbye": ("Goodbye! See you soon.", "Bye! Come back any time.", "Have a great day!"),
        "compliment": ("Thank you! That's kind.", "Aw, thanks!", "You just made my day."),
        "affection": ("Aw, love you too!", "That's so sweet. Thank you!",
                      "You just made me blush."),
        "apology": ("No worries at all!", "That's okay, really.", "Don't worry about it!"),
        "feeling_down": ("Oh no. Want me to cheer you up with a smile?",
                         "Hang in there! Take a little break.",
                         "I'm sorry to hear that. I'm here for you."),
        "insult": ("Ouch, that hurts a little.", "Hey, that's not very nice!",
                   "I'll pretend I didn't hear that."),
        "agree": ("Great!", "Okay!", "Cool. What shall we do next?"),
        "unclear": ("Sorry, I didn't catch that. Try 'smile' or 'wink'.",
                    "Hmm, I don't understand. Could you say that again?"),
        "question": ("Good question! Making faces is more my thing.",
                     "Hmm, I'm not sure. Shall I smile instead?",
                     "That's a tricky one. I'm better at winks and nods."),
        "other": ("I see!", "I'm listening.", "Interesting, tell me more.",
                  "Got it. Ask me for an expression any time."),
    },
}
# Answers to a message that is only laughter or emoji, by the expression that answers it.
_REACTION_REPLIES: dict[Language, dict[IntentName, tuple[str, ...]]] = {
    "ko": {
        "laugh": ("ㅋㅋㅋ 저도 웃겨요!", "하하, 재밌죠?"), "smile": ("헤헤, 저도 기분 좋아요.",),
        "sad": ("힘내요! 제가 웃어 드릴까요?", "울지 마요, 제가 옆에 있잖아요."),
        "wink": ("찡긋! 저도 윙크로 답할게요.",), "kiss": ("쪽! 고마워요.",),
        "surprise": ("어머, 깜짝 놀랐어요!",), "fear": ("무서워요? 괜찮아요, 제가 있잖아요.",),
        "angry": ("화났어요? 진정해요, 제가 웃겨 드릴게요.",), "disgust": ("으, 저도 싫어요!",),
        "confused": ("헷갈리죠? 천천히 말해 주세요.",), "nod": ("좋아요!",),
    },
    "en": {
        "laugh": ("Haha! Glad you're having fun.", "Hehe, that made me laugh too!"),
        "smile": ("Aw, that made me smile!",),
        "sad": ("Oh no, cheer up! Want to see a smile?", "Don't be sad, I'm right here."),
        "wink": ("Right back at you!",), "kiss": ("Mwah! Right back at you.",),
        "surprise": ("Whoa, really?",), "fear": ("Don't worry, you're safe here.",),
        "angry": ("Uh oh, what's wrong?",), "disgust": ("Ew, I agree!",),
        "confused": ("Hmm, confusing, right?",), "nod": ("Great!",),
    },
}
_LONG_REPLY: dict[Language, str] = {
    "ko": "글이 너무 길어요. 짧게 말해 주세요!",
    "en": "That's a lot of text! Try something short, like 'smile'.",
}
_TALK_LINES: dict[Language, dict[str, tuple[str, ...]]] = {
    "ko": {
        "greet": ("안녕하세요! 만나서 반가워요.", "여러분, 안녕하세요!"),
        "introduce": ("안녕하세요, 저는 말하는 초상화예요. 표정을 지을 수 있어요.",),
        "any": ("안녕하세요! 오늘도 좋은 하루 보내세요.", "반가워요. 저랑 같이 놀아요!",
                "제 목소리 들리세요? 오늘 날씨가 참 좋네요."),
    },
    "en": {
        "greet": ("Hello! Nice to meet you.", "Hi everyone!"),
        "introduce": ("Hi, I'm a talking portrait. I can smile, wink and nod.",),
        "any": ("Hello! Have a wonderful day.", "Nice to see you. Let's have some fun!",
                "Can you hear me? It's a lovely day, isn't it?"),
    },
}
_QUOTED = re.compile(r"['\"“‘「]([^'\"”’」]{1,200})['\"”’」]")
_SAY_AFTER = re.compile(r"^(?:please\s+)?say\s+(?!something|anything|a |a few|hi|hello|some)(.+)$",
                        re.IGNORECASE)
_KO_QUOTE = re.compile(r"^(?!뭐|아무|무슨|뭔가)(.{1,200}?)\s*(?:이)?라고\s*(?:말|해|얘기)")
_GREET = re.compile(r"인사|greet|say (?:hi|hello)|안녕이라고")
_INTRODUCE = re.compile(r"자기\s?소개|소개|introduce|about yourself")


def language_of(text: str) -> Language:
    """"ko" when the text has any Hangul, else "en"."""
    return "ko" if has_hangul(text) else "en"


def chat_kind(text: str) -> ChatKind:
    """The kind of small talk, from keyword patterns on the normalised text ("reaction" for a
    message that is only laughter or emoji; "unclear" is the interpreter's call, never made here).
    """
    if reaction_of(text) is not None:
        return "reaction"
    normal = normalize(text)
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(normal):
            return kind
    return "other"


def _pick(options: tuple[str, ...], text: str) -> str:
    """A deterministic choice: the same text always gives the same line."""
    return options[zlib.crc32(normalize(text).encode("utf-8")) % len(options)]


def reply_for(text: str, kind: ChatKind | None = None) -> str:
    """A short friendly answer to chat, in the user's language; never empty.

    Args:
        text: what the user said.
        kind: the kind of answer, when the caller knows better than the keywords (the
            interpreter passes "unclear" for gibberish); by default `chat_kind(text)`.
    """
    language = language_of(text[:LONG_TEXT + 1])
    if len(text) > LONG_TEXT:
        return _LONG_REPLY[language]
    kind = kind or chat_kind(text)
    if kind == "reaction":
        reaction = reaction_of(text)
        assert reaction is not None  # chat_kind found one
        return _pick(_REACTION_REPLIES[language][reaction], text)
    return _pick(_REPLIES[language][kind], text)


def talk_line(text: str) -> str:
    """What to say for a `talk` command: the quoted words if any, else a fitting default."""
    stripped = text.strip()
    quoted = _QUOTED.search(stripped) or _KO_QUOTE.search(stripped) or _SAY_AFTER.search(stripped)
    if quoted and quoted.group(1).strip(" '\""):
        return quoted.group(1).strip(" '\"")
    language = language_of(text)
    normal = normalize(text)
    if _INTRODUCE.search(normal):
        topic = "introduce"
    elif _GREET.search(normal):
        topic = "greet"
    else:
        topic = "any"
    return _pick(_TALK_LINES[language][topic], text)
