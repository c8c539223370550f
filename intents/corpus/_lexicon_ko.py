"""Korean phrase families for every intent: the motions here, the faces in `_lexicon_ko_faces`.

Each entry is a way a Korean speaker asks for the expression; the generator adds endings,
modifiers, spacing and typos. Families named in `HELD_OUT` are kept out of training: they
are paraphrases of trained families, so the held-out split measures generalisation.
"""

from __future__ import annotations

from contracts.plan import INTENTS
from intents.corpus._cores import HADA, KoCore, V, face, hold, noun, vp
from intents.corpus._lexicon_ko_faces import FACES

BWA = V("봐|보|보|본|볼|보는")
CHYEODABWA = V("쳐다봐|쳐다보|쳐다보|쳐다본|쳐다볼|쳐다보는")
BARABWA = V("바라봐|바라보|바라보|바라본|바라볼|바라보는")
DOLLYEO = V("돌려|돌리|돌리|돌린|돌릴|돌리는")
GAMA = V("감아|감으|감|감은|감을|감는")
NALLYEO = V("날려|날리|날리|날린|날릴|날리는")
DORAWA = V("돌아와|돌아오|돌아오|돌아온|돌아올|돌아오는")
GYEOTNUNJIL = V("곁눈질해|곁눈질하|곁눈질하|곁눈질한|곁눈질할|곁눈질하는")


def _look(direction: str, toward: str, place: str) -> list[KoCore]:
    """The ways of looking one way: "왼쪽 봐", "왼쪽을 쳐다봐", "왼쪽으로 고개 돌려"…

    Args:
        direction: the direction with its object particle in brackets, e.g. "왼쪽(을)".
        toward: the direction with its "toward" particle, e.g. "왼쪽으로".
        place: a second word for the same direction ("왼편").
    """
    name = direction.split("(")[0]
    cores: list[KoCore] = []
    cores += vp(direction, BWA, key=f"{name}봐")
    cores += vp(direction, CHYEODABWA, key=f"{name}쳐다")
    cores += vp(direction, BARABWA, key=f"{name}바라")
    cores += vp(f"{toward} 고개(를)", DOLLYEO, key=f"{name}고개")
    cores += vp(f"{toward} 눈(을)", DOLLYEO, key=f"{name}눈")
    cores += vp(f"{place}(을)", BWA, key=place)
    cores += vp(f"{toward} 시선(을)", DOLLYEO, key=f"{name}시선")
    cores += vp(f"{toward}", BWA, key=f"{name}으로봐")
    cores += vp(f"{name}에", BWA, key=f"{name}에봐")
    return cores


MOTIONS: dict[str, list[KoCore]] = {
    "blink": [
        *vp("", "깜박여|깜박이|깜박이|깜박인|깜박일|깜박이는", key="깜박이"),
        *vp("눈(을)", "꿈뻑여|꿈뻑이|꿈뻑이|꿈뻑인|꿈뻑일|꿈뻑이는"),
        *vp("눈(을)", "깜짝여|깜짝이|깜짝이|깜짝인|깜짝일|깜짝이는"),
        *vp("눈(을)", "감았다가 떠|감았다가 뜨|감았다가 뜨|감았다가 뜬|감았다가 뜰|감았다가 뜨는",
            key="눈감았다가떠"),
        *noun("블링크"),
        *noun("깜빡"),
        *vp("눈(을)", "깜빡여|깜빡이|깜빡이|깜빡인|깜빡일|깜빡이는"),
        *vp("", "깜빡여|깜빡이|깜빡이|깜빡인|깜빡일|깜빡이는", key="깜빡이"),
        *vp("눈(을)", "깜박여|깜박이|깜박이|깜박인|깜박일|깜박이는"),
        *vp("눈(을)", "깜빡거려|깜빡거리|깜빡거리|깜빡거린|깜빡거릴|깜빡거리는"),
        *vp("눈(을)", "깜빡해|깜빡하|깜빡하|깜빡한|깜빡할|깜빡하는"),
        *vp("", "깜빡해|깜빡하|깜빡하|깜빡한|깜빡할|깜빡하는", key="깜빡하"),
        *vp("눈(을)", "감았다 떠|감았다 뜨|감았다 뜨|감았다 뜬|감았다 뜰|감았다 뜨는"),
        *vp("눈(을)", "끔뻑여|끔뻑이|끔뻑이|끔뻑인|끔뻑일|끔뻑이는"),
        *noun("깜빡깜빡"),
        *noun("눈 깜빡"),
        *noun("blink"),
        *noun("눈 깜빡임", hada=False),
    ],
    "wink": [
        *vp("윙크(를)", "쏴|쏘|쏘|쏜|쏠|쏘는"),
        *vp("눈 한쪽(을)", GAMA),
        *noun("윙크 발사", hada=False),
        *vp("한쪽 눈(을)", "깜빡여|깜빡이|깜빡이|깜빡인|깜빡일|깜빡이는", key="한쪽눈깜빡"),
        *noun("윙크"),
        *vp("윙크(를)", NALLYEO),
        *vp("한쪽 눈(을)", GAMA),
        *vp("한쪽 눈(을)", "찡긋해|찡긋하|찡긋하|찡긋한|찡긋할|찡긋하는"),
        *vp("눈(을)", "찡긋해|찡긋하|찡긋하|찡긋한|찡긋할|찡긋하는"),
        *noun("찡긋"),
        *vp("한쪽 눈만", GAMA, key="한쪽눈만감"),
        *noun("wink"),
        *noun("윙크 한번", hada=False),
        *vp("윙크(를)", "보내|보내|보내|보낸|보낼|보내는"),
        *noun("윙쿠"),
    ],
    "talk": [
        *vp("수다(를)", "떨어|떠|떨|떤|떨|떠는"),
        *vp("", "말씀해|말씀하|말씀하|말씀한|말씀할|말씀하는"),
        *vp("한 말씀", HADA, key="한말씀해"),
        *vp("이야기(를)", "들려|들려주|들려주|들려준|들려줄|들려주는"),
        *vp("목소리(를)", "들려|들려주|들려주|들려준|들려줄|들려주는"),
        *vp("뭔가", "말해|말하|말하|말한|말할|말하는", key="뭔가말해"),
        *vp("인사(를)", HADA, key="인사를해"),
        *noun("스피치"),
        *vp("", "말해|말하|말하|말한|말할|말하는"),
        *vp("말(을)", HADA, key="말해"),
        *vp("", "얘기해|얘기하|얘기하|얘기한|얘기할|얘기하는"),
        *vp("이야기(를)", HADA, key="이야기해"),
        *vp("한마디", HADA, key="한마디해"),
        *vp("아무 말이나", HADA, key="아무말이나해"),
        *vp("무슨 말이든", HADA, key="무슨말이든해"),
        *vp("", "인사해|인사하|인사하|인사한|인사할|인사하는"),
        *vp("뭐라고", "말해|말하|말하|말한|말할|말하는", key="뭐라고말해"),
        *vp("", "떠들어|떠드|떠들|떠든|떠들|떠드는"),
        *vp("", "대답해|대답하|대답하|대답한|대답할|대답하는"),
        *vp("뭐라도", "말해|말하|말하|말한|말할|말하는", key="뭐라도말해"),
        *vp("입(을)", "열어|여|열|연|열|여는", key="입열어"),
        *noun("인사", hada=False),
        *noun("한마디", hada=False),
        *noun("talk"),
    ],
    "close_eyes": [
        *vp("", "잠든 척해|잠든 척하|잠든 척하|잠든 척한|잠든 척할|잠든 척하는", key="잠든척"),
        *vp("", "잠자|잠자|잠자|잠잔|잠잘|잠자는", key="잠자"),
        *vp("눈(을)", "쉬어|쉬|쉬|쉰|쉴|쉬는", key="눈쉬어"),
        *face("졸린 표정"),
        *face("자는 표정"),
        *vp("", "눈감아|눈감으|눈감|눈감은|눈감을|눈감는", key="눈감붙여"),
        *vp("눈(을)", GAMA),
        *vp("두 눈(을)", GAMA),
        *vp("눈(을) 꼭", GAMA, key="눈꼭감"),
        *vp("양쪽 눈(을)", GAMA),
        *vp("눈(을)", "붙여|붙이|붙이|붙인|붙일|붙이는"),
        *vp("", "자는 척해|자는 척하|자는 척하|자는 척한|자는 척할|자는 척하는"),
        *vp("", "잠들어|잠들|잠들|잠든|잠들|잠드는"),
        *vp("눈(을)", "감고 있어|감고 있으|감고 있|감고 있은|감고 있을|감고 있는"),
        *vp("", "눈 감은 채로 있어|눈 감은 채로 있으|눈 감은 채로 있|눈 감은 채로 있은|"
               "눈 감은 채로 있을|눈 감은 채로 있는", key="눈감은채로"),
        *vp("눈(을)", "닫아|닫으|닫|닫은|닫을|닫는"),
        *vp("", "명상해|명상하|명상하|명상한|명상할|명상하는"),
        *noun("눈 감기", hada=False),
        *noun("close eyes"),
        *vp("", "코 자|코 자|코 자|코 잔|코 잘|코 자는", key="코자"),
    ],
    "nod": [
        *vp("고개(를)", "까딱해|까딱하|까딱하|까딱한|까딱할|까딱하는"),
        *vp("고개(를)", "주억거려|주억거리|주억거리|주억거린|주억거릴|주억거리는"),
        *vp("고개(를) 위아래로", "끄덕여|끄덕이|끄덕이|끄덕인|끄덕일|끄덕이는", key="위아래로끄덕"),
        *vp("", "동의해|동의하|동의하|동의한|동의할|동의하는"),
        *vp("고개(를)", "끄덕여|끄덕이|끄덕이|끄덕인|끄덕일|끄덕이는"),
        *vp("", "끄덕여|끄덕이|끄덕이|끄덕인|끄덕일|끄덕이는", key="끄덕이"),
        *vp("고개(를)", "끄덕거려|끄덕거리|끄덕거리|끄덕거린|끄덕거릴|끄덕거리는"),
        *vp("고개(를) 위아래로", "흔들어|흔드|흔들|흔든|흔들|흔드는", key="고개위아래로흔들"),
        *vp("", "수긍해|수긍하|수긍하|수긍한|수긍할|수긍하는"),
        *vp("고개(를)", "끄덕해|끄덕하|끄덕하|끄덕한|끄덕할|끄덕하는"),
        *vp("동의한다고 고개(를)", "끄덕여|끄덕이|끄덕이|끄덕인|끄덕일|끄덕이는", key="동의끄덕"),
        *vp("맞다고", "끄덕여|끄덕이|끄덕이|끄덕인|끄덕일|끄덕이는", key="맞다고끄덕이"),
        *noun("끄덕끄덕"),
        *noun("끄덕"),
        *noun("고개 끄덕", hada=False),
        *noun("nod"),
        *noun("끄덕임", hada=False),
    ],
    "shake_head": [
        *vp("고개(를) 좌우로", "저어|저으|젓|저은|저을|젓는", key="고개좌우로저어"),
        *vp("", "도리질해|도리질하|도리질하|도리질한|도리질할|도리질하는"),
        *vp("아니라는 듯 고개(를)", "저어|저으|젓|저은|저을|젓는", key="아니라는듯"),
        *vp("고개(를) 양옆으로", "흔들어|흔드|흔들|흔든|흔들|흔드는", key="고개양옆으로"),
        *vp("고개(를)", "저어|저으|젓|저은|저을|젓는"),
        *vp("고개(를)", "가로저어|가로저으|가로젓|가로저은|가로저을|가로젓는"),
        *vp("고개(를)", "흔들어|흔드|흔들|흔든|흔들|흔드는"),
        *vp("고개(를) 좌우로", "흔들어|흔드|흔들|흔든|흔들|흔드는", key="고개좌우로흔들"),
        *vp("아니라고 고개(를)", "저어|저으|젓|저은|저을|젓는", key="아니라고고개저"),
        *vp("고개(를) 절레절레", "흔들어|흔드|흔들|흔든|흔들|흔드는", key="절레절레흔들"),
        *vp("머리(를)", "흔들어|흔드|흔들|흔든|흔들|흔드는"),
        *vp("도리도리", HADA, key="도리도리해"),
        *noun("도리도리", hada=False),
        *noun("절레절레"),
        *noun("고개 젓기", hada=False),
        *vp("싫다고 고개(를)", "저어|저으|젓|저은|저을|젓는", key="싫다고고개저"),
        *noun("shake head"),
        *noun("노노", hada=False),
    ],
    "look_left": [
        *vp("고개(를) 왼쪽으로", DOLLYEO, key="고개왼쪽으로돌려"),
        *vp("눈(을) 왼쪽으로", DOLLYEO, key="눈왼쪽으로돌려"),
        *vp("왼쪽(을)", GYEOTNUNJIL, key="왼쪽곁눈질"),
        *vp("왼쪽 방향(을)", BWA, key="왼쪽방향봐"),
        *vp("왼쪽으로 눈(을)", "굴려|굴리|굴리|굴린|굴릴|굴리는", key="왼쪽눈굴려"),
        *_look("왼쪽(을)", "왼쪽으로", "왼편"),
        *vp("좌측(을)", BWA),
        *noun("왼쪽", hada=False),
        *vp("", "look left 해|look left 하|look left 하|look left 한|look left 할|look left 하는"),
    ],
    "look_right": [
        *vp("고개(를) 오른쪽으로", DOLLYEO, key="고개오른쪽으로돌려"),
        *vp("눈(을) 오른쪽으로", DOLLYEO, key="눈오른쪽으로돌려"),
        *vp("오른쪽(을)", GYEOTNUNJIL, key="오른쪽곁눈질"),
        *vp("오른쪽 방향(을)", BWA, key="오른쪽방향봐"),
        *vp("오른쪽으로 눈(을)", "굴려|굴리|굴리|굴린|굴릴|굴리는", key="오른쪽눈굴려"),
        *_look("오른쪽(을)", "오른쪽으로", "오른편"),
        *vp("우측(을)", BWA),
        *noun("오른쪽", hada=False),
        *vp("", "look right 해|look right 하|look right 하|look right 한|look right 할|"
               "look right 하는"),
    ],
    "look_up": [
        *vp("고개(를) 위로", DOLLYEO, key="고개위로돌려"),
        *vp("고개(를)", "쳐들어|쳐드|쳐들|쳐든|쳐들|쳐드는"),
        *vp("위를", "올려다봐|올려다보|올려다보|올려다본|올려다볼|올려다보는", key="위를올려다봐"),
        *vp("시선(을) 위로", "올려|올리|올리|올린|올릴|올리는", key="시선위로올려"),
        *_look("위(를)", "위로", "위쪽"),
        *vp("하늘(을)", BWA),
        *vp("천장(을)", BWA),
        *vp("고개(를)", "들어|드|들|든|들|드는"),
        *vp("", "올려다봐|올려다보|올려다보|올려다본|올려다볼|올려다보는"),
        *vp("눈(을) 위로", "떠|뜨|뜨|뜬|뜰|뜨는", key="눈위로떠"),
        *noun("위로", hada=False),
        *vp("고개(를) 위로", "올려|올리|올리|올린|올릴|올리는", key="고개위로올려"),
    ],
    "look_down": [
        *vp("고개(를) 아래로", DOLLYEO, key="고개아래로돌려"),
        *vp("고개(를)", "떨궈|떨구|떨구|떨군|떨굴|떨구는"),
        *vp("발밑(을)", BWA),
        *vp("시선(을)", "내려|내리|내리|내린|내릴|내리는", key="시선내려"),
        *vp("고개(를) 아래로", "내려|내리|내리|내린|내릴|내리는", key="고개아래로내려"),
        *_look("아래(를)", "아래로", "아래쪽"),
        *vp("밑(을)", BWA),
        *vp("바닥(을)", BWA),
        *vp("땅(을)", BWA),
        *vp("고개(를)", "숙여|숙이|숙이|숙인|숙일|숙이는"),
        *vp("", "내려다봐|내려다보|내려다보|내려다본|내려다볼|내려다보는"),
        *vp("눈(을)", "내리깔아|내리까|내리깔|내리깐|내리깔|내리까는"),
        *noun("아래로", hada=False),
        *vp("시선(을) 아래로", "내려|내리|내리|내린|내릴|내리는", key="시선아래로내려"),
    ],
    "kiss": [
        *vp("입술(을)", "오므려|오므리|오므리|오므린|오므릴|오므리는"),
        *vp("뽀뽀하는", "척해|척하|척하|척한|척할|척하는",
            key="뽀뽀하는척"),
        *noun("뽀뽀 쪽", hada=False),
        *vp("키스(를)", "보내|보내|보내|보낸|보낼|보내는", key="키스보내"),
        *noun("뽀뽀"),
        *noun("키스"),
        *vp("뽀뽀(를)", NALLYEO),
        *vp("키스(를)", NALLYEO),
        *vp("입술(을)", "내밀어|내미|내밀|내민|내밀|내미는"),
        *vp("입(을)", "쭉 내밀어|쭉 내미|쭉 내밀|쭉 내민|쭉 내밀|쭉 내미는", key="입쭉내밀"),
        *noun("쪽"),
        *noun("츄"),
        *noun("입맞춤"),
        *noun("손키스"),
        *vp("손키스(를)", NALLYEO, key="손키스날려"),
        *noun("kiss"),
        *face("뽀뽀하는 표정"),
        *noun("쪽쪽", hada=False),
        *vp("", "입맞춰|입맞추|입맞추|입맞춘|입맞출|입맞추는"),
    ],
    "neutral": [
        *noun("평소처럼", hada=True),
        *noun("원상태로", hada=True),
        *vp("처음으로", "돌아가|돌아가|돌아가|돌아간|돌아갈|돌아가는", key="처음으로돌아가"),
        *noun("원위치"),
        *vp("제자리로", DORAWA, key="제자리로돌아와"),
        *noun("기본으로", hada=True),
        *face("포커페이스"),
        *vp("", "쉬어|쉬|쉬|쉰|쉴|쉬는", key="쉬어"),
        *vp("편하게", "있어|있으|있|있은|있을|있는", key="편하게있어"),
        *face("평범한 표정"),
        *vp("표정(을)", "없애|없애|없애|없앤|없앨|없애는"),
        *noun("그만하자", hada=False),
        *noun("원래대로", hada=True),
        *vp("원래대로", "돌아가|돌아가|돌아가|돌아간|돌아갈|돌아가는", key="원래대로돌아가"),
        *vp("원래 표정으로", DORAWA, key="원래표정으로돌아와"),
        *vp("", "멈춰|멈추|멈추|멈춘|멈출|멈추는"),
        *vp("", "진정해|진정하|진정하|진정한|진정할|진정하는"),
        *vp("", "정색해|정색하|정색하|정색한|정색할|정색하는"),
        *vp("정면으로", DORAWA, key="정면으로돌아와"),
        *noun("그만", hada=True),
        *noun("스톱", hada=True),
        *noun("정지"),
        *vp("가만히", "있어|있으|있|있은|있을|있는", key="가만히있어"),
        *face("무표정"),
        *noun("무표정", hada=False),
        *vp("표정(을)", "풀어|푸|풀|푼|풀|푸는"),
        *face("기본 표정"),
        *noun("리셋"),
        *noun("초기화"),
        *face("평소 표정"),
        *vp("정면(을)", BWA),
        *vp("앞(을)", BWA),
        *vp("나(를)", BWA, key="나봐"),
        *vp("눈(을)", "떠|뜨|뜨|뜬|뜰|뜨는", key="눈떠"),
        *noun("차렷", hada=False),
        *noun("됐어", hada=False),
        *vp("표정(을)", "지워|지우|지우|지운|지울|지우는"),
        *face("진지한 표정"),
        *noun("reset"),
    ],
}
# Generation order is part of the corpus: the contract's intent order.
_ALL = {**FACES, **MOTIONS}
KOREAN: dict[str, list[KoCore]] = {intent: _ALL[intent] for intent in INTENTS if intent in _ALL}

# Paraphrases of trained families, kept out of training to measure generalisation.
HELD_OUT = frozenset({
    "생긋웃", "한쪽눈찡긋하", "무슨말이든해", "오들오들떨어", "비위상한표정", "난감한표정",
    "눈쉬어", "고개까딱하", "도리질하", "제자리로돌아와", "왼쪽바라", "오른쪽눈", "위바라",
    "아래시선", "고개주억거리", "입쭉내밀", "윙크쏘",
})
KOREAN = hold(KOREAN, HELD_OUT)
