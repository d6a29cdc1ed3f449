bool enabled(FliptEvaluationClient client) =>
    client.evaluateBoolean(flagKey: 'dart-checkout', entityId: 'user', context: {}).enabled;
