"""Administration in the browser and the admin API: people, roles, joint meetings."""
