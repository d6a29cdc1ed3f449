import com.launchdarkly.sdk.*;
import com.launchdarkly.sdk.server.*;

class Checkout {
    boolean enabled(LDClient client, LDContext context) {
        boolean on = client.boolVariation("java-checkout", context, false);
        LDValue config = client.jsonValueVariation("java-checkout-config", context, LDValue.ofNull());
        return on && !config.isNull();
    }
}
