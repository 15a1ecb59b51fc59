from modeltranslation.translator import TranslationOptions, register

from .models import Training


@register(Training)
class TrainingTranslation(TranslationOptions):
    fields = ("name", "description")
