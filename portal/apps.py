from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top layer: the project's settings and URLs, the bench and the demo province.

    It may import every app; nothing imports it.
    """

    name = "portal"
    verbose_name = "Cổng khối thi đua"
