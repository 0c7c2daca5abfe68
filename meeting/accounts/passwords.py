"""What a password may be, once for every place one is set (sign-up in a shell, change, reset).

The rules are Django's validators': long enough, not only digits, not one of the passwords
everybody tries first, not the username in disguise.
"""

from difflib import SequenceMatcher

from flask_babel import gettext as _

MIN_LENGTH = 8
MAX_SIMILARITY = 0.7  # Django's UserAttributeSimilarityValidator

# The passwords tried first, here and in Chinese lists (pinyin and keyboard walks included).
COMMON = frozenset(
    [
        "123456",
        "1234567",
        "12345678",
        "123456789",
        "1234567890",
        "password",
        "password1",
        "password123",
        "passw0rd",
        "qwerty",
        "qwerty123",
        "qwertyuiop",
        "1q2w3e4r",
        "1qaz2wsx",
        "qazwsxedc",
        "zaq12wsx",
        "abc123",
        "abc12345",
        "abcd1234",
        "a1234567",
        "a12345678",
        "aa123456",
        "asdfghjk",
        "asdf1234",
        "iloveyou",
        "woaini",
        "woaini1314",
        "woaini520",
        "5201314",
        "1314520",
        "admin123",
        "administrator",
        "root1234",
        "letmein",
        "welcome",
        "welcome1",
        "sunshine",
        "princess",
        "football",
        "monkey",
        "dragon",
        "master",
        "shadow",
        "superman",
        "michael",
        "11111111",
        "00000000",
        "88888888",
        "66666666",
        "12341234",
        "11223344",
        "147258369",
        "123123123",
        "987654321",
        "7758521",
        "7758258",
        "iloveyou1",
        "changeme",
        "default",
        "guest1234",
        "zhang123",
        "wang1234",
        "lianxi123",
        "lianxi2026",
        "fugu1234",
        "huiyi123",
        "bangongshi",
    ]
)


def password_problem(password: str, username: str = "") -> str | None:
    """Why PASSWORD will not do for USERNAME, in the request's language; None if it will."""
    if len(password) < MIN_LENGTH:
        return _("The new password must be at least 8 characters.")
    if any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in password):
        return _("The password cannot hold control characters.")
    if password.isdigit():
        return _("The password cannot be only digits.")
    if password.lower() in COMMON:
        return _("This password is too common.")
    name = username.lower()
    if name and (name in password.lower()
                 or SequenceMatcher(a=password.lower(), b=name).quick_ratio() >= MAX_SIMILARITY):  # fmt: skip
        return _("The password is too similar to the username.")
    return None
