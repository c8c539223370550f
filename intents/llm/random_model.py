"""A randomly initialised Qwen2 model with a byte-level BPE tokenizer trained on our own corpus.

No instruct model ships in any package and the hub is out of reach, so the tests and the
benchmark build one: `tiny` (seconds on a CPU) proves the decoding constraint and the loading
path; `QWEN25_05B` has the shape of Qwen2.5-0.5B-Instruct (494 M parameters, 151 936 tokens), so
its timings stand for the real default model. A random model writes nonsense; only the grammar
turns its output into valid plans.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intents.llm.schema import EXPRESSIONS

CORPUS = Path(__file__).resolve().parents[1] / "data" / "train.jsonl"
SPECIAL_TOKENS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")
# ChatML, as the Qwen instruct models use it.
CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{{ message['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


@dataclass(frozen=True, slots=True)
class Shape:
    """Sizes of a Qwen2 model and its vocabulary."""

    hidden: int
    layers: int
    heads: int
    kv_heads: int
    intermediate: int
    vocab: int


TINY = Shape(hidden=64, layers=2, heads=4, kv_heads=2, intermediate=128, vocab=2000)
QWEN25_05B = Shape(hidden=896, layers=24, heads=14, kv_heads=2, intermediate=4864, vocab=151936)


def corpus_lines(limit: int = 4000) -> list[str]:
    """Utterances of the intent corpus plus the words of the answer format."""
    lines = [json.dumps({"steps": [{"intent": name, "intensity": 0.7, "repeat": 1}],
                         "reply": "ok"}) for name in EXPRESSIONS]
    with CORPUS.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number >= limit:
                break
            lines.append(json.loads(line)["text"])
    return lines


def build_tokenizer(vocab: int, lines: list[str] | None = None) -> Any:
    """A byte-level BPE trained on `lines` (default: the corpus), as a transformers tokenizer.

    When the corpus cannot fill `vocab`, the vocabulary is padded with unused byte strings so
    the grammar engine sees a vocabulary of the real size.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(lines if lines is not None else corpus_lines(), trainer)
    missing = vocab - tokenizer.get_vocab_size()
    if missing > 0:
        tokenizer = _padded(tokenizer, missing)
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token=None,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
    )
    wrapped.chat_template = CHAT_TEMPLATE
    return wrapped


def _padded(tokenizer: Any, count: int) -> Any:
    """`tokenizer` with `count` extra vocabulary entries (distinct 2–6 symbol strings)."""
    from tokenizers import Tokenizer

    data = json.loads(tokenizer.to_str())
    vocab: dict[str, int] = data["model"]["vocab"]
    alphabet = sorted({symbol for token in vocab for symbol in token if len(token) == 1})
    next_id = max(vocab.values()) + 1
    length, index = 2, 0
    while count > 0:
        word, rest = "", index
        for _ in range(length):
            rest, digit = divmod(rest, len(alphabet))
            word += alphabet[digit]
        index += 1
        if rest:  # every string of this length is used: go longer
            length, index = length + 1, 0
            continue
        if word not in vocab:
            vocab[word] = next_id
            next_id += 1
            count -= 1
    return Tokenizer.from_str(json.dumps(data))


def build_model(shape: Shape, seed: int = 0) -> Any:
    """A random `Qwen2ForCausalLM` of `shape` (float32, eval mode)."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(seed)
    config = Qwen2Config(
        vocab_size=shape.vocab,
        hidden_size=shape.hidden,
        intermediate_size=shape.intermediate,
        num_hidden_layers=shape.layers,
        num_attention_heads=shape.heads,
        num_key_value_heads=shape.kv_heads,
        max_position_embeddings=4096,
        tie_word_embeddings=True,
        eos_token_id=2,
        pad_token_id=0,
    )
    return Qwen2ForCausalLM(config).eval()


def save_random_model(folder: Path, shape: Shape = TINY, seed: int = 0) -> Path:
    """Build the tokenizer and model of `shape` and `save_pretrained` both into `folder`."""
    tokenizer = build_tokenizer(shape.vocab)
    model = build_model(shape, seed)
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(folder)
    model.save_pretrained(folder)
    return folder


__all__ = ["QWEN25_05B", "TINY", "Shape", "build_model", "build_tokenizer", "save_random_model"]
