public class Dashboard
{
    public void Render(GrowthBook gb)
    {
        if (gb.IsOn("dotnet-dark-mode"))
        {
            var retries = gb.GetFeatureValue<int>("dotnet-max-retries", 3);
        }
    }
}
