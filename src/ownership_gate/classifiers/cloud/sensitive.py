"""Which resource types and settings decide who and what can reach a cloud resource."""

from __future__ import annotations

from ownership_gate.classifiers import patterns

# Settings (attribute or nested block names, any provider, any case) that open or close access.
SETTING = patterns.compile(
    r"(?i)security_?groups?|ingress|egress|cidr|source_ranges|source_tags|source_ips?(?:$|_)|destination_ranges"
    r"|firewall"
    # A policy that decides who may act, not a subscription's message filter, a queue's redrive (where failed
    # messages go) or a retry policy (`filter_policy`, `FilterPolicy`, `redrive_policy`, `retry_policy`).
    r"|(?<!filter_)(?<!filter)(?<!redrive_)(?<!redrive)(?<!redrive_allow_)(?<!retry_)(?<!retry)polic(?:y|ies)"
    r"|statement|principals?|assume_role|permissions?|iam|role_arn|policy_arn|managed_policy"
    r"|public|private_endpoint|authorized_networks|master_auth|endpoint_.*access|allowed_(?:ips|cidrs|origins)"
    # Whether a load balancer faces the internet (`internal`, Google's `load_balancing_scheme`).
    r"|^internal$|load_balancing_scheme"
    # Lists of addresses let in or kept out, by any name (a bastion module's `ip_whitelist`).
    r"|white_?list|allow_?list|safe_?list|black_?list|deny_?list|block_?list"
    # The network a function or cluster is placed in, and the security groups it sits behind (`vpc_config`).
    r"|vpc_?config"
    r"|acl|encrypt|kms|key_arn|ssl|tls|https_only|min_tls|certificate|password|secret|auth|metadata"
    # Accounts a policy trusts or shares with, passed by ID (`account_ids = local.account_ids`).
    r"|account_?ids|(?:trusted|allowed|principal)_?accounts?"
    # The record of who reached it: access and audit logs (CloudFront's `logging_config`, a load balancer's
    # `access_logs`).
    r"|access_?logs?|logging_?config|audit_?logs?"
    # ... and where its logs and events are sent: a log subscription's or flow log's destination, which may be
    # another account's (`destination_arn`, `log_destination`).
    r"|destination_?arn|log_?destination"
    # Whether its data outlives a mistake: deletion protection, the snapshot taken when it is destroyed, backups
    # kept or taken at all, whether Terraform may empty it to destroy it, and whether a bucket's object versions
    # can be deleted without a second factor or at all (`mfa_delete`, Object Lock).
    r"|deletion_?protection|final_snapshot|prevent_destroy|force_destroy|backup_retention|point_in_time_recovery"
    r"|mfa_?delete|object_?lock"
    r"|backup_policy|(?:enable|disable)_?\w*backups?(?:$|_)|backups?_?enabled|(?:^|_)backups?$"
    # ... and how long it is kept before it is deleted for good: a bucket's lifecycle expirations, a log group's
    # retention.
    r"|lifecycle_rule|(?:noncurrent_version_)?expiration|retention_in_days|retention_period"
    # What a container may do on its node and in the cluster: Kubernetes pod and container security settings.
    r"|security_context|capabilities|privileged|allow_privilege_escalation|run_as_(?:user|group|non_root)"
    r"|read_only_root_filesystem|automount_service_account_token|host_(?:network|pid|ipc)|seccomp|apparmor"
    # What an instance runs as root when it boots (AWS `user_data`, as Google's `metadata` startup script).
    r"|user_data"
    # What a web application firewall inspects: its rules, those turned off, and requests let past it.
    r"|waf|exclusions?|disabled_rules|managed_rules?|custom_rules?"
    # Who may get an account and how signing in is guarded, in an identity service (Auth0's `disable_signup`
    # and `brute_force_protection`, Cognito's `allow_admin_create_user_only` and `mfa_configuration`).
    r"|sign_?ups?|self_?sign|self_?regist|admin_create_user|brute_?force|(?:^|_)mfa(?:$|_)|multi_?factor"
    r"|two_?factor|lockout"
)
_VERSION = patterns.compile(r"(?i)version$")
_PROTOCOL = patterns.compile(r"(?i)tls|ssl")


def names_setting(name: str) -> bool:
    """Whether a name its author chose (a variable, a local, a key of a variable file's value) names a
    setting of SETTING: one naming the version of what it names (`ingress_nginx_version`) is a version,
    unless it is a protocol's (`min_tls_version`)."""
    return bool(SETTING.search(name)) and (not _VERSION.search(name) or bool(_PROTOCOL.search(name)))


# Names of values that are secrets: marking one `sensitive` changes how a secret is handled.
SECRET_NAME = patterns.compile(
    r"(?i)pass(?:word|wd|phrase)|secret|token|credential|private_key|api_?key|access_key|auth_key|connection_string"
    r"|(?:^|_)dsn(?:$|_)|(?:^|_)key(?:$|_)"
)
# Resource types whose every setting is about access: any change to one is a finding.
TYPE = patterns.compile(
    r"(?i)(?:iam_(?:\w*_)?polic|policy_document|_iam_binding|_iam_member|security_group(?:_rule)?$"
    r"|security_group_(?:ingress|egress)_rule|firewall|network_acl|network_security_(?:group|rule)"
    r"|kms_key_policy|kms_grant|bucket_policy|bucket_public_access_block|bucket_acl|role_assignment|role_definition"
    r"|openid_connect_provider|saml_provider|identity_provider|workload_identity_pool|::iam::oidcprovider"
    r"|key_vault_access_policy|::iam::|::ec2::securitygroup|::kms::key|::s3::bucketpolicy|::sns::topicpolicy"
    # Web application firewalls: which requests reach the application, and in what order rules decide it.
    r"|_waf(?:v2|regional)?_|compute_security_policy|::wafv2::"
    r"|::sqs::queuepolicy|::lambda::permission"
    # A service's security configuration: how its data is encrypted at rest and in transit, and who is mapped
    # to which role (`aws_emr_security_configuration`, `aws_glue_security_configuration`).
    r"|_security_configuration$"
    # Who belongs to a group or team that holds access, and the credentials a user signs in with.
    r"|iam_(?:user_)?group_membership|iam_access_key|iam_user_login_profile|iam_user_ssh_key"
    r"|_team_members(?:hip)?$|repository_collaborator|_group_member$)"
)
# Settings that list who or what is let in (`admin_cidrs`, `allowed_ips`, `source_ranges`, `authorized_networks`,
# an allowlist): one that only loses entries lets fewer in. A list of whom to keep out is the other way round.
ALLOW_LIST = patterns.compile(
    r"(?i)cidr|(?:^|_)ips?(?:$|_)|ip_?ranges?|source_ranges|authori[sz]ed_networks|allow|whitelist|trusted"
)
DENY_LIST = patterns.compile(r"(?i)den(?:y|ied)|blocked|block_?list|blacklist|exclu|reject|banned")


# A switch that makes a resource reachable from the internet when on (`publicly_accessible`,
# `assign_public_ip`, `map_public_ip_on_launch`, `public_network_access_enabled`); one that blocks or
# restricts public access (`block_public_acls`, `restrict_public_buckets`) is the other way round.
_PUBLIC_SWITCH = patterns.compile(r"(?i)public")
_CLOSING_SWITCH = patterns.compile(r"(?i)block|restrict|ignore|deny|disable|prevent|(?:^|_)no_")


def _flag(value: object) -> bool | None:
    """A literal `true` or `false` as written in Terraform (a bool, or its text), else None."""
    if isinstance(value, bool):
        return value
    return {"true": True, "false": False}.get(value) if isinstance(value, str) else None


def narrowed(name: str, before: object, after: object) -> bool:
    """A list named for whom it lets in that only lost entries, or a switch that opens a resource to the
    internet turned off: fewer can reach the resource, none more."""
    if _flag(before) is True and _flag(after) is False and _PUBLIC_SWITCH.search(name) and not (
            _CLOSING_SWITCH.search(name)):
        return True
    if not (isinstance(before, tuple) and isinstance(after, tuple) and after):
        return False
    if not ALLOW_LIST.search(name) or DENY_LIST.search(name):
        return False
    try:
        return set(after) < set(before)
    except TypeError:  # an entry that is no plain value
        return False
