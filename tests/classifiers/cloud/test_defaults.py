"""Folding Terraform expressions with new inputs at their defaults."""

from __future__ import annotations

import pytest

from ownership_gate.classifiers.cloud.defaults import (
    EMPTY,
    Residual,
    default_value,
    evaluate,
    is_empty,
    lists_as_tuples,
    lookups_as_indexes,
    optional_nulls,
    render,
)

AT_DEFAULT = {"feature": None, "enabled": False, "cidrs": EMPTY, "security_group": ""}


@pytest.mark.parametrize(("text", "folded"), [
    ("var.feature != null ? [var.feature] : []", "[]"),
    ("var.feature == null ? [] : [var.feature]", "[]"),
    ("(var.feature == null)", "true"),
    ("!(var.feature != null)", "true"),
    ("var.enabled ? 1 : 0", "0"),
    ("local.create && var.enabled ? 1 : 0", "0"),
    ("var.enabled || local.create ? 1 : 0", "(local.create ? 1 : 0)"),
    ("var.feature != null || length(var.networks) > 0 ? [true] : []", "((length(var.networks) > 0) ? [true] : [])"),
    ("(length(var.networks)  >  0) ? [true] : []", "((length(var.networks) > 0) ? [true] : [])"),
    # What it does not know stays as written, grouped as parsed: these two differ.
    ("var.other != null ? [var.other] : []", "((var.other != null) ? [var.other] : [])"),
    ('var.other == "on" ? 1 : 0', '((var.other == "on") ? 1 : 0)'),
    # A string written out is compared with an input's default: null is no string, and "" is "".
    ('var.feature == "on" ? 1 : 0', "0"),
    ('var.security_group == "" ? 1 : 0', "1"),
    ('"${var.security_group == "" ? 1 : 0}"', "1"),
    ('var.security_group != "" ? [var.security_group] : [local.sg]', "[local.sg]"),
    ('"sg-${var.other}"', '"sg-${var.other}"'),  # a template stays as written
    ('"a\\"b" == var.security_group', '("a\\"b" == "")'),  # an escape stays as written
    ("(a || b) && c", "((a || b) && c)"),
    ("a || (b && c)", "(a || (b && c))"),
    ("coalesce(var.other, 3)", "coalesce(var.other, 3)"),
    # Branches that come to the same make the condition moot.
    ('local.protocol == "HTTPS" ? null : var.feature', "null"),
    ('local.protocol == "HTTPS" ? 1 : 2', '((local.protocol == "HTTPS") ? 1 : 2)'),
    ("var.feature != null ? [ 1 ]", "var.feature != null ? [ 1 ]"),  # does not parse: left as written
    # `length` of what the default leaves empty, and numbers compared.
    ("length(var.cidrs) > 0 ? [var.cidrs] : []", "[]"),
    ("length(var.other) > 0 ? [var.other] : []", "((length(var.other) > 0) ? [var.other] : [])"),
    ("var.enabled ? 2 : 1 >= 2", "false"),
    # Keys, conversions and the like of an empty collection are empty.
    ("length(keys(var.cidrs)) == 0 ? [] : [true]", "[]"),
    ("tomap(var.cidrs)", "[]"),
    ("keys(var.other)", "keys(var.other)"),
    # Terraform 0.11 wrote expressions as templates of one interpolation.
    ('"${var.enabled ? 1 : 0}"', "0"),
    ('"${var.enabled} and more"', '"${var.enabled} and more"'),
    # Joins drop what comes to nothing; a join of one argument is that argument.
    ("concat([aws_security_group.this.id], var.cidrs)", "[aws_security_group.this.id]"),
    ("merge(local.tags, var.cidrs)", "local.tags"),
    ("concat([a], var.cidrs, [b])", "concat([a], [b])"),
    ("concat(var.cidrs)", "[]"),
    ("concat(var.cidrs, var.other)", "var.other"),
    ("concat(var.lists...)", "concat(var.lists...)"),
    ("lookup(var.cidrs, \"a\", null)", "lookup(var.cidrs, \"a\", null)"),
    # The first argument that is not nothing: `[]` for coalescelist, null for coalesce.
    ("coalescelist(var.cidrs, var.subnet_ids)", "var.subnet_ids"),
    ("coalescelist(var.other, var.subnet_ids)", "coalescelist(var.other, var.subnet_ids)"),
    ("coalescelist(var.cidrs, var.other, var.subnet_ids)", "coalescelist(var.other, var.subnet_ids)"),
    ("coalesce(var.feature, 3)", "3"),
    ("coalesce(var.feature, local.name)", "local.name"),
    ("coalesce(var.cidrs, local.name)", "coalesce(var.cidrs, local.name)"),  # `[]` is no null
])
def test_folding(text: str, folded: str) -> None:
    assert render(evaluate(text, AT_DEFAULT)) == folded


def test_defaults_and_emptiness() -> None:
    assert [default_value(t) for t in ("null", "false", "true", "[]", "{}", '""')] == [None, False, True, EMPTY, EMPTY, ""]
    assert default_value('"eu-west-1"') == Residual('"eu-west-1"')
    assert is_empty(None) and is_empty(EMPTY) and is_empty(0.0)
    assert not is_empty(Residual("[true]")) and not is_empty(1.0)


@pytest.mark.parametrize(("text", "expected"), [
    ("flatten(list(a.*.arn, b.*.arn))", "flatten([a.*.arn, b.*.arn])"),
    ("list(list(1), 2)", "[[1], 2]"),
    ("flatten(list(\n  a,\n  b))", "flatten([\n  a,\n  b])"),
    # Another function, or the word inside a string, is no `list` call.
    ('concat(list("x("), tolist(y), mylist(z))', 'concat(["x("], tolist(y), mylist(z))'),
    ('"list("', '"list("'),
])
def test_a_list_call_is_the_tuple(text: str, expected: str) -> None:
    assert lists_as_tuples(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ('lookup(var.elasticsearch_settings, "endpoint_uri")', 'var.elasticsearch_settings["endpoint_uri"]'),
    ('lookup(local.m["x"], "k")', 'local.m["x"]["k"]'),
    # With a default it says what a missing key gives: left as written; so is a computed map or key.
    ('lookup(var.s3_settings, "bucket_folder", null)', 'lookup(var.s3_settings, "bucket_folder", null)'),
    ('lookup(merge(a, b), "k")', 'lookup(merge(a, b), "k")'),
    ('lookup(var.m, "${var.k}")', 'lookup(var.m, "${var.k}")'),
])
def test_a_two_argument_lookup_is_the_index(text: str, expected: str) -> None:
    assert lookups_as_indexes(text) == expected


@pytest.mark.parametrize(("declared", "names"), [
    ("map(object({ tier = optional(string) }))", {"tier"}),
    ("object({ a = optional(object({ b = optional(bool, false) }), null), c = optional(number, 128) })", {"a"}),
    ('object({ "quoted" = optional(string), plain = string })', {"quoted"}),
    ("list(string)", set()),
])
def test_optional_nulls_reads_a_type_with_the_grammar(declared: str, names: set[str]) -> None:
    assert optional_nulls(declared) == names
