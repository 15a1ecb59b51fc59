from modeltranslation.translator import TranslationOptions, register

from .models import TRANSLATED_FIELDS, Event


@register(Event)
class EventTranslation(TranslationOptions):
    fields = TRANSLATED_FIELDS
