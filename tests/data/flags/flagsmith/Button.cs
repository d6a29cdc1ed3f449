public class Button
{
    public async Task<bool> Show(FlagsmithClient client)
    {
        var flags = await client.GetEnvironmentFlags();
        return await flags.IsFeatureEnabled("dotnet-secret-button");
    }
}
