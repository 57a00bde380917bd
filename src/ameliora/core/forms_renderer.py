from django.forms.renderers import TemplatesSetting


class BootstrapRenderer(TemplatesSetting):
    """Renders every form with Bootstrap 5 markup: label, widget, error next to the field, help text."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
