"""Free text that an officer keeps is scrubbed of telephone numbers and e-mail addresses before it is stored."""
import re

import phonenumbers

REGION = "CD"  # numbers written without their country code are read as Congolese
MASK = "[…]"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# long runs of digits that are not a valid number somewhere (an IMEI, a national id) go too
DIGITS = re.compile(r"\+?\d(?:[\s./-]?\d){7,}")


def scrub_text(text):
    """`text` with its telephone numbers (any country, found by phonenumbers), e-mail addresses and long digit runs
    replaced by "[…]"."""
    text = EMAIL.sub(MASK, text)
    spans = [(match.start, match.end) for match in phonenumbers.PhoneNumberMatcher(
        text, REGION, leniency=phonenumbers.Leniency.POSSIBLE)]
    for start, end in reversed(spans):
        text = text[:start] + MASK + text[end:]
    return DIGITS.sub(MASK, text)
