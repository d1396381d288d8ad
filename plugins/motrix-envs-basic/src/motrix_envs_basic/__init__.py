"""motrix envs: cartpole and classic control/locomotion tasks on MotrixSim."""
