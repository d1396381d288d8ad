"""bounce_ball: a six-axis arm keeps a table-tennis ball bouncing on a paddle at a target height."""
