"""Headless rendering of envs to video files (``motrix play/view --video``).

Nothing here is imported by ``import motrix`` or during training: the renderer loads only
when a video is asked for. ``VideoRecorder`` is the entry point; ``headless.probe`` tells
whether this machine can render at all (a Vulkan driver; lavapipe on a CPU-only machine).
"""
