def treatment(split_client, key, attributes)
  split_client.get_treatment(key, 'ruby-checkout', attributes)
end
