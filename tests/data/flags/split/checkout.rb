def treatment(split_client, key, attributes)
  many = split_client.get_treatments(key, ['ruby-header', 'ruby-footer'])
  split_client.get_treatment(key, 'ruby-checkout', attributes)
end
