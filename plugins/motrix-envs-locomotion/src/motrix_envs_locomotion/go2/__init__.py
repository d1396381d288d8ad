"""Unitree Go2: our MJCF model (go2.xml, from published facts) and ``GO2`` (robot.py)."""
