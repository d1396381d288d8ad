"""RL/env config dataclasses and the typed ``--set`` / ``--env-set`` parser."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motrix.config import BaseRLCfg, PPOCfg
from motrix.config.overrides import from_dict, parse_overrides
from motrix.env.cfg import EnvCfg
from motrix.errors import UsageError

SEED_FIELDS = {
    "seed", "num_envs", "play_num_envs", "max_env_steps", "check_point_interval",
    "policy_hidden_layer_sizes", "value_hidden_layer_sizes", "share_policy_value_features",
    "rollouts", "learning_epochs", "mini_batches", "discount_factor", "lambda_param",
    "learning_rate", "learning_rate_scheduler_kl_threshold", "random_timesteps", "learning_starts",
    "grad_norm_clip", "time_limit_bootstrap", "ratio_clip", "value_clip", "clip_predicted_values",
    "entropy_loss_scale", "value_loss_scale", "kl_threshold", "rewards_shaper_scale",
}


def test_ppo_cfg_has_every_field_of_the_seed_documents_each_with_a_docstring():
    import ast
    import inspect

    import motrix.config.rl as rl

    names = {f.name for f in dataclasses.fields(PPOCfg)}
    assert SEED_FIELDS <= names
    tree = ast.parse(inspect.getsource(rl))
    documented = set()
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        body = cls.body
        for i, node in enumerate(body[:-1]):
            nxt = body[i + 1]
            if isinstance(node, ast.AnnAssign) and isinstance(nxt, ast.Expr) and isinstance(nxt.value, ast.Constant):
                documented.add(node.target.id)
    assert names <= documented, f"fields without a docstring: {sorted(names - documented)}"


@pytest.mark.parametrize(
    ("assignment", "field", "value"),
    [
        ("num_envs=512", "num_envs", 512),
        ("max_env_steps=1e6", "max_env_steps", 1_000_000),
        ("learning_rate=3e-4", "learning_rate", 3e-4),
        ("share_policy_value_features=true", "share_policy_value_features", True),
        ("time_limit_bootstrap=0", "time_limit_bootstrap", False),
        ("policy_hidden_layer_sizes=64,64", "policy_hidden_layer_sizes", (64, 64)),
        ("value_hidden_layer_sizes=(128, 64, 32)", "value_hidden_layer_sizes", (128, 64, 32)),
        ("activation=tanh", "activation", "tanh"),
    ],
)
def test_overrides_are_parsed_to_the_field_type(assignment, field, value):
    assert parse_overrides(PPOCfg, [assignment]) == {field: value}


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("rollout=8", "--set: unknown key 'rollout' for PPOCfg; did you mean rollouts?"),
        ("num_envs=many", "--set num_envs='many': expected int"),
        ("num_envs=1.5", "--set num_envs='1.5': expected int"),
        ("share_policy_value_features=maybe", "--set share_policy_value_features='maybe': expected bool"),
        ("policy_hidden_layer_sizes=64,x", "--set policy_hidden_layer_sizes='64,x': expected comma-separated ints"),
        ("num_envs", "--set expects key=value, got 'num_envs'"),
    ],
)
def test_bad_overrides_name_the_key_and_the_expected_type(assignment, message):
    with pytest.raises(UsageError) as err:
        parse_overrides(PPOCfg, [assignment])
    assert str(err.value).startswith(message)


def test_env_overrides_use_their_own_flag_in_messages():
    with pytest.raises(UsageError, match=r"^--env-set: unknown key 'sim_td' for EnvCfg; did you mean sim_dt\?"):
        parse_overrides(EnvCfg, ["sim_td=0.01"], flag="--env-set")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"num_envs": 0}, "num_envs must be > 0"),
        ({"num_envs": -4}, "num_envs must be > 0"),
        ({"mini_batches": 3, "num_envs": 10, "rollouts": 16}, "must divide into mini_batches"),
        ({"discount_factor": 1.5}, "discount_factor must be in (0, 1]"),
        ({"random_timesteps": 100}, "random_timesteps and learning_starts must be 0"),
        ({"activation": "gelu"}, "activation must be one of"),
        ({"policy_hidden_layer_sizes": ()}, "policy_hidden_layer_sizes must be positive"),
    ],
)
def test_replace_validates(changes, message):
    with pytest.raises(UsageError) as err:
        PPOCfg().replace(**changes)
    assert message in str(err.value)


def test_replace_returns_a_new_config_and_leaves_the_old_one():
    cfg = PPOCfg()
    new = cfg.replace(num_envs=32)
    assert (cfg.num_envs, new.num_envs, type(new)) == (256, 32, PPOCfg)


@pytest.mark.parametrize(
    ("max_env_steps", "num_envs", "interval", "iterations"),
    [
        (1_000_000, 1000, 50, 1000),
        (1_000_001, 1000, 50, 1050),  # rounded up to whole checkpoint intervals
        (100, 1000, 50, 50),  # at least one interval
    ],
)
def test_max_batch_env_steps_is_aligned_to_the_checkpoint_interval(max_env_steps, num_envs, interval, iterations):
    cfg = BaseRLCfg(max_env_steps=max_env_steps, num_envs=num_envs, check_point_interval=interval)
    assert cfg.max_batch_env_steps == iterations


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sim_dt": 0.02, "ctrl_dt": 0.01}, "sim_dt (0.02) must not exceed ctrl_dt (0.01)"),
        ({"sim_dt": 0.003, "ctrl_dt": 0.01}, "must be a whole multiple of sim_dt"),
        ({"sim_dt": 0.0}, "sim_dt must be a positive number"),
        ({"max_episode_seconds": -1.0}, "max_episode_seconds must be > 0"),
    ],
)
def test_env_cfg_validation(changes, message):
    with pytest.raises(UsageError) as err:
        dataclasses.replace(EnvCfg(), **changes).validate()
    assert message in str(err.value)


def test_env_cfg_derives_steps_and_substeps():
    cfg = EnvCfg(sim_dt=0.005, ctrl_dt=0.02, max_episode_seconds=20.0)
    assert (cfg.sim_substeps, cfg.max_episode_steps) == (4, 1000)


def test_configs_round_trip_through_json_dicts():
    import json

    cfg = PPOCfg(policy_hidden_layer_sizes=(32, 16), seed=7)
    again = from_dict(PPOCfg, json.loads(json.dumps(dataclasses.asdict(cfg))))
    assert again == cfg


# -- properties (hypothesis) ----------------------------------------------------------------

@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_any_int_written_out_parses_back(n):
    assert parse_overrides(PPOCfg, [f"seed={n}"]) == {"seed": n}


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_float_written_out_parses_back(x):
    assert parse_overrides(PPOCfg, [f"learning_rate={x!r}"]) == {"learning_rate": x}


@given(st.lists(st.integers(min_value=1, max_value=4096), min_size=1, max_size=6))
def test_any_layer_tuple_parses_back(sizes):
    text = ",".join(map(str, sizes))
    assert parse_overrides(PPOCfg, [f"policy_hidden_layer_sizes={text}"]) == {"policy_hidden_layer_sizes": tuple(sizes)}


@given(st.text(max_size=20))
def test_the_parser_never_fails_with_anything_but_a_usage_error(raw):
    for key in ("num_envs", "learning_rate", "share_policy_value_features", "policy_hidden_layer_sizes", "activation"):
        try:
            parse_overrides(PPOCfg, [f"{key}={raw}"])
        except UsageError:
            pass


@given(
    num_envs=st.integers(min_value=-5, max_value=5000),
    rollouts=st.integers(min_value=-2, max_value=64),
    mini_batches=st.integers(min_value=-2, max_value=64),
)
def test_validation_accepts_exactly_the_workable_sizes(num_envs, rollouts, mini_batches):
    workable = num_envs > 0 and rollouts > 0 and mini_batches > 0 and (num_envs * rollouts) % mini_batches == 0
    try:
        PPOCfg().replace(num_envs=num_envs, rollouts=rollouts, mini_batches=mini_batches)
        accepted = True
    except UsageError:
        accepted = False
    assert accepted == workable
