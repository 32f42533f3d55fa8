"""The source policy (knowledge/sources.py): primary pages only, with a reason otherwise."""

from __future__ import annotations

import pytest

from knowledge.entries import load_entries
from knowledge.sources import source_problem


@pytest.mark.parametrize(
    "url, reason",
    [
        ("https://https.ncbi.nlm.nih.gov/pubmed/36460281", "malformed"),
        ("https://ncbi.nlm.nih.gov./books/n/gene/cadasil", "ends with a dot"),
        ("https://yyws.alljournals.cn/view_abstract.aspx?aid=1", "aggregator"),
        ("https://docslib.org/doc/8826336/vascular-malformations", "document copy"),
        ("http://doczz.fr/doc/3337822/ehlers-danlos-vasculaire", "document copy"),
        ("https://fr.scribd.com/document/1/x", "document copy"),
        ("https://0-ojrd-biomedcentral-com.brum.beds.ac.uk/articles/10.1186/x", "proxy"),
        ("https://webgate.acceptance.ec.europa.eu/chafea_pdb/health/projects/769036/summary", "staging"),
        ("https://abe-1022-the-brain-charity.staging1.abigegg.com/?p=2162", "staging"),
        ("https://vascern-dev.keeo.com/about-vascern/our-mission", "staging"),
        ("ftp://vascern.eu/file", "not an http(s) URL"),
        ("https://vascern.eu/a page", "spaces"),
        ("https://localhost/x", "malformed"),
    ],
)
def test_a_source_that_breaks_the_policy_is_refused_with_its_reason(url, reason):
    problem = source_problem(url)
    assert problem is not None and reason in problem, problem


@pytest.mark.parametrize(
    "url",
    [
        "https://vascern.eu/expertise/rare-diseases-wgs/hht-wg/",
        "https://pubmed.ncbi.nlm.nih.gov/36460281/",
        "https://www.ncbi.nlm.nih.gov/books/NBK1133/",
        "https://ojrd.biomedcentral.com/articles/10.1186/s13023-020-01604-4",
        "https://webgate.ec.europa.eu/chafea_pdb/health/projects/769036/summary",
        "https://www.nhs.uk/conditions/marfan-syndrome/",
        "https://www.dev.to/some-article",
    ],
)
def test_a_primary_page_is_accepted(url):
    assert source_problem(url) is None


def test_an_entry_citing_a_document_copy_is_rejected_by_the_validator(tmp_path):
    group = tmp_path / "hht"
    group.mkdir()
    for language in ("en", "fr"):
        (group / f"hht-x.{language}.yml").write_text(
            f"id: hht-x\nlanguage: {language}\ndisease: HHT\ntopic: overview\ntitle: T\n"
            "reviewed: 2026-12-06\nsources:\n  - https://docslib.org/doc/1/x\nbody: |\n  Some text.\n",
            encoding="utf-8",
        )
    _entries, problems = load_entries(tmp_path)
    assert any("document copy" in problem.message for problem in problems), problems
