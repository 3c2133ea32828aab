"""Every kind's templates use only variables its context provides."""

from __future__ import annotations

import io

import pytest
from docxtpl import DocxTemplate
from jinja2 import meta

from service.issuing import validate
from service.kinds import KINDS
from service.render import TEMPLATE_DIR
from service.render.docx import RENDERER_NAMES, environment
from service.render.pdf import _env as html_env
from tests.conftest import FIXTURES, load_fixture

CASES = [(kind, path.stem) for kind in KINDS for path in sorted(FIXTURES.glob(f"{kind}*.json"))]


def test_every_kind_has_its_four_parts() -> None:
    for kind in KINDS:
        assert (TEMPLATE_DIR / "docx" / f"{kind}.docx").is_file()
        assert (TEMPLATE_DIR / "html" / f"{kind}.html").is_file()
        assert list(FIXTURES.glob(f"{kind}*.json")), kind


@pytest.mark.parametrize("kind,fixture", CASES)
def test_docx_template_variables_are_provided(kind: str, fixture: str) -> None:
    k = KINDS[kind]
    context = k.build(validate(k, load_fixture(fixture)), 1)
    template = DocxTemplate(io.BytesIO((TEMPLATE_DIR / "docx" / f"{kind}.docx").read_bytes()))
    missing = template.get_undeclared_template_variables(jinja_env=environment(), context=context)
    assert missing - RENDERER_NAMES - set(environment().globals) == set()
    used = template.get_undeclared_template_variables(jinja_env=environment())
    assert used, "the template uses no variables at all?"


@pytest.mark.parametrize("kind,fixture", CASES)
def test_html_template_variables_are_provided(kind: str, fixture: str) -> None:
    k = KINDS[kind]
    context = k.build(validate(k, load_fixture(fixture)), 1)
    source = html_env.loader.get_source(html_env, f"{kind}.html")[0]
    base = html_env.loader.get_source(html_env, "_base.html")[0]
    used = meta.find_undeclared_variables(html_env.parse(source)) | meta.find_undeclared_variables(
        html_env.parse(base))
    assert used - set(context) == set()
