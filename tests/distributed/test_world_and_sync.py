"""The framework-free halves of data-parallel training: who a process is, what the launcher
hands on, and how ranks' normalizers, stop requests and digests are combined."""

from __future__ import annotations

import numpy as np
import pytest
from motrix.distributed.launch import LaunchPlan, worker_argv, worker_env
from motrix.distributed.sync import RunningStats, any_rank, gather_digests, merge_running_stats
from motrix.distributed.world import World
from motrix.errors import UsageError


def test_a_process_with_no_launch_variables_is_a_single_rank_0():
    world = World.from_env({})
    assert (world.rank, world.world_size, world.distributed, world.is_main) == (0, 1, False, True)


def test_torchrun_variables_describe_the_world():
    world = World.from_env({"RANK": "3", "LOCAL_RANK": "1", "WORLD_SIZE": "4", "LOCAL_WORLD_SIZE": "2",
                            "MASTER_ADDR": "10.0.0.5", "MASTER_PORT": "29511"})
    assert world == World(rank=3, local_rank=1, world_size=4, local_world_size=2, master_addr="10.0.0.5",
                          master_port=29511)
    assert world.distributed and not world.is_main


def test_skrl_jax_variables_describe_the_world_too():
    world = World.from_env({"JAX_RANK": "1", "JAX_LOCAL_RANK": "1", "JAX_WORLD_SIZE": "2",
                            "JAX_COORDINATOR_ADDR": "h", "JAX_COORDINATOR_PORT": "1234"})
    assert (world.rank, world.world_size, world.master_addr, world.master_port) == (1, 2, "h", 1234)


@pytest.mark.parametrize("env", [{"RANK": "2", "WORLD_SIZE": "2"}, {"WORLD_SIZE": "two"},
                                 {"RANK": "0", "WORLD_SIZE": "0"}])
def test_inconsistent_launch_variables_are_a_usage_error(env):
    with pytest.raises(UsageError):
        World.from_env(env)


def test_rank_0_keeps_the_seed_and_every_other_global_rank_draws_its_own():
    seeds = [World(rank=r, world_size=8).seed(42) for r in range(8)]
    assert seeds[0] == 42
    assert len(set(seeds)) == 8
    # from the global rank: the second machine's local rank 0 is not the first machine's
    assert World(rank=4, local_rank=0, world_size=8).seed(42) != World(rank=0, local_rank=0, world_size=8).seed(42)
    assert World(rank=5, world_size=8).seed(42) == World(rank=5, world_size=8).seed(42)


def test_workers_get_the_command_line_without_the_launch_options():
    argv = ["train", "go1", "--nproc", "2", "--num-envs=512", "--nnodes=2", "--node-rank", "1",
            "--master-addr", "h", "--master-port=29400", "--seed", "3"]
    assert worker_argv(argv) == ["train", "go1", "--num-envs=512", "--seed", "3"]


def test_workers_get_torchruns_variables_and_a_share_of_the_cores():
    plan = LaunchPlan(nproc=2, nnodes=3, node_rank=1, master_addr="h", master_port=29400)
    env = worker_env(plan, 1, 29400, {"RAYON_NUM_THREADS": "7"})
    assert (env["RANK"], env["LOCAL_RANK"], env["WORLD_SIZE"], env["LOCAL_WORLD_SIZE"]) == ("3", "1", "6", "2")
    assert (env["MASTER_ADDR"], env["MASTER_PORT"]) == ("h", "29400")
    assert env["RAYON_NUM_THREADS"] == "7"  # the user's setting stands
    assert int(env["MOTRIX_TORCH_UPDATE_THREADS"]) >= 1


@pytest.mark.parametrize("plan", [LaunchPlan(nproc=0), LaunchPlan(nproc=1, nnodes=2, node_rank=2, master_port=1),
                                  LaunchPlan(nproc=1, nnodes=2), LaunchPlan(nproc=1, master_port=70000)])
def test_an_impossible_launch_plan_is_a_usage_error(plan):
    with pytest.raises(UsageError):
        plan.check()


def _skrl_update(stats: RunningStats, batch: np.ndarray) -> RunningStats:
    """skrl's RunningStandardScaler update (parallel variance), by hand."""
    mean, var, n = batch.mean(0), batch.var(0), batch.shape[0]
    delta = mean - stats.mean
    total = stats.count + n
    m2 = stats.variance * stats.count + var * n + delta**2 * stats.count * n / total
    return RunningStats(stats.mean + delta * n / total, m2 / total, total)


def test_merged_normalizers_equal_one_normalizer_that_saw_every_ranks_data():
    rng = np.random.default_rng(0)
    before = _skrl_update(RunningStats(np.zeros(3), np.ones(3), 1e-4), rng.normal(2.0, 3.0, (500, 3)))
    batches = [rng.normal(1.0, 2.0, (300, 3)), rng.normal(-1.0, 0.5, (200, 3))]
    local = [_skrl_update(before, b) for b in batches]
    shared = np.concatenate([[before.count], before.count * before.mean,
                             before.count * (before.variance + before.mean**2)])

    def moments(s):
        return np.concatenate([[s.count], s.count * s.mean, s.count * (s.variance + s.mean**2)]) - shared

    # all_sum on rank r: its own contribution plus the other rank's
    merged = [merge_running_stats(before, local[r], lambda x, r=r: x + moments(local[1 - r])) for r in range(2)]
    expected = _skrl_update(before, np.concatenate(batches))
    for m in merged:
        np.testing.assert_allclose(m.mean, expected.mean, rtol=1e-12)
        np.testing.assert_allclose(m.variance, expected.variance, rtol=1e-10)
        assert m.count == pytest.approx(expected.count)
    np.testing.assert_array_equal(merged[0].mean, merged[1].mean)


def test_one_ranks_stop_request_stops_every_rank():
    flags = [False, True, False]
    total = np.array([sum(1.0 for f in flags if f)])
    assert all(any_rank(f, lambda x: total) for f in flags)
    assert not any_rank(False, lambda x: np.zeros(1))


def test_digests_are_gathered_in_rank_order():
    digests = [bytes([r]) * 32 for r in range(3)]
    slots = [np.zeros(96) for _ in range(3)]
    for r, d in enumerate(digests):
        slots[r][r * 32:(r + 1) * 32] = np.frombuffer(d, np.uint8)
    others = slots[0] + slots[2]  # all_sum on rank 1: its own slots plus the others'
    assert gather_digests(digests[1], 1, 3, lambda x: x + others) == [d.hex() for d in digests]
