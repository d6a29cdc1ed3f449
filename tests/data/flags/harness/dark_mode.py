def dark_mode(client, target):
    return client.bool_variation('py-dark-mode', target, False)
