"""The job worker's tasks for suggestions (`manage.py procrastinate worker`)."""

from procrastinate.contrib.django import app

from .digest import digests_send


@app.periodic(cron="5 * * * *", periodic_id="suggestion_digests")
@app.task(name="suggestions.send_digests", queue="mail", queueing_lock="suggestion_digests")
def send_digests(timestamp: int) -> None:
    digests_send()
