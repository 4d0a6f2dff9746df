"""PLACEHOLDER (being written): teams."""
def dispatch_teams(world, state, activator, cause):
    return
    yield
