public class Home
{
    public async Task<bool> Fancy(StatsigUser user)
    {
        var server = await StatsigServer.CheckGate(user, "dotnet_fancy_home");
        return server && StatsigClient.CheckGate("dotnet_client_home");
    }
}
