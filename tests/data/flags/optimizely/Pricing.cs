public class Pricing
{
    public bool Enabled(OptimizelyUserContext user) => user.Decide("dotnet-pricing-page").Enabled;
}
