import factory
from django.utils import timezone

from outreach.tests.factories import MemberFactory
from sponsors.models import Contact, FollowUp, Industry, Merchant, StageChange, Visit


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ("name",)

    name = "食品"


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Merchant
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试商家{n}号")
    industry = factory.SubFactory(IndustryFactory)
    district = "洪山"
    owner = factory.SubFactory(MemberFactory)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    merchant = factory.SubFactory(MerchantFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    mobile = factory.Sequence(lambda n: f"137{n:08d}")
    is_primary = True


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit
        skip_postgeneration_save = True

    merchant = factory.SubFactory(MerchantFactory)
    visited_at = factory.LazyFunction(timezone.now)
    created_by = factory.SubFactory(MemberFactory)
    notes = "介绍了活动安排。"

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if create:
            obj.members.set(extracted if extracted is not None else [obj.created_by])


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    merchant = factory.SubFactory(MerchantFactory)
    description = "回访确认赞助金额"
    due_on = factory.LazyFunction(timezone.localdate)
    owner = factory.SubFactory(MemberFactory)


class StageChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StageChange

    merchant = factory.SubFactory(MerchantFactory)
    from_stage = "prospect"
    to_stage = "contacted"
    changed_by = factory.SubFactory(MemberFactory)
