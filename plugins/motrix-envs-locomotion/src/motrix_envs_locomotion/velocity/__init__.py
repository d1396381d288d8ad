"""The velocity-tracking task shared by every quadruped (config and env)."""
