"""Status maps for permission rows: 302 = sent to login; outsiders get 404 in a bloc-year."""

ROLES = ("staff", "head", "deputy", "member", "outsider", "anonymous")


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
        "outsider": 404,
        "anonymous": 302,
    }
