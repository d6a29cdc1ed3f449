public class Checkout
{
    public string Treatment(ISplitClient sdk, string key) => sdk.GetTreatment(key, "dotnet-checkout");

    public async Task<Dictionary<string, string>> Many(ISplitClient sdk, string key) =>
        await sdk.GetTreatmentsAsync(key, new List<string> { "dotnet-header", "dotnet-footer" });
}
