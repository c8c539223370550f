"""Voice input: microphone capture, voice-activity detection and speech recognition (planned)."""
