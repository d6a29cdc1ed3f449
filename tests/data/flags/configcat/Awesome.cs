public class Awesome
{
    public async Task<bool> Enabled(IConfigCatClient client)
    {
        var sync = client.GetValue("dotnetAwesomeFeature", false);
        return sync && await client.GetValueAsync("dotnetAsyncFeature", false);
    }
}
