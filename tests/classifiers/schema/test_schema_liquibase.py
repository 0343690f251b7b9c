"""Liquibase changelogs in XML, YAML and JSON, committed to real repositories and judged by `check`."""

from __future__ import annotations

from typing import Any

import pytest

from ownership_gate.classifiers.schema.frameworks import liquibase
from tests.classifiers.schema.test_schema_helpers import judge, pairs
from tests.conftest import Repo

HEAD = """\
<?xml version="1.0" encoding="UTF-8"?>
<databaseChangeLog
  xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog
    https://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-4.9.xsd">
"""


def xml(*changesets: str) -> str:
    return HEAD + "".join(changesets) + "</databaseChangeLog>\n"


NEW_TABLE = """\
  <changeSet id="1" author="ana">
    <createTable tableName="invoice">
      <column name="id" type="bigint" autoIncrement="true">
        <constraints primaryKey="true" nullable="false"/>
      </column>
      <column name="customer_id" type="bigint">
        <constraints nullable="false" foreignKeyName="fk_invoice_customer" references="customer(id)"/>
      </column>
    </createTable>
    <createIndex tableName="invoice" indexName="ix_invoice_customer" unique="true">
      <column name="customer_id"/>
    </createIndex>
    <addColumn tableName="customer">
      <column name="nickname" type="varchar(80)"/>
      <column name="active" type="boolean" defaultValueBoolean="true">
        <constraints nullable="false"/>
      </column>
    </addColumn>
    <rollback>
      <dropTable tableName="invoice"/>
    </rollback>
  </changeSet>
"""

CHANGELOG = "src/main/resources/db/changelog/changes/2024-05-01-invoices.xml"


def test_a_new_table_and_a_nullable_column_are_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {CHANGELOG: xml(NEW_TABLE)})
    # Everything on the new table is additive; the rollback's drop is never read.
    assert pairs(found) == [
        ("additive", "invoice"), ("additive", "invoice"), ("additive", "customer.nickname"),
        ("additive", "customer.active"),
    ]
    assert [f["line"] for f in found] == [8, 16, 20, 21]
    assert found[3]["detail"] == "add column customer.active (NOT NULL with a default)"
    assert code == 0


YAML_NEW_TABLE = """\
databaseChangeLog:
  - changeSet:
      id: 1
      author: ana
      changes:
        - createTable:
            tableName: invoice
            columns:
              - column:
                  name: id
                  type: bigint
                  constraints:
                    primaryKey: true
        - addColumn:
            tableName: customer
            columns:
              - column:
                  name: nickname
                  type: varchar(80)
      rollback:
        - dropTable:
            tableName: invoice
"""


def test_a_yaml_changelog_is_read_alike(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {"src/main/resources/db/changelog/db.changelog-master.yaml": YAML_NEW_TABLE})
    assert [(f["kind"], f["subject"], f["line"]) for f in found] == [
        ("additive", "invoice", 6), ("additive", "customer.nickname", 17),
    ]
    assert code == 0


def test_a_dropped_column_and_a_renamed_table_are_destructive(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, found, _ = judge(repo, capsys, {"db/changelog/002-cleanup.xml": xml("""\
  <changeSet id="2" author="ana">
    <dropColumn tableName="customer" columnName="fax"/>
    <renameTable oldTableName="invoice" newTableName="bill"/>
    <dropTable tableName="audit_log" cascadeConstraints="true"/>
  </changeSet>
""")})
    assert pairs(found) == [("destructive", "customer.fax"), ("destructive", "invoice"), ("destructive", "audit_log")]
    assert found[1]["detail"] == "rename table invoice to bill"
    assert code == 1


def test_yaml_drops_and_renames_are_destructive(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {"liquibase/changelog-2.yml": """\
databaseChangeLog:
  - changeSet:
      id: drop-fax
      author: ana
      changes:
        - dropColumn:
            tableName: customer
            columns:
              - column: {name: fax}
              - column: {name: telex}
        - renameColumn:
            tableName: customer
            oldColumnName: name
            newColumnName: full_name
        - modifyDataType:
            tableName: customer
            columnName: zip
            newDataType: int
"""})
    assert pairs(found) == [("destructive", "customer.fax"), ("destructive", "customer.telex"),
                            ("destructive", "customer.name"), ("destructive", "customer.zip")]
    assert code == 1


def test_a_unique_index_and_a_required_column_on_an_existing_table_are_risky(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, found, _ = judge(repo, capsys, {"db/changelog/003-constraints.xml": xml("""\
  <changeSet id="3" author="ana">
    <createIndex tableName="customer" indexName="ux_customer_email" unique="true">
      <column name="email"/>
    </createIndex>
    <addColumn tableName="customer">
      <column name="tenant_id" type="bigint">
        <constraints nullable="false"/>
      </column>
    </addColumn>
    <addForeignKeyConstraint baseTableName="order" baseColumnNames="customer_id" constraintName="fk"
        referencedTableName="customer" referencedColumnNames="id" validate="false"/>
  </changeSet>
""")})
    assert [(f["kind"], f["subject"], f["line"]) for f in found] == [
        ("risky", "customer", 8), ("risky", "customer.tenant_id", 12), ("additive", "order", 17),
    ]
    assert found[1]["detail"] == ("add column customer.tenant_id (NOT NULL) (NOT NULL without a default fails on an"
                                  " existing table with rows)")
    assert code == 1


def test_yaml_unique_constraint_and_not_null_are_risky(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {"src/main/resources/db/changelog/changes/004.yaml": """\
databaseChangeLog:
  - changeSet:
      id: 4
      author: ana
      changes:
        - addUniqueConstraint:
            tableName: customer
            columnNames: email, tenant_id
        - addNotNullConstraint:
            tableName: customer
            columnName: country
            defaultNullValue: GB
        - addColumn:
            tableName: customer
            columns:
              - column:
                  name: region
                  type: varchar(8)
                  constraints:
                    nullable: false
"""})
    assert pairs(found) == [("risky", "customer"), ("data", "customer.country"), ("risky", "customer.country"),
                            ("risky", "customer.region")]
    assert code == 1


def test_a_required_column_filled_for_the_rows_there_is_added_filled_then_set_not_null(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, found, _ = judge(repo, capsys, {"db/changelog/004-region.xml": xml("""\
  <changeSet id="4" author="ana">
    <addColumn tableName="customer">
      <column name="region" type="varchar(8)" value="EU">
        <constraints nullable="false"/>
      </column>
    </addColumn>
  </changeSet>
""")})
    assert [(f["kind"], f["detail"]) for f in found] == [
        ("additive", "add column customer.region (nullable, filled, then set NOT NULL)"),
        ("data", "set customer.region on every row"),
        ("risky", "set customer.region NOT NULL (scans the table under an exclusive lock and fails on NULL rows)"),
    ]
    assert code == 1


LAND_GRANTS = """\
   <changeSet id="add-data-layer-unique-constraint" author="system">
    <sql>ALTER TABLE data_layer DROP CONSTRAINT IF EXISTS unique_constraint_source_id;</sql>
    <sql>CREATE UNIQUE INDEX data_layer_unique_source_type_id ON ${schema}.data_layer (source_id, data_layer_type_id);</sql>
   </changeSet>
"""


def test_inline_sql_is_read_as_sql(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {"changelog/db.changelog-1.47.xml": xml(LAND_GRANTS)})
    assert [(f["kind"], f["subject"], f["line"]) for f in found] == [
        ("additive", "data_layer", 8), ("risky", "data_layer", 9),
    ]
    assert found[1]["detail"].startswith("create unique index on data_layer(source_id, data_layer_type_id)")
    assert code == 1


def test_sql_split_on_its_end_delimiter_keeps_its_lines(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {"db/changelog/005-sql.xml": xml("""\
  <changeSet id="5" author="ana">
    <sql endDelimiter="/"><![CDATA[
      CREATE TABLE archive (id int)
      /
      DROP TABLE legacy
      /
    ]]></sql>
  </changeSet>
""")})
    assert [(f["kind"], f["subject"], f["line"]) for f in found] == [
        ("additive", "archive", 9), ("destructive", "legacy", 11),
    ]
    assert code == 1


def test_rows_written_are_data(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {"db/changelog/006-seed.xml": xml("""\
  <changeSet id="6" author="ana">
    <insert tableName="country">
      <column name="code" value="GB"/>
    </insert>
    <update tableName="customer">
      <column name="country" value="GB"/>
      <where>country IS NULL</where>
    </update>
    <loadData tableName="currency" file="data/currency.csv" relativeToChangelogFile="true"/>
    <tagDatabase tag="v6"/>
  </changeSet>
""")})
    assert pairs(found) == [("data", "country"), ("data", "customer"), ("data", "currency")]
    assert code == 0


def test_deleted_rows_are_destructive(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {"db/changelog/007-purge.json": """\
{"databaseChangeLog": [
  {"changeSet": {"id": "7", "author": "ana", "changes": [
    {"delete": {"tableName": "session", "where": "expired = true"}}
  ]}}
]}
"""})
    assert [(f["kind"], f["subject"], f["line"]) for f in found] == [("destructive", "session", 3)]
    assert code == 1


def test_a_broken_xml_changelog_fails_closed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    broken = xml(NEW_TABLE).replace("</createIndex>", "</createindex>")
    code, found, _ = judge(repo, capsys, {CHANGELOG: broken})
    assert [(f["kind"], f["line"]) for f in found] == [("unknown", 18)]
    assert found[0]["detail"] == "migration could not be analysed: invalid XML: mismatched tag (column 7)"
    assert code == 1


def test_a_broken_yaml_changelog_fails_closed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    broken = YAML_NEW_TABLE.replace("            tableName: customer", "          tableName: customer: x")
    code, found, _ = judge(repo, capsys, {"db/changelog/db.changelog-master.yaml": broken})
    assert [f["kind"] for f in found] == ["unknown"]
    assert found[0]["detail"].startswith("migration could not be analysed: invalid YAML:")
    assert found[0]["line"] == 15
    assert code == 1


def test_change_types_it_cannot_see_into_are_unknown(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {"db/changelog/008-custom.xml": xml("""\
  <changeSet id="8" author="ana">
    <customChange class="com.example.db.BackfillTenants"/>
    <executeCommand executable="/usr/local/bin/reindex"/>
    <renameTrigger oldTriggerName="a" newTriggerName="b"/>
    <output>done</output>
  </changeSet>
""")})
    assert [(f["kind"], f["line"], f["detail"]) for f in found] == [
        ("unknown", 8, "custom change com.example.db.BackfillTenants: Java code whose changes cannot be seen"),
        ("unknown", 9, "runs the program /usr/local/bin/reindex: what it changes cannot be seen"),
        ("unknown", 10, "change type renameTrigger is not read: what it changes cannot be seen"),
    ]
    assert code == 1


MASTER = "src/main/resources/db/changelog/db.changelog-master.xml"
SECOND = "src/main/resources/db/changelog/changes/002.xml"
DROP_LEGACY = '  <changeSet id="9" author="ana">\n    <dropTable tableName="legacy"/>\n  </changeSet>\n'


def schema_kinds(document: dict[str, Any]) -> dict[str, list[str]]:
    """The schema findings' kinds, by changed path."""
    return {c["path"]: [f["kind"] for f in c["findings"] if f["type"] == "schema"] for c in document["changes"]}


def test_a_master_changelog_that_gains_an_include_reports_nothing(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    before = xml('  <include file="db/changelog/changes/001.xml"/>\n')
    after = xml('  <include file="db/changelog/changes/001.xml"/>\n'
                '  <include file="db/changelog/changes/002.xml" relativeToChangelogFile="false"/>\n'
                '  <includeAll path="db/changelog/later/"/>\n')
    code, _, document = judge(repo, capsys, {MASTER: after, SECOND: xml(DROP_LEGACY)}, {MASTER: before})
    # The included changelog is judged on its own; the include itself runs nothing.
    assert schema_kinds(document) == {MASTER: [], SECOND: ["destructive"]}
    assert code == 1


POM = """\
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>db</artifactId>
  <version>1.0.0</version>
  <!-- the databaseChangeLog files are in src/main/resources -->
</project>
"""


@pytest.mark.parametrize(("path", "content"), [
    ("db/migrations/pom.xml", POM),
    ("migrations/logback.xml", "<configuration>\n  <root level=\"INFO\"/>\n</configuration>\n"),
    ("db/changelog/liquibase.yaml", "databaseChangeLog: classpath:db/changelog/db.changelog-master.yaml\n"),
    ("liquibase/snapshot.json", '{"tables": [{"name": "customer", "drop": true}], "databaseChangeLog": null}\n'),
])
def test_an_ordinary_file_among_changelogs_is_no_migration(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, content: str
) -> None:
    code, _, document = judge(repo, capsys, {path: content, SECOND: xml(DROP_LEGACY)})
    assert schema_kinds(document) == {path: [], SECOND: ["destructive"]}
    assert code == 1


def test_a_changeset_appended_to_an_existing_changelog_is_judged_alone(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    old = xml(NEW_TABLE, DROP_LEGACY)
    new = old.replace("</databaseChangeLog>", """\
  <changeSet id="10" author="ana">
    <addColumn tableName="invoice">
      <column name="paid_at" type="timestamp"/>
    </addColumn>
  </changeSet>
</databaseChangeLog>""")
    code, found, _ = judge(repo, capsys, {CHANGELOG: new}, {CHANGELOG: old})
    # The changesets that ran before (a drop among them) are not judged again, and nothing was edited.
    assert pairs(found) == [("additive", "invoice.paid_at")]
    assert code == 0


def test_a_changeset_edited_in_place_is_an_edited_migration(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    new = xml(NEW_TABLE.replace('<column name="nickname" type="varchar(80)"/>',
                                '<column name="nickname" type="varchar(80)"/>\n      <column name="fax" type="text"/>'))
    code, found, _ = judge(repo, capsys, {CHANGELOG: new}, {CHANGELOG: xml(NEW_TABLE)})
    assert pairs(found)[0] == ("edited", CHANGELOG)
    assert ("additive", "customer.fax") in pairs(found)
    assert code == 0


def test_what_an_edited_changeset_adds_is_not_new_to_a_changeset_after_it(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    old = xml(NEW_TABLE)
    new = xml(NEW_TABLE.replace('<column name="nickname" type="varchar(80)"/>',
                                '<column name="nickname" type="varchar(80)"/>\n      <column name="fax" type="text"/>'),
              '  <changeSet id="12" author="ana">\n    <dropColumn tableName="customer" columnName="nickname"/>\n'
              '  </changeSet>\n')
    code, found, _ = judge(repo, capsys, {CHANGELOG: new}, {CHANGELOG: old})
    # The nickname column exists where changeset 1 ran: the new changeset drops a column with data.
    assert ("destructive", "customer.nickname") in pairs(found)
    assert pairs(found)[:2] == [("edited", CHANGELOG), ("destructive", "customer.nickname")]
    assert code == 1


def test_only_the_rollback_or_comments_edited_reports_nothing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    new = xml(NEW_TABLE.replace('<dropTable tableName="invoice"/>', '<dropTable tableName="invoice" cascade="1"/>')
              .replace("  <changeSet", "  <!-- invoices -->\n  <changeSet"))
    code, _, document = judge(repo, capsys, {CHANGELOG: new, SECOND: xml(DROP_LEGACY)}, {CHANGELOG: xml(NEW_TABLE)})
    assert schema_kinds(document) == {CHANGELOG: [], SECOND: ["destructive"]}
    assert code == 1


RUN_ON_CHANGE = """\
databaseChangeLog:
  - changeSet:
      id: grants
      author: ana
      runOnChange: true
      changes:
        - sql:
            sql: |
              GRANT SELECT ON customer TO reporting;
              {extra}
"""


def test_a_run_on_change_changeset_is_judged_on_its_new_content(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "db/changelog/grants.yaml"
    code, found, _ = judge(repo, capsys, {path: RUN_ON_CHANGE.replace("{extra}", "DROP VIEW old_report;")},
                           {path: RUN_ON_CHANGE.replace("{extra}", "")})
    assert [(f["kind"], f["line"]) for f in found] == [("additive", 10)]
    assert code == 0


def test_a_changeset_renamed_runs_again(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    old = xml('  <changeSet id="1" author="ana">\n    <createTable tableName="invoice"/>\n  </changeSet>\n')
    code, found, _ = judge(repo, capsys, {CHANGELOG: old.replace('id="1"', 'id="1-invoices"')}, {CHANGELOG: old})
    assert [f["kind"] for f in found] == ["edited", "unknown"]
    assert "databases that ran that one run its changes again" in found[1]["detail"]
    assert code == 1


def test_a_sql_file_is_read_where_the_changeset_finds_it(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {
        "src/main/resources/db/changelog/changes/011.xml": xml("""\
  <changeSet id="11" author="ana">
    <sqlFile path="sql/011-orders.sql" relativeToChangelogFile="true"/>
    <sqlFile path="db/changelog/sql/missing.sql"/>
  </changeSet>
"""),
        "src/main/resources/db/changelog/changes/sql/011-orders.sql": "-- orders\nALTER TABLE orders DROP COLUMN note;\n",
    })
    assert [(f["kind"], f["subject"], f["line"]) for f in found] == [
        ("destructive", "orders.note", 8), ("unknown", "src/main/resources/db/changelog/changes/011.xml", 9),
    ]
    assert found[0]["detail"] == "sql/011-orders.sql line 2: drop column orders.note"
    assert found[1]["detail"] == ("runs the SQL of db/changelog/sql/missing.sql, a file not found from the"
                                  " changelog's folder or a folder above it")
    assert code == 1


def test_a_sql_file_on_the_search_path_is_found_above_the_changelog(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    resources = "src/main/resources/"
    code, found, _ = judge(repo, capsys, {
        resources + "db/changelog/db.changelog-master.yaml": """\
databaseChangeLog:
  - changeSet:
      id: 12
      author: ana
      changes:
        - sqlFile:
            path: classpath:db/sql/012.sql
"""},
        {resources + "db/sql/012.sql": "CREATE INDEX ix_orders_day ON orders (day);\n"})
    assert [(f["kind"], f["subject"], f["line"]) for f in found] == [("risky", "orders", 6)]
    assert code == 1


def test_a_sql_file_on_a_search_path_set_elsewhere_is_found_among_the_changed_files(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    resources = "service/src/main/resources/db/"
    changelog = """\
databaseChangeLog:
  - changeSet:
      id: 13
      author: ana
      runOnChange: true
      changes:
        - sqlFile:
            path: 013-create_interview-001.sql
            splitStatements: true
            endDelimiter: GO
"""
    code, found, _ = judge(repo, capsys, {
        resources + "changelog/db.odse.changelog-16.1.yaml": changelog,
        resources + "odse/tables/013-create_interview-001.sql": (
            "-- interviews\nCREATE TABLE interview (id bigint);\nGO\nALTER TABLE person ADD interview_count int NOT NULL;\n"
            "GO\n"
        ),
    })
    assert [(f["kind"], f["subject"], f["detail"]) for f in found] == [
        ("additive", "interview", "013-create_interview-001.sql line 2: create table interview"),
        ("risky", "person.interview_count", "013-create_interview-001.sql line 4: add column person.interview_count"
                                            " (NOT NULL) (NOT NULL without a default fails on an existing table with"
                                            " rows)"),
    ]
    assert code == 1


def test_a_declared_location_holds_only_changelogs(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    policy = ("version: 1\nlevels:\n  - name: engineer\n  - name: cto\ndefault_level: engineer\n"
              'classify:\n  schema:\n    migrations: ["database/changes/*"]\n'
              "rules:\n  - id: schema\n    level: cto\n    when: {type: schema, kind: [destructive, risky, unknown]}\n"
              "    reason: data\n")
    code, found, _ = judge(repo, capsys, {"database/changes/0001.xml": xml(DROP_LEGACY),
                                          "database/changes/notes.json": '{"owner": "ana"}\n'},
                           {".ownership-gate.yaml": policy})
    assert [(f["kind"], f["subject"], f["detail"]) for f in found] == [
        ("destructive", "legacy", "drop table legacy"),
        ("unknown", "database/changes/notes.json", "holds no Liquibase changelog"),
    ]
    assert code == 1


@pytest.mark.parametrize(("path", "sniffed"), [
    ("src/main/resources/db/changelog/db.changelog-master.yaml", True),
    ("src/main/resources/db/changelog/changes/001-init.xml", True),
    ("changelog/db.changelog-1.47.xml", True),
    ("liquibase/changes/001.json", True),
    ("db/migrations/001.yml", True),
    ("db.changelog-master.xml", True),
    ("src/test/resources/db/changelog/db.changelog-test.xml", False),
    ("pom.xml", False),
    ("config/application.yml", False),
    ("db/changelog/001.sql", False),
])
def test_which_files_may_be_changelogs(path: str, sniffed: bool) -> None:
    assert liquibase.sniffs(path) is sniffed
