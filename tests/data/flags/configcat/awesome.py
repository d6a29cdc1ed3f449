import configcatclient

configcat_client = configcatclient.get('#YOUR-SDK-KEY#')

def awesome(user, setting_key):
    enabled = configcat_client.get_value('pyAwesomeFeature', False, user)
    dynamic = configcat_client.get_value(setting_key, False, user)
    return enabled and dynamic
