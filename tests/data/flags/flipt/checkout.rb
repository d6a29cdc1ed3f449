client = Flipt::EvaluationClient.new('default', { url: 'http://localhost:8080' })
resp = client.evaluate_boolean(flag_key: 'ruby-checkout', entity_id: 'someentity')
