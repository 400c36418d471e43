using System.Collections.Concurrent;
using System.Net;
using Bot.Protocol.Auth;
using Bot.Protocol.Connector;

namespace Bot.Tests.Protocol;

/// <summary>MSAL driven through our IHttpClientFactory seam against a scripted token endpoint.</summary>
public sealed class MsalTokenProviderTests
{
    private sealed class FakeIdentity : HttpMessageHandler, IHttpClientFactory
    {
        public ConcurrentQueue<(HttpMethod Method, Uri Uri, string Body)> Requests { get; } = new();
        private int issued;

        public HttpClient CreateClient(string name)
        {
            Assert.Equal(MsalTokenProvider.HttpClientName, name);
            return new HttpClient(this, disposeHandler: false);
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(ct);
            Requests.Enqueue((request.Method, request.RequestUri!, body));
            var n = Interlocked.Increment(ref issued);
            var json = request.RequestUri!.Host == "169.254.169.254" || request.RequestUri.AbsolutePath.Contains("identity", StringComparison.Ordinal)
                ? $$"""{"access_token":"msi-{{n}}","expires_on":"{{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}}","resource":"https://api.botframework.com","token_type":"Bearer"}"""
                : $$"""{"token_type":"Bearer","expires_in":3600,"ext_expires_in":3600,"access_token":"token-{{n}}"}""";
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        }
    }

    private readonly FakeIdentity identity = new();

    [Fact]
    public async Task MultiTenantUsesTheBotframeworkTenantAndCachesTheToken()
    {
        var provider = new MsalTokenProvider(new BotAuthOptions { AppId = "app-1", AppPassword = "secret", AppType = "MultiTenant" }, identity);

        Assert.Equal("token-1", await provider.GetTokenAsync(false, default));
        Assert.Equal("token-1", await provider.GetTokenAsync(false, default));
        Assert.Equal("token-2", await provider.GetTokenAsync(forceRefresh: true, default));

        var tokenRequests = identity.Requests.Where(r => r.Method == HttpMethod.Post).ToList();
        Assert.Equal(2, tokenRequests.Count);
        Assert.Equal("https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token", tokenRequests[0].Uri.GetLeftPart(UriPartial.Path));
        Assert.Contains("grant_type=client_credentials", tokenRequests[0].Body);
        Assert.Contains("client_id=app-1", tokenRequests[0].Body);
        Assert.Contains("scope=https%3A%2F%2Fapi.botframework.com%2F.default", tokenRequests[0].Body);
    }

    [Fact]
    public async Task SingleTenantUsesTheBotsTenant()
    {
        var tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
        var provider = new MsalTokenProvider(new BotAuthOptions { AppId = "app-1", AppPassword = "secret", AppType = "SingleTenant", AppTenantId = tenant }, identity);

        await provider.GetTokenAsync(false, default);

        Assert.Equal($"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
            identity.Requests.Single(r => r.Method == HttpMethod.Post).Uri.GetLeftPart(UriPartial.Path));
    }

    [Fact]
    public void SingleTenantWithoutTenantIdRefusesToStart() =>
        Assert.Throws<InvalidOperationException>(() =>
            new MsalTokenProvider(new BotAuthOptions { AppId = "app-1", AppPassword = "s", AppType = "SingleTenant" }, identity));

    [Theory]
    [InlineData("https://login.partner.microsoftonline.cn/tenant-cn", "https://login.partner.microsoftonline.cn/tenant-cn/")]
    [InlineData("https://login.partner.microsoftonline.cn", "https://login.partner.microsoftonline.cn/tenant-cn/")]
    [InlineData(null, "https://login.microsoftonline.com/tenant-cn/")]
    public void LoginUrlOverrideIsTheFullAuthorityAsInTheSdk(string? loginUrl, string expected)
    {
        var options = new BotAuthOptions { AppId = "app-1", AppPassword = "s", AppType = "SingleTenant", AppTenantId = "tenant-cn", LoginUrl = loginUrl };
        Assert.Equal(expected, new MsalTokenProvider(options, identity).Authority);
    }

    [Fact]
    public async Task ChinaCloudScopeAndAuthorityAreUsed()
    {
        var options = new BotAuthOptions
        {
            AppId = "app-1", AppPassword = "s", AppType = "SingleTenant", AppTenantId = "tenant-cn",
            LoginUrl = "https://login.partner.microsoftonline.cn/tenant-cn", OAuthScope = "https://api.botframework.azure.cn",
        };
        await new MsalTokenProvider(options, identity).GetTokenAsync(false, default);

        var post = identity.Requests.Single(r => r.Method == HttpMethod.Post);
        Assert.Equal("login.partner.microsoftonline.cn", post.Uri.Host);
        Assert.Contains("scope=https%3A%2F%2Fapi.botframework.azure.cn%2F.default", post.Body);
    }

    [Fact]
    public async Task UserAssignedManagedIdentityAsksForTheResourceWithTheClientId()
    {
        var provider = new MsalTokenProvider(new BotAuthOptions { AppId = "msi-client-1", AppType = "UserAssignedMSI", AppTenantId = "t" }, identity);

        Assert.StartsWith("msi-", await provider.GetTokenAsync(false, default));

        var request = identity.Requests.Last();
        Assert.Contains("resource=https%3A%2F%2Fapi.botframework.com", request.Uri.Query.Replace(":", "%3A").Replace("/", "%2F"));
        Assert.Contains("msi-client-1", request.Uri.Query);
    }

    [Fact]
    public async Task NoAppIdMeansNoTokenAndNoNetwork()
    {
        var provider = new MsalTokenProvider(new BotAuthOptions(), identity);
        Assert.Null(await provider.GetTokenAsync(false, default));
        Assert.Empty(identity.Requests);
    }
}
