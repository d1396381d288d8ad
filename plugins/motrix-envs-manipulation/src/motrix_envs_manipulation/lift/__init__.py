"""``franka-lift-cube``: grasp a 4 cm cube from the table and hold it at a point in the air."""
