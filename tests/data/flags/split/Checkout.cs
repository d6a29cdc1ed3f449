public class Checkout
{
    public string Treatment(ISplitClient sdk, string key) => sdk.GetTreatment(key, "dotnet-checkout");
}
