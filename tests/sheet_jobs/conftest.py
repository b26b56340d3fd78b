"""Jobs run in the job worker, on its own connections: what a test gives it must be
committed (the `committed` fixture of tests/conftest.py)."""

import pytest

from sheet_jobs.services import run_queued_jobs


@pytest.fixture
def run_worker(committed):
    """Runs the real worker until the queue of sheet jobs is empty."""
    return run_queued_jobs
