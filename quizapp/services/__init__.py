"""Services: the only layer that combines banks, game rules and the database, and commits."""
