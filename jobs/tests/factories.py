import datetime

import factory
from django.utils import timezone

from jobs.models import Application, EmployerRating, Posting, PostingStatus, SeasonKind
from outreach.tests.factories import MemberFactory
from sponsors.models import Merchant, VettingStatus


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Merchant

    name = factory.Sequence(lambda n: f"李宁专卖店{n}号")
    vetting_status = VettingStatus.VERIFIED
    phone = "13912345678"
    address = "光谷步行街"


class PostingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Posting

    merchant = factory.SubFactory(EmployerFactory)
    title = "五一促销员"
    season = SeasonKind.MAY_DAY
    description = "在门店协助促销活动,发放传单。"
    work_start = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=20))
    work_end = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=22))
    place = "光谷步行街李宁专卖店"
    pay_amount = "150.00"
    pay_unit = "day"
    headcount = 4
    criteria = "三天全勤\n普通话标准\n有促销经验者优先"
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=10))
    interview_place = "门店二楼"
    status = PostingStatus.OPEN


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    posting = factory.SubFactory(PostingFactory)
    name = factory.Sequence(lambda n: f"学生{n}")
    student_number = factory.Sequence(lambda n: f"2025{n:06d}")
    class_major = "卫法2501班"
    mobile = factory.Sequence(lambda n: f"137{n:08d}")
    availability = "三天全天"
    consent = True


class EmployerRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerRating

    merchant = factory.SubFactory(EmployerFactory)
    member = factory.SubFactory(MemberFactory)
    score = 4
