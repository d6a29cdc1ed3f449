using LaunchDarkly.Sdk;
using LaunchDarkly.Sdk.Server;

public class Checkout
{
    public bool Enabled(LdClient client, Context context)
    {
        bool on = client.BoolVariation("dotnet-checkout", context, false);
        var detail = client.StringVariationDetail("dotnet-theme", context, "light");
        return on && detail.Value == "dark";
    }
}
