from growthbook import GrowthBook


def process_payment(gb: GrowthBook, payment):
    if gb.is_on("py-new-processor"):
        return gb.get_feature_value("py-max-retries", 3)
