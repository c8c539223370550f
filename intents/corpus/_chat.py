"""Conversation that is not a command (`chat`), Korean and English, written for this project.

Greetings, questions, thanks and small talk, and — most important for precision — sentences that
*contain* expression words without asking for the expression ("웃는 거 좋아해?", "I'm sad today",
"you look happy"). Templates over the lexicon's verbs add more of the latter.
"""

from __future__ import annotations

KOREAN_CHAT: tuple[str, ...] = (
    # greetings
    "안녕", "안녕?", "안녕하세요", "하이", "반가워", "반갑습니다", "좋은 아침", "좋은 아침이야",
    "안녕 친구야", "오랜만이야", "방가방가", "헬로", "여보세요", "있어?", "나 왔어", "야 안녕",
    "안녕하십니까", "점심 맛있게 먹었어?", "굿모닝", "하이루",
    # name / identity
    "이름이 뭐야?", "너 누구야?", "너 이름 뭐야", "넌 누구니?", "정체가 뭐야?", "몇 살이야?",
    "어디서 왔어?", "너는 사람이야?", "로봇이야?", "누가 만들었어?", "이름 알려줘", "너 AI야?",
    # how are you
    "잘 지냈어?", "기분 어때?", "오늘 어때?", "요즘 어때?", "괜찮아?", "컨디션 어때?", "잘 있었어?",
    "별일 없지?", "오늘 하루 어땠어?", "피곤해?", "행복해?", "기분 좋아?", "심심하지 않아?",
    # thanks
    "고마워", "감사합니다", "고마워요", "땡큐", "정말 고마워", "감사해요", "고맙습니다", "수고했어",
    # goodbye
    "잘 가", "안녕히 계세요", "바이바이", "또 봐", "다음에 또 보자", "잘 자", "내일 봐", "나 갈게",
    "이제 가볼게", "빠이", "좋은 밤 보내", "굿나잇", "잘 있어",
    # compliments
    "예쁘다", "귀여워", "멋있어", "잘했어", "최고야", "너 진짜 예쁘다", "대박", "짱이야", "훌륭해",
    "너 웃는 거 예쁘다", "미소가 예뻐", "윙크 잘하네", "표정 연기 잘한다", "잘 웃네", "눈이 예쁘네",
    "목소리 좋다", "똑똑하네", "천재다", "멋지다",
    # questions and small talk
    "뭐 해?", "밥 먹었어?", "오늘 날씨 어때?", "지금 몇 시야?", "어디 살아?", "취미가 뭐야?",
    "좋아하는 음식 뭐야?", "주말에 뭐 해?", "심심해", "배고파", "졸려", "날씨 좋다", "비 온다",
    "오늘 뭐 했어?", "영화 좋아해?", "음악 추천해줘", "노래 좋아해?", "게임 할래?", "뭐 하고 놀까?",
    "나 오늘 시험 봤어", "회사 가기 싫다", "월요일 싫어", "커피 마실래?", "주말 잘 보냈어?",
    "어떤 색 좋아해?", "꿈이 뭐야?", "친구 있어?", "너 강아지 좋아해?", "고양이 키워?",
    "한국어 할 줄 알아?", "영어 할 수 있어?", "무슨 생각 해?", "나 기억해?", "비밀 하나 알려줄까?",
    "재밌는 얘기 없어?", "오늘 너무 힘들었어", "나 배불러", "퇴근하고 싶다", "집에 가고 싶어",
    "응", "아니", "ㅇㅇ", "ㄴㄴ", "그래", "맞아", "음", "글쎄", "진짜?", "헐", "와", "오", "뭐?",
    "알겠어", "좋아", "싫어", "몰라", "그렇구나", "그치", "아 그래?", "ㅇㅋ", "오케이", "네",
    "아니요",
    # expression words, but not commands
    "웃는 거 좋아해?", "슬픈 영화 봤어", "오늘 많이 웃었어", "나 오늘 울었어", "왜 웃어?",
    "뭐가 그렇게 웃겨?", "화났어?", "나 화났어", "무서운 영화 좋아해?", "나 무서워", "무섭다",
    "역겨워", "헷갈려", "나 슬퍼", "슬프다", "기분이 우울해", "웃기다", "완전 웃겨", "너 웃겨",
    "눈이 아파", "고개가 아파", "목이 아파", "왼쪽에 뭐가 있어?", "위에 뭐 있어?", "아래층에 있어",
    "키스 해본 적 있어?", "뽀뽀는 부끄러워", "깜짝 놀랐잖아", "놀랐지?", "나 놀랐어",
    "어제 친구가 나한테 윙크했어", "우리 엄마는 잘 웃어", "넌 왜 안 웃어?", "웃음이 많네",
    "그 영화 너무 슬펐어", "동생이 화냈어", "고양이가 눈을 깜빡였어", "강아지가 고개를 갸웃했어",
    "나 요즘 잘 못 자", "잠이 안 와", "너도 슬플 때 있어?", "무서운 얘기 해줄까?",
    "오른쪽 길로 가면 돼?", "왼손잡이야?", "위층 시끄러워", "아래로 내려갈게",
    "고개 숙여 인사하는 거 알아?",
    "웃는 얼굴이 좋아", "표정이 왜 그래?", "표정 진짜 다양하다", "그 표정 뭐야 ㅋㅋ",
    "너 감정 있어?", "기쁘다", "오늘 행복해", "행복하다", "슬픈 일 있었어", "짜증나", "열받아",
    "질투나", "부끄러워", "외로워", "긴장돼", "설렌다", "속상해",
    # requests the portrait cannot do: answered, never mapped to a random expression
    "노래 불러줘", "춤춰봐", "손 흔들어줘", "점프해봐", "박수 쳐줘", "일어나", "앉아", "뛰어",
    "밥 먹어", "물 마셔", "머리 빗어", "손 들어", "사진 찍어줘", "그림 그려줘", "계산해줘",
    "날씨 알려줘", "음악 틀어줘", "불 꺼줘", "문 열어", "전화해줘", "코 파봐", "하품해봐",
    # more small talk
    "오늘 점심 뭐 먹지?", "나 오늘 생일이야", "내일 비 온대", "요즘 뭐 봐?", "추천할 만한 책 있어?",
    "나 너무 피곤해", "오늘 진짜 덥다", "추워", "너 몇 시에 자?", "주말에 여행 가", "배 아파",
    "우리 친구 할래?", "나랑 놀자", "심심한데 뭐 하지", "너 진짜 신기하다",
    "이거 어떻게 하는 거야?",
    "넌 뭘 할 수 있어?", "무슨 표정 지을 수 있어?", "어떤 표정 할 줄 알아?", "표정 몇 개나 돼?",
    "명령어 알려줘", "도움말", "사용법 알려줘", "뭐라고 하면 돼?", "너 말 알아들어?", "테스트",
    "잘 들려?", "소리 켜져 있어?", "아 진짜?", "말도 안 돼", "어이없다", "그게 뭐야",
    "아무것도 아니야",
    "우리 엄마가 웃으면서 들어왔어", "친구랑 싸워서 화났어", "시험 망쳐서 울었어", "깜짝 파티 했어",
    "무서운 꿈 꿨어", "벌레 봐서 소름 돋았어", "그 사람이 나한테 윙크했어", "고개가 뻐근해",
    "눈이 피곤해", "눈 감으면 잠이 와", "왼쪽 다리가 아파", "오른손으로 써", "위층에 누가 살아?",
    "밑에 있는 거 뭐야?", "하늘이 맑다", "바닥이 미끄러워", "키스신 나오는 드라마 봤어",
    # questions about asking, idioms with expression words, the user's own reactions
    "잠깐 하나만 물어봐도 될까?", "하나 물어봐도 돼?", "물어볼 게 있어", "질문 있어요",
    "궁금한 게 있어",
    "그만 좀 물어보라니까", "그만 물어봐요", "웃기지 마", "웃기지 마 진짜", "웃기지 말라고",
    "웃기고 있네",
    "웃음이 안 멈춰", "웃음이 멈추질 않아", "눈물이 안 멈춰", "너 좀 슬퍼 보인다", "너 화나 보인다",
    "너 피곤해 보여", "오늘 기분 좋아 보이네", "나 방금 엄청 놀라서 심장 떨어질 뻔",
    "아까 너무 놀라서 소리 질렀어", "무서워서 잠을 못 잤어", "웃겨서 배 아파", "슬퍼서 울었어",
    "놀라지 마, 나 이사 가", "놀라지 마 나 결혼해", "웃지 마 진지한 얘기야", "자기소개 부탁해",
    "자기소개 좀 해봐", "너 소개 좀 해줘", "너에 대해 알려줘", "웃긴 얘기 하나 해줘",
    "재밌는 얘기 해줘",
    "농담 하나 해줘", "옛날 얘기 해줘", "혀 좀 내밀어 봐", "메롱 해줘", "메롱", "하품 좀 해봐",
    "윙크하는 법 좀 알려줘", "표정 바꿀 수 있니?", "고개 끄덕이는 건 어떻게 해?",
    # apologies, affection, feelings: chat with a reply of their own (not a sad face)
    "미안", "미안해요", "정말 미안해", "죄송해요", "늦어서 미안", "내가 잘못했어", "쏘리",
    "미안 미안", "사랑해", "사랑해요", "너무 사랑해", "너 좋아해", "보고 싶었어", "좋아한다고",
    "나 너무 피곤해", "오늘 힘들어", "나 우울해", "너무 심심하다", "바보", "멍청이", "못생겼어",
)

ENGLISH_CHAT: tuple[str, ...] = (
    # greetings
    "hi", "hello", "hey", "hey there", "good morning", "good evening", "yo", "hiya", "howdy",
    "hello there", "hi friend", "sup", "what's up", "long time no see", "greetings", "morning",
    "hi!", "hello?", "anyone there?", "nice to meet you",
    # name / identity
    "what's your name?", "who are you?", "what is your name", "how old are you?",
    "where are you from?", "are you a robot?", "are you human?", "who made you?",
    "are you an ai?", "tell me your name", "what are you?",
    # how are you
    "how are you?", "how's it going?", "how are you doing?", "are you ok?", "how do you feel?",
    "how was your day?", "are you happy?", "are you tired?", "how have you been?", "you good?",
    "what's new?", "how's life?",
    # thanks
    "thanks", "thank you", "thank you so much", "thx", "ty", "thanks a lot", "much appreciated",
    "cheers", "thank u",
    # goodbye
    "bye", "goodbye", "see you", "see you later", "good night", "night night", "later",
    "catch you later", "i have to go", "take care", "bye bye", "see ya", "gotta go",
    # compliments
    "you're cute", "you look great", "nice", "good job", "well done", "you're awesome",
    "you're so pretty", "i like you", "you're amazing", "cool", "great", "awesome",
    "nice smile", "i love your smile", "you have a nice smile", "your eyes are pretty",
    "that was a cute wink", "you're funny", "you are smart", "love it",
    # questions and small talk
    "what are you doing?", "did you eat?", "what's the weather like?", "what time is it?",
    "where do you live?", "what's your hobby?", "what do you like to eat?", "i'm bored",
    "i'm hungry", "i'm tired", "nice weather today", "it's raining", "what did you do today?",
    "do you like movies?", "recommend me some music", "do you like music?", "let's play a game",
    "i had an exam today", "i don't want to go to work", "i hate mondays", "want some coffee?",
    "what's your favorite color?", "what's your dream?", "do you have friends?",
    "do you like dogs?", "do you speak korean?", "can you speak english?", "what are you thinking?",
    "do you remember me?", "tell me a joke", "tell me a story", "i'm full", "i want to go home",
    "yes", "no", "yeah", "nope", "ok", "okay", "sure", "maybe", "really?", "wow", "oh", "what?",
    "i see", "got it", "right", "lol", "haha", "lmao", "hmm", "omg", "no way", "cool cool",
    # expression words, but not commands
    "do you like smiling?", "what makes you smile?", "why are you smiling?", "i'm sad",
    "i'm so angry today", "that movie was scary", "i saw a sad movie", "do you ever cry?",
    "have you ever kissed someone?", "my dog makes me laugh", "i laughed so hard yesterday",
    "can robots feel fear?", "i'm confused", "which way is left?", "look at this weather",
    "look who's here", "i'm looking up recipes", "the sky looks nice", "you look happy today",
    "you look sad", "are you sad?", "are you angry at me?", "i'm scared of spiders",
    "that's disgusting", "i'm so surprised", "what a surprise", "my friend winked at me",
    "my grandma nods a lot", "he shook his head at me", "i can't stop laughing", "funny",
    "that's hilarious", "i feel blue", "i'm happy", "i'm in a good mood", "i'm nervous",
    "my eyes hurt", "my neck hurts", "i closed my eyes and slept", "i need to sleep",
    "left or right?", "what's up there?", "the answer is down below", "i'm feeling down",
    "do you get angry?", "do robots laugh?", "can you feel sad?", "kisses are gross",
    "what do you see?", "look, a bird", "i love scary movies", "a smile costs nothing",
    "why do you look so serious?", "you seem confused", "are you blinking?", "nice wink",
    # requests the portrait cannot do: answered, never mapped to a random expression
    "sing a song", "dance for me", "wave at me", "jump", "clap your hands", "stand up",
    "sit down", "run", "eat something", "drink water", "raise your hand", "take a picture",
    "draw me a picture", "do some math", "tell me the weather", "play some music",
    "turn off the lights", "open the door", "call my mom", "pick your nose", "yawn",
    # more small talk
    "what should i eat for lunch?", "it's my birthday today", "it will rain tomorrow",
    "what are you watching these days?", "any good books?", "i'm so tired", "it's hot today",
    "it's cold", "when do you sleep?", "i'm going on a trip", "my stomach hurts",
    "wanna be friends?", "play with me", "i'm bored, what should we do", "you're so cool",
    "how does this work?", "what can you do?", "what faces can you make?",
    "what expressions do you know?", "how many expressions do you have?", "help",
    "show me the commands", "what should i say?", "do you understand me?", "test", "testing",
    "can you hear me?", "is the sound on?", "no way!", "that's crazy", "whatever",
    "nothing", "my mom came in smiling", "i fought with my friend and got angry",
    "i failed my exam and cried", "we had a surprise party", "i had a scary dream",
    "i saw a bug and got the creeps", "that guy winked at me", "my neck is stiff",
    "my eyes are tired", "i get sleepy when i close my eyes", "my left leg hurts",
    "i write with my right hand", "who lives upstairs?", "what's that down there?",
    "the sky is clear", "the floor is slippery", "i watched a drama with a kiss scene",
    # idioms with expression words, observations, content requests
    "can you look up tomorrow's weather?", "look it up online", "look up the word for me",
    "don't look down on people", "people look down on me", "i look up to you", "look who's talking",
    "you look so confused haha", "you look kinda surprised lol", "you look sleepy",
    "you seem sad today", "ew that's so gross", "that was scary",
    "i was really surprised this morning", "please introduce yourself",
    "tell me about yourself", "introduce yourself to everyone", "tell us about yourself",
    "tell me a funny story", "what's your laugh like?", "can i ask you something?",
    "stop asking me questions", "i can't stop smiling today", "wave hello", "wave goodbye",
    "stick out your tongue", "make a funny face", "do something cool",
    # apologies, affection, feelings: chat with a reply of their own ("sorry" is no sad face)
    "sorry", "i'm sorry", "so sorry", "sorry about that", "sorry i'm late", "my bad",
    "oops, sorry", "apologies", "i apologize", "sorry for yelling", "love you", "i love you",
    "love ya", "i like you", "i missed you", "i'm so tired", "i'm bored", "bad day today",
    "you're stupid", "you're ugly", "shut up",
)

# Templates over a Korean verb core's forms; every rendering is chat.
KOREAN_CHAT_TEMPLATES: tuple[str, ...] = (
    "{neun} 거 좋아해?", "{neun} 거 싫어해?", "나 오늘 {past}어", "어제 {past}어", "{adn} 적 있어?",
    "너 {past}어?", "{neun} 사람 좋아", "내 친구가 {past}어", "{fut} 때 예뻐", "{neun} 게 어려워?",
    "왜 자꾸 {neun} 거야?", "{neun} 거 봤어", "아까 {past}잖아", "{neun} 법 알아?",
    "{neun} 게 좋아",
    "{neun} 모습 귀엽다", "{past}던 거 기억나", "{fut} 것 같아", "동생이 {past}어",
    "{neun} 중이야?",
    "엄마가 {past}어요", "{past}지?", "{neun} 이유가 뭐야?", "언제 {past}어?", "{neun} 영상 봤어",
    "{past}더라", "{neun} 친구가 있어", "{past}을 때 귀여웠어", "아빠는 자주 {a}", "{neun} 게 싫어",
    "너는 왜 {neun} 거야?", "{neun} 거 처음 봐", "그때 {past}던 게 생각나", "{past}어서 웃겼어",
)
ENGLISH_VP_CHAT_TEMPLATES: tuple[str, ...] = (
    "do you like {ing}?", "why are you {ing}?", "i love {ing}", "{ing} is fun", "are you {ing}?",
    "have you ever tried {ing}?", "what makes you {x}?", "is it hard to {x}?", "i like {ing}",
    "my friend keeps {ing}", "{ing} is good for you", "do you enjoy {ing}?", "i saw a kid {x}",
    "when do you {x}?", "do people {x} a lot?", "i was {ing} all day",
    "my sister loves to {x}", "babies {x} a lot", "{ing} makes me happy", "i can't {x}",
    "i don't like {ing}", "is {ing} healthy?", "how do people {x}?", "my cat likes to {x}",
    "i used to {x} a lot", "we were {ing} together", "i hate {ing}", "why do people {x}?",
)
ENGLISH_ADJ_CHAT_TEMPLATES: tuple[str, ...] = (
    "are you {adj}?", "i'm {adj}", "i feel {adj} today", "you look {adj}", "why do you look {adj}?",
    "my mom is {adj}", "he was so {adj}", "i was {adj} yesterday", "you seem {adj}",
    "don't you feel {adj}?", "everyone is {adj}", "you look {adj} today",
    "i'm not {adj}", "are you feeling {adj}?", "why are you {adj}?", "i get {adj} easily",
    "what makes you {adj}?", "you must be {adj}", "i was so {adj}", "she looked {adj}",
    "my dog seems {adj}", "being {adj} is normal",
)
ENGLISH_NP_CHAT_TEMPLATES: tuple[str, ...] = (
    "i like your {n}", "nice {n}", "what a {n}", "that was a good {n}", "your {n} is cute",
    "i saw a {n} on tv", "that {n} was funny", "what does a {n} mean?", "love that {n}",
)

# How the user feels (or asks how the portrait feels): chat, not a request to show it.
KOREAN_STATES: tuple[str, ...] = (
    "행복해", "기뻐", "즐거워", "신나", "슬퍼", "우울해", "속상해", "서운해", "화나", "짜증나",
    "열받아", "무서워", "겁나", "두려워", "소름 돋아", "역겨워", "징그러워", "더러워", "헷갈려",
    "어리둥절해", "모르겠어", "혼란스러워", "놀랐어", "깜짝 놀랐어", "충격이야", "졸려", "피곤해",
    "웃겨", "웃기다", "재밌어", "심심해", "설레", "부끄러워",
)
KOREAN_STATE_FRAMES: tuple[str, ...] = (
    "{s}", "{s}?", "나 {s}", "너 {s}?", "나 너무 {s}", "오늘 {s}", "요즘 {s}", "진짜 {s}",
    "{s} ㅠㅠ", "좀 {s}", "너도 {s}?", "왜 {s}?", "나 지금 {s}", "넌 안 {s}?", "엄청 {s}",
    "너 {s} 보여", "오늘 {s} 보이네",
)
# Things the portrait cannot do, asked for politely: answered as chat, never a random face.
KOREAN_UNSUPPORTED: tuple[str, ...] = (
    "노래해|노래하|노래하|노래한|노래할|노래하는", "춤춰|춤추|춤추|춤춘|춤출|춤추는",
    "뛰어|뛰|뛰|뛴|뛸|뛰는", "앉아|앉으|앉|앉은|앉을|앉는",
    "일어나|일어나|일어나|일어난|일어날|일어나는",
    "박수 쳐|박수 치|박수 치|박수 친|박수 칠|박수 치는",
    "손 흔들어|손 흔드|손 흔들|손 흔든|손 흔들|손 흔드는",
    "밥 먹어|밥 먹으|밥 먹|밥 먹은|밥 먹을|밥 먹는",
    "물 마셔|물 마시|물 마시|물 마신|물 마실|물 마시는",
    "달려|달리|달리|달린|달릴|달리는",
    "그림 그려|그림 그리|그림 그리|그림 그린|그림 그릴|그림 그리는",
    "사진 찍어|사진 찍으|사진 찍|사진 찍은|사진 찍을|사진 찍는",
    "노래 불러|노래 부르|노래 부르|노래 부른|노래 부를|노래 부르는",
    "책 읽어|책 읽으|책 읽|책 읽은|책 읽을|책 읽는",
    "계산해|계산하|계산하|계산한|계산할|계산하는", "검색해|검색하|검색하|검색한|검색할|검색하는",
    "전화해|전화하|전화하|전화한|전화할|전화하는", "점프해|점프하|점프하|점프한|점프할|점프하는",
    "하품해|하품하|하품하|하품한|하품할|하품하는", "손 들어|손 드|손 들|손 든|손 들|손 드는",
    "빙글 돌아|빙글 돌|빙글 돌|빙글 돈|빙글 돌|빙글 도는", "누워|누우|눕|누운|누울|눕는",
    "걸어|걸으|걷|걸은|걸을|걷는", "청소해|청소하|청소하|청소한|청소할|청소하는",
    "요리해|요리하|요리하|요리한|요리할|요리하는", "공부해|공부하|공부하|공부한|공부할|공부하는",
)
ENGLISH_UNSUPPORTED: tuple[str, ...] = (
    "sing", "sing a song", "dance", "jump", "run", "sit down", "stand up", "clap your hands",
    "wave your hand", "eat something", "drink some water", "draw a picture", "read a book",
    "spin around", "lie down", "walk", "call someone", "search the web", "count to ten",
    "do a backflip", "raise your hand", "play some music", "take a selfie", "cook dinner",
    "wave your hand at me", "wave hi", "wave to us", "stick your tongue out", "whistle",
    "snap your fingers",
    "clean your room", "do your homework", "turn around", "give me a hug", "high five",
    "tell me the time", "open the window", "write a poem",
)
