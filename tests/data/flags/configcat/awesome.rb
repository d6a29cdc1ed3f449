configcat_client = ConfigCat.get('#YOUR-SDK-KEY#')
enabled = configcat_client.get_value('rubyAwesomeFeature', false)
