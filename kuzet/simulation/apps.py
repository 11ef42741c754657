"""Django application of the simulated world (it has no models: the world lives in files)."""

from django.apps import AppConfig


class SimulationConfig(AppConfig):
    """Registers the ``simulate`` management command."""

    name = "kuzet.simulation"
    label = "simulation"
    verbose_name = "Simulated world"
