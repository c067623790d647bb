import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from outreach.models import Member, Notification, Team
from outreach.roles import Role

TEST_PASSWORD = "correct-horse-外联"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.edu.cn")
    password = factory.django.Password(TEST_PASSWORD)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"第{n}小组")


class MemberFactory(factory.django.DjangoModelFactory):
    """A member with a role: MemberFactory(role=Role.MINISTER); role="" for none."""

    class Meta:
        model = Member
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"部员{n}号")
    student_number = factory.Sequence(lambda n: f"2024{n:06d}")
    class_major = "材料2401班"
    mobile = factory.Sequence(lambda n: f"139{n:08d}")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        role = Role.OFFICER if extracted is None else extracted
        if create and role:
            obj.user.groups.add(Group.objects.get(name=role))


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(MemberFactory)
    key = factory.Sequence(lambda n: f"test:{n}")
    title = "跟进提醒:康师傅"
    body = "今天需要回访康师傅,确认五一促销员人数。"
