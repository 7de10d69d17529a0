#: Every amount is stored as Decimal euros with cents (rounded half-up by budgets.money.to_cents).
MONEY = {"max_digits": 14, "decimal_places": 2}
