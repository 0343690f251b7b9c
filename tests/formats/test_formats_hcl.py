"""formats.hcl: Terraform, tfvars and lock files read with tree-sitter-hcl."""

from __future__ import annotations

from pathlib import Path

import pytest

from ownership_gate.formats import hcl

FIXTURES = Path(__file__).parents[1] / "fixtures"


def _parse(text: str) -> hcl.Document:
    return hcl.parse(text.encode())


def _values(text: str) -> dict[str, hcl.Value]:
    document = _parse(text)
    assert not document.errors
    return {name: attribute.value for name, attribute in document.attributes.items()}


def test_literals_are_python_values() -> None:
    assert _values(
        'a = "t3.micro"\nb = 3\nc = 1.5\nd = 1.5e3\ne = -2\nf = true\ng = false\nh = null\n'
        'i = ["a", 1, [true]]\nj = { x = 1, "y z" = "w", k: 2 }\n'
    ) == {
        "a": "t3.micro", "b": 3, "c": 1.5, "d": 1500.0, "e": -2, "f": True, "g": False, "h": None,
        "i": ["a", 1, [True]], "j": {"x": 1, "y z": "w", "k": 2},
    }


def test_escapes_and_heredocs() -> None:
    values = _values(
        'a = "say \\"hi\\"\\n\\u00e9 $${literal}"\n'
        'b = <<EOT\n  kept\nEOT\n'
        'c = <<-EOT\n    one\n      two\n    EOT\n'
    )
    assert values == {"a": 'say "hi"\né ${literal}', "b": "  kept\n", "c": "one\n  two\n"}


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("var.size", "var.size"),
        ('"web-${var.env}"', '"web-${var.env}"'),
        ("max(1, 2)", "max(1, 2)"),
        ("var.on ? 2 : 0", "var.on ? 2 : 0"),
        ("(1)", "(1)"),
        ("<<EOT\n${x}\nEOT", "<<EOT\n${x}\nEOT"),
        ("[for s in var.list : upper(s)]", "[for s in var.list : upper(s)]"),
        # A string of one interpolation is the expression itself (Terraform 0.12 and later).
        ('"${var.cidr_block}"', "var.cidr_block"),
        ('"${ lookup(var.m, "k") }"', 'lookup(var.m, "k")'),
        ('"${~ var.x}"', '"${~ var.x}"'),
        ('"${var.a}${var.b}"', '"${var.a}${var.b}"'),
    ],
)
def test_computed_values_keep_their_source_text(source: str, text: str) -> None:
    assert _values(f"a = {source}\n") == {"a": hcl.Expression(text)}


def test_blocks_have_type_labels_lines_and_lazy_bodies() -> None:
    document = _parse(
        '# a comment\nresource "aws_instance" "web" {\n  instance_type = "t3.micro"\n'
        '  tags = {\n    Name = "web"\n  }\n  ebs_block_device {\n    volume_size = 10\n  }\n}\n'
        'locals { size = "m5.large" }\n'
    )
    web, local = document.blocks
    assert (web.type, web.labels, web.line) == ("resource", ("aws_instance", "web"), 2)
    assert web.source.startswith(b'resource "aws_instance" "web" {') and web.source.endswith(b"}")
    body = web.body
    assert body.attributes["instance_type"] == hcl.Attribute("instance_type", "t3.micro", 3)
    tags = body.attributes["tags"].value
    assert isinstance(tags, hcl.Object) and tags.lines == {"Name": 5}
    [device] = body.blocks
    assert (device.type, device.line, device.body.attributes["volume_size"].value) == ("ebs_block_device", 7, 10)
    assert (local.type, local.labels, local.body.attributes["size"].value) == ("locals", (), "m5.large")


def test_tfvars_are_top_level_attributes() -> None:
    text = (FIXTURES / "cost" / "terraform" / "prod.tfvars").read_text()
    document = _parse(text)
    assert document.blocks == [] and document.attributes["web_desired_count"] == hcl.Attribute(
        "web_desired_count", 2, 3)


def test_lock_files_read_like_any_hcl() -> None:
    text = (FIXTURES / "dependency_b" / "terraform" / "after.terraform.lock.hcl").read_text()
    document = _parse(text)
    assert not document.errors and document.blocks
    for block in document.blocks:
        assert block.type == "provider" and block.labels[0].startswith("registry.terraform.io/")
        attributes = block.body.attributes
        assert isinstance(attributes["version"].value, str)
        assert isinstance(attributes["hashes"].value, list) and attributes["hashes"].value


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('module "vpc" {\n  source = \n}\n', 2),
        ('terraform {\n  required_providers {\n    aws = {\n', 4),
        ('module "x" {\n  source = "a/b/c"\n  version = "1.0" = 2\n}\n', 3),
        ('resource "a" "b" {\n  x = "open\n  y = 1\n}\nresource "c" "d" {\n  z = "q"\n}\n', 2),
    ],
    ids=["missing-value", "unclosed", "extra-tokens", "open-string"],
)
def test_text_that_does_not_parse_says_where(text: str, line: int) -> None:
    document = _parse(text)
    assert document.errors
    error = document.error()
    assert error is not None and error.line == line


def test_a_broken_block_does_not_hide_the_blocks_before_it() -> None:
    document = _parse('module "a" {\n  source = "x/y/z"\n}\nresource "b" "c" {\n  ami = \n}\n')
    first, second = document.blocks
    assert not first.errors and first.error() is None
    assert second.errors and (second.error() or hcl.HclError("")).line == 5


def test_nesting_deeper_than_any_configuration_is_an_error() -> None:
    document = _parse("a = " + "[" * 500 + "]" * 500 + "\n" + 'module "m" {\n  v = ' + "[" * 500 + "]" * 500 + "\n}\n")
    assert document.attributes == {} and document.errors and "nested too deeply" in str(document.error())
    # The block says so before a reader asks for its body, with the line the nesting is on.
    [block] = document.blocks
    assert block.errors and (block.error() or hcl.HclError("")).line == 3
    assert "nested too deeply" in str(block.error())
    with pytest.raises(hcl.HclError, match="nested too deeply"):
        _ = block.body


def test_a_second_revision_parsed_incrementally_reads_the_same() -> None:
    old = (FIXTURES / "cost" / "terraform" / "main.tf").read_bytes()
    new = old.replace(b'"t3.micro"', b'"t3.small"').replace(b"max_size     = 2", b"max_size = 3")
    first = hcl.parse(old)
    again = hcl.parse(new, previous=first.source)
    fresh = hcl.Document(new, hcl.treesitter.parse("hcl", new))
    assert str(again.tree.root_node) == str(fresh.tree.root_node)
    assert [b.source for b in again.blocks] == [b.source for b in fresh.blocks]
    assert [b.body for b in again.blocks] == [b.body for b in fresh.blocks]
    assert hcl.parse(old) is first  # each revision is parsed once, for every reader


def test_a_block_read_after_its_tree_is_gone_reads_the_same() -> None:
    text = (FIXTURES / "cost" / "terraform" / "main.tf").read_bytes() + b'resource "x" "broken" {\n  a = \n}\n'
    kept = hcl.Document(text, hcl.treesitter.parse("hcl", text))
    dropped = hcl.Document(text, hcl.treesitter.parse("hcl", text))
    dropped.tree = None  # as for a document parsed long ago: its blocks parse their own text
    assert [b.body for b in dropped.blocks[:-1]] == [b.body for b in kept.blocks[:-1]]
    broken_kept, broken_dropped = kept.blocks[-1].error(), dropped.blocks[-1].error()
    assert broken_kept is not None and broken_dropped is not None
    assert (str(broken_dropped), broken_dropped.line) == (str(broken_kept), broken_kept.line)


def test_same_code_leaves_out_comments_even_where_the_file_does_not_parse() -> None:
    broken = b'# v1\nresource "a" "b" {\n  roles {\n    "authenticated" = "x"\n  }\n}\n'
    assert hcl.parse(broken).errors
    assert hcl.same_code(broken, broken.replace(b"# v1", b"# v2\n\n// and more"))
    assert not hcl.same_code(broken, broken.replace(b'"authenticated"', b'"unauthenticated"'))
    # Text the grammar cannot place is compared as written, comment characters and all.
    assert not hcl.same_code(broken, broken + b"}} # stray\n")
    assert not hcl.same_code(broken + b"}} # a\n", broken + b"}} # b\n")
