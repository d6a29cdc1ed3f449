public class DarkMode
{
    public bool Enabled(Target target) => CfClient.Instance.boolVariation("dotnet-dark-mode", target, false);
}
