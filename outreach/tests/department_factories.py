import datetime

import factory
from django.utils import timezone

from outreach.models import (
    Assignment,
    AttendanceStatus,
    Candidate,
    ExperienceShare,
    Meeting,
    MeetingAttendance,
    Semester,
    Submission,
    TrainingAttendance,
    TrainingSession,
)
from outreach.tests.factories import MemberFactory


class SemesterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Semester
        django_get_or_create = ("name",)

    name = "本学期"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    name = factory.Sequence(lambda n: f"新生{n}号")
    student_number = factory.Sequence(lambda n: f"2025{n:06d}")
    class_major = "材料2501班"
    mobile = factory.Sequence(lambda n: f"137{n:08d}")


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    title = factory.Sequence(lambda n: f"培训{n}")
    date = factory.LazyFunction(timezone.localdate)


class TrainingAttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingAttendance

    session = factory.SubFactory(TrainingSessionFactory)
    member = factory.SubFactory(MemberFactory)
    status = AttendanceStatus.PRESENT


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    title = factory.Sequence(lambda n: f"第{n}次例会")
    date = factory.LazyFunction(timezone.localdate)


class MeetingAttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingAttendance

    meeting = factory.SubFactory(MeetingFactory)
    member = factory.SubFactory(MemberFactory)
    status = AttendanceStatus.PRESENT


class ExperienceShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExperienceShare

    meeting = factory.SubFactory(MeetingFactory)
    member = factory.SubFactory(MemberFactory)
    topic = factory.Sequence(lambda n: f"经验{n}")
    lesson = "先问清楚谁能拍板。"
    tags = "赞助"


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    title = factory.Sequence(lambda n: f"作业{n}")
    due_date = factory.LazyFunction(timezone.localdate)
    created_by = factory.SubFactory(MemberFactory)


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    assignment = factory.SubFactory(AssignmentFactory)
    member = factory.SubFactory(MemberFactory)
    text = "活动策划:校园二手书集市。"
