#include <launchdarkly/server_side/client.hpp>

bool Checkout(launchdarkly::server_side::Client& client, launchdarkly::Context const& context) {
    bool enabled = client.BoolVariation(context, "cpp-checkout", false);
    std::string theme = client.StringVariation(context, "cpp-theme", "light");
    return enabled && theme == "dark";
}

bool FromC(LDServerSDK sdk, LDContext context) {
    return LDServerSDK_BoolVariation(sdk, context, "c-checkout", false);
}
