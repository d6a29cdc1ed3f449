def checkout(client, entity_id):
    result = client.evaluate_boolean(
        flag_key="py-checkout",
        entity_id=entity_id,
        context={"region": "us-west"},
    )
    return result.enabled
