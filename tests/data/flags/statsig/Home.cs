public class Home
{
    public async Task<bool> Fancy(Statsig statsig, StatsigUser user)
    {
        var sizes = statsig.GetDynamicConfig(user, "dotnet_home_sizes");
        var server = statsig.CheckGate(user, "dotnet_fancy_home");
        return server && StatsigClient.CheckGate("dotnet_client_home");
    }
}
