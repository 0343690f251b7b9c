"""MongoDB driver calls in JS/TS migrations (migrate-mongo's `up(db, client)`), through the CLI."""

from __future__ import annotations

import pytest

from tests.classifiers.schema.test_schema_helpers import judge, pairs
from tests.conftest import Repo

PATH = "migrations/20260329140000-x.js"


def migrate_mongo(body: str) -> str:
    return (f"export const up = async (db, client) => {{\n  const query = {{ code: 'frps' }};\n{body}\n}};\n\n"
            "export const down = async (db) => {\n  await db.collection('grants').deleteMany({});\n};\n")


@pytest.mark.parametrize(("body", "expected"), [
    # Documents carry no schema: writing them is data, whatever the fields.
    ("  await db.collection('grants').updateOne(query, {\n    $push: { 'phases.1.stages': { code: 'END' } },\n  });",
     [("data", "grants")]),
    ("  await db.collection('grants').updateMany({}, { $set: { caveats: [] } }, { upsert: false });",
     [("data", "grants")]),
    ("  await db.collection('workflows').insertOne({ code: 'methane', pages: [] });", [("data", "workflows")]),
    ("  await db.createCollection('events');", [("additive", "events")]),
    # An index is built without blocking reads and writes; dropping one loses no data.
    ("  await db.collection('users').createIndex({ email: 1 });\n"
     "  await db.collection('users').dropIndex('legacy_1');", [("additive", "users")]),
    # A collection kept in a variable, and an update pipeline kept in a constant, are read where they are used.
    ("  const grants = db.collection('grants');\n  const pipeline = [{ $set: { active: true } }];\n"
     "  await grants.updateMany({ provider: 'AZURE' }, pipeline);", [("data", "grants")]),
    ("  await client.startSession().withTransaction(async () => {\n"
     "    await db.collection('grants').updateOne(query, { $set: { open: true } });\n  });",
     [("data", "grants")]),
])
def test_writing_documents_is_data(repo: Repo, capsys: pytest.CaptureFixture[str], body: str,
                                   expected: list[tuple[str, str]]) -> None:
    code, found, _ = judge(repo, capsys, {PATH: migrate_mongo(body)})
    assert pairs(found) == expected
    assert code == 0


@pytest.mark.parametrize(("body", "kind", "detail"), [
    ("  await db.collection('users').updateMany({}, { $unset: { legacyRole: '' } });", "destructive", "$unset"),
    ("  await db.collection('users').updateMany({}, [{ $set: { a: 1 } }, { $unset: 'b' }]);", "destructive",
     "$unset"),
    ("  const users = db.collection('users');\n  await users.updateMany({}, { $rename: { name: 'fullName' } });",
     "destructive", "$rename"),
    ("  await db.collection('sessions').deleteMany({ expired: true });", "destructive", "deletes documents"),
    ("  await db.collection('sessions').drop();", "destructive", "drop collection"),
    ("  await db.dropCollection('sessions');", "destructive", "drop collection"),
    ("  await db.collection('cases').aggregate([{ $match: {} }, { $out: 'cases_v2' }]).toArray();", "destructive",
     "$out"),
    ("  await db.collection('users').createIndex({ email: 1 }, { unique: true });", "risky", "unique index"),
    # What is not written in the file may remove fields: it is not passed.
    ("  await db.collection('users').updateMany({}, buildUpdate());", "unknown", "not written here"),
    ("  await db.collection('users').updateMany({}, { ...changes });", "unknown", "not written here"),
    ("  await db.collection('users').bulkWrite(operations);", "unknown", "not written here"),
    ("  await db.collection('users').mapReduce(map, reduce);", "unknown", "unrecognised collection call mapReduce()"),
])
def test_taking_data_away_asks(repo: Repo, capsys: pytest.CaptureFixture[str], body: str, kind: str,
                               detail: str) -> None:
    code, found, _ = judge(repo, capsys, {PATH: migrate_mongo(body)})
    assert [f["kind"] for f in found] == [kind]
    assert detail in found[0]["detail"]
    assert code == 1


def test_a_cursor_callback_is_read_per_document(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # The deletion inside `forEach` runs once per document, on what each holds: it is seen, not passed as a read.
    body = ("  await db.collection('users').find({}).forEach(async (user) => {\n"
            "    await db.collection('sessions').deleteMany({ userId: user._id });\n  });")
    code, found, _ = judge(repo, capsys, {PATH: migrate_mongo(body)})
    assert [(f["kind"], f["subject"]) for f in found] == [("unknown", "sessions")]
    assert "in a loop" in found[0]["detail"]
    assert code == 1
