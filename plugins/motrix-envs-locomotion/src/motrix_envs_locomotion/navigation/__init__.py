"""Point-to-point navigation shared by every quadruped: walk to a goal pose and stand there."""
