"""Split a normalised utterance into clauses and steps, and find negations.

Two levels, because Korean and English put the mood of a sentence in different places:

- *Clauses* are independent sentences: split at punctuation and at free-standing connectors
  ("그리고", "그 다음에", "then", "after that"). Each clause stands on its own.
- *Segments* are the steps inside one clause, split at verb connectives ("-다가", "-고 (나서)",
  "-은 다음에", "-면서", "and", "after"). Inside a clause one segment *governs* the mood: the
  last one in Korean ("웃고 떠들고 놀았어" is a statement, not a command), the first one in
  English ("I like to smile and laugh"). If the governing segment is chat, the whole clause is.

A negated segment ("웃지 마", "stop smiling") carries the text *without* the negation, so the
classifier can say what is being negated; the interpreter turns it into `neutral`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from intents._hangul import has_hangul
from intents._modifiers import names_only_modifiers

_CLAUSE_BREAK = re.compile(
    r"(?<=\?)|(?:[,!;:]|(?<!\d)\.|\.(?!\d))+|"  # "2.5" is no break
    r"(?:^|\s)(?:그리고\s*나서|그러고\s*나서|그리고\s*난\s*(?:다음|후|뒤)에?|그리고|그\s*다음에?|"
    r"그\s*다음엔|그다음에?|그다음엔|그\s*후에?|그\s*뒤에?|그런\s*(?:다음|후|뒤)에?|그러고는|"
    r"이어서|and\s+then|and\s+after\s+that|after\s+that|afterwards|then)(?=\s|$|[,.!?;:])"
)
_KO_AFTER_WORDS = frozenset({
    "다음에", "다음엔", "다음", "후에", "후", "뒤에", "뒤", "나서", "나면",
})
_KO_AFTER_SUFFIX = re.compile(r"(?:다음에|다음엔|후에|뒤에|고나서)$")
_KO_GO_BLOCKERS = ("싶", "있", "계", "나니", "보니", "말았")
_KO_GO_NOT_CONNECTIVE = re.compile(
    r"(?:최고|광고|창고|냉장고|사고|(?<!놀)라고|다고|냐고|자고|려고|그리고|배꼽잡고)$"
)
# "먼저 웃고, 마지막으로 뽀뽀", "first smile, finally wink": order words, not part of a step.
_SEQUENCE_ADVERBS = re.compile(
    r"(?:^|\s)(?:먼저|우선|일단|처음엔|처음에는?|마지막으로|마지막엔|끝으로|다음으로|이번엔|"
    r"first|firstly|secondly|next|finally|lastly|to start|at first)(?=\s|$)"
)
# "웃다가윙크해" written without a space: "-다가" inside a word, not "다가와" (come closer).
# "배꼽 잡고 웃어" (laugh holding one's belly) is one step, not "잡다" then "웃다".
_BELLY = re.compile(r"배꼽\s+잡고")
_INNER_DAGA = re.compile(r"^([가-힣]+?다가)([가-힣]{2,})$")
_DAGA_VERBS = ("오", "와", "가", "갈", "올", "온", "간", "서")
# Verbs that need the body part named before them ("떠" alone is no command; "눈 떠" is).
_BODY_OBJECTS = frozenset({"눈", "눈을", "고개", "고개를", "입", "입을", "눈썹", "눈썹을"})
_OBJECT_VERBS = ("떠", "뜨", "들어", "들", "숙여", "숙이", "올려", "올리", "내려", "내리", "벌려",
                 "벌리", "다물어", "다물")
_AGAIN = frozenset({"다시", "또", "좀", "얼른", "바로"})
_DIRECTIONS = frozenset({"up", "down", "left", "right", "back", "forth"})
_EN_SPLIT = re.compile(r"^(?:and|while|before|followed\s+by|&)$")

# "나 보고 웃어", "look at me and smile": looking at the viewer frames the command, it is no step;
# nor are English lead-ins ("do me a favor and smile", "go ahead and wink").
_FRAMING = re.compile(
    r"^(?:\S+\s+)?(?:나|날|나를|저|절|저를|여기|이쪽|카메라|화면)\s*(?:를|을|좀)?\s*"
    r"(?:보|쳐다보|바라보)$|"
    r"^(?:look|looking)\s+(?:at\s+)?(?:me|here|the camera)$|"
    r"^(?:(?:please|hey|ok|okay|so|now|just|alright|oh|well)\s+)*(?:do me a favou?r|go ahead|"
    r"try|be a dear|come on|c'mon|cmon|hurry(?: up)?|quick|now|please|hey)$"
)
_KO_NEGATION = re.compile(r"([가-힣])지\s*(?:좀\s*)?(?:마|말|맙)\S*")
# "웃기지 마" is "don't be ridiculous" (웃기다), not "don't smile" (웃다).
_KO_NOT_NEGATION = re.compile(r"웃기지\s*(?:좀\s*)?(?:마|말|맙)")
# "웃음이 안 멈춰" (I can't stop laughing) says that something does not stop.
_KO_STOP_WORD = re.compile(
    r"(?:^|(?<!안)(?<!못)\s)(?:그만(?!큼)\S*|멈춰\S*|멈추\S*|스톱|중지\S*|중단\S*|금지\S*|"
    r"정지\S*)"
)
_EN_POSITIVE_FRAME = re.compile(r"\bwhy\s+(?:don't|dont|do\s+not|not)\s+(?:you|u)\b")
_EN_NEGATION = re.compile(
    r"\b(?:don't|dont|do\s+not|do\s+n't|never|quit|cease|stop|enough(?:\s+with)?|no\s+more|"
    r"instead\s+of|no(?=\s+\w+ing\b))\b"
    r"(?!\s+(?:you|u|i|we|they|worry|know|think|forget|get|understand|mind|care)\b)"
)
_EN_INSTEAD = re.compile(r"\binstead(?:\s+of)?\b")
_FILLERS = frozenset({
    "해", "해줘", "해요", "하세요", "해라", "해봐", "하자", "좀", "이제", "거", "것", "그거",
    "이거",
    "제발", "다", "그냥", "야", "자", "당장", "지금", "음", "아", "오", "오오", "그럼", "헤이",
    "저기",
    "빨리", "얼른", "어서", "it", "that", "this", "now", "please", "pls", "plz", "doing", "the",
    "thing", "all", "already", "that's", "thats", "can", "could", "would", "will", "you", "u",
    "just", "ok", "okay", "hey", "away", "everything", "quick", "alright", "c'mon", "cmon",
    "come", "on", "try", "go", "ahead", "so", "yo", "well", "oh", "haha", "hahaha", "lol", "lmao",
    "hmm", "um", "uh", "for", "me", "again",
    # "stop making that face", "그 표정 짓지 마": what is negated is the current face itself
    "making", "face", "faces", "expression", "expressions", "표정", "얼굴", "그런", "그", "짓",
    "짓는", "such", "a", "weird", "funny", "those", "돼", "됐어", "해도",
    # hesitation between a verb and its count ("blink, like, 3 times", "웃어, 음, 세 번")
    "like", "umm", "er", "erm", "i", "know", "mean", "어", "흠", "그러니까",
})


@dataclass(frozen=True, slots=True)
class Segment:
    """One candidate step.

    Attributes:
        text: what the classifier reads (connective and negation words removed).
        raw: the segment as written (normalised), where modifiers are read.
        clause: index of the clause it belongs to.
        governs: whether this segment sets the mood of its clause.
        negated: the segment asks to stop or not do something.
    """

    text: str
    raw: str
    clause: int
    governs: bool
    negated: bool = False

    @property
    def trivial(self) -> bool:
        """True when nothing but filler words is left ("그만해" → "해", "stop it" → "it")."""
        return _only_fillers(self.text)


def split_clauses(text: str) -> list[str]:
    """Independent sentences of a normalised utterance, in order; empty pieces dropped."""
    pieces = _CLAUSE_BREAK.split(text)
    return [piece.strip() for piece in pieces if piece and piece.strip()]


def segment(text: str) -> list[Segment]:
    """All candidate steps of a normalised utterance, in play order.

    Framing parts ("나 보고", "do me a favor") and filler-only parts ("please", "ㅎㅎ") are no
    steps.
    """
    segments: list[Segment] = []
    for index, (parts, governor) in enumerate(_ordered_clauses(split_clauses(text))):
        framing = [position for position, part in enumerate(parts) if _FRAMING.match(part)]
        if len(parts) > 1 and len(framing) < len(parts):
            governor = _reindex(governor, framing, len(parts))
            parts = [part for position, part in enumerate(parts) if position not in framing]
        for position, part in enumerate(parts):
            piece = _make_segment(part, index, position == governor)
            if piece.negated or not piece.trivial:
                segments.append(piece)
    return _attach_modifiers(segments)


def _attach_modifiers(segments: list[Segment]) -> list[Segment]:
    """A piece that is only a count or a strength ("blink, like, 3 times", "웃어줘. 크게!")
    belongs to the step before it (or, first in the utterance, to the one after it)."""
    kept: list[Segment] = []
    pending = ""
    for piece in segments:
        if not piece.negated and names_only_modifiers(piece.text, _FILLERS):
            if kept:
                last = kept[-1]
                kept[-1] = Segment(last.text, f"{last.raw} {piece.raw}", last.clause,
                                   last.governs, last.negated)
            else:
                pending = f"{pending} {piece.raw}".strip()
            continue
        if pending:
            piece = Segment(piece.text, f"{pending} {piece.raw}", piece.clause, piece.governs,
                            piece.negated)
            pending = ""
        kept.append(piece)
    return kept


def _only_fillers(text: str) -> bool:
    """True when every word is a filler (punctuation around words ignored)."""
    return all(word.strip(",.!?;:'\"") in _FILLERS for word in text.split())


def _ordered_clauses(clauses: list[str]) -> list[tuple[list[str], int]]:
    """Each clause split into parts, in play order.

    A clause that is only "before X" ("before you smile, blink", "웃기 전에, 윙크해") plays after
    the clause that follows it; a Korean clause ending in "-고" that another clause follows
    ("먼저 웃고, 그다음 윙크") loses the connective.
    """
    split = [_split_clause(clause, last=position == len(clauses) - 1)
             for position, clause in enumerate(clauses)]
    ordered: list[tuple[list[str], int]] = []
    position = 0
    while position < len(split):
        parts, governor, plays_after_next = split[position]
        if plays_after_next and position + 1 < len(split):
            following = split[position + 1]
            ordered.extend([(following[0], following[1]), (parts, governor)])
            position += 2
            continue
        ordered.append((parts, governor))
        position += 1
    return ordered


def _reindex(governor: int, removed: list[int], count: int) -> int:
    """The governor's index once `removed` parts are gone (the nearest survivor if it was one)."""
    survivors = [position for position in range(count) if position not in removed]
    nearest = min(survivors, key=lambda position: (abs(position - governor), -position))
    return survivors.index(nearest)


def _split_clause(clause: str, last: bool = True) -> tuple[list[str], int, bool]:
    """Split one clause at verb connectives; "before/-기 전에" swaps the order of its halves.

    Args:
        clause: one clause.
        last: no clause follows it (a final "-고" is then kept: there is nothing it joins).

    Returns:
        The parts in play order, the index of the governing part, and whether the clause is a
        dangling "before X" that plays after the next clause.
    """
    clause = _BELLY.sub("배꼽잡고", _SEQUENCE_ADVERBS.sub(" ", clause))
    words = _split_inner_daga(clause.split())
    if not last and words and _is_go_connective(words[-1], "하"):
        words[-1] = words[-1][:-1]
    parts: list[list[str]] = [[]]
    reverse_at: list[int] = []
    dangling = bool(words) and words[0] == "before"
    index = 0
    while index < len(words):
        if _is_direction_pair(words, index):
            parts[-1].append(words[index])
            index += 1
            continue
        kept, skip, split, reverse = _connective(words[index], words[index + 1 : index + 3])
        if kept:
            parts[-1].append(kept)
        if split and parts[-1]:
            if reverse:
                reverse_at.append(len(parts) - 1)
                dangling = dangling or index + 1 + skip >= len(words)
            parts.append([])
        index += 1 + skip
    texts = _share_objects([" ".join(part) for part in parts if part])
    governor = len(texts) - 1 if texts and has_hangul(texts[-1]) else 0
    for position in reversed(reverse_at):
        if position + 1 < len(texts):
            texts[position], texts[position + 1] = texts[position + 1], texts[position]
            if governor in (position, position + 1):
                governor = 2 * position + 1 - governor
    return texts, governor, dangling


def _share_objects(texts: list[str]) -> list[str]:
    """"눈 감았다가 떠" → "눈 감았", "눈 떠": a bare second verb acts on the first one's object."""
    shared = list(texts)
    for index in range(1, len(shared)):
        first, second = shared[index - 1].split(), shared[index].split()
        if (len(first) > 1 and first[0] in _BODY_OBJECTS and second[-1].startswith(_OBJECT_VERBS)
                and all(word in _AGAIN for word in second[:-1])):
            shared[index] = " ".join([*second[:-1], first[0], second[-1]])
    return shared


def _split_inner_daga(words: list[str]) -> list[str]:
    """"웃다가윙크해" → "웃다가", "윙크해"; "다가와" and "바다가" stay whole."""
    result: list[str] = []
    for word in words:
        inner = _INNER_DAGA.match(word)
        if inner and not inner.group(2).startswith(_DAGA_VERBS):
            result.extend(inner.groups())
        else:
            result.append(word)
    return result


def _connective(word: str, following: list[str]) -> tuple[str, int, bool, bool]:
    """How one word ends a step: (text kept, words to skip, split after?, reverse order?)."""
    first = following[0] if following else ""
    if _EN_SPLIT.match(word):
        return "", 0, True, False
    if word == "after":
        return "", 0, True, True
    if first == "전에" and word.endswith("기") and len(word) > 1:
        return word[:-1], 1, True, True
    if word.endswith("기전에") and len(word) > 3:
        return word[:-3], 0, True, True
    if has_hangul(word) and first == "난" and following[1:2] and following[1] in _KO_AFTER_WORDS:
        return _strip_go(word), 2, True, False
    if has_hangul(word) and first in _KO_AFTER_WORDS:
        return _strip_go(word), 1, True, False
    if _KO_AFTER_SUFFIX.search(word) and len(word) > 3:
        return _strip_go(_KO_AFTER_SUFFIX.sub("", word)), 0, True, False
    if word.endswith("다가") and len(word) > 2:
        return word[:-2], 0, True, False
    if word == "다가":
        return "", 0, True, False
    if word.endswith("면서") and len(word) > 2:
        return word[:-2].removesuffix("으"), 0, True, False
    if _is_go_connective(word, first):
        return word[:-1], 0, True, False
    return word, 0, False, False


def _is_direction_pair(words: list[str], index: int) -> bool:
    """"up and down", "left and right", "side to side": one motion, not two steps."""
    if words[index] != "and" or index == 0 or index + 1 >= len(words):
        return False
    after = words[index + 1].strip(",.!?;:")
    return words[index - 1] in _DIRECTIONS and after in _DIRECTIONS


def _strip_go(word: str) -> str:
    return word[:-1] if word.endswith("고") and len(word) > 1 else word


def _is_go_connective(word: str, following: str) -> bool:
    """"웃고 윙크해" splits at "-고"; "웃고 싶어", "최고", "좋다고" do not."""
    if not word.endswith("고") or len(word) < 2 or not following:
        return False
    if _KO_GO_NOT_CONNECTIVE.search(word):
        return False
    return not following.startswith(_KO_GO_BLOCKERS)


def _make_segment(part: str, clause: int, governs: bool) -> Segment:
    """Read negation off one segment and keep the rest for the classifier."""
    text = _EN_POSITIVE_FRAME.sub(" ", part)
    negated = False
    for pattern, replacement in ((_KO_NEGATION, r"\1"), (_KO_STOP_WORD, " "), (_EN_NEGATION, " ")):
        if pattern is _KO_NEGATION and _KO_NOT_NEGATION.search(text):
            continue
        stripped = pattern.sub(replacement, text)
        if stripped != text:
            negated, text = True, stripped
    text = _EN_INSTEAD.sub(" ", text).replace("대신", " ")
    words = part.split()
    if words[-1] == "말" or words[-1].endswith("지말"):
        negated = True
        text = text.removesuffix("말").removesuffix(" ")
    text = " ".join(text.split())
    return Segment(text, part, clause, governs, negated)
