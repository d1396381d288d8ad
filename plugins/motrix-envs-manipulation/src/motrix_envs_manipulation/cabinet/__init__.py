"""``franka-open-cabinet``: grasp the top drawer's handle and pull the drawer open."""
