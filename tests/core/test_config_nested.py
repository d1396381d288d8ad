"""Nested config groups (``EnvCfg.randomization``): dotted keys in ``--env-set``, config files,
``motrix.make`` and ``motrix config``, each changing only what it names."""

from __future__ import annotations

import dataclasses
import json

import pytest
from motrix.config.file import ConfigFile, render
from motrix.config.nested import apply, flatten
from motrix.config.overrides import from_dict, parse_overrides
from motrix.config.rl import PPOCfg
from motrix.env.make import make_env_cfg
from motrix.errors import UsageError
from motrix.registry import get_env
from motrix_envs_locomotion.go1.robust import GO1_RANDOMIZATION, Go1RobustCfg

from .test_cli import one_line_error


def test_a_dotted_env_set_changes_one_field_of_a_group_and_keeps_the_rest():
    updates = parse_overrides(Go1RobustCfg, ["randomization.push.velocity=0.5,0.5",
                                             "randomization.obs_noise.joint_pos=0.1"], "--env-set")
    assert updates == {"randomization.push.velocity": (0.5, 0.5), "randomization.obs_noise.joint_pos": 0.1}
    cfg = make_env_cfg(get_env("go1-robust"), updates)
    assert cfg.randomization.push == dataclasses.replace(GO1_RANDOMIZATION.push, velocity=(0.5, 0.5))
    assert cfg.randomization.obs_noise == {**GO1_RANDOMIZATION.obs_noise, "joint_pos": 0.1}
    assert cfg.randomization.friction == GO1_RANDOMIZATION.friction
    assert Go1RobustCfg().randomization == GO1_RANDOMIZATION  # the default is not changed in place


def test_a_whole_table_value_can_be_given_too():
    updates = parse_overrides(Go1RobustCfg, ["randomization.obs_noise=joint_pos:0.1,base_ang_vel:0.3"], "--env-set")
    assert updates == {"randomization.obs_noise": {"joint_pos": 0.1, "base_ang_vel": 0.3}}


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("randomization.psh.velocity=1,2",
         "--env-set: unknown key 'randomization.psh.velocity' for randomization (RandomizationCfg); did you mean push?"),
        ("randomization.push.speed=1,2",
         "--env-set: unknown key 'randomization.push.speed' for randomization.push (PushCfg)"),
        ("randomization.push.velocity=fast", "--env-set randomization.push.velocity='fast': expected comma-separated"),
        ("randomization.obs_noise=joint_pos",
         "--env-set randomization.obs_noise='joint_pos': expected comma-separated name:float pairs"),
        ("randomization=off", "--env-set randomization: a group of settings; set its fields (randomization.friction"),
        ("sim_dt.x=1", "--env-set: 'sim_dt' has no fields"),
    ],
)
def test_bad_dotted_keys_name_the_group_and_its_keys(assignment, message):
    with pytest.raises(UsageError) as err:
        parse_overrides(Go1RobustCfg, [assignment], "--env-set")
    assert str(err.value).startswith(message), str(err.value)


def test_a_config_file_writes_groups_as_dotted_keys_and_reads_back_equal(tmp_path):
    cfg = Go1RobustCfg(randomization=dataclasses.replace(GO1_RANDOMIZATION, action_delay_steps=(1, 2)))
    text = render(PPOCfg(), cfg)
    assert "randomization.push.velocity = [0.2, 1.0]\n" in text
    assert "randomization.obs_noise = {base_lin_vel = 0.1, " in text
    path = tmp_path / "c.toml"
    path.write_text(text)
    assert apply(Go1RobustCfg(), ConfigFile.read(path).env_values(Go1RobustCfg)) == cfg


def test_a_partial_file_changes_only_the_fields_it_names(tmp_path):
    path = tmp_path / "partial.toml"
    path.write_text("[env]\nrandomization.push.velocity = [0.5, 0.5]\n\n[env.randomization.friction]\nrange = [0.3, 0.9]\n")
    values = ConfigFile.read(path).env_values(Go1RobustCfg)
    assert values == {"randomization.push.velocity": (0.5, 0.5), "randomization.friction.range": (0.3, 0.9)}
    cfg = apply(Go1RobustCfg(), values)
    assert cfg.randomization.push.interval_seconds == GO1_RANDOMIZATION.push.interval_seconds
    assert cfg.randomization.friction.geoms == ".*_foot" and cfg.randomization.mass == GO1_RANDOMIZATION.mass


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[env]\nrandomization.push.speed = 1\n", "[env] unknown key 'randomization.push.speed' for PushCfg"),
        ("[env]\nrandomization.push.velocity = 1\n", "[env] randomization.push.velocity = 1: expected a list of floats"),
        ("[env]\nrandomization = 1\n", "[env] randomization: a group of settings, write a table of its fields"),
    ],
)
def test_a_bad_group_in_a_file_is_one_usage_error(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(UsageError) as err:
        ConfigFile.read(path).env_values(Go1RobustCfg)
    assert str(err.value).startswith(f"{path}: {message}"), str(err.value)


def test_groups_round_trip_through_run_metadata_json():
    cfg = Go1RobustCfg()
    again = from_dict(Go1RobustCfg, json.loads(json.dumps(dataclasses.asdict(cfg))))
    assert again == cfg and isinstance(again.randomization.push.velocity, tuple)


def test_flatten_lists_every_leaf_once():
    keys = flatten(Go1RobustCfg())
    assert "randomization.gains.kp_scale" in keys and "randomization" not in keys and "terrain" in keys


def test_motrix_config_then_train_config_reads_the_groups(motrix_cli, tmp_path):
    shown = motrix_cli("config", "go1-robust", "--backend", "torch", "--env-set", "randomization.push.velocity=0.5,0.5")
    assert shown.returncode == 0, shown.stderr
    path = tmp_path / "robust.toml"
    path.write_text(shown.stdout)
    again = motrix_cli("config", "go1-robust", "--backend", "torch", "--config", str(path), "--json")
    assert again.returncode == 0, again.stderr
    env_cfg = json.loads(again.stdout)["env_cfg"]
    assert env_cfg["randomization"]["push"]["velocity"] == [0.5, 0.5]
    assert env_cfg["randomization"]["friction"]["range"] == [0.4, 1.0]
    bad = motrix_cli("config", "go1-robust", "--backend", "torch", "--env-set", "randomization.push.velocity=1,0")
    assert bad.returncode == 2
    assert one_line_error(bad).startswith("motrix: error: randomization.push.velocity must be empty (off) or two")
