"""The lift scene's own elements: a table top at z = 0 and a 4 cm, 60 g cube on it."""

from __future__ import annotations

import motrixsim as ms

from ..panda import model as P

CUBE_HALF = 0.02
CUBE_MASS = 0.06

# The table is an infinite plane at the arm's base height (contype 1: the hand, the fingers
# and the cube touch it). The cube touches the table and the robot (contype = conaffinity = 1).
TABLE = ('<geom name="table" type="plane" size="1.5 1.5 0.05" contype="1" conaffinity="0" '
         'friction="1 0.02 0.01" rgba="0.55 0.45 0.35 1"/>')
CUBE = (f'<body name="cube" pos="0.5 0 {CUBE_HALF}"><freejoint name="cube"/>'
        f'<geom name="cube" type="box" size="{CUBE_HALF} {CUBE_HALF} {CUBE_HALF}" mass="{CUBE_MASS}" '
        'contype="1" conaffinity="1" friction="1 0.02 0.01" rgba="0.85 0.2 0.15 1"/></body>')

CUBE_DOF = slice(9, 16)
"""The cube's free joint in dof_pos: [x y z qx qy qz qw] after the 9 robot joints."""
CUBE_VEL = slice(9, 15)


def load() -> ms.SceneModel:
    return P.load([TABLE, CUBE])
