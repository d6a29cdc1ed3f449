def checkout(client, key, attributes):
    treatment = client.get_treatment(key, "py-checkout", attributes)
    many = client.get_treatments(key, ["py-header", "py-footer"])
    return treatment, many
