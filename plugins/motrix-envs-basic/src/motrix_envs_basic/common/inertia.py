"""Mass properties of capsules, spheres and boxes, and a check of a model's ``<inertial>``s.

motrixsim 0.10 derives a capsule's transverse inertia several times too large, so the
basic-suite models give every body an explicit ``<inertial>``. This module computes what
those should be from the body's own geoms (uniform density, MuJoCo's 1000 kg/m³ unless a
geom says otherwise), so the numbers in the XML are derived, not guessed:

    python -m motrix_envs_basic.common.inertia model.xml           # one line per body
    python -m motrix_envs_basic.common.inertia --write model.xml   # update the XML in place

Only what the suite uses is supported: capsules given by ``fromto``, spheres, and
axis-aligned boxes, in bodies without rotation of their own.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DENSITY = 1000.0


@dataclass
class MassProps:
    """Mass, centre of mass and inertia tensor about the centre of mass, in a body's frame."""

    mass: float
    com: np.ndarray
    inertia: np.ndarray

    def __add__(self, other: MassProps) -> MassProps:
        mass = self.mass + other.mass
        com = (self.mass * self.com + other.mass * other.com) / mass
        return MassProps(mass, com, _shifted(self, com) + _shifted(other, com))

    def inertial_xml(self) -> str:
        """The ``<inertial>`` element holding these properties."""
        i = self.inertia
        full = (i[0, 0], i[1, 1], i[2, 2], i[0, 1], i[0, 2], i[1, 2])
        return (f'<inertial pos="{_fmt(self.com)}" mass="{self.mass:.4g}" '
                f'fullinertia="{" ".join(f"{v:.4g}" for v in full)}"/>')


def _fmt(v: np.ndarray) -> str:
    return " ".join(f"{x:.4g}" for x in np.where(np.abs(v) < 1e-9, 0.0, v))


def _shifted(p: MassProps, point: np.ndarray) -> np.ndarray:
    """Inertia of ``p`` about ``point`` (parallel-axis theorem)."""
    d = p.com - point
    return p.inertia + p.mass * (d @ d * np.eye(3) - np.outer(d, d))


def capsule(start: np.ndarray, end: np.ndarray, radius: float, density: float = DENSITY) -> MassProps:
    """A capsule of ``radius`` around the segment start-end."""
    start, end = np.asarray(start, float), np.asarray(end, float)
    length = float(np.linalg.norm(end - start))
    axis = (end - start) / length if length > 0 else np.array([0.0, 0.0, 1.0])
    m_cyl = density * np.pi * radius**2 * length
    m_caps = density * 4.0 / 3.0 * np.pi * radius**3  # both hemispheres
    axial = m_cyl * radius**2 / 2 + m_caps * 2 * radius**2 / 5
    transverse = (m_cyl * (length**2 / 12 + radius**2 / 4)
                  + m_caps * (2 * radius**2 / 5 + length**2 / 4 + 3 * length * radius / 8))
    inertia = transverse * np.eye(3) + (axial - transverse) * np.outer(axis, axis)
    return MassProps(m_cyl + m_caps, (start + end) / 2, inertia)


def sphere(center: np.ndarray, radius: float, density: float = DENSITY) -> MassProps:
    mass = density * 4.0 / 3.0 * np.pi * radius**3
    return MassProps(mass, np.asarray(center, float), 2 * mass * radius**2 / 5 * np.eye(3))


def box(center: np.ndarray, half_sizes: np.ndarray, density: float = DENSITY) -> MassProps:
    """An axis-aligned box with half-sizes ``half_sizes``."""
    a, b, c = 2 * np.asarray(half_sizes, float)
    mass = density * a * b * c
    return MassProps(mass, np.asarray(center, float), mass / 12 * np.diag([b * b + c * c, a * a + c * c, a * a + b * b]))


def _floats(text: str | None, default: str = "0 0 0") -> np.ndarray:
    return np.array([float(v) for v in (text or default).split()])


def geom_props(geom: ET.Element, defaults: dict[str, str] | None = None) -> MassProps:
    """Mass properties of one ``<geom>`` (capsule by fromto, sphere, axis-aligned box);
    ``defaults`` are the model's top-level ``<default><geom>`` attributes."""
    attrs = {**(defaults or {}), **geom.attrib}
    kind = attrs.get("type", "sphere")
    density = float(attrs.get("density", DENSITY))
    size = _floats(attrs.get("size"))
    if kind == "capsule" and geom.get("fromto"):
        ends = _floats(geom.get("fromto"))
        return capsule(ends[:3], ends[3:], size[0], density)
    if kind == "sphere":
        return sphere(_floats(geom.get("pos")), size[0], density)
    if kind == "box" and not any(geom.get(k) for k in ("quat", "euler", "axisangle", "zaxis", "xyaxes")):
        return box(_floats(geom.get("pos")), size, density)
    raise ValueError(f"geom {geom.get('name')!r}: only fromto capsules, spheres and axis-aligned boxes are supported")


def body_props(body: ET.Element, defaults: dict[str, str] | None = None) -> MassProps:
    """Mass properties of a body's own geoms (not its children's)."""
    parts = [geom_props(g, defaults) for g in body.findall("geom")]
    if not parts:
        raise ValueError(f"body {body.get('name')!r} has no geoms")
    total = parts[0]
    for p in parts[1:]:
        total = total + p
    return total


def bodies(xml: str | Path) -> dict[str, ET.Element]:
    """Every named body of an MJCF file, by name."""
    root = ET.parse(xml).getroot()
    return {b.get("name"): b for b in root.iter("body")}


def geom_defaults(xml: str | Path) -> dict[str, str]:
    """The top-level ``<default><geom .../>`` attributes of an MJCF file."""
    el = ET.parse(xml).getroot().find("default/geom")
    return dict(el.attrib) if el is not None else {}


def computed(xml: str | Path) -> dict[str, MassProps]:
    """Each body's mass properties derived from its geoms."""
    defaults = geom_defaults(xml)
    return {name: body_props(body, defaults) for name, body in bodies(xml).items()}


def declared(body: ET.Element) -> MassProps:
    """The ``<inertial>`` a body declares."""
    el = body.find("inertial")
    if el is None:
        raise ValueError(f"body {body.get('name')!r} declares no <inertial>")
    i = _floats(el.get("fullinertia"))
    tensor = np.array([[i[0], i[3], i[4]], [i[3], i[1], i[5]], [i[4], i[5], i[2]]])
    return MassProps(float(el.get("mass")), _floats(el.get("pos")), tensor)


def write_inertials(path: Path) -> None:
    """Replace each body's ``<inertial .../>`` line (the first after its opening tag)."""
    text = path.read_text()
    for name, props in computed(path).items():
        pattern = re.compile(rf'(<body name="{re.escape(name)}"[^>]*>.*?)<inertial [^>]*/>', re.S)
        text, count = pattern.subn(lambda m, p=props: m[1] + p.inertial_xml(), text, count=1)
        if not count:
            raise ValueError(f"{path}: body {name!r} has no <inertial .../> to update")
    path.write_text(text)


def main(argv: list[str]) -> None:
    write = "--write" in argv
    for path in (a for a in argv if a != "--write"):
        if write:
            write_inertials(Path(path))
        print(f"<!-- {path} -->")
        props = computed(path)
        for name, p in props.items():
            print(f"{name:>14}: {p.inertial_xml()}")
        print(f"{'total':>14}: {sum(p.mass for p in props.values()):.3f} kg")


if __name__ == "__main__":
    main(sys.argv[1:])
