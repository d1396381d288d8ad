"""Unitree Go1: our MJCF model (go1.xml, written from published facts), procedural terrain
(terrain.py) and scene loading/constants (model.py). See README.md for the MotrixSim calls
an env needs and their measured costs; `python -m motrix_envs_locomotion.go1.check_model`
re-measures them."""
