"""The job worker's tasks (`manage.py procrastinate worker`, started by `make run`)."""

from procrastinate.contrib.django import app

from . import services


@app.task(name="sheet_jobs.run", queue="sheets")
def run_sheet_job(sheet_job_id: int) -> None:
    services.sheet_job_run(sheet_job_id)


@app.periodic(cron="* * * * *", periodic_id="stalled")
@app.task(name="sheet_jobs.retry_stalled", queue="sheets", queueing_lock="retry_stalled")
async def retry_stalled(timestamp: int) -> None:
    await services.stalled_retry()


@app.periodic(cron="17 * * * *", periodic_id="files")
@app.task(name="sheet_jobs.clean_files", queue="sheets", queueing_lock="clean_files")
def clean_files(timestamp: int) -> None:
    services.sheet_files_clean()
