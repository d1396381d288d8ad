"""Entry point of motrix-envs-locomotion. Light: specs name classes as lazy strings."""

from motrix.plugin import hookimpl


@hookimpl
def motrix_envs():
    # The Go1 envs are added with the locomotion issue; the plugin registers already.
    return ()


@hookimpl
def motrix_rl_configs():
    return ()
