using Unleash;

public class Checkout
{
    public bool Fast(IUnleash unleash) => unleash.IsEnabled("dotnet-fast-checkout");
}
