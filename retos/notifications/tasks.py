"""Background work: thin tasks that take ids, load, and call a service."""

from django_tasks import task

from retos.notifications import services


@task(queue_name="email")
def send_notification_email(delivery_id: int) -> str:
    """Send one notification email (``EmailDelivery``); the service retries it with backoff."""
    return services.email_delivery_attempt(delivery_id=delivery_id)
