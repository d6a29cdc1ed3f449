public class Header
{
    public async Task<bool> Show(IPostHogClient posthog)
    {
        return await posthog.IsFeatureEnabledAsync(
            "dotnet-new-header",
            "distinct_id_of_your_user");
    }
}
