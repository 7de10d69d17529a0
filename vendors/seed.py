def seed_vendors(*, size: str, stdout) -> None:
    pass
