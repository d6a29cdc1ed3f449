def dark_mode?(client, target)
  client.bool_variation("ruby-dark-mode", target, false)
end
