from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ameliora.api"
    label = "api"
