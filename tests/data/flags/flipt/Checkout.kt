fun enabled(client: FliptClient, context: Map<String, String>): Boolean =
    client.evaluateBoolean("kotlin-checkout", "entity", context).enabled
