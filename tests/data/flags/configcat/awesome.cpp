#include <configcat/configcatclient.h>

bool Enabled(configcat::ConfigCatClient* client, const configcat::ConfigCatUser* user) {
    auto details = client->getValueDetails("cppDetailsFeature", false, user);
    return client->getValue("cppAwesomeFeature", false) && details.value;
}
