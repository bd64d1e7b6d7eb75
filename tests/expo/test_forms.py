"""The one form helper (expo/forms.py): validation and rule messages in the reader's language at the field
they are about, and ``submit``: commit and move on, or roll back and show the form again."""

from collections.abc import Iterator
from typing import Any, Literal

import pytest
import sqlalchemy as sa
from litestar import Response
from litestar.response import Redirect
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from expo.errors import Conflict, FieldProblem, InvalidInput
from expo.forms import FormErrors, back_filters, back_to, domain_errors, submit, validation_errors
from expo.i18n import current_locale, translate
from expo.models import Role, User

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def indonesian() -> Iterator[None]:
    """Pages speak Indonesian unless asked otherwise."""
    token = current_locale.set("id")
    yield
    current_locale.reset(token)


def id_(message: str, **params: Any) -> str:
    return translate(message, params, locale="id")


class Shape(BaseModel):
    name: str = Field(min_length=3)
    size: int = Field(gt=0)
    kind: Literal["a", "b"] = "a"
    tags: list[int] = []


def refusal(**values: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        Shape.model_validate({"name": "abc", "size": 1, "kind": "a"} | values)
    return caught.value


def test_validation_messages_are_translated_at_their_field() -> None:
    errors = validation_errors(refusal(name="ab", size=0), known={"name", "size"})
    assert errors.fields == {
        "name": id_("Use at least %(n)s characters.", n=3),
        "size": id_("Must be greater than %(n)s.", n=0),
    }
    assert errors.general == []
    assert errors.validation
    assert errors.code == "invalid_input"
    assert errors.message == id_("Some fields are not valid.")


def test_an_empty_field_reads_required_and_a_list_item_is_shown_at_its_list() -> None:
    errors = validation_errors(refusal(name=" ", tags=[1, "x"]), known={"name", "tags"})
    assert errors.fields["name"] == id_("This field is required.")
    assert errors.fields["tags"] == id_("Enter a whole number.")  # about tags.1


def test_messages_about_no_shown_field_go_above_the_form_once() -> None:
    errors = validation_errors(refusal(name="ab", size=0, tags=["x", "y"]), known=set())
    assert errors.fields == {}
    assert errors.general == [
        id_("Use at least %(n)s characters.", n=3),
        id_("Must be greater than %(n)s.", n=0),
        id_("Enter a whole number."),  # tags.0 and tags.1 say the same: once
    ]
    assert errors.text() == " ".join(errors.general)


def test_a_wrong_choice_reads_choose_one_of_the_options() -> None:
    class Pick(BaseModel):
        kind: Role

    with pytest.raises(ValidationError) as caught:
        Pick.model_validate({"kind": "wizard"})
    assert validation_errors(caught.value, known={"kind"}, choices={"kind"}).fields == {
        "kind": id_("Choose one of the options.")
    }
    # Not a choice field: the validator's own message, translated.
    assert validation_errors(caught.value, known={"kind"}).fields["kind"] != id_("Choose one of the options.")


def test_domain_error_fields_at_their_fields_else_its_message() -> None:
    exc = InvalidInput(
        fields=[
            FieldProblem("nib", "The NIB must have 13 digits."),
            FieldProblem("payment", "Enter an amount."),
            FieldProblem("rows.3.code", "Use at most %(n)s characters.", {"n": 8}),
        ]
    )
    errors = domain_errors(exc, known={"nib", "amount"}, aliases={"payment": "amount"})
    assert errors.fields == {"nib": id_("The NIB must have 13 digits."), "amount": id_("Enter an amount.")}
    assert errors.general == [id_("Use at most %(n)s characters.", n=8)]
    assert errors.code == "invalid_input"
    assert not errors.validation

    plain = domain_errors(Conflict("A gate with this name exists already.", code="gate_exists"), known={"name"})
    assert plain.fields == {}
    assert plain.general == [id_("A gate with this name exists already.")] == [plain.message]
    assert plain.code == "gate_exists"


def test_back_filters_keep_only_known_printable_filters() -> None:
    assert back_filters("status=held&q=ab%00c&evil=https://x.example&hall=", ("status", "q", "hall")) == {
        "status": "held",
        "q": "abc",
    }
    answer = back_to("/admin/e/x/bookings", "status=held&next=//evil", ("status",), "moved")
    assert isinstance(answer, Redirect)
    assert answer.status_code == 303
    assert answer.url == "/admin/e/x/bookings?status=held&msg=moved"


# --- submit, against a real database on both engines --------------------------------------------
async def _add_user(session: AsyncSession, email: str) -> None:
    session.add(User(email=email, name="Uji", role=Role.EXHIBITOR, password_hash="x"))
    await session.flush()


async def _users(session: AsyncSession, email: str) -> int:
    return int(await session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == email)) or 0)


async def test_submit_commits_and_redirects_with_303(session: AsyncSession) -> None:
    async def act() -> str:
        await _add_user(session, "ok@expo.test")
        return "/done"

    async def never(errors: FormErrors, status: int) -> Response[Any]:
        raise AssertionError(f"re-rendered: {errors} {status}")

    answer = await submit(session, act, rerender=never, done=lambda path: f"{path}?msg=ok")
    assert isinstance(answer, Redirect)
    assert answer.status_code == 303
    assert answer.url == "/done?msg=ok"
    await session.rollback()  # nothing left to roll back: the row was committed
    assert await _users(session, "ok@expo.test") == 1


async def test_submit_rolls_back_a_refused_rule_and_re_renders_with_its_status(session: AsyncSession) -> None:
    seen: list[tuple[FormErrors, int]] = []

    async def act() -> None:
        await _add_user(session, "half@expo.test")  # written before the rule refuses: must not stay
        raise Conflict("A gate with this name exists already.", code="gate_exists")

    async def again(errors: FormErrors, status: int) -> Response[Any]:
        seen.append((errors, status))
        return Response(content=errors.text(), status_code=status)

    answer = await submit(session, act, rerender=again, done="/never")
    assert answer.status_code == 409
    assert seen[0][0].general == [id_("A gate with this name exists already.")]
    assert await _users(session, "half@expo.test") == 0


async def test_submit_re_renders_a_validation_error_with_422_at_the_fields(session: AsyncSession) -> None:
    async def act() -> None:
        Shape.model_validate({"name": "ab", "size": 1, "kind": "c"})

    async def again(errors: FormErrors, status: int) -> Response[Any]:
        return Response(content=errors.fields, status_code=status)

    answer = await submit(session, act, rerender=again, done="/never", fields={"name", "kind"}, choices={"kind"})
    assert answer.status_code == 422
    assert answer.content == {
        "name": id_("Use at least %(n)s characters.", n=3),
        "kind": id_("Choose one of the options."),
    }


async def test_submit_may_render_a_page_on_success(session: AsyncSession) -> None:
    async def act() -> int:
        return 7

    async def shown(value: int) -> Response[Any]:
        return Response(content=str(value), status_code=200)

    async def never(errors: FormErrors, status: int) -> Response[Any]:
        raise AssertionError("re-rendered")

    answer = await submit(session, act, rerender=never, done=shown)
    assert answer.status_code == 200
    assert answer.content == "7"
