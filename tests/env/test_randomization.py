"""Domain randomization (``EnvCfg.randomization``): each quantity reaches MotrixSim per env,
draws are reproducible per seed, off changes nothing, and bad settings are one-line errors."""

from __future__ import annotations

import hashlib

import motrix
import numpy as np
import pytest
from motrix.env.randomization import (
    ComCfg,
    FrictionCfg,
    GainsCfg,
    GravityCfg,
    JointsCfg,
    MassCfg,
    PushCfg,
    RandomizationCfg,
)
from motrix.errors import UsageError
from motrix.testing import check_env

from ..core.test_cli import one_line_error

#: sha256 of obs, reward, flags, dof_pos and dof_vel of every step of a seeded rollout with
#: random actions, recorded before the randomization facility existed (motrixsim 0.10).
DIGESTS_BEFORE = {
    ("cartpole", 8, 300): "51165436aacd0c8493e218dc5fb927b5a4effa9d4e1e4137a1c5fae5a19be259",
    ("go1", 4, 400): "1619a9cb2e7bd6d9059da939288599387309ccd46cf13838a17fbc03e54f688e",
}

#: Every physics group on, drawn per reset.
EVERYTHING = RandomizationCfg(
    friction=FrictionCfg(geoms=".*_foot", range=(0.4, 1.0)),
    mass=MassCfg(links=".*", scale=(0.9, 1.1), added_links="trunk", added=(-1.0, 1.0)),
    com=ComCfg(links="trunk", offset=(-0.05, 0.05)),
    gains=GainsCfg(actuators=".*", kp_scale=(0.9, 1.1), kd_scale=(0.8, 1.2)),
    joints=JointsCfg(joints=".*", armature_scale=(1.0, 1.5), frictionloss=(0.0, 0.2)),
    gravity=GravityCfg(offset=(-0.5, 0.5)),
)


def digest(env, steps: int) -> str:
    state = env.init_state()
    rng = np.random.default_rng(1)
    h = hashlib.sha256()
    for _ in range(steps):
        state = env.step(rng.uniform(-1, 1, (env.num_envs, *env.action_space.shape)).astype(np.float32))
        for a in (state.obs, state.reward, state.terminated, state.truncated, env.data.dof_pos, env.data.dof_vel):
            h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def read_back(env) -> dict[str, np.ndarray]:
    """Every overridden parameter, as MotrixSim's getters report it: name -> (num_envs, items, ...)."""
    m, d = env.model, env.data
    feet = [m.get_geom(f"{leg}_foot") for leg in ("FR", "FL", "RR", "RL")]
    return {
        "friction": np.stack([g.get_friction_override(d) for g in feet], axis=1),
        "mass": np.stack([link.get_mass_override(d) for link in m.links], axis=1),
        "com": m.get_link("trunk").get_center_of_mass_override(d),
        "kp": np.stack([a.get_kp_override(d) for a in m.actuators], axis=1),
        "kd": np.stack([a.get_kd_override(d) for a in m.actuators], axis=1),
        "armature": np.stack([j.get_armature_override(d) for j in m.joints], axis=1),
        "frictionloss": np.stack([j.get_frictionloss_override(d) for j in m.joints], axis=1),
        "gravity": m.get_gravity_override(d),
    }


def go1(randomization: RandomizationCfg, num_envs: int = 16, seed: int = 0, **cfg):
    return motrix.make("go1", num_envs=num_envs, seed=seed, randomization=randomization, **cfg)


# -- off ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "num_envs", "steps"), list(DIGESTS_BEFORE))
def test_randomization_off_leaves_trajectories_bit_identical_to_before_it_existed(name, num_envs, steps):
    env = motrix.make(name, num_envs=num_envs, seed=7)
    assert not env.cfg.randomization.enabled
    assert digest(env, steps) == DIGESTS_BEFORE[(name, num_envs, steps)]
    assert env.randomizer is None


# -- each quantity reaches MotrixSim, per env -------------------------------------------------

def test_every_physics_quantity_reaches_motrixsim_per_env_within_its_range():
    env = go1(EVERYTHING)
    plain = read_back(motrix.make("go1", num_envs=1))  # the model's own values
    env.init_state()
    got = read_back(env)
    n = env.num_envs

    slide = got["friction"][:, :, 0]
    assert ((0.4 <= slide) & (slide <= 1.0)).all() and np.unique(slide[:, 0]).size == n
    assert (slide == slide[:, :1]).all()  # one floor friction per env, on every foot
    np.testing.assert_array_equal(got["friction"][:, :, 1:], np.broadcast_to(plain["friction"][:, :, 1:], (n, 4, 2)))

    base_mass = plain["mass"][0]
    trunk, massive = 0, base_mass > 0
    ratio = got["mass"][:, massive] / base_mass[massive]
    others = np.arange(massive.size)[massive] != trunk
    assert ((0.9 - 1e-6 <= ratio[:, others]) & (ratio[:, others] <= 1.1 + 1e-6)).all()
    assert (got["mass"][:, ~massive] == 0).all()  # massless links stay massless
    trunk_mass = got["mass"][:, trunk]
    assert ((0.9 * base_mass[0] - 1 <= trunk_mass) & (trunk_mass <= 1.1 * base_mass[0] + 1)).all()

    offset = got["com"] - plain["com"]
    assert (np.abs(offset) <= 0.05 + 1e-6).all() and np.unique(offset[:, 0]).size == n
    for key, (lo, hi) in (("kp", (0.9, 1.1)), ("kd", (0.8, 1.2)), ("armature", (1.0, 1.5))):
        scale = got[key] / plain[key]
        assert ((lo - 1e-6 <= scale) & (scale <= hi + 1e-6)).all(), key
        assert np.unique(scale).size == scale.size, f"{key}: one draw per env and item"
    assert ((0 <= got["frictionloss"]) & (got["frictionloss"] <= 0.2)).all()
    assert (np.abs(got["gravity"] - plain["gravity"]) <= 0.5 + 1e-6).all()


@pytest.mark.parametrize("randomization", [
    RandomizationCfg(friction=FrictionCfg(geoms=".*_foot", range=(0.1, 0.1))),
    RandomizationCfg(mass=MassCfg(links="trunk", scale=(1.5, 1.5))),
    RandomizationCfg(mass=MassCfg(added_links="trunk", added=(3.0, 3.0))),
    RandomizationCfg(com=ComCfg(links="trunk", offset=(0.05, 0.05))),
    RandomizationCfg(gains=GainsCfg(kp_scale=(0.5, 0.5))),
    RandomizationCfg(gains=GainsCfg(kd_scale=(3.0, 3.0))),
    RandomizationCfg(joints=JointsCfg(armature_scale=(5.0, 5.0))),
    RandomizationCfg(joints=JointsCfg(frictionloss=(1.0, 1.0))),
    RandomizationCfg(gravity=GravityCfg(offset=(1.0, 1.0))),
], ids=["friction", "mass scale", "added mass", "com", "kp", "kd", "armature", "frictionloss", "gravity"])
def test_each_override_changes_the_physics_not_only_what_the_getter_reports(randomization):
    actions = np.random.default_rng(0).uniform(-1, 1, (10, 4, 12)).astype(np.float32)

    def final_pose(r):
        env = go1(r, num_envs=4)
        env.init_state()
        for a in actions:
            env.step(a)
        return env.data.dof_pos

    assert np.abs(final_pose(randomization) - final_pose(RandomizationCfg())).max() > 0.02


def test_the_same_seed_draws_the_same_parameters_and_another_seed_others():
    first, again, other = go1(EVERYTHING, seed=5), go1(EVERYTHING, seed=5), go1(EVERYTHING, seed=6)
    for env in (first, again, other):
        env.init_state()
    a, b, c = read_back(first), read_back(again), read_back(other)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
        assert not np.array_equal(a[key], c[key]), key


def run_until_some_reset(env, steps: int = 400):
    """Step with random actions until some envs have fallen and been reset; which ones."""
    rng = np.random.default_rng(0)
    reset = np.zeros(env.num_envs, bool)
    for _ in range(steps):
        state = env.step(rng.uniform(-1, 1, (env.num_envs, 12)).astype(np.float32))
        reset |= state.done
        if reset.any():
            assert not reset.all()
            return reset
    raise AssertionError("no episode ended")


@pytest.mark.parametrize("when", ["start", "reset"])
def test_overrides_are_written_again_after_a_reset_and_redrawn_only_when_asked(when):
    """MotrixSim forgets overrides on ``data.reset``: the base writes them back (or new ones)."""
    cfg = RandomizationCfg(mass=MassCfg(links="trunk", scale=(0.5, 0.6), when=when),
                           gravity=GravityCfg(offset=(-2.0, 2.0), when=when))
    env = go1(cfg)
    env.init_state()
    before = read_back(env)
    reset = run_until_some_reset(env)
    after = read_back(env)
    for key in ("mass", "gravity"):
        np.testing.assert_array_equal(after[key][~reset], before[key][~reset])  # untouched envs keep theirs
        if when == "start":
            np.testing.assert_array_equal(after[key][reset], before[key][reset])
        else:
            assert (after[key][reset] != before[key][reset]).any(axis=-1).all()
    assert (after["mass"][:, 0] < 0.61 * 5.204).all()  # never the model's mass again


def test_interval_groups_are_redrawn_every_interval():
    env = go1(RandomizationCfg(gains=GainsCfg(kp_scale=(0.5, 1.5), when="interval", interval_seconds=0.1)),
              num_envs=4)
    env.init_state()
    zeros = np.zeros((4, 12), np.float32)
    seen = [read_back(env)["kp"]]
    for _ in range(10):  # 0.2 s: redrawn at steps 5 and 10
        env.step(zeros)
        seen.append(read_back(env)["kp"])
    changed = [t for t in range(1, 11) if not np.array_equal(seen[t], seen[t - 1])]
    assert changed == [5, 10]


# -- pushes, observation noise, action delay ------------------------------------------------

def test_pushes_change_the_base_velocity_by_the_drawn_amount_at_the_interval():
    pushed = go1(RandomizationCfg(push=PushCfg(velocity=(0.5, 0.5), interval_seconds=(0.1, 0.1))), seed=3)
    still = motrix.make("go1", num_envs=16, seed=3)
    pushed.init_state(), still.init_state()
    zeros = np.zeros((16, 12), np.float32)
    for t in range(5):
        pushed.step(zeros), still.step(zeros)
        kick = np.linalg.norm(pushed.data.dof_vel[:, :2] - still.data.dof_vel[:, :2], axis=1)
        if t < 4:
            assert (kick == 0).all()
    # pushed at the 5th step (0.1 s), less what the feet's friction took back in that step
    assert ((0.4 < kick) & (kick <= 0.5)).all()
    assert np.unique(np.round(np.arctan2(*(pushed.data.dof_vel[:, :2] - still.data.dof_vel[:, :2]).T), 3)).size > 8


def test_observation_noise_touches_only_the_named_slices_within_its_size():
    noise = {"base_ang_vel": 0.2, "joint_vel": 1.5}
    noisy = go1(RandomizationCfg(obs_noise=noise), seed=2)
    clean = motrix.make("go1", num_envs=16, seed=2)
    starts = {}
    start = 0
    for piece in noisy.observation_layout():
        starts[piece.name] = slice(start, start + piece.size)
        start += piece.size
    zeros = np.zeros((16, 12), np.float32)
    diffs = [noisy.init_state().obs - clean.init_state().obs]
    for _ in range(5):
        diffs.append(noisy.step(zeros).obs - clean.step(zeros).obs)
    for diff in diffs:
        mask = np.zeros(diff.shape[1], bool)
        for name, size in noise.items():
            part = diff[:, starts[name]]
            assert (np.abs(part) <= size * 1.0001).all() and np.abs(part).max() > size / 2, name
            mask[starts[name]] = True
        assert (diff[:, ~mask] == 0).all()


def test_an_action_delay_of_one_step_applies_each_action_one_step_late():
    delayed = go1(RandomizationCfg(action_delay_steps=(1, 1)), num_envs=4, seed=1)
    prompt = motrix.make("go1", num_envs=4, seed=1)
    delayed.init_state(), prompt.init_state()
    rng = np.random.default_rng(0)
    actions = rng.uniform(-0.3, 0.3, (20, 4, 12)).astype(np.float32)
    late = np.concatenate([np.zeros((1, 4, 12), np.float32), actions[:-1]])  # the zero action first
    for t in range(20):
        delayed.step(actions[t]), prompt.step(late[t])
        np.testing.assert_array_equal(delayed.data.dof_pos, prompt.data.dof_pos)


def test_action_delays_are_drawn_per_env_in_the_range():
    env = go1(RandomizationCfg(action_delay_steps=(0, 2)), num_envs=64)
    env.init_state()
    delays = env.randomizer.snapshot()["delay"]
    assert set(delays.tolist()) == {0, 1, 2}


# -- the env contract still holds ----------------------------------------------------------

def test_the_env_contract_holds_with_every_kind_of_randomization_on():
    cfg = {"randomization": EVERYTHING, "randomization.gravity.when": "interval",
           "randomization.gravity.interval_seconds": 0.5, "randomization.mass.when": "start",
           "randomization.push.velocity": (0.3, 1.0), "randomization.push.interval_seconds": (0.2, 0.4),
           "randomization.obs_noise": {"joint_pos": 0.03, "projected_gravity": 0.05},
           "randomization.action_delay_steps": (0, 2)}
    check_env("go1", env_overrides=cfg)


# -- bad settings ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"randomization.friction.range": (1.0, 0.4)}, "randomization.friction.range must be empty (off) or two"),
        ({"randomization.mass.scale": (0.0, 1.1)}, "randomization.mass.scale must be > 0"),
        ({"randomization.gains.when": "often"}, "randomization.gains.when must be one of start, reset, interval"),
        ({"randomization.gravity.when": "interval", "randomization.gravity.offset": (-1.0, 1.0)},
         "randomization.gravity.interval_seconds must be > 0"),
        ({"randomization.push.velocity": (0.5, float("nan"))}, "randomization.push.velocity must be a finite"),
        ({"randomization.obs_noise": {"joint_pos": -1.0}}, "randomization.obs_noise.joint_pos must be a number"),
        ({"randomization.com.links": "(", "randomization.com.offset": (0.0, 0.1)},
         "randomization.com.links is not a regular expression"),
        ({"randomization.pushes.velocity": (0.5, 1.0)}, "env config: unknown key 'randomization.pushes.velocity'"),
    ],
)
def test_bad_settings_are_one_usage_error_naming_the_field(overrides, message):
    with pytest.raises(UsageError) as err:
        motrix.make("go1", **overrides)
    assert str(err.value).startswith(message), str(err.value)


@pytest.mark.parametrize(
    ("name", "overrides", "message"),
    [
        ("go1", {"randomization.mass.links": "wing", "randomization.mass.scale": (0.9, 1.1)},
         "randomization.mass.links 'wing' matches no link of the model (links: trunk, FR_hip"),
        ("go1", {"randomization.mass.added_links": "trunk", "randomization.mass.added": (-6.0, 0.0)},
         "randomization.mass: link 'trunk' could get mass"),
        ("go1", {"randomization.obs_noise": {"imu": 0.1}}, "randomization.obs_noise: the observation has no slice 'imu'"),
        ("cartpole", {"randomization.push.velocity": (0.5, 0.5)}, "randomization.push needs one floating base"),
    ],
)
def test_settings_the_model_cannot_take_are_usage_errors_when_the_env_starts(name, overrides, message):
    env = motrix.make(name, num_envs=2, **overrides)
    with pytest.raises(UsageError) as err:
        env.init_state()
    assert str(err.value).startswith(message), str(err.value)


def test_the_cli_reports_a_bad_setting_in_one_line_with_exit_2(motrix_cli, tmp_path):
    result = motrix_cli("train", "go1", "--backend", "torch", "--num-envs", "4", "--steps", "100",
                        "--runs-dir", str(tmp_path), "--env-set", "randomization.friction.range=0.4,1",
                        "--env-set", "randomization.friction.geoms=nope")
    assert result.returncode == 2
    assert one_line_error(result).startswith("motrix: error: randomization.friction.geoms 'nope' matches no geom")
    result = motrix_cli("config", "go1", "--backend", "torch", "--env-set", "randomization.push=1")
    assert result.returncode == 2
    assert "a group of settings; set its fields (randomization.push.velocity" in one_line_error(result)
