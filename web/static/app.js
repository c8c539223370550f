// The portrait page: live view, chat, expression buttons, channel sliders, upload, recording.
// Plain JS, no build step, no CDN. Talks to the JSON API and the /api/events WebSocket.
"use strict";

const NAMES = {
  smile: "미소", laugh: "웃음", blink: "깜빡", wink: "윙크", talk: "말하기", surprise: "놀람",
  sad: "슬픔", angry: "화남", fear: "두려움", disgust: "싫음", confused: "갸우뚱",
  close_eyes: "눈 감기", nod: "끄덕", shake_head: "도리도리", look_left: "왼쪽 보기",
  look_right: "오른쪽 보기", look_up: "위 보기", look_down: "아래 보기", kiss: "뽀뽀",
  neutral: "무표정", chat: "대화",
  head_pitch: "고개 위아래", head_yaw: "고개 좌우", head_roll: "고개 기울기", gaze_x: "시선 좌우",
  gaze_y: "시선 위아래", eye_open: "눈 뜨기", eyebrow: "눈썹", mouth_open: "입 벌리기",
  mouth_wide: "입 옆으로", mouth_round: "입 오므리기",
};
const TOKEN_KEY = "avatarToken";
const $ = (id) => document.getElementById(id);
const label = (name) => (NAMES[name] ? `${NAMES[name]} · ${name.replace("_", " ")}` : name);

let token = localStorage.getItem(TOKEN_KEY);
let asked = false;

function rememberToken(value) {
  token = value;
  localStorage.setItem(TOKEN_KEY, value);
  document.cookie = `avatar_token=${encodeURIComponent(value)}; path=/; SameSite=Strict`;
}
if (token) rememberToken(token);

async function api(method, path, body, contentType) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload = body;
  if (body !== undefined && contentType === undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  } else if (contentType) {
    headers["Content-Type"] = contentType;
  }
  const response = await fetch(path, { method, headers, body: payload });
  if (response.status === 401 && !asked) {
    asked = true;
    const given = window.prompt("접근 토큰을 입력하세요 · Enter the access token");
    if (given) {
      rememberToken(given.trim());
      startLive();
      return api(method, path, body, contentType);
    }
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

function note(text, kind, chips) {
  const item = document.createElement("li");
  if (kind) item.className = kind;
  item.textContent = text;
  for (const chip of chips || []) {
    const span = document.createElement("span");
    span.className = "chip";
    span.textContent = chip;
    item.append(" ", span);
  }
  const log = $("log");
  log.prepend(item);
  while (log.children.length > 50) log.lastChild.remove();
}

function chipsOf(plan) {
  return plan.steps.map((s) => `${label(s.intent)} ${s.intensity}` + (s.repeat > 1 ? ` ×${s.repeat}` : ""));
}

function showStatus(status) {
  const parts = [
    `${status.engine.name}`, `${status.fps} fps`, `지연 · latency p95 ${status.latency_p95_ms} ms`,
  ];
  for (const [name, state] of Object.entries(status.components)) parts.push(`${name}: ${state}`);
  if (status.recording) parts.push("● 녹화 중 · recording");
  $("status").textContent = parts.join(" · ");
}

// ------------------------------------------------------------------ live view and events

let liveRetry = null;
function startLive() {
  const img = $("live");
  img.src = `/api/stream.mjpg?t=${Date.now()}`;
  img.onerror = () => {
    clearTimeout(liveRetry);
    liveRetry = setTimeout(startLive, 1000);
  };
}

function connectEvents() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/api/events`);
  socket.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (event.type === "status") showStatus(event.status);
    else if (event.type === "status_changed") showStatus(event.status);
    else if (event.type === "plan_started") {
      const said = event.utterance ? `🗣 ${event.utterance.text}` : "▶";
      note(said, "said", chipsOf(event.plan));
    } else if (event.type === "reply_ready") note(`💬 ${event.text}`);
    else if (event.type === "transcript_partial") $("text").placeholder = `🎤 ${event.text}…`;
    else if (event.type === "error_occurred") note(`⚠ ${event.message}`, "error");
    else if (event.type === "portrait_changed") note("🖼 새 사진 · new portrait");
  };
  socket.onclose = () => setTimeout(connectEvents, 1000);
}

// ------------------------------------------------------------------ controls

$("chat").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("text").value.trim();
  if (!text) return;
  $("text").value = "";
  try {
    await api("POST", "/api/say", { text });
  } catch (error) {
    note(`⚠ ${error.message}`, "error");
  }
});

async function buildControls() {
  const vocabulary = await api("GET", "/api/intents");
  const intents = $("intents");
  for (const intent of vocabulary.intents) {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.intent = intent;
    button.textContent = label(intent);
    button.onclick = () =>
      api("POST", "/api/plan", { text: label(intent), steps: [{ intent }], source: "script" })
        .catch((error) => note(`⚠ ${error.message}`, "error"));
    intents.append(button);
  }
  const channels = $("channels");
  const held = {};
  let pending = null;
  const send = () => {
    pending = null;
    api("POST", "/api/channels", held).catch((error) => note(`⚠ ${error.message}`, "error"));
  };
  for (const spec of vocabulary.channels) {
    const name = document.createElement("label");
    name.textContent = label(spec.name);
    name.title = spec.meaning;
    const slider = document.createElement("input");
    Object.assign(slider, {
      type: "range", min: spec.low, max: spec.high, step: (spec.high - spec.low) / 100, value: 0,
    });
    slider.name = spec.name;
    slider.id = `ch-${spec.name}`;
    name.htmlFor = slider.id;
    const shown = document.createElement("output");
    shown.textContent = "–";
    slider.oninput = () => {
      held[spec.name] = Number(slider.value);
      shown.textContent = `${Number(slider.value).toFixed(spec.unit ? 0 : 2)}${spec.unit ? "°" : ""}`;
      if (!pending) pending = setTimeout(send, 50);
    };
    channels.append(name, slider, shown);
  }
  $("release").onclick = async () => {
    for (const key of Object.keys(held)) delete held[key];
    for (const slider of channels.querySelectorAll("input")) slider.value = 0;
    for (const shown of channels.querySelectorAll("output")) shown.textContent = "–";
    await api("DELETE", "/api/channels").catch((error) => note(`⚠ ${error.message}`, "error"));
  };
}

$("portrait").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  try {
    await api("PUT", "/api/portrait", file, file.type || "application/octet-stream");
  } catch (error) {
    note(`⚠ ${error.message}`, "error");
  }
  event.target.value = "";
});

$("record").addEventListener("click", async () => {
  const button = $("record");
  try {
    if (button.classList.contains("recording")) {
      const done = await api("DELETE", "/api/recording");
      button.classList.remove("recording");
      button.textContent = "● 녹화 · Record";
      const link = $("download");
      link.href = done.url;
      link.classList.remove("hidden");
    } else {
      await api("POST", "/api/recording");
      button.classList.add("recording");
      button.textContent = "■ 멈춤 · Stop";
    }
  } catch (error) {
    note(`⚠ ${error.message}`, "error");
  }
});

buildControls()
  .then(() => {
    startLive();
    connectEvents();
  })
  .catch((error) => note(`⚠ ${error.message}`, "error"));
