"""Speech in and out. In: audio sources (`voice.sources`), voice activity (`voice.vad`),
recognition (`voice.recognizer`, `voice.loading`) and the listening loop (`voice.listener`).
Out: text-to-speech (`voice.tts`). Submodules are imported where used, so importing `voice`
loads no audio library."""
