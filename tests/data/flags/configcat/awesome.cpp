#include <configcat/configcatclient.h>

bool Enabled(configcat::ConfigCatClient* client) {
    return client->getValue("cppAwesomeFeature", false);
}
