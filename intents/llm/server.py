"""The served backend: any OpenAI-compatible chat-completions server, streaming, JSON-schema output.

vLLM, llama.cpp's server, Ollama and LM Studio accept `response_format: {"type": "json_schema"}`
and constrain their own decoding with it, so many kiosks can share one GPU server. The router
still checks every answer with pydantic: a server that ignores the schema only costs a fallback.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

from intents.llm._backend import BackendError, GenerationStats
from intents.llm._prompt import Message
from intents.llm.schema import answer_schema, max_output_bytes
from intents.llm.settings import LLMSettings

_BYTES_PER_TOKEN = 3  # a cautious estimate: ~1 Hangul syllable or ~3 Latin letters per token


class ServerBackend:
    """One OpenAI-compatible server.

    Args:
        url: the API base, e.g. "http://gpu-box:8000/v1".
        settings: model name, key, time limits and the answer limits.
    """

    special_tokens: tuple[str, ...] = ()

    def __init__(self, url: str, settings: LLMSettings) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise BackendError(f"llm.url {url!r} is not an http(s) URL such as http://host:8000/v1")
        self.url = url.rstrip("/")
        self.settings = settings
        self.model = settings.server_model
        self.label = f"{parts.netloc}"
        headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else {}
        wait = max(settings.deadline_s, settings.token_timeout_s)
        self._client = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(connect=settings.deadline_s, read=wait, write=wait, pool=wait),
        )

    def connect(self) -> None:
        """Learn the model name when none is configured (the first one the server lists).

        Raises:
            BackendError: the server cannot be reached or lists no model.
        """
        if self.model is None:
            try:
                response = self._client.get(f"{self.url}/models")
                response.raise_for_status()
                models = response.json().get("data") or []
                self.model = str(models[0]["id"])
            except (httpx.HTTPError, ValueError, KeyError, IndexError, AttributeError) as exc:
                raise BackendError(
                    f"cannot list the models of {self.url} ({_why(exc)}); set llm.server_model "
                    "(or --llm-model) to the served model's name"
                ) from exc
        self.label = f"{urlsplit(self.url).netloc} · {self.model}"

    def count_tokens(self, text: str) -> int:
        """An estimate: the server's tokenizer is not known here."""
        return -(-len(text.encode("utf-8")) // _BYTES_PER_TOKEN)

    def truncate(self, text: str, limit: int) -> str:
        """The start of `text` within about `limit` tokens."""
        budget = limit * _BYTES_PER_TOKEN
        data = text.encode("utf-8")
        return text if len(data) <= budget else data[:budget].decode("utf-8", "ignore")

    def request(self, messages: list[Message]) -> dict[str, object]:
        """The chat-completions request body for `messages`."""
        schema = answer_schema(self.settings.reply_chars, self.settings.max_steps)
        return {
            "model": self.model,
            "messages": messages,
            "stream": True,
            "temperature": self.settings.temperature,
            "max_tokens": max_output_bytes(self.settings.reply_chars, self.settings.max_steps),
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "portrait_answer", "schema": schema, "strict": True},
            },
        }

    def generate(
        self, messages: list[Message], on_text: Callable[[str], None], cancel: threading.Event
    ) -> GenerationStats:
        """Stream one answer; see `Backend.generate`. A stream that ends early just ends: the
        router sees the answer is incomplete."""
        started = time.perf_counter()
        chunks = 0
        try:
            with self._client.stream(
                "POST", f"{self.url}/chat/completions", json=self.request(messages)
            ) as response:
                if response.status_code != 200:
                    body = " ".join(response.read().decode("utf-8", "replace").split())[:120]
                    raise BackendError(f"the server answered HTTP {response.status_code}: {body}")
                for line in response.iter_lines():
                    if cancel.is_set():
                        break
                    delta = _delta(line)
                    if delta is None:
                        break
                    if delta:
                        chunks += 1
                        on_text(delta)
        except httpx.HTTPError as exc:
            raise BackendError(f"the server stream failed ({_why(exc)})") from exc
        return GenerationStats(
            tokens=chunks, sampled=chunks, decode_s=time.perf_counter() - started
        )


def _delta(line: str) -> str | None:
    """The content of one server-sent-events line: text, "" for nothing, None at the end.

    Raises:
        BackendError: the line is not part of a chat-completions stream.
    """
    line = line.strip()
    if not line or line.startswith(":"):
        return ""
    if not line.startswith("data:"):
        raise BackendError(f"the server did not send a chat-completions stream: {line[:60]!r}")
    data = line[5:].strip()
    if data == "[DONE]":
        return None
    try:
        chunk = json.loads(data)
    except ValueError as exc:
        raise BackendError(f"the server sent a chunk that is not JSON: {data[:60]!r}") from exc
    if not isinstance(chunk, dict):
        raise BackendError(f"the server sent an unexpected chunk: {data[:60]!r}")
    if "error" in chunk:
        raise BackendError(f"the server reported an error: {str(chunk['error'])[:120]}")
    text = ""
    for choice in chunk.get("choices") or []:
        content = (choice.get("delta") or {}).get("content") if isinstance(choice, dict) else None
        if isinstance(content, str):
            text += content
    return text


def _why(exc: BaseException) -> str:
    message = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
