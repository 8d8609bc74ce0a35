"""Status maps for permission rows: 302 = sent to login; outsiders get 404 in a bloc-year.

The observer is an account named an observer of the cast's bloc-year (no agency): it reads what
a member reads there and may change nothing.
"""

ROLES = ("staff", "head", "deputy", "member", "observer", "outsider", "anonymous")

# On a POST row: the permission gate let the role through. Any answer but 403, 404, 405 or a 5xx
# passes (a redirect with a refusal message, a form error): the feature's own tests check the rest.
ALLOWED = "allowed"


def everyone(status, *, anonymous=302):
    return {**dict.fromkeys(ROLES, status), "anonymous": anonymous}


def staff_only(*, others=403):
    return {**dict.fromkeys(ROLES, others), "staff": 200, "anonymous": 302}


def bloc_year_readers(status=200):
    return {**dict.fromkeys(ROLES, status), "outsider": 404, "anonymous": 302}


def bloc_year_runners():
    return {
        "staff": 200,
        "head": 200,
        "deputy": 200,
        "member": 403,
        "observer": 403,
        "outsider": 404,
        "anonymous": 302,
    }


def post_for(*allowed, outsider=404):
    """A POST row: the roles named pass the gate, the other signed-in roles get 403, outsiders
    `outsider` (404 inside a bloc-year, 403 on a province page)."""
    return {
        **dict.fromkeys(ROLES, 403),
        **dict.fromkeys(allowed, ALLOWED),
        "outsider": outsider,
        "anonymous": 302,
    }


def post_staff_only():
    """A province-wide POST (no bloc-year in the URL): only province staff."""
    return post_for("staff", outsider=403)


STRUCTURE = ("staff",)
RUNNERS = ("staff", "head", "deputy")
FINALIZERS = ("staff", "head")
