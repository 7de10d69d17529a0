"""django-auth-ldap's settings built from environment variables (the README lists them).

Kept apart from ``settings.py`` because it imports python-ldap, which only LDAP deployments load.
"""

from collections.abc import Mapping

GROUP_TYPES = {
    "groupOfNames": ("GroupOfNamesType", {}),
    "nestedGroupOfNames": ("NestedGroupOfNamesType", {}),
    "groupOfUniqueNames": ("GroupOfUniqueNamesType", {}),
    "posixGroup": ("PosixGroupType", {}),
    "activeDirectory": ("ActiveDirectoryGroupType", {}),
    "nestedActiveDirectory": ("NestedActiveDirectoryGroupType", {}),
}


def ldap_settings_from_env(env: Mapping[str, str]) -> dict:
    """The ``AUTH_LDAP_*`` settings that need python-ldap objects: searches, group type, TLS."""
    import ldap
    from django_auth_ldap import config

    user_filter = env.get("LDAP_USER_FILTER", "(uid=%(user)s)")
    values = {
        "AUTH_LDAP_USER_SEARCH": config.LDAPSearch(
            env.get("LDAP_USER_SEARCH_BASE", ""), ldap.SCOPE_SUBTREE, user_filter
        ),
        "AUTH_LDAP_CONNECTION_OPTIONS": {ldap.OPT_REFERRALS: 0, ldap.OPT_NETWORK_TIMEOUT: 10},
    }
    group_base = env.get("LDAP_GROUP_SEARCH_BASE", "")
    if group_base:
        type_name = env.get("LDAP_GROUP_TYPE", "nestedGroupOfNames")
        if type_name not in GROUP_TYPES:
            raise ValueError(f"LDAP_GROUP_TYPE inconnu : {type_name} (valeurs : {', '.join(GROUP_TYPES)})")
        class_name, kwargs = GROUP_TYPES[type_name]
        group_filter = env.get(
            "LDAP_GROUP_FILTER", "(objectClass=group)" if "ctive" in type_name else "(objectClass=groupOfNames)"
        )
        values["AUTH_LDAP_GROUP_SEARCH"] = config.LDAPSearch(group_base, ldap.SCOPE_SUBTREE, group_filter)
        values["AUTH_LDAP_GROUP_TYPE"] = getattr(config, class_name)(**kwargs)
        values["AUTH_LDAP_FIND_GROUP_PERMS"] = False
    ca_file = env.get("LDAP_CA_CERT_FILE", "")
    if ca_file:
        # NEWCTX must come last: it builds the TLS context from the options set before it.
        values["AUTH_LDAP_CONNECTION_OPTIONS"].update(
            {
                ldap.OPT_X_TLS_CACERTFILE: ca_file,
                ldap.OPT_X_TLS_REQUIRE_CERT: ldap.OPT_X_TLS_DEMAND,
                ldap.OPT_X_TLS_NEWCTX: 0,
            }
        )
    return values
