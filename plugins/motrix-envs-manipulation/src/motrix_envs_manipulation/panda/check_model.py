"""Check the Panda model against its facts and measure the physics cost of the two scenes.

    python -m motrix_envs_manipulation.panda.check_model [--envs 512]

Prints the flange position at the zero pose and the largest flange/fingertip error against
the Denavit–Hartenberg kinematics over random poses, the link masses, the sag of the home
pose under the servos, and physics CPU time per env-step of the arm alone, the lift scene
and the cabinet scene (process CPU time, all threads: robust to other processes' load).
"""

from __future__ import annotations

import argparse
import time

import motrixsim as ms
import numpy as np

from ..cabinet import scene as cabinet_scene
from ..lift import scene as lift_scene
from . import kinematics as K
from . import model as P


def _data(model: ms.SceneModel, q: np.ndarray) -> ms.SceneData:
    data = ms.SceneData(model, batch=(q.shape[0],))
    dof = np.tile(model.compute_init_dof_pos(), (q.shape[0], 1)).astype(np.float32)
    dof[:, :7], dof[:, 7:9] = q, P.FINGER_STROKE
    data.reset(model, dof_pos=dof, dof_vel=np.zeros((q.shape[0], model.num_dof_vel), np.float32),
               forward_kinematic=True)
    data.actuator_ctrls = np.concatenate([q, P.finger_targets(np.ones(q.shape[0]))], axis=1).astype(np.float32)
    return data


def check_kinematics(model: ms.SceneModel) -> None:
    zero = _data(model, np.zeros((1, 7), np.float32))
    print(f"flange at the zero pose {model.get_site(P.FLANGE_SITE).get_position(zero)[0].round(5)} "
          f"(DH: {K.flange_pose(np.zeros(7))[:3, 3].round(5)})")
    q = np.random.default_rng(0).uniform(P.ARM_LOWER, P.ARM_UPPER, (256, 7)).astype(np.float32)
    data = _data(model, q)
    flange = np.abs(model.get_site(P.FLANGE_SITE).get_position(data) - K.flange_pose(q)[:, :3, 3]).max()
    tcp = np.abs(model.get_site(P.TCP_SITE).get_position(data) - K.tcp_position(q)).max()
    print(f"256 random poses: max |flange - DH| {flange:.2e} m, max |tcp - DH| {tcp:.2e} m")


def check_masses(model: ms.SceneModel) -> None:
    masses = {link.name: link.mass for link in model.links}
    print("link masses " + ", ".join(f"{k} {v:.3f}" for k, v in masses.items())
          + f"; moving total {sum(masses.values()):.3f} kg (facts {P.MOVING_MASS:.3f} + link0 0.63 on the world)")


def check_hold(model: ms.SceneModel, dt: float) -> None:
    model.options.timestep = dt
    q = np.tile(P.HOME, (8, 1))
    data = _data(model, q)
    model.step_n(data, int(2.0 / dt))
    sag = np.abs(data.dof_pos[:, :7] - q).max(axis=0)
    print(f"home pose held 2 s at dt {dt}: sag per joint {sag.round(4)} rad")


def bench(n: int, dt: float, seconds: float = 1.0) -> None:
    for name, model in (("arm alone", P.load()), ("lift scene", lift_scene.load()),
                        ("cabinet scene", cabinet_scene.load())):
        model.options.timestep = dt
        data = _data(model, np.tile(P.HOME, (n, 1)))
        steps = int(seconds / dt)
        model.step(data)
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(steps):
            model.step(data)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"{name:14s} {n} envs dt {dt}: CPU {cpu / steps / n * 1e6:5.1f} us per env-step, "
              f"wall {steps * n / wall:9,.0f} env-steps/s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--envs", type=int, default=512)
    ap.add_argument("--dt", type=float, default=0.02)
    args = ap.parse_args()
    arm = P.load()
    check_kinematics(arm)
    check_masses(arm)
    check_hold(P.load(), args.dt)
    bench(args.envs, args.dt)


if __name__ == "__main__":
    main()
