#include <launchdarkly/client_side/client.hpp>

inline bool ShowBanner(launchdarkly::client_side::Client& client) {
    return client.BoolVariation("cpp-client-banner", false);
}
