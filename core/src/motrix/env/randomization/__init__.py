"""Domain randomization as part of every env: declared in ``EnvCfg.randomization``, applied by ``NpEnv``.

``RandomizationCfg`` (light, no physics import) says what is randomized and when;
``runtime.Randomizer`` (built by the base on ``init_state`` when anything is on) draws from
the env's seeded generator and writes MotrixSim's per-env overrides. See docs/plugins.md.
"""

from motrix.env.randomization.cfg import (
                                          ComCfg,
                                          FrictionCfg,
                                          GainsCfg,
                                          GravityCfg,
                                          JointsCfg,
                                          MassCfg,
                                          PushCfg,
                                          RandomizationCfg,
)

__all__ = ["ComCfg", "FrictionCfg", "GainsCfg", "GravityCfg", "JointsCfg", "MassCfg", "PushCfg", "RandomizationCfg"]
