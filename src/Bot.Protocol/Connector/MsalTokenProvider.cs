using Bot.Protocol.Auth;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.AppConfig;

namespace Bot.Protocol.Connector;

/// <summary>
/// Client-credentials token for the Bot Connector, per <c>MicrosoftAppType</c>: MultiTenant authority
/// <c>botframework.com</c>, SingleTenant the bot's tenant, UserAssignedMSI the managed identity endpoint.
/// MSAL's in-memory app token cache serves repeated calls; one acquisition at a time keeps a cold start
/// from stampeding the token endpoint. MSAL's HTTP goes through IHttpClientFactory ("msal").
/// </summary>
public sealed class MsalTokenProvider : IBotTokenProvider
{
    public const string HttpClientName = "msal";

    private readonly BotAuthOptions options;
    private readonly IConfidentialClientApplication? confidential;
    private readonly IManagedIdentityApplication? managed;
    private readonly SemaphoreSlim gate = new(1, 1);

    public MsalTokenProvider(BotAuthOptions options, IHttpClientFactory httpClients)
    {
        this.options = options;
        if (options.AuthenticationDisabled)
            return;
        var http = new MsalHttp(httpClients);
        if (options.IsManagedIdentity)
        {
            managed = ManagedIdentityApplicationBuilder
                .Create(ManagedIdentityId.WithUserAssignedClientId(options.AppId))
                .WithHttpClientFactory(http)
                .Build();
            return;
        }
        confidential = ConfidentialClientApplicationBuilder.Create(options.AppId)
            .WithAuthority(options.Authority, validateAuthority: true)
            .WithClientSecret(options.AppPassword ?? throw new InvalidOperationException("MicrosoftAppPassword is required."))
            .WithHttpClientFactory(http)
            .Build();
    }

    /// <summary>The authority MSAL was configured with (null for managed identity or no app id).</summary>
    public string? Authority => confidential?.Authority;

    public async Task<string?> GetTokenAsync(bool forceRefresh, CancellationToken ct)
    {
        if (options.AuthenticationDisabled)
            return null;
        await gate.WaitAsync(ct);
        try
        {
            // MSI takes a resource, not a scope (ManagedIdentityAuthenticator).
            if (managed is not null)
                return (await managed.AcquireTokenForManagedIdentity(options.OAuthScope).WithForceRefresh(forceRefresh).ExecuteAsync(ct)).AccessToken;
            var scope = options.OAuthScope.TrimEnd('/') + "/.default";
            return (await confidential!.AcquireTokenForClient([scope]).WithForceRefresh(forceRefresh).ExecuteAsync(ct)).AccessToken;
        }
        finally
        {
            gate.Release();
        }
    }

    private sealed class MsalHttp(IHttpClientFactory factory) : IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => factory.CreateClient(HttpClientName);
    }
}
