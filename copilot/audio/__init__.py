"""Audio in: decoding recordings, live sources (microphone, system audio, file replay), devices."""
