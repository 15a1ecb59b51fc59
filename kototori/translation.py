from modeltranslation.translator import TranslationOptions, register

from .models import Hub, Language, PartnerOrganisation, PartnerService, Topic


@register(Hub)
class HubTranslation(TranslationOptions):
    fields = ("name", "opening_hours")


@register(Language)
class LanguageTranslation(TranslationOptions):
    fields = ("name",)


@register(Topic)
class TopicTranslation(TranslationOptions):
    fields = ("name",)


@register(PartnerOrganisation)
class PartnerOrganisationTranslation(TranslationOptions):
    fields = ("description",)


@register(PartnerService)
class PartnerServiceTranslation(TranslationOptions):
    fields = ("name", "description")
