"""`[llm]` settings: which model or server answers, the persona, memory and time limits.

Plain data (no torch, no network), so `agent.config` can nest it in the one `Settings` object.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

AUTO = "auto"
OFF = "off"


class LLMSettings(BaseModel):
    """The conversational LLM behind the classifier (`[llm]` in the config file)."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    model: str = AUTO
    """"auto" (the model `avatar models download llm` fetched, when it is there; else no LLM),
    "off", a model folder, or a Hugging Face model id already in the local cache."""
    url: str | None = None
    """An OpenAI-compatible server (vLLM, llama.cpp server, Ollama, LM Studio), e.g.
    "http://gpu-box:8000/v1"; when set it answers instead of `model`."""
    server_model: str | None = None
    """The model name sent to the server (None: the first model the server lists)."""
    api_key: str | None = None
    """Bearer token for the server, if it wants one."""
    device: str | None = None
    """Torch device for an in-process model ("cuda", "cpu"; None: CUDA when available)."""
    deadline_s: float = Field(default=2.5, gt=0.0, le=120.0)
    """Seconds the LLM has to decode its first step; after that the classifier's plan plays."""
    token_timeout_s: float = Field(default=10.0, gt=0.0, le=300.0)
    """Seconds without new output, once the answer started, before the reply is cut."""
    name: str = Field(default="Haru", min_length=1, max_length=40)
    """The portrait's name, as the LLM introduces itself."""
    persona: str = Field(
        default="a friendly, curious talking portrait who answers warmly, briefly and honestly",
        max_length=1000,
    )
    """Who the portrait is, in a few words (goes into the system prompt)."""
    language: Literal["ko", "en"] = "ko"
    """Language of the reply when the user's language is unclear."""
    reply_chars: int = Field(default=160, ge=20, le=600)
    """Longest reply in characters; the output schema enforces it."""
    max_steps: int = Field(default=3, ge=1, le=8)
    """Most expression steps per answer."""
    memory_turns: int = Field(default=6, ge=0, le=50)
    """Earlier exchanges kept as context (`/reset` clears them)."""
    memory_tokens: int = Field(default=800, ge=0, le=16000)
    """Token budget of that context; the oldest exchanges go first."""
    input_tokens: int = Field(default=256, ge=16, le=8000)
    """Longest user message passed on; longer ones are cut, with a note."""
    temperature: float = Field(default=0.7, ge=0.0, le=2.0)
    """Sampling temperature (0: always the most likely token)."""
    command_confidence: float = Field(default=0.6, ge=0.0, le=1.0)
    """Expression commands the classifier is at least this sure of play at once, without the LLM."""


__all__ = ["AUTO", "OFF", "LLMSettings"]
