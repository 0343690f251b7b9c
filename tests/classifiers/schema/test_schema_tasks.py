"""Rake tasks: a task that deletes records is read like a migration that does."""

from __future__ import annotations

import pytest

from ownership_gate.classifiers.schema.paths import is_task_file
from tests.classifiers.schema.test_schema_helpers import judge, pairs
from tests.conftest import Repo

DUPLICATES = """\
namespace :import do
  namespace :service_tiers do
    desc "Remove duplicate ServiceTier entries"
    task remove_duplicates: :environment do
      duplicates = ServiceTier.all.select { |st| st.duplicate? }
      puts "Removing #{duplicates.count} ServiceTier entries"
      duplicates.each do |st|
        st.destroy
      end
    end
  end
end
"""

MERGE = """\
namespace :once_off do
  task :dorset_merge => :environment do
    LocalAuthority.find_by(slug: "poole").update!(active_end_date: Time.parse("01-Apr-2019"))
  end
end
"""

REPORT = """\
desc "List users who never signed in"
task stale_users: :environment do
  User.where(last_sign_in_at: nil).find_each { |user| puts user.email }
  cache = {}
  cache.delete(:old)
end
"""


@pytest.mark.parametrize(("path", "text", "expected"), [
    # A one-off task that destroys rows: what it takes no rollback brings back.
    ("lib/tasks/import/service_tiers.rake", DUPLICATES, [("destructive", "rake import:service_tiers:remove_duplicates")]),
    ("lib/tasks/purge.rake", 'task :purge do\n  Session.where("updated_at < ?", 1.week.ago).delete_all\nend\n',
     [("destructive", "rake purge")]),
    # Updating records, or reading them, is left alone; so is a hash's `delete`.
    ("lib/tasks/once-off/dorset_merge.rake", MERGE, []),
    ("lib/tasks/reports.rake", REPORT, []),
    # A vendored plugin's tasks are not the application's.
    ("vendor/plugins/acts_as_solr/lib/tasks/solr.rake", DUPLICATES, []),
])
def test_a_new_task_that_deletes_records_is_destructive(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, text: str, expected: list[tuple[str, str]]
) -> None:
    code, found, _ = judge(repo, capsys, {path: text})
    assert pairs(found) == expected
    assert code == (1 if expected else 0)
    if expected:
        assert "no rollback brings back" in found[0]["detail"]


def test_a_changed_task_counts_only_the_deletions_it_did_not_make_before(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "lib/tasks/import/service_tiers.rake"
    before = {path: DUPLICATES}
    # Its message reworded: the deletion was there before.
    code, found, _ = judge(repo, capsys, {path: DUPLICATES.replace("Removing", "Deleting")}, before)
    assert pairs(found) == [] and code == 0
    # It now deletes other records too.
    extra = DUPLICATES.replace("      duplicates.each do |st|\n",
                               "      ServiceTier.where(tier_id: nil).delete_all\n      duplicates.each do |st|\n")
    code, found, _ = judge(repo, capsys, {path: extra}, {path: DUPLICATES})
    assert pairs(found) == [("destructive", "rake import:service_tiers:remove_duplicates")]
    assert found[0]["line"] == 7
    assert code == 1


def test_which_files_are_tasks() -> None:
    assert is_task_file("lib/tasks/once-off/merge.rake")
    assert is_task_file("engines/billing/lib/tasks/billing.rake")
    assert not is_task_file("lib/tasks/README.md")
    assert not is_task_file("spec/lib/tasks/merge.rake")
    assert not is_task_file("Rakefile")
