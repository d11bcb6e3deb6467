"""gunicorn settings read with `--config python:xinfang.config.gunicorn` (docs/deployment.md)."""


def post_worker_init(worker):
    # Each worker reads the statistics' frame of the fact rows as it starts, in the background,
    # so that the first statistics request does not wait for it.
    from xinfang.insights.frame import store

    store.warm()
