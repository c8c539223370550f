"""The in-process backend: a transformers causal LM, decoded token by token under an xgrammar mask.

Why xgrammar: it compiles the pydantic JSON schema once per tokenizer into a byte-level grammar
whose per-token mask is mostly precomputed (a few hundred microseconds per token even for a
150k-token vocabulary), it is maintained by the MLC/SGLang/vLLM people and ships CPU wheels, and
its matcher offers jump-forward tokens: the fixed parts of the JSON (`{"steps": [{"intent": "`)
are fed in one forward pass instead of one pass per token. lm-format-enforcer checks tokens in
Python per step (slower with big vocabularies); outlines pulls in a larger stack for the same job.

The decode loop is our own (not `generate`) so that it can stop on a barge-in between two tokens,
stream text as it goes, and measure the constraint's share of the time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from intents.llm._backend import BackendError, GenerationStats
from intents.llm._prompt import Message
from intents.llm.schema import answer_schema, max_output_bytes
from intents.llm.settings import LLMSettings

log = logging.getLogger("avatar.intents")

_TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model", "vocab.json")


def check_model_folder(folder: Path) -> None:
    """Raise `BackendError` with what is missing when `folder` is not a usable model folder."""
    if not folder.is_dir():
        raise BackendError(f"{folder}: not a folder; give a model folder or a model id")
    if not (folder / "config.json").is_file():
        raise BackendError(f"{folder}: no config.json, so this is not a transformers model folder")
    if not any((folder / name).is_file() for name in _TOKENIZER_FILES):
        raise BackendError(
            f"{folder}: the tokenizer is missing (no tokenizer.json); copy the tokenizer files "
            "next to the weights or run `avatar models download llm`"
        )


class LocalBackend:
    """A causal LM and its tokenizer, with the answer grammar compiled for that tokenizer.

    Args:
        model: a transformers causal LM (eval mode, on its device).
        tokenizer: its tokenizer (a chat template is used when it has one).
        settings: reply length and steps (the schema), temperature.
        name: the model's name for status lines and transcripts.
        seed: seed of the sampler (None: random).
    """

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        settings: LLMSettings,
        *,
        name: str,
        seed: int | None = None,
    ) -> None:
        import torch
        import xgrammar as xgr

        self.model = model
        self.tokenizer = tokenizer
        self.settings = settings
        self.name = name
        self.device = next(model.parameters()).device
        self.label = f"{name} · {self.device.type}"
        self.special_tokens = tuple(
            str(token) for token in getattr(tokenizer, "all_special_tokens", ())
        ) + tuple(str(token) for token in getattr(tokenizer, "added_tokens_decoder", {}).values())
        self.vocab_size = max(int(model.config.vocab_size), len(tokenizer))
        info = xgr.TokenizerInfo.from_huggingface(tokenizer, vocab_size=self.vocab_size)
        started = time.perf_counter()
        schema = answer_schema(settings.reply_chars, settings.max_steps)
        self.grammar = xgr.GrammarCompiler(info).compile_json_schema(schema, any_whitespace=False)
        self.compile_s = time.perf_counter() - started
        self.max_tokens = max_output_bytes(settings.reply_chars, settings.max_steps)
        self._bitmask = xgr.allocate_token_bitmask(1, self.vocab_size)
        self._generator = torch.Generator(device="cpu")
        if seed is not None:
            self._generator.manual_seed(seed)
        else:
            self._generator.seed()
        self._lock = threading.Lock()
        self._prefix: tuple[list[int], Any] | None = None  # the system prompt's ids and cache

    @classmethod
    def load(
        cls, source: str | Path, settings: LLMSettings, *, device: str | None = None
    ) -> LocalBackend:
        """Load a model folder (or a model id from the Hugging Face cache) and compile the grammar.

        CUDA runs in bfloat16 (float16 where bf16 is missing), the CPU in float32.

        Raises:
            BackendError: the folder is incomplete or the model cannot be loaded.
        """
        folder = Path(source).expanduser()
        if folder.exists() or str(source).startswith((".", "/", "~")):
            check_model_folder(folder)
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # the status line says "loading"; no bar on stderr
        target = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        dtype = torch.float32
        if target.type == "cuda":
            dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        where = str(folder) if folder.exists() else str(source)
        try:
            tokenizer = AutoTokenizer.from_pretrained(where)
            model = AutoModelForCausalLM.from_pretrained(where, dtype=dtype)
        except (OSError, ValueError, KeyError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise BackendError(f"cannot load the LLM {where}: {first}") from exc
        model.to(target).eval()
        name = folder.name if folder.exists() else str(source).rsplit("/", 1)[-1]
        return cls(model, tokenizer, settings, name=name)

    # ----------------------------------------------------------------- text and tokens

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` with this tokenizer."""
        return len(self.tokenizer.encode(text, add_special_tokens=False))

    def truncate(self, text: str, limit: int) -> str:
        """The first `limit` tokens of `text`, as text."""
        ids = self.tokenizer.encode(text, add_special_tokens=False)
        return text if len(ids) <= limit else self.tokenizer.decode(ids[:limit]).rstrip("\ufffd")

    def prompt_ids(self, messages: list[Message], *, answer: bool = True) -> list[int]:
        """Token ids of the chat messages, ending where the assistant starts to answer (or,
        without `answer`, right after the last message)."""
        if getattr(self.tokenizer, "chat_template", None):
            text = self.tokenizer.apply_chat_template(
                messages, add_generation_prompt=answer, tokenize=False
            )
        else:
            turns = [f"{m['role'].capitalize()}: {m['content']}" for m in messages]
            text = "\n\n".join(turns) + ("\n\nAssistant: " if answer else "")
        return list(self.tokenizer.encode(text, add_special_tokens=False))

    def warm(self, system: str) -> float:
        """Compute the system prompt's KV cache now, so that the first answer does not pay for
        it; returns the seconds it took."""
        import torch

        ids = self.prompt_ids([{"role": "system", "content": system}], answer=False)
        started = time.perf_counter()
        with self._lock, torch.inference_mode():
            self._prefix = (ids, self._forward(ids, None)[1])
        return time.perf_counter() - started

    def _start(self, prompt: list[int], system: list[int]) -> tuple[Any, Any, int]:
        """Logits and cache after `prompt`, reusing the cached system prompt when `prompt`
        starts with it; also how many cached tokens to keep afterwards (0: none)."""
        if len(prompt) <= len(system) or prompt[: len(system)] != system:
            logits, cache = self._forward(prompt, None)
            return logits, cache, 0
        if self._prefix is None or self._prefix[0] != system:
            self._prefix = (system, self._forward(system, None)[1])
        logits, cache = self._forward(prompt[len(system) :], self._prefix[1])
        return logits, cache, len(system)

    # ----------------------------------------------------------------- decoding

    def generate(
        self,
        messages: list[Message],
        on_text: Callable[[str], None],
        cancel: threading.Event,
        *,
        constrained: bool = True,
        jump_forward: bool = True,
        max_tokens: int | None = None,
    ) -> GenerationStats:
        """Decode one answer; see `Backend.generate`.

        Args:
            constrained: False decodes freely (the benchmark's baseline; output is not JSON).
            jump_forward: feed the tokens the grammar forces in one pass.
            max_tokens: output limit (default: the longest answer the schema allows).
        """
        import torch
        import xgrammar as xgr

        prompt = self.prompt_ids(messages)
        system = self.prompt_ids(messages[:1], answer=False)
        limit = max_tokens or self.max_tokens
        matcher = (
            xgr.GrammarMatcher(self.grammar, terminate_without_stop_token=True)
            if constrained else None
        )
        text = _TextStream(self.tokenizer, on_text)
        with self._lock, torch.inference_mode():
            started = time.perf_counter()
            logits, cache, keep = self._start(prompt, system)
            decode_from = time.perf_counter()
            try:
                tokens, sampled, mask_s = self._decode(
                    logits, cache, matcher, text, limit, cancel, jump_forward=jump_forward
                )
            finally:
                if keep:  # the cache is the system prompt's: cut it back for the next answer
                    _trim(cache, keep)
            text.flush()
        log.debug("decoded %d tokens in %.2f s", tokens, time.perf_counter() - started)
        return GenerationStats(
            tokens=tokens, sampled=sampled, prompt_tokens=len(prompt),
            decode_s=time.perf_counter() - decode_from, mask_s=mask_s,
        )

    def _decode(
        self,
        logits: Any,
        cache: Any,
        matcher: Any,
        text: _TextStream,
        limit: int,
        cancel: threading.Event,
        *,
        jump_forward: bool,
    ) -> tuple[int, int, float]:
        """The token loop; returns (tokens, sampled tokens, seconds spent on the mask)."""
        import xgrammar as xgr

        tokens = sampled = 0
        mask_s = 0.0
        while tokens < limit and not cancel.is_set():
            if matcher is not None and matcher.is_terminated():
                break
            tick = time.perf_counter()
            forced = matcher.find_jump_forward_tokens() if matcher and jump_forward else []
            if forced:
                for token in forced:
                    matcher.accept_token(token)  # type: ignore[union-attr]
                ids = forced
            else:
                if matcher is not None:
                    matcher.fill_next_token_bitmask(self._bitmask)
                    logits = logits.float().cpu()
                    xgr.apply_token_bitmask_inplace(logits, self._bitmask)
                token = self._sample(logits)
                if matcher is not None and not matcher.accept_token(token):
                    raise BackendError(f"the grammar refused token {token}")
                ids, sampled = [token], sampled + 1
            if matcher is not None:
                mask_s += time.perf_counter() - tick
            tokens += len(ids)
            text.push(ids)
            if matcher is not None and matcher.is_terminated():
                break
            logits, cache = self._forward(ids, cache)
        return tokens, sampled, mask_s

    def _forward(self, ids: list[int], cache: Any) -> tuple[Any, Any]:
        """(1, vocab) logits after `ids`, and the updated KV cache."""
        import torch

        inputs = torch.tensor([ids], dtype=torch.long, device=self.device)
        out = self.model(input_ids=inputs, cache=cache, use_cache=True, logits_to_keep=1)
        logits = out.logits[:, -1, :]
        if logits.shape[-1] < self.vocab_size:  # a tokenizer larger than the embedding
            pad = torch.full(
                (1, self.vocab_size - logits.shape[-1]), float("-inf"), device=logits.device
            )
            logits = torch.cat([logits, pad.to(logits.dtype)], dim=-1)
        return logits, out.cache

    def _sample(self, logits: Any) -> int:
        import torch

        scores = logits[0].float().cpu()
        if self.settings.temperature <= 0.0:
            return int(scores.argmax())
        probabilities = torch.softmax(scores / self.settings.temperature, dim=-1)
        return int(torch.multinomial(probabilities, 1, generator=self._generator))


def _trim(cache: Any, length: int) -> None:
    """Cut a KV cache back to its first `length` tokens (in place)."""
    extra = cache.get_seq_length() - length
    if extra > 0:
        cache.crop(-extra)


class _TextStream:
    """Token ids in, new text out; a character split across tokens waits for its last byte."""

    def __init__(self, tokenizer: Any, on_text: Callable[[str], None]) -> None:
        self._tokenizer = tokenizer
        self._on_text = on_text
        self._ids: list[int] = []
        self._sent = 0

    def push(self, ids: list[int]) -> None:
        self._ids.extend(ids)
        text = self._tokenizer.decode(self._ids, skip_special_tokens=True)
        ready = len(text.rstrip("\ufffd"))
        if ready > self._sent:
            self._on_text(text[self._sent : ready])
            self._sent = ready

    def flush(self) -> None:
        text = self._tokenizer.decode(self._ids, skip_special_tokens=True)
        if len(text) > self._sent:
            self._on_text(text[self._sent :])
            self._sent = len(text)
