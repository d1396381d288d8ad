"""Check the Go1 model physically and measure MotrixSim throughput and read costs.

    python -m motrix_envs_locomotion.go1.check_model                # everything
    python -m motrix_envs_locomotion.go1.check_model --only stand   # stand / bench / reads

Reports: total mass, trunk height after holding the standing pose with PD on flat, rough
and stairs terrain, physics throughput (physics steps/s x envs) for position servos with
`step_n` vs `step`, and for motor actuators with a NumPy PD, and the cost of every batched
read an env needs. Timings are wall clock on whatever cores MotrixSim's pool gets.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable

import motrixsim as ms
import numpy as np
from motrixsim import query as q
from motrixsim import write as w

from . import model as G
from .. import terrain as T


def _stand_data(model: ms.SceneModel, n: int, hf: T.Terrain | None = None,
                xy: np.ndarray | None = None) -> ms.SceneData:
    data = ms.SceneData(model, batch=(n,))
    ground = 0.0 if hf is None else hf.height_at(*(np.zeros((2, n)) if xy is None else xy.T))
    data.reset(model, dof_pos=G.standing_dof_pos(model, n, ground, xy),
               dof_vel=np.zeros(model.num_dof_vel, np.float32), forward_kinematic=True)
    data.actuator_ctrls = np.tile(G.DEFAULT_JOINT_POS, (n, 1))
    return data


def _upright(dof_pos: np.ndarray) -> np.ndarray:
    """z component of the trunk's up axis in world (1 = level), from the xyzw quaternion."""
    x, y = dof_pos[:, 3], dof_pos[:, 4]
    return 1.0 - 2.0 * (x * x + y * y)


def quat_rotate_inverse(quat_xyzw: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Rotate world vectors v (n, 3) into the body frame of quat (n, 4), scalar last."""
    xyz, w = quat_xyzw[:, :3], quat_xyzw[:, 3:4]
    t = 2.0 * np.cross(xyz, v)
    return v - w * t + np.cross(xyz, t)


def check_mass(model: ms.SceneModel) -> None:
    mass = sum(link.mass for link in model.links)
    print(f"total mass {mass:.3f} kg (facts {G.TOTAL_MASS:.3f}); links {model.num_links}, "
          f"joints {model.num_joints}, dof_pos {model.num_dof_pos}, dof_vel {model.num_dof_vel}")
    print(f"joints {model.joint_names}")


def check_stand(n: int, seconds: float) -> None:
    """Hold the standing pose with the position servos on each terrain."""
    rng = np.random.default_rng(0)
    cases: list[tuple[str, T.Terrain | None, np.ndarray | None]] = [
        ("flat", None, None),
        ("rough (centre)", T.rough(seed=0), None),
        ("rough (random xy)", T.rough(seed=0), rng.uniform(-3.0, 3.0, (n, 2))),
        ("stairs hill (top platform)", T.stairs(step_height=0.08), None),
        # pit with 0.5 m treads: at x = 0.75 all four feet (x +-0.19) are on the first step
        ("stairs pit (on a step)", T.stairs(step_height=0.08, step_depth=0.5, ascending=False),
         np.column_stack([np.full(n, 0.75), rng.uniform(-0.3, 0.3, n)])),
        # default 0.3 m treads: the robot straddles three steps (front feet one step up)
        ("stairs pit (across steps)", T.stairs(step_height=0.05, ascending=False),
         np.column_stack([np.full(n, 0.95), rng.uniform(-0.3, 0.3, n)])),
        ("heightfield stairs (across)", T.stairs_heightfield(step_height=0.05, ascending=False),
         np.column_stack([np.full(n, 0.95), rng.uniform(-0.3, 0.3, n)])),
    ]
    for name, hf, xy in cases:
        model = G.load(hf)
        data = _stand_data(model, n, hf, xy)
        start = data.dof_pos
        steps = int(round(seconds / model.options.timestep))
        model.step_n(data, steps)
        dof = data.dof_pos
        dz = dof[:, 2] - (start[:, 2] - G.SPAWN_HEIGHT)  # trunk height above the spawn ground
        contacts = model.get_contact_query(data).num_contacts
        drift = np.linalg.norm(dof[:, :2] - start[:, :2], axis=1)
        up = _upright(dof)
        print(f"stand {name:28s} {seconds:.0f}s: trunk above ground {dz.mean():.4f} "
              f"[{dz.min():.4f}, {dz.max():.4f}] m, upright min {up.min():.4f}, "
              f"xy drift max {drift.max():.3f} m, contacts/robot {contacts.mean():.1f}, "
              f"finite {np.isfinite(dof).all()}")


def _motor_xml() -> str:
    """go1.xml with torque motors instead of position servos (for the NumPy PD benchmark)."""
    text = G.GO1_XML.read_text()
    limits = dict(zip(G.ACTUATOR_NAMES, G.TORQUE_LIMITS))

    def motor(match: re.Match) -> str:
        name, joint = match.group(1), match.group(2)
        lim = limits[name]
        return f'<motor name="{name}" joint="{joint}" ctrlrange="{-lim} {lim}"/>'

    return re.sub(r'<position name="(\w+)" joint="(\w+)" class="\w+"/>', motor, text)


def _timed(fn: Callable[[], None], repeats: int) -> tuple[float, float]:
    """(wall, process CPU) seconds for `repeats` calls of fn."""
    t, c = time.perf_counter(), time.process_time()
    for _ in range(repeats):
        fn()
    return time.perf_counter() - t, time.process_time() - c


def bench(envs: list[int], sim_dt: float, ctrl_dt: float, seconds: float, rounds: int = 3) -> None:
    """Physics throughput while holding the standing pose (contacts on all four feet).

    Variants run interleaved for `rounds` rounds of ~`seconds` simulated time each, so load
    from other processes hits them alike. Reported: best and median wall-clock rate in
    physics steps/s x envs, and process CPU time per env-step (all threads; robust to
    other processes as long as they do not share our cores' caches).
    """
    sub = int(round(ctrl_dt / sim_dt))
    reps = max(1, int(seconds / ctrl_dt))
    servo = G.load(timestep=sim_dt)
    motor = ms.load_mjcf_str(_motor_xml())
    motor.options.timestep = sim_dt
    hf = T.rough(seed=0)
    rough = G.load(hf, timestep=sim_dt)
    box = T.stairs(ascending=False)
    stairs = G.load(box, timestep=sim_dt)
    hbox = T.stairs_heightfield(ascending=False)
    hstairs = G.load(hbox, timestep=sim_dt)
    rng = np.random.default_rng(0)
    for n in envs:
        target = np.tile(G.DEFAULT_JOINT_POS, (n, 1))
        sdata, ldata = _stand_data(servo, n), _stand_data(servo, n)
        rdata = _stand_data(rough, n, hf, rng.uniform(-3.0, 3.0, (n, 2)))
        xy = rng.uniform(-2.0, 2.0, (n, 2))  # on the steps and across risers
        bdata, hbdata = _stand_data(stairs, n, box, xy), _stand_data(hstairs, n, hbox, xy)
        pdata, hdata = _stand_data(motor, n), _stand_data(motor, n)
        plan = motor.compile_query({"q": q.DofPosition(), "qd": q.DofVelocity()}).allocate(pdata)

        def servo_loop() -> None:
            for _ in range(sub):
                servo.step(ldata)

        def numpy_pd() -> None:  # PD every physics step, reads through a query program
            for _ in range(sub):
                plan.execute(pdata)
                tau = G.KP * (target - plan["q"][:, 7:]) - G.KD * plan["qd"][:, 6:]
                pdata.actuator_ctrls = np.clip(tau, -G.TORQUE_LIMITS, G.TORQUE_LIMITS)
                motor.step(pdata)

        def held_pd() -> None:  # PD once per control step, torque held for `sub` steps
            tau = G.KP * (target - hdata.dof_pos[:, 7:]) - G.KD * hdata.dof_vel[:, 6:]
            hdata.actuator_ctrls = np.clip(tau, -G.TORQUE_LIMITS, G.TORQUE_LIMITS)
            motor.step_n(hdata, sub)

        variants: dict[str, Callable[[], None]] = {
            f"servo step_n({sub})": lambda: servo.step_n(sdata, sub),
            f"servo {sub}x step": servo_loop,
            "motor + NumPy PD each step": numpy_pd,
            f"motor, PD held {ctrl_dt}s + step_n": held_pd,
            f"servo step_n({sub}) rough (hfield)": lambda: rough.step_n(rdata, sub),
            f"servo step_n({sub}) stairs (boxes)": lambda: stairs.step_n(bdata, sub),
            f"servo step_n({sub}) stairs (hfield)": lambda: hstairs.step_n(hbdata, sub),
        }
        times: dict[str, list[tuple[float, float]]] = {k: [] for k in variants}
        for fn in variants.values():
            fn()  # warm up (thread pool, caches)
        for _ in range(rounds):
            for name, fn in variants.items():
                times[name].append(_timed(fn, reps))
        steps = reps * sub * n
        print(f"bench {n} envs, sim_dt {sim_dt}, ctrl_dt {ctrl_dt} ({sub} substeps):")
        for name, tc in times.items():
            wall = np.array([t for t, _ in tc])
            cpu = np.median([c for _, c in tc])
            print(f"  {name:34s} wall best {steps / wall.min():9,.0f}/s  median "
                  f"{steps / np.median(wall):9,.0f}/s  | CPU {cpu / steps * 1e6:5.1f} us/env-step")
        heights = {"servo": sdata, "numpy PD": pdata, "held PD": hdata}
        print("  trunk z after the runs: " + ", ".join(
            f"{k} {d.dof_pos[:, 2].mean():.3f}" for k, d in heights.items()))


def stress(n: int, sim_dt: float, ctrl_dt: float, seconds: float, scale: float) -> None:
    """Random joint targets (default + scale*U(-1,1)) every control step: no NaN, no explosion."""
    model = G.load(timestep=sim_dt)
    data = _stand_data(model, n)
    rng = np.random.default_rng(0)
    sub = int(round(ctrl_dt / sim_dt))
    vmax = 0.0
    for _ in range(int(seconds / ctrl_dt)):
        noise = rng.uniform(-1, 1, (n, 12)).astype(np.float32)
        data.actuator_ctrls = G.DEFAULT_JOINT_POS + scale * noise
        model.step_n(data, sub)
        vmax = max(vmax, float(np.abs(data.dof_vel[:, 6:]).max()))
    dof = data.dof_pos
    print(f"stress {n} envs dt {sim_dt}, random targets +-{scale} rad for {seconds:.0f}s: finite "
          f"{np.isfinite(dof).all()}, max joint speed {vmax:.1f} rad/s, trunk z "
          f"[{dof[:, 2].min():.3f}, {dof[:, 2].max():.3f}], fallen (upright<0.5) "
          f"{int((_upright(dof) < 0.5).sum())}/{n}")


def _cost(label: str, fn: Callable[[], object], repeats: int = 200) -> None:
    """Per-call cost: median wall time of single calls, and mean process CPU time (which
    counts every pool thread, so it is the honest cost when the cores are shared)."""
    fn()
    walls = []
    c = time.process_time()
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t)
    cpu = (time.process_time() - c) / repeats
    print(f"  wall {np.median(walls) * 1e6:9.1f} us | CPU {cpu * 1e6:9.1f} us  {label}")


def reads(n: int) -> None:
    """Cost of each batched read/write an env needs, at n envs (rough terrain scene)."""
    hf = T.rough(seed=0)
    model = G.load(hf)
    model.reports.contact_forces = True
    model.reports.contacting_geoms = True
    data = _stand_data(model, n, hf, np.random.default_rng(0).uniform(-3.0, 3.0, (n, 2)))
    model.step_n(data, 50)
    print(f"reads at {n} envs (per call):")
    _cost("model.step_n(data, 5)  [reference: one control step of physics]",
          lambda: model.step_n(data, 5), 20)
    _cost("data.dof_pos  -> (n,19) copy [x y z qx qy qz qw, 12 joints]", lambda: data.dof_pos)
    _cost("data.dof_vel  -> (n,18) copy [world lin vel, body ang vel, 12 joints]",
          lambda: data.dof_vel)
    dof = data.dof_pos
    vel = data.dof_vel
    _cost("numpy: body-frame lin vel from dof (quat_rotate_inverse)",
          lambda: quat_rotate_inverse(dof[:, 3:7], vel[:, 0:3]))
    _cost("numpy: projected gravity from dof quat",
          lambda: quat_rotate_inverse(dof[:, 3:7], np.broadcast_to(
              np.array([0, 0, -1], np.float32), (n, 3))))
    fb = model.floating_bases[0]
    _cost("floating_base.get_local_angular_velocity(data)",
          lambda: fb.get_local_angular_velocity(data))
    targets = np.ascontiguousarray(dof[:, 7:])  # the setter rejects non-contiguous views
    _cost("data.actuator_ctrls = targets (n,12) C-contiguous",
          lambda: setattr(data, "actuator_ctrls", targets))
    _cost("model.get_sensor_values(5 IMU/frame sensors, data) -> (n,16) [lags 1 step]",
          lambda: model.get_sensor_values(list(G.SENSORS), data))
    _cost("motrixsim.forward_kinematic(model, data) [refresh links/sites/sensors]",
          lambda: ms.forward_kinematic(model, data), 50)
    feet = [model.get_link_index(c) for c in G.FOOT_LINKS]
    _cost("model.get_link_poses(data, foot link idx) -> (n,4,7)",
          lambda: model.get_link_poses(data, feet))
    _cost("model.get_link_net_contact_forces(data, foot link idx) -> (n,4,6)",
          lambda: model.get_link_net_contact_forces(data, feet))
    sites = [model.get_site(s) for s in G.FOOT_SITES]
    _cost("4 x site.get_position(data) -> 4 x (n,3)",
          lambda: [s.get_position(data) for s in sites])
    geom = model.get_geom_index
    pairs = np.array([[geom(f), geom("terrain")] for f in G.FOOT_GEOMS]
                     + [[geom(b), geom("terrain")] for b in G.BODY_GEOMS], dtype=np.uint32)
    _cost("model.get_contact_query(data)", lambda: model.get_contact_query(data))
    _cost("contact_query.is_colliding(10 pairs) -> (n,10) bool",
          lambda: model.get_contact_query(data).is_colliding(pairs))
    plan = model.compile_query({
        "dof_pos": q.DofPosition(),
        "dof_vel": q.DofVelocity(),
        "feet": q.SitePosition(list(G.FOOT_SITES)),
        "foot_force": q.LinkNetContactForces(list(G.FOOT_LINKS)),
        "imu": q.SensorValues(list(G.SENSORS)),
        "foot_contact": q.GeomPairCollision([(f, "terrain") for f in G.FOOT_GEOMS]),
        "body_contact": q.GeomPairCollision([(b, "terrain") for b in G.BODY_GEOMS]),
    })
    prog = plan.allocate(data)
    _cost(f"query program .execute(data) (all of the above, width {plan.total_width})",
          lambda: prog.execute(data))
    small = model.compile_query({"dof_pos": q.DofPosition(),
                                 "dof_vel": q.DofVelocity()}).allocate(data)
    _cost("query program .execute(data) (dof_pos + dof_vel only)", lambda: small.execute(data))
    scan_pts = np.stack(np.meshgrid(np.linspace(-0.8, 0.8, 17), np.linspace(-0.5, 0.5, 11)),
                        -1).reshape(-1, 2).astype(np.float32)
    scanner = ms.TerrainScanner(model.get_geom("terrain"), model.get_link(G.TRUNK), scan_pts,
                                alignment="yaw", output="clearance")
    out = np.zeros((n, len(scan_pts)), np.float32)
    _cost(f"TerrainScanner.scan(data, out) {len(scan_pts)} points (yaw-aligned clearance)",
          lambda: scanner.scan(data, out))
    feet_xy = np.zeros((n, 4, 2), np.float32)
    g = model.get_geom("terrain")
    _cost("GeomHField.sample_height(data, (n,4,2) foot xy) -> (n,4)",
          lambda: g.sample_height(data, feet_xy))
    mask = np.zeros(n, bool)
    mask[::10] = True
    reset_pos = G.standing_dof_pos(model, int(mask.sum()))
    zeros = np.zeros(model.num_dof_vel, np.float32)
    _cost("data[mask].reset(model, dof_pos, dof_vel)  (10% of envs)",
          lambda: data[mask].reset(model, dof_pos=reset_pos, dof_vel=zeros), 50)
    # Write programs: one call scatters rows into the selected worlds (env_ids).
    ctrl = model.compile_write({"ctrl": w.ActuatorCtrls()}).allocate(data)
    ctrl["ctrl"][:] = G.DEFAULT_JOINT_POS
    _cost("write program ActuatorCtrls .execute(data)  (all envs)", lambda: ctrl.execute(data))
    reset = model.compile_write({
        "pos": w.BodyPosition([G.TRUNK]), "rot": w.BodyRotation([G.TRUNK]),
        "q": w.BodyJointPosition(list(G.JOINT_NAMES)), "ctrl": w.ActuatorCtrls(),
    }, reset=True, reset_overrides=False, forward_kinematic=True).allocate(data)
    reset["pos"][:] = [0.0, 0.0, G.SPAWN_HEIGHT]
    reset["rot"][:] = [0.0, 0.0, 0.0, 1.0]
    reset["q"][:] = G.DEFAULT_JOINT_POS
    reset["ctrl"][:] = G.DEFAULT_JOINT_POS
    env_ids = np.flatnonzero(mask)
    _cost("write program reset=True (pose, joints, ctrl) .execute(data, env_ids)  (10%)",
          lambda: reset.execute(data, env_ids), 50)
    # sanity: the query values agree with the direct calls
    ms.forward_kinematic(model, data)
    prog.execute(data)
    print("  check: query feet == site.get_position:",
          bool(np.allclose(prog["feet"][:, 0], sites[0].get_position(data), atol=1e-5)),
          "| foot contact rate", float(prog["foot_contact"].mean()),
          "| body contact rate", float(prog["body_contact"].mean()),
          "| foot Fz mean", float(prog["foot_force"][:, :, 2].mean()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", choices=["stand", "bench", "reads", "stress"], default=None)
    ap.add_argument("--envs", type=int, nargs="+", default=[256, 1024])
    ap.add_argument("--sim-dt", type=float, nargs="+", default=[0.004, 0.005])
    ap.add_argument("--ctrl-dt", type=float, default=0.02)
    ap.add_argument("--seconds", type=float, default=2.0)
    args = ap.parse_args()
    run = (lambda part: args.only in (None, part))
    if run("stand"):
        check_mass(G.load())
        check_stand(64, args.seconds)
    if run("stress"):
        for dt in args.sim_dt:
            stress(256, dt, args.ctrl_dt, args.seconds, scale=0.5)
    if run("bench"):
        for dt in args.sim_dt:
            bench(args.envs, dt, args.ctrl_dt, args.seconds)
    if run("reads"):
        reads(max(args.envs))


if __name__ == "__main__":
    main()
