"""Sign-up and log-in forms (Flask-WTF: CSRF-checked, rules shared with the user CLI)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, Field, PasswordField, StringField  # type: ignore[import-untyped]
from wtforms.validators import (  # type: ignore[import-untyped]
    DataRequired,
    EqualTo,
    StopValidation,
)

from .services.accounts import password_problem, username_problem


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _rule(check: Callable[[str], str | None]) -> Callable[[Any, Field], None]:
    """A validator from an account rule: the rule's message becomes the field error."""

    def validate(form: Any, field: Field) -> None:
        problem = check(field.data or "")
        if problem:
            raise StopValidation(problem)

    return validate


class TextForm(FlaskForm):  # type: ignore[misc]
    """A form that reads only the posted text fields.

    Flask-WTF also reads uploaded files and a JSON body into the fields, whose values then
    are files, numbers, lists or objects: the account rules expect strings.
    """

    class Meta(FlaskForm.Meta):  # type: ignore[misc]
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            if isinstance(formdata, MultiDict) or formdata is None:  # passed explicitly
                return formdata
            return request.form if form.is_submitted() and request.form else None


class SignupForm(TextForm):
    username = StringField(
        "Username",
        filters=[_strip],
        validators=[DataRequired("Choose a username."), _rule(username_problem)],
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Choose a password."), _rule(password_problem)]
    )
    confirm = PasswordField(
        "Confirm password",
        validators=[
            DataRequired("Type the password again."),
            EqualTo("password", "The two passwords don't match."),
        ],
    )


class LoginForm(TextForm):
    username = StringField(
        "Username", filters=[_strip], validators=[DataRequired("Enter your username.")]
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])
    remember = BooleanField("Remember me on this device")


class ChangePasswordForm(TextForm):
    current = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password.")]
    )
    password = PasswordField(
        "New password",
        validators=[DataRequired("Choose a new password."), _rule(password_problem)],
    )
    confirm = PasswordField(
        "New password again",
        validators=[
            DataRequired("Type the new password again."),
            EqualTo("password", "The two passwords don't match."),
        ],
    )
