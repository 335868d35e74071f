"""Building blocks for fuzzing the site's forms and query strings through the test client.

Nasty values (NUL, lone surrogates as raw UTF-8 bytes, RTL marks, combining characters,
emoji, full-width and non-ASCII digits, huge numbers), raw request bodies built by hand
(urlencoded, multipart with files, JSON, text), CSRF tokens right and wrong, and a fingerprint
of everything stored, so a test can say "this request changed nothing".

The oracles read the posted form back with werkzeug's own parser (`parsed_form`), so they
see exactly the values the app sees (invalid UTF-8 stays as `%FF`, the first of repeated
fields wins, uploads are not form fields).
"""

from __future__ import annotations

import io
import json
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import quote_from_bytes

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import strategies as st
from live_server import TOKEN
from sqlalchemy import case, func, select
from user_factory import log_in_as, make_user
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.test import EnvironBuilder, TestResponse

from quizapp.bank import Question, QuestionType
from quizapp.extensions import db
from quizapp.game.scoring import Mode
from quizapp.models import Round, RoundQuestion, User, utcnow
from quizapp.services import rounds
from quizapp.services.catalog import get_catalog

# Per (endpoint, tier): the Hypothesis examples that reached it and the requests they sent.
# conftest.py prints them at the end of the run.
EXAMPLES: Counter[tuple[str, str]] = Counter()
REQUESTS: Counter[tuple[str, str]] = Counter()
FORM = "application/x-www-form-urlencoded"
HEADER_NAMES = ("X-CSRFToken", "X-CSRF-Token")

Value = str | bytes
Fields = list[tuple[Value, Value]]

# --- values -------------------------------------------------------------------------------------

NASTY: list[str] = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\t\r\n",
    "\u200f",  # right-to-left mark
    "\u202eevil",  # right-to-left override
    "\u200b",  # zero-width space
    "\ufeff",  # byte-order mark
    "e\u0301",  # e + combining acute
    "a" + "\u0301" * 60,  # a tower of combining marks
    "💜",
    "🇰🇷",
    "👩\u200d👩\u200d👧",  # a ZWJ family
    "\uff4a\uff49\uff4d\uff49\uff4e",  # full-width letters
    "\uff10",  # full-width digit
    "\uff11\uff12",
    "²",  # a digit to str.isdigit(), not to int()
    "¹²³",
    "٣",  # Arabic-Indic three
    "३",  # Devanagari three
    "\U0001d7d8",  # mathematical zero
    "Ⅻ",
    "\u212a",  # Kelvin sign, lower-cases to k
    "ß",
    "İ",
    "-1",
    "+1",
    "1e3",
    "0x1",
    " 1",
    "1 ",
    "01",
    "1.0",
    "9" * 30,
    "9" * 5000,  # more digits than int() converts by default
    "nan",
    "None",
    "null",
    "true",
    "[]",
    "{}",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "%",
    "&",
    "=",
    "../",
    "\\",
    "\u0085",
    "\u2028",
    "\u3000",
    "\xa0",
    "\ud800",  # lone surrogates: sent as their raw UTF-8 bytes (surrogatepass)
    "\udfff",
]
NUMBERISH: list[str] = [
    "0",
    "1",
    "2",
    "3",
    "-0",
    "00",
    "007",
    "999999",
    "1000000",
    "2147483647",
    "2147483648",
    "9223372036854775808",
    "9" * 30,
    "9" * 5000,
    "²",
    "٣",
    "\U0001d7d8",
    "\uff10",
    "1e3",
    "0x10",
    " 1",
    "1 ",
    "+1",
    "-1",
    "1.5",
    "",
]
# Digits to str.isdigit() that int() refuses, then digits int() reads that are not ASCII.
ODD_DIGITS = ["\u00b2", "\u00b9\u00b2\u00b3", "\u2080", "\u2460", "\u2474", "\u1369"]
ODD_DIGITS += ["\u0663", "\u0966", "\uff10", "\U0001d7d8", "1\u0663", "9" * 5000]
digits = st.one_of(
    st.sampled_from(ODD_DIGITS),
    st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=3),
)
SHORT = ["a", "💜", "\x00", "\u0301", "9", " ", "é", "\uff4a", "\u202e"]

nasty_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=30),
    st.text(st.characters(categories=["Cc", "Cf", "Cs", "Mn", "Nd", "No", "Zs"]), max_size=20),
    st.builds(lambda s, n: s * n, st.sampled_from(SHORT), st.integers(1, 3000)),
)
numberish = st.one_of(st.sampled_from(NUMBERISH), digits, st.integers(-(10**20), 10**20).map(str))
raw_bytes = st.binary(max_size=16)  # invalid UTF-8 included: b"\xff", b"\xc0\xaf"
values: st.SearchStrategy[Value] = st.one_of(nasty_text, numberish, raw_bytes)


def field_names(real: Sequence[str]) -> st.SearchStrategy[Value]:
    """The endpoint's own field names (for repeats) and junk names, never a CSRF field."""
    odd = ["choice[]", "position[]", "id", "\\", "choice\\"]  # "\\": a nameless multipart part
    junk = st.one_of(nasty_text, raw_bytes, st.sampled_from(odd))
    names: st.SearchStrategy[Value] = st.one_of(st.sampled_from(list(real)), junk) if real else junk
    return names.filter(lambda name: not as_text(name).endswith("csrf_token"))


def extra_fields(real: Sequence[str], max_size: int = 4) -> st.SearchStrategy[Fields]:
    """Extra and repeated fields, to append after the ones a test builds on purpose."""
    return st.lists(st.tuples(field_names(real), values), max_size=max_size)


def as_text(value: Value) -> str:
    """A value as the app would read it if it were sent alone (for filters, not oracles)."""
    raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "replace")


def _raw(value: Value) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


# --- bodies -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Body:
    """A request body as bytes, with the content type it claims (None: no header)."""

    data: bytes
    content_type: str | None
    kind: str

    def __repr__(self) -> str:  # falsifying examples stay readable with 70 KiB bodies
        head = self.data[:160] + (b"..." if len(self.data) > 160 else b"")
        return f"Body({self.kind}, {self.content_type!r}, {len(self.data)} bytes: {head!r})"

    @property
    def is_form(self) -> bool:
        return self.kind in ("urlencoded", "multipart")


def urlencoded(fields: Fields) -> Body:
    pairs = (
        f"{quote_from_bytes(_raw(k), safe='')}={quote_from_bytes(_raw(v), safe='')}"
        for k, v in fields
    )
    return Body("&".join(pairs).encode("ascii"), FORM, "urlencoded")


def multipart(fields: Fields, files: Iterable[Value] = ()) -> Body:
    """A multipart body; the names in `files` are sent as uploads, not text fields.

    A name that ends in a backslash makes a part without a name (werkzeug reads `name="x\\"`
    as unterminated), which the app drops.
    """
    boundary = b"fuzzBOUNDARYfuzz"
    uploads = {_raw(name) for name in files}
    out = io.BytesIO()
    for name, value in fields:
        raw_name = _raw(name).replace(b'"', b"%22").replace(b"\r", b"").replace(b"\n", b"")
        disposition = b'Content-Disposition: form-data; name="' + raw_name + b'"'
        if _raw(name) in uploads:
            disposition += b'; filename="x.txt"\r\nContent-Type: text/plain'
        out.write(b"--" + boundary + b"\r\n" + disposition + b"\r\n\r\n" + _raw(value) + b"\r\n")
    out.write(b"--" + boundary + b"--\r\n")
    return Body(out.getvalue(), f"multipart/form-data; boundary={boundary.decode()}", "multipart")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | nasty_text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(nasty_text, children),
    max_leaves=8,
)


def json_body(document: Any) -> Body:
    return Body(json.dumps(document).encode(), "application/json", "json")


@st.composite
def bodies(draw: st.DrawFn, fields: Fields) -> Body:
    """The fields as an urlencoded form (mostly), a multipart form, or wrong kinds of body."""
    kind = draw(
        st.sampled_from(["urlencoded"] * 6 + ["multipart"] * 2 + ["json", "json-fields", "other"])
    )
    if kind == "urlencoded":
        return urlencoded(fields)
    if kind == "multipart":
        names = [name for name, _ in fields if not as_text(name).endswith("csrf_token")]
        uploads = draw(st.lists(st.sampled_from(names), max_size=2)) if names else []
        return multipart(fields, uploads)
    if kind == "json-fields":  # the same fields as a JSON object, their values any JSON type
        keys = [as_text(name) for name, _ in fields]
        document = {key: draw(json_values) for key in keys}
        return json_body(document)
    if kind == "json":
        return json_body(draw(json_values))
    data = draw(st.binary(max_size=200))
    return Body(
        data, draw(st.sampled_from([None, "text/plain", FORM, "multipart/form-data"])), "other"
    )


def parsed_form(app: Flask, body: Body) -> MultiDict[str, str] | None:
    """The form the app will read from this body; None when the app must refuse it (413)."""
    builder = EnvironBuilder(
        method="POST",
        input_stream=io.BytesIO(body.data),
        content_length=len(body.data),
        content_type=body.content_type,
    )
    request = app.request_class(builder.get_environ())  # the app's own form parser
    request.max_content_length = app.config["MAX_CONTENT_LENGTH"]
    request.max_form_memory_size = app.config["MAX_FORM_MEMORY_SIZE"]
    request.max_form_parts = app.config.get("MAX_FORM_PARTS", 1000)
    try:
        return MultiDict(request.form)
    except RequestEntityTooLarge:
        return None
    finally:
        request.close()  # uploads are spooled to temporary files


# --- CSRF ---------------------------------------------------------------------------------------

CSRF_GOOD = ("field", "header", "empty-field-then-header", "field-then-garbage")
CSRF_BAD = (
    "missing",
    "garbage",
    "foreign",  # a real token, from another browser's session
    "tampered",
    "garbage-then-field",
    "garbage-field-and-header",
)
csrf_modes = st.sampled_from(CSRF_GOOD * 3 + CSRF_BAD)


@dataclass
class Browser:
    """A test client with the CSRF token of its own session."""

    client: FlaskClient
    token: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def open_browser(app: Flask, user_id: int | None = None, guest_id: str | None = None) -> Browser:
    """A new browser with the CSRF token of its session (read from the home page, as a browser
    gets it from any page), signed in as the user, or playing as the guest, when given."""
    client = app.test_client()
    match = TOKEN.search(client.get("/").get_data(as_text=True))
    assert match, "no CSRF token on the home page"
    if guest_id is not None:
        with client.session_transaction() as session:
            session["guest_id"] = guest_id
    if user_id is not None:
        log_in_as(client, user_id)
    return Browser(client, match.group(1))


def with_csrf(
    fields: Fields, mode: str, browser: Browser, foreign: str, garbage: str
) -> tuple[Fields, dict[str, str]]:
    """The fields and headers carrying the token the way `mode` says."""
    good, headers = browser.token, {}
    garbage = garbage or "x"
    tampered = ("B" if good[0] == "A" else "A") + good[1:]
    first: Fields = {
        "field": [("csrf_token", good)],
        "header": [],
        "empty-field-then-header": [("csrf_token", "")],
        "field-then-garbage": [("csrf_token", good), ("csrf_token", garbage)],
        "missing": [],
        "garbage": [("csrf_token", garbage)],
        "foreign": [("csrf_token", foreign)],
        "tampered": [("csrf_token", tampered)],
        "garbage-then-field": [("csrf_token", garbage), ("csrf_token", good)],
        "garbage-field-and-header": [("csrf_token", garbage)],
    }[mode]
    if mode in ("header", "empty-field-then-header", "garbage-field-and-header"):
        headers["X-CSRFToken"] = good
    return first + fields, headers


def csrf_found(form: MultiDict[str, str], headers: Mapping[str, str], browser: Browser) -> bool:
    """True when the app finds this session's token where Flask-WTF looks for it.

    The first `csrf_token` field if it is not empty, else the first non-empty field whose
    name ends with `csrf_token`, else the X-CSRFToken / X-CSRF-Token header.
    """
    token = form.get("csrf_token") or next(
        (form[name] for name in form if name.endswith("csrf_token") and form[name]), None
    )
    token = token or next((headers[name] for name in HEADER_NAMES if headers.get(name)), None)
    return token == browser.token


# --- requests -----------------------------------------------------------------------------------

VARIANTS: dict[str, dict[str, str]] = {
    "plain": {},
    "htmx": {"HX-Request": "true", "HX-Target": "card"},
    "boosted": {"HX-Request": "true", "HX-Boosted": "true"},
    "history": {"HX-Request": "true", "HX-History-Restore-Request": "true"},
    "odd": {"HX-Request": "TRUE", "HX-Boosted": "\x7f", "HX-Target": "💜"},
}
variants = st.sampled_from(sorted(VARIANTS))
# 308: werkzeug's redirect of a path with doubled slashes ("/play/..//next") to its merged form.
SANE = frozenset({200, 302, 303, 308, 400, 403, 404, 405, 413, 429})


def send(
    browser: Browser,
    endpoint: str,
    url: str,
    *,
    method: str = "POST",
    body: Body | None = None,
    headers: Mapping[str, str] | None = None,
    query: str = "",
    tier: str = "forms",
    new_example: bool = True,
) -> TestResponse:
    """One request; a server error raises out of the test client with its traceback.

    `endpoint` ("POST /play/<id>/answer") and `tier` (which fuzz test sent it) label the
    counts; `new_example=False` for the second and later requests of one example.
    """
    EXAMPLES[endpoint, tier] += int(new_example)
    REQUESTS[endpoint, tier] += 1
    response = browser.client.open(
        url,
        method=method,
        data=body.data if body else None,
        content_type=body.content_type if body else None,
        headers={**browser.headers, **(headers or {})},
        query_string=query,
    )
    response.get_data()  # a streamed body fails while it is read
    assert response.status_code in SANE, (response.status_code, response.get_data()[:300])
    return response


def route(app: Flask, url: str, method: str = "POST") -> tuple[int | None, dict[str, Any]]:
    """What the router makes of the URL before any view runs.

    (None, the view's arguments as its converters read them) when the URL names a page;
    otherwise (the status the router answers, {}): 404, 405, or 308 to the path with its
    doubled slashes merged ("/play/..//next" -> "/play/../next").
    """
    with app.test_request_context(url, method=method) as context:
        problem = context.request.routing_exception
        if problem is None:
            return None, dict(context.request.view_args or {})
        return int(getattr(problem, "code", 0) or 0), {}


def query_string(pairs: Sequence[tuple[Value, Value]]) -> str:
    """Query arguments encoded byte by byte (so invalid UTF-8 and surrogates get through)."""
    return urlencoded(list(pairs)).data.decode("ascii")


# --- players and rounds ------------------------------------------------------------------------

PASSWORD = "correct-horse"


def make_players(app: Flask) -> dict[str, int]:
    """The fuzz tests' accounts, all with PASSWORD: an admin (Boss), two players (Mina, Jisoo)."""
    with app.app_context():
        return {
            "admin": make_user("Boss", PASSWORD, admin=True),
            "mina": make_user("Mina", PASSWORD),
            "jisoo": make_user("Jisoo", PASSWORD),
        }


def first_card(
    player: rounds.Player, mode: Mode, seed: int, *, served_ago: float = 0.0, answered: bool = False
) -> tuple[Round, Question, Fields]:
    """A 4-question round of the mixed quiz drawn from `seed`, its first question served
    `served_ago` seconds ago (and answered right, if asked); with the form fields that answer
    that question right. Inside an app context."""
    catalog = get_catalog()
    round_ = rounds.start_round(
        catalog,
        player,
        "mixed",
        mode,
        size=4,
        time_limit=20,
        recent_rounds=0,
        rng=random.Random(seed),
        now=utcnow(),
    )
    item = round_.items[0]
    rounds.serve(item, utcnow() - timedelta(seconds=served_ago))
    question = catalog.questions[item.question_id]
    if question.type is QuestionType.TYPED:
        right: Fields = [("text", question.accepted[0])]
    else:
        right = [
            ("choice", str(i)) for i, c in enumerate(item.choice_order) if c in question.correct
        ]
    if answered:
        picks = [str(v) for name, v in right if name == "choice"]
        text = next((str(v) for name, v in right if name == "text"), "")
        rounds.submit_answer(catalog, round_, 0, picks, text, False, utcnow())
    return round_, question, right


# --- what is stored -----------------------------------------------------------------------------


def fingerprint(app: Flask) -> dict[str, Any]:
    """Everything a refused request must leave alone."""
    with app.app_context():
        tables = db.metadata.sorted_tables
        counts = db.session.execute(
            select(*(select(func.count()).select_from(t).scalar_subquery() for t in tables))
        ).one()
        state: dict[str, Any] = {table.name: n for table, n in zip(tables, counts, strict=True)}
        state["rounds"] = tuple(
            db.session.execute(
                select(
                    Round.id,
                    Round.position,
                    Round.score,
                    Round.correct_count,
                    Round.streak,
                    Round.finished_at,
                    Round.user_id,
                    Round.guest_id,
                    Round.voided_at,
                    Round.is_ranked,
                ).order_by(Round.id)
            )
        )
        state["answers"] = tuple(
            db.session.execute(
                select(RoundQuestion.id, RoundQuestion.answered_at, RoundQuestion.points)
                .where(RoundQuestion.answered_at.is_not(None))
                .order_by(RoundQuestion.id)
            )
        )
        state["users"] = tuple(
            db.session.execute(
                select(
                    User.id,
                    User.username,
                    User.password_hash,
                    User.session_version,
                    User.is_hidden,
                    User.is_admin,
                ).order_by(User.id)
            )
        )
        return state


def assert_scores_add_up(app: Flask) -> None:
    """Every round's score, right answers and flags are the sums of its stored answers."""
    with app.app_context():
        answered = RoundQuestion.answered_at.is_not(None)
        items = (
            select(
                RoundQuestion.round_id,
                func.sum(RoundQuestion.points).label("points"),
                func.count(RoundQuestion.answered_at).label("answered"),
                func.count(case((RoundQuestion.result == "correct", 1))).label("right"),
                func.count(case((answered & RoundQuestion.flagged, 1))).label("flagged"),
            )
            .group_by(RoundQuestion.round_id)
            .subquery()
        )
        rows = db.session.execute(
            select(
                Round.id,
                Round.score,
                Round.position,
                Round.size,
                Round.correct_count,
                Round.flagged_count,
                items.c.points,
                items.c.answered,
                items.c.right,
                items.c.flagged,
            ).outerjoin(items, items.c.round_id == Round.id)
        ).all()
        for round_id, score, position, size, right, flagged, *sums in rows:
            points, answers, right_answers, flagged_answers = (value or 0 for value in sums)
            assert score == points, f"round {round_id}: score {score} but its answers make {points}"
            assert position <= answers <= size, (
                f"round {round_id} moved past an unanswered question"
            )
            assert (right, flagged) == (right_answers, flagged_answers), f"round {round_id}"
