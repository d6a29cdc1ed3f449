using OpenFeature;

public class Theme
{
    public async Task<bool> Dark(FeatureClient client) =>
        await client.GetBooleanValueAsync("dotnet-of-dark", false);
}
