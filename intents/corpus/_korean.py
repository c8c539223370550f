"""Korean verb forms and sentence templates for the corpus generator.

Korean conjugation is irregular enough (짓다 → 지어, 울다 → 우세요, 하다 → 해) that each verb
spells out its six forms instead of deriving them; the templates then combine those forms with
request endings, connectives and negations the way people type them in chat.
"""

from __future__ import annotations

from dataclasses import dataclass

from intents._hangul import is_syllable, join_syllable, split_syllable


@dataclass(frozen=True, slots=True)
class Verb:
    """The forms of one verb that the templates need.

    Attributes:
        a: 아/어 form, the base of banmal requests (웃어, 지어, 해).
        eu: form before -세요/-면서 (웃으, 지으, 하).
        stem: before -고/-다가/-지 마 (웃, 짓, 하).
        adn: past adnominal, before 다음에/후에 (웃은, 지은, 한).
        fut: future adnominal, before 수 있어/래 (웃을, 지을, 할).
        neun: present adnominal, before 거 (웃는, 짓는, 하는).
    """

    a: str
    eu: str
    stem: str
    adn: str
    fut: str
    neun: str

    @classmethod
    def parse(cls, spec: str) -> Verb:
        """A verb from "a|eu|stem|adn|fut|neun", e.g. "웃어|웃으|웃|웃은|웃을|웃는"."""
        forms = spec.split("|")
        if len(forms) != 6:
            raise ValueError(f"verb spec {spec!r} needs 6 forms separated by '|'")
        return cls(*forms)

    @classmethod
    def hada(cls, noun: str) -> Verb:
        """The 하다 verb built on a noun ("윙크" → 윙크해, 윙크하, …)."""
        return cls(f"{noun}해", f"{noun}하", f"{noun}하", f"{noun}한", f"{noun}할", f"{noun}하는")

    @property
    def past(self) -> str:
        """The past stem, before -다가 (웃었, 했, 지었): the 아/어 form with a ㅆ tail."""
        lead, vowel, _ = split_syllable(self.a[-1])
        return self.a[:-1] + join_syllable(lead, vowel, "ㅆ")

    @property
    def myeonseo(self) -> str:
        """The -면서 form: ㄹ-final stems keep the ㄹ (울면서), others use the 으 form."""
        last = self.stem[-1]
        if is_syllable(last) and split_syllable(last)[2] == "ㄹ":
            return f"{self.stem}면서"
        return f"{self.eu}면서"


# Requests, each a template over the verb forms. Their index is the template id used to hold
# some of them out of training.
REQUESTS: tuple[str, ...] = (
    "{a}", "{a}줘", "{a} 줘", "{a}봐", "{a} 봐", "{a} 주세요", "{a}주세요", "{eu}세요",
    "{a}볼래?", "{a} 볼래?", "{a}라", "{a}요", "{a}줄래?", "{a} 줄래?", "{a} 봐봐", "{a}봐요",
    "{a} 보세요", "{a}줘요", "{a} 주실래요?", "{a} 줄 수 있어?", "{fut} 수 있어?", "{fut}래?",
    "{a} 주라", "{eu}십시오", "{stem}자", "{a} 봐 줘", "{a} 줄래요?", "{a} 줘 봐", "{a} 보실래요?",
    "{fut} 수 있어요?", "{a} 주면 안 돼?", "{a} 줄 수 있나요?", "{a} 봐 주세요", "{a}주세용",
    "{a}봐라", "{fut} 줄 알아?", "{a} 봐줄래?", "{a} 주겠니?", "{a}줘라", "{a}줄래",
    "{a} 보자", "{a} 주시겠어요?", "{a}봐줘", "{a} 봐 볼래?", "{eu}셔도 돼요", "{a}볼까?",
    "{neun} 거 보고 싶어", "{neun} 거 보고 싶다", "{neun} 모습 보여줘", "{neun} 거 보여줘",
    "{neun} 거 보여 주세요", "{neun} 거 한번 보자",
)

# Words people put in front of a request; they carry no meaning for the step.
PREFIXES: tuple[str, ...] = (
    "", "", "", "", "", "", "좀 ", "한번 ", "야 ", "자 ", "지금 ", "얼른 ", "빨리 ", "저기 ",
    "혹시 ", "나한테 ", "나 보고 ", "이번엔 ", "다시 ", "어서 ", "너 ", "음 ", "제발 ", "그럼 ",
    "오 ", "이제 ", "아 ", "헤이 ", "얘 ", "여기서 ", "우리 아바타 ", "잠깐 ",
)

# Noun or interjection used on its own ("윙크!", "스마일 부탁해").
NOUN_FORMS: tuple[str, ...] = (
    "{n}", "{n}!", "{n} 좀", "{n} 부탁해", "{n} 부탁해요", "{n} 한번", "{n} 가능?", "{n} 고고",
    "{n} please", "지금 {n}", "{n} 보여줘", "{n} 한 번만", "{n} 해볼까?", "{n}요", "{n} 부탁드려요",
    "{n} 해 주세요", "{n} 좀 해줘", "{n}~", "{n} 하자", "{n} 어때?",
)

# "first step" forms for sequences: (template, reverses order?)
SEQUENCE_FIRST: tuple[tuple[str, bool], ...] = (
    ("{stem}다가", False), ("{stem}고", False), ("{stem}고 나서", False), ("{adn} 다음에", False),
    ("{adn} 후에", False), ("{adn} 뒤에", False), ("{myeonseo}", False),
    ("{stem}고 난 다음에", False),
    ("{stem}고나서", False), ("{adn}다음에", False), ("{stem}기 전에", True),
    ("{past}다가", False),
)
# Clause-level joins between two full requests.
SEQUENCE_JOINS: tuple[str, ...] = (
    "{x}, 그리고 {y}", "{x}. 그 다음에 {y}", "{x} 그 다음에 {y}", "{x}, 그다음 {y}", "{x}! {y}",
    "{x} 그리고 {y}", "{x}, {y}", "{x} 그리고 나서 {y}", "{x}. 그런 다음 {y}", "{x} 이어서 {y}",
)

# A step named by its -기 noun, as in a list or a plan ("웃기 -> 윙크하기 -> 끄덕이기").
LISTED: tuple[str, ...] = ("{stem}기", "{stem}기!")
LIST_JOINS: tuple[str, ...] = (" -> ", " → ", ", ", " => ", " 그리고 ", "! ", " 다음 ", "->")

NEGATIONS: tuple[str, ...] = (
    "{stem}지 마", "{stem}지 마세요", "{stem}지 말아줘", "{stem}지마", "{stem}지 말아요",
    "{stem}지 마라", "그만 {a}", "{neun} 거 그만해", "{neun} 거 멈춰", "{stem}지 말아 줄래?",
    "이제 {stem}지 마", "{neun} 거 그만", "{stem}지 좀 마", "{neun} 거 그만해 줘",
    "{stem}지 말라고",
    "더 이상 {stem}지 마", "{stem}지 말아 주세요", "그만 좀 {a}",
)
NEGATED_THEN: tuple[str, ...] = ("{stem}지 말고", "{neun} 거 말고", "{stem}지말고")

LOW_WORDS: tuple[str, ...] = ("살짝", "조금", "약간", "가볍게", "살며시", "아주 살짝", "쪼금")
HIGH_WORDS: tuple[str, ...] = (
    "크게", "엄청", "많이", "아주", "완전", "정말", "진짜", "매우", "너무", "힘껏", "최대한",
    "엄청 크게", "아주 크게",
)
SMILE_HIGH_WORDS: tuple[str, ...] = ("활짝", "환하게", "활짝", "크게 활짝")
COUNT_WORDS: tuple[tuple[str, int], ...] = (
    ("두 번", 2), ("두번", 2), ("2번", 2), ("세 번", 3), ("3번", 3), ("네 번", 4), ("다섯 번", 5),
    ("두 번만", 2), ("2회", 2), ("세번", 3), ("한 번", 1), ("5번", 5), ("여러 번", 3),
)


def fill(template: str, verb: Verb) -> str:
    """A template with the verb's forms substituted."""
    return template.format(
        a=verb.a, eu=verb.eu, stem=verb.stem, adn=verb.adn, fut=verb.fut, neun=verb.neun,
        myeonseo=verb.myeonseo, past=verb.past,
    )
