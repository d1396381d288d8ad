"""The Franka Emika Panda: our own MJCF model (``panda.xml``), its constants and kinematics."""
