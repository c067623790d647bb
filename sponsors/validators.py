"""The unified social credit code (统一社会信用代码) as GB 32100-2015 defines it.

18 characters from a 31-character alphabet (digits and capitals without I, O, Z, S, V);
the last one is a check character computed from the first 17 with fixed weights, mod 31.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def validate_credit_code(value: str) -> None:
    code = normalize_credit_code(value)
    if not code:
        return
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为18位。"), code="credit_code_length")
    if any(char not in ALPHABET for char in code):
        raise ValidationError(
            _("统一社会信用代码只能包含数字和大写字母(不含 I、O、Z、S、V)。"), code="credit_code_chars"
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确，请核对后重新输入。"), code="credit_code_check")
