from tests.servers import directory_mapping, ldap_server, oidc_provider_factory  # noqa: F401  (fixtures)
