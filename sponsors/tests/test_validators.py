import pytest
from django.core.exceptions import ValidationError

from sponsors.validators import credit_code_check_char, validate_credit_code


@pytest.mark.parametrize(
    "code",
    ["91350100M000100Y43", "91110000802100433B", "91420111000000000" + credit_code_check_char("91420111000000000")],
)
def test_valid_credit_codes_pass(code):
    validate_credit_code(code)


def test_lower_case_and_spaces_are_tolerated():
    validate_credit_code(" 91110000802100433b ")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y44", "校验位"),
        ("91350100M000100Y4", "18位"),
        ("91350100M0001O0Y43", "大写字母"),
    ],
)
def test_wrong_credit_codes_are_rejected_in_chinese(code, message):
    with pytest.raises(ValidationError) as info:
        validate_credit_code(code)
    assert message in info.value.messages[0]


def test_blank_credit_code_is_allowed():
    validate_credit_code("")
