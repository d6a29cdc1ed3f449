from openfeature import api

client = api.get_client()
enabled = client.get_boolean_value("py-of-checkout", False)
details = client.get_string_details(flag_key="py-of-theme", default_value="light")
