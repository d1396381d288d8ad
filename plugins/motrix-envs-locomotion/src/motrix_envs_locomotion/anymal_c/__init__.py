"""ANYbotics ANYmal C: our MJCF model (anymal_c.xml, from published facts) and ``ANYMAL_C`` (robot.py)."""
