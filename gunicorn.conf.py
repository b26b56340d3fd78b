"""How gunicorn serves the site (`make run`, and the tests that serve it); the address comes
from the command line (`--bind`)."""

wsgi_app = "geo_directory.wsgi"
workers = 2
threads = 4

# Seconds. With threads, a worker whose requests wait still beats: `timeout` restarts a
# worker whose process is stuck as a whole (with one thread, a request longer than this).
# Requests that wait on the database end by themselves within the limits of
# DATABASE_TIMEOUTS (at most 35 s per wait for staff pages).
timeout = 60
# Seconds that requests in progress are given when the server stops or reloads.
graceful_timeout = 30

# No control socket: gunicorn's default, shared by every gunicorn of the user
# (~/.gunicorn/gunicorn.ctl), would let one server take over another's, and the project
# manages its server with signals (HUP reloads, TERM stops).
control_socket_disable = True
