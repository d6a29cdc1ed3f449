public class Checkout
{
    public bool Enabled(FliptClient client, Dictionary<string, string> context) =>
        client.EvaluateBoolean("dotnet-checkout", "entity", context).Enabled;
}
