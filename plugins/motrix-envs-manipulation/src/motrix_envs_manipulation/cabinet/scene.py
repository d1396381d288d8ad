"""Our own cabinet of boxes: a carcass, lower drawers (fixed) and a top drawer on a slide.

The arm base is at the origin facing +x; the cabinet's centre is 1 m in front of it. The top
drawer slides out along -x (joint ``drawer``: 0 shut … 0.4 m open, damping 2 N·s/m). Its
handle is a horizontal bar along y (capsule r 0.011, half-length 0.07) on two posts, 0.36 m
in front of the cabinet's centre and 0.73 m high, with 5 cm of clearance behind it.

Collision: carcass, drawer front and handle are contype 1 / conaffinity 0, so the robot
touches them (its geoms are conaffinity 1) while they never touch each other (the slide
joint's limits keep the drawer in its carcass).
"""

from __future__ import annotations

import motrixsim as ms

from ..panda import model as P

CENTRE_X = 1.0
HANDLE_HEIGHT = 0.73
HANDLE_OFFSET = 0.36
"""Handle bar in front of the cabinet's centre, drawer shut (m)."""
HANDLE_RADIUS = 0.011
HANDLE_HALF_LENGTH = 0.07
DRAWER_TRAVEL = 0.4
DRAWER_DAMPING = 2.0
DRAWER_DOF = 9
"""The drawer's slide joint in dof_pos / dof_vel, after the 9 robot joints."""

_SOLID = 'contype="1" conaffinity="0" friction="1 0.02 0.01"'
_WOOD = 'rgba="0.72 0.6 0.45 1"'
_GHOST = 'contype="0" conaffinity="0"'  # drawn, never collides (inside the carcass)

FLOOR = ('<geom name="floor" type="plane" size="2 2 0.05" contype="1" conaffinity="0" '
         'rgba="0.4 0.4 0.42 1"/>')

CABINET = f'''<body name="cabinet" pos="{CENTRE_X} 0 0">
  <geom name="cabinet_left" type="box" size="0.28 0.01 0.45" pos="0 0.29 0.45" {_SOLID} {_WOOD}/>
  <geom name="cabinet_right" type="box" size="0.28 0.01 0.45" pos="0 -0.29 0.45" {_SOLID} {_WOOD}/>
  <geom name="cabinet_top" type="box" size="0.28 0.3 0.01" pos="0 0 0.89" {_SOLID} {_WOOD}/>
  <geom name="cabinet_back" type="box" size="0.01 0.28 0.45" pos="0.27 0 0.45" {_SOLID} {_WOOD}/>
  <geom name="cabinet_lower" type="box" size="0.28 0.28 0.32" pos="0 0 0.32" {_SOLID} {_WOOD}/>
  <body name="drawer" pos="0 0 {HANDLE_HEIGHT}">
    <inertial pos="-0.05 0 -0.03" mass="1.5" diaginertia="0.03 0.04 0.06"/>
    <joint name="drawer" type="slide" axis="-1 0 0" range="0 {DRAWER_TRAVEL}" damping="{DRAWER_DAMPING}" armature="0.01"/>
    <geom name="drawer_front" type="box" size="0.01 0.28 0.075" pos="-0.29 0 0" {_SOLID} rgba="0.8 0.68 0.52 1"/>
    <geom name="drawer_bottom" type="box" size="0.26 0.27 0.005" pos="-0.02 0 -0.065" {_GHOST} {_WOOD}/>
    <geom name="drawer_side_l" type="box" size="0.26 0.005 0.06" pos="-0.02 0.265 -0.01" {_GHOST} {_WOOD}/>
    <geom name="drawer_side_r" type="box" size="0.26 0.005 0.06" pos="-0.02 -0.265 -0.01" {_GHOST} {_WOOD}/>
    <geom name="handle_post_l" type="box" size="0.03 0.006 0.006" pos="-0.33 0.064 0" {_SOLID} rgba="0.3 0.3 0.3 1"/>
    <geom name="handle_post_r" type="box" size="0.03 0.006 0.006" pos="-0.33 -0.064 0" {_SOLID} rgba="0.3 0.3 0.3 1"/>
    <geom name="handle" type="capsule" size="{HANDLE_RADIUS}" fromto="-{HANDLE_OFFSET} -{HANDLE_HALF_LENGTH} 0 -{HANDLE_OFFSET} {HANDLE_HALF_LENGTH} 0" {_SOLID} rgba="0.2 0.2 0.2 1"/>
    <site name="handle" pos="-{HANDLE_OFFSET} 0 0"/>
  </body>
</body>'''


def load() -> ms.SceneModel:
    return P.load([FLOOR, CABINET])
