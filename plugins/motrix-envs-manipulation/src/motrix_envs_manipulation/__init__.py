"""motrix envs for manipulation: a Franka Panda lifting a cube and opening a drawer."""
